"""The interface is Estonian first, with English and Russian a switch away."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture
def estonian_default(settings):
    settings.LANGUAGE_CODE = "et"


@pytest.mark.django_db
def test_a_visitor_without_a_language_choice_gets_estonian(estonian_default):
    response = Client().get(reverse("core:accessibility"))
    assert response.status_code == 200
    assert '<html lang="et">' in response.content.decode()
    assert response["Content-Language"] == "et"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_language_switch_changes_the_language(estonian_default, language):
    client = Client()
    response = client.post(reverse("set_language"), {"language": language, "next": "/accessibility/"})
    assert response.status_code == 302
    page = client.get(reverse("core:accessibility")).content.decode()
    assert f'<html lang="{language}">' in page


@pytest.mark.django_db
def test_the_language_switch_offers_each_language_in_its_own_language(estonian_default):
    page = Client().get(reverse("core:accessibility")).content.decode()
    assert 'lang="en"' in page and "English" in page
    assert 'lang="ru"' in page and "Русский" in page
    assert 'lang="et"' in page and "Eesti" in page


@pytest.mark.django_db
def test_the_browser_language_does_not_turn_the_interface_away_from_estonian(estonian_default):
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9,ru;q=0.8").get(reverse("core:accessibility"))
    assert '<html lang="et">' in response.content.decode()
    assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_estonian(estonian_default, settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert '<html lang="et">' in client.get(reverse("core:accessibility")).content.decode()
