"""The coordinator and the lead reviewer mark a review's milestones done; the next deadline moves on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from core.dates import format_date, today
from tests.concurrency import page_form

pytestmark = pytest.mark.django_db


def url(review, milestone):
    return reverse("reviews:milestone_update", kwargs={"pk": review.pk, "milestone_pk": milestone.pk})


@pytest.mark.parametrize("username", ["koordinaator", "analyytik"])
def test_coordinator_and_lead_reviewer_mark_a_milestone_done(people, login, demo_case, username):
    review = demo_case["review"]
    milestone = review.milestones.filter(completed_on__isnull=True).first()
    client = login(people[username])

    response = client.post(url(review, milestone), {"done": "yes", "revision": milestone.revision})

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == today()
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="reviews.milestone")
    assert (event.actor, event.review_id, event.detail["stage"]) == (people[username], review.pk, milestone.stage_code)
    page = client.get(reverse("reviews:detail", kwargs={"pk": review.pk})).content.decode()
    assert "Mark as not done" in page


def test_a_done_milestone_can_be_marked_not_done_again(people, login, demo_case):
    review = demo_case["review"]
    milestone = review.milestones.filter(completed_on__isnull=True).first()
    client = login(people["analyytik"])
    client.post(url(review, milestone), {"done": "yes", "revision": "0"})
    client.post(url(review, milestone), {"done": "no", "revision": "1"})
    milestone.refresh_from_db()
    assert milestone.completed_on is None


def test_team_member_may_read_but_not_keep_milestones(people, login, demo_case):
    review = demo_case["review"]
    milestone = review.milestones.filter(completed_on__isnull=True).first()
    client = login(people["meeskonnaliige"])
    page = client.get(reverse("reviews:detail", kwargs={"pk": review.pk})).content.decode()
    assert "Mark as done" not in page
    assert client.post(url(review, milestone), {"done": "yes"}).status_code == 403
    milestone.refresh_from_db()
    assert milestone.completed_on is None


def test_outsider_gets_404_and_changes_nothing(people, login, demo_case):
    review = demo_case["review"]
    milestone = review.milestones.filter(completed_on__isnull=True).first()
    assert login(people["tooruhm"]).post(url(review, milestone), {"done": "yes"}).status_code == 404
    milestone.refresh_from_db()
    assert milestone.completed_on is None


def test_the_start_page_shows_the_next_open_milestone_after_one_is_done(people, login, demo_case):
    review = demo_case["review"]
    first, second = list(review.milestones.filter(completed_on__isnull=True).order_by("due_on", "pk")[:2])
    login(people["koordinaator"]).post(url(review, first), {"done": "yes", "revision": first.revision})
    page = login(people["koordinaator"]).get(reverse("reviews:start")).content.decode()
    assert review.reference in page
    assert format_date(second.due_on) in page


def test_a_mark_from_a_page_shown_before_someone_elses_is_refused(people, login, demo_case):
    """Two people have the review open; one marks a stage done, the other, not seeing it, would undo it."""
    review = demo_case["review"]
    milestone = review.milestones.filter(completed_on__isnull=True).first()
    first, second = login(people["koordinaator"]), login(people["analyytik"])
    detail = reverse("reviews:detail", kwargs={"pk": review.pk})
    stale = page_form(second.get(detail), action=url(review, milestone))
    opened = page_form(first.get(detail), action=url(review, milestone))
    assert first.post(url(review, milestone), {**opened, "done": "yes"}).status_code == 302
    refused = second.post(url(review, milestone), {**stale, "done": "yes"}, follow=True)
    milestone.refresh_from_db()
    assert milestone.completed_on == today() and milestone.revision == 1
    page = refused.content.decode()
    assert 'role="alert"' in page and "Someone else changed this after you opened the page" in page
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_type="reviews.milestone").count() == 1
    # The page now shows the stage done; marking it not done from there is deliberate.
    fresh = page_form(refused, action=url(review, milestone))
    assert second.post(url(review, milestone), {**fresh, "done": "no"}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on is None
