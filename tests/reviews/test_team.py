"""The coordinator puts together the review team."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from reviews.models import ReviewMembership

pytestmark = pytest.mark.django_db


def test_coordinator_adds_a_team_member_with_a_sector(people, login, demo_case):
    review = demo_case["review"]
    client = login(people["koordinaator"])
    url = reverse("reviews:team", kwargs={"pk": review.pk})
    assert client.get(url).status_code == 200

    response = client.post(url, {"user": people["tooruhm"].pk, "role": "team_member", "sector": "education"})

    assert response.status_code == 302
    membership = ReviewMembership.objects.get(review=review, user=people["tooruhm"])
    assert (membership.role, membership.sector) == ("team_member", "education")
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="reviews.reviewmembership")
    assert event.review_id == review.pk
    # The new member now sees the review.
    assert login(people["tooruhm"]).get(reverse("reviews:detail", kwargs={"pk": review.pk})).status_code == 200


def test_the_same_role_twice_is_refused(people, login, demo_case):
    review = demo_case["review"]
    client = login(people["koordinaator"])
    client.cookies["tagasivaade_language"] = "en"
    response = client.post(
        reverse("reviews:team", kwargs={"pk": review.pk}),
        {"user": people["analyytik"].pk, "role": "lead_reviewer", "sector": ""},
    )
    assert response.status_code == 200
    assert "This person already has this role in the review." in response.content.decode()
    assert ReviewMembership.objects.filter(review=review, user=people["analyytik"]).count() == 1


def test_an_unknown_sector_is_refused(people, login, demo_case):
    review = demo_case["review"]
    response = login(people["koordinaator"]).post(
        reverse("reviews:team", kwargs={"pk": review.pk}),
        {"user": people["tooruhm"].pk, "role": "team_member", "sector": "astrology"},
    )
    assert response.status_code == 200
    assert not ReviewMembership.objects.filter(user=people["tooruhm"]).exists()


def test_coordinator_removes_a_member_who_then_loses_access(people, login, demo_case):
    review = demo_case["review"]
    membership = ReviewMembership.objects.get(review=review, user=people["meeskonnaliige"])
    response = login(people["koordinaator"]).post(
        reverse("reviews:team", kwargs={"pk": review.pk}), {"remove": membership.pk}
    )
    assert response.status_code == 302
    assert not ReviewMembership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action=Action.DELETE, object_type="reviews.reviewmembership").count() == 1
    assert login(people["meeskonnaliige"]).get(reverse("reviews:detail", kwargs={"pk": review.pk})).status_code == 404


def test_lead_reviewer_cannot_change_the_team(people, login, demo_case):
    review = demo_case["review"]
    response = login(people["analyytik"]).post(
        reverse("reviews:team", kwargs={"pk": review.pk}),
        {"user": people["tooruhm"].pk, "role": "team_member", "sector": ""},
    )
    assert response.status_code == 403
    assert not ReviewMembership.objects.filter(user=people["tooruhm"]).exists()
