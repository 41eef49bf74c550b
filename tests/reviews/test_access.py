"""Who sees which review, and the audit event every read and every list writes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent, Purpose
from reviews.models import Review

pytestmark = pytest.mark.django_db


def reads_of(review):
    return AuditEvent.objects.filter(action=Action.READ, object_type="reviews.review", object_id=str(review.pk))


def test_coordinator_reads_the_review_for_coordination(people, login, demo_case):
    review = demo_case["review"]
    response = login(people["koordinaator"]).get(reverse("reviews:detail", kwargs={"pk": review.pk}))
    assert response.status_code == 200
    assert response.context["case_data"] is True
    event = reads_of(review).get()
    assert (event.actor, event.purpose, event.review_id) == (people["koordinaator"], Purpose.COORDINATION, review.pk)


@pytest.mark.parametrize("username", ["analyytik", "meeskonnaliige"])
def test_lead_reviewer_and_team_member_read_their_review(people, login, demo_case, username):
    review = demo_case["review"]
    response = login(people[username]).get(reverse("reviews:detail", kwargs={"pk": review.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert review.reference in html
    assert reverse("reviews:team", kwargs={"pk": review.pk}) not in html
    event = reads_of(review).get()
    assert (event.actor, event.purpose, event.review_id) == (people[username], Purpose.REVIEW, review.pk)


@pytest.mark.parametrize("username", ["asutus", "tooruhm", "metoodik", "audiitor", "juhtkond", "haldur"])
def test_agency_contributor_and_others_get_not_found(people, login, demo_case, username):
    review = demo_case["review"]
    assert login(people[username]).get(reverse("reviews:detail", kwargs={"pk": review.pk})).status_code == 404
    assert not reads_of(review).exists()


def test_signed_out_visitor_is_sent_to_sign_in(client, demo_case):
    for url in (
        reverse("reviews:detail", kwargs={"pk": demo_case["review"].pk}),
        reverse("reviews:team", kwargs={"pk": demo_case["review"].pk}),
        reverse("reviews:list"),
        reverse("reviews:start"),
        reverse("reviews:figures"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not AuditEvent.objects.exists()


def test_review_list_names_the_reviews_shown(people, login, demo_case):
    response = login(people["analyytik"]).get(reverse("reviews:list"))
    assert demo_case["review"].reference in response.content.decode()
    event = AuditEvent.objects.get(action=Action.LIST)
    assert (event.object_type, event.object_ids, event.purpose) == (
        "reviews.review",
        [str(demo_case["review"].pk)],
        Purpose.REVIEW,
    )


def test_agency_contributor_sees_no_reviews_in_the_list(people, login, demo_case):
    response = login(people["asutus"]).get(reverse("reviews:list"))
    assert response.status_code == 200
    assert demo_case["review"].reference not in response.content.decode()
    assert AuditEvent.objects.get(action=Action.LIST).object_ids == []


def test_visible_to_is_the_one_rule(people, demo_case):
    review = demo_case["review"]
    assert list(Review.objects.visible_to(people["koordinaator"])) == [review]
    assert list(Review.objects.visible_to(people["analyytik"])) == [review]
    assert list(Review.objects.visible_to(people["meeskonnaliige"])) == [review]
    assert list(Review.objects.visible_to(people["asutus"])) == []
    assert list(Review.objects.visible_to(people["juhtkond"])) == []


@pytest.mark.parametrize("username", ["analyytik", "meeskonnaliige", "asutus", "juhtkond", "audiitor"])
def test_start_page_and_team_page_are_for_the_coordinator(people, login, demo_case, username):
    client = login(people[username])
    assert client.get(reverse("reviews:start")).status_code == 403
    # Readers of the review are told they may not; everyone else cannot tell that the review exists.
    expected = 403 if username in ("analyytik", "meeskonnaliige") else 404
    assert client.get(reverse("reviews:team", kwargs={"pk": demo_case["review"].pk})).status_code == expected


def test_figures_are_for_management_and_the_coordinator_and_show_no_case_details(people, login, demo_case):
    for username in ("juhtkond", "koordinaator"):
        response = login(people[username]).get(reverse("reviews:figures"))
        assert response.status_code == 200
        html = response.content.decode()
        for detail in ("TV-DEMO", "Laps A", "Laps B", "Liis", "Analüütik"):
            assert detail not in html
    event = AuditEvent.objects.filter(action=Action.LIST, object_type="reviews.figures").first()
    assert event.object_ids == []
    for username in ("analyytik", "meeskonnaliige", "asutus", "audiitor", "tooruhm"):
        assert login(people[username]).get(reverse("reviews:figures")).status_code == 403


def test_figures_count_notifications_decisions_and_reviews(people, login, demo_case):
    client = login(people["juhtkond"])
    client.cookies["tagasivaade_language"] = "en"
    response = client.get(reverse("reviews:figures"))
    context = response.context
    assert context["notifications_total"] == 2
    assert {row["label"]: row["count"] for row in context["outcomes"]}["Hospitalisation"] == 2
    assert {row["label"]: row["count"] for row in context["causes"]}["Medical neglect"] == 1
    assert {row["label"]: row["count"] for row in context["decisions"]}["Full review"] == 1
    assert {row["label"]: row["count"] for row in context["review_types"]}["Full review"] == 1
    assert context["overdue_milestones"] == 1
    # Management reads small counts as "fewer than 5"; the numbers themselves are not on the page.
    html = response.content.decode()
    assert "fewer than 5" in html
    assert "<td>2</td>" not in html and "<td>1</td>" not in html


def test_the_coordinator_sees_small_counts_as_numbers(people, login, demo_case):
    client = login(people["koordinaator"])
    client.cookies["tagasivaade_language"] = "en"
    html = client.get(reverse("reviews:figures")).content.decode()
    assert "<td>2</td>" in html and "fewer than" not in html
