"""The main menu shows each person the parts of the product their roles open."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

REVIEWS = reverse("reviews:list")


@pytest.mark.parametrize("username", ["koordinaator", "analyytik", "meeskonnaliige"])
def test_reviews_are_in_the_menu_of_the_coordinator_and_the_review_team(people, login, demo_case, username):
    page = login(people[username]).get(reverse("core:accessibility")).content.decode()
    assert f'href="{REVIEWS}"' in page


@pytest.mark.parametrize("username", ["asutus", "juhtkond", "audiitor", "haldur", "metoodik"])
def test_reviews_are_not_in_the_menu_of_people_without_a_review(people, login, demo_case, username):
    page = login(people[username]).get(reverse("core:accessibility")).content.decode()
    assert f'href="{REVIEWS}"' not in page


def test_only_one_menu_entry_is_current(people, login, demo_case):
    page = login(people["koordinaator"]).get(reverse("reviews:start")).content.decode()
    assert page.count('aria-current="page"') == 1
