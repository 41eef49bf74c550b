"""Screening against the case definition: each decision, the checklist, and the review it opens."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from method.models import MethodVersion
from notifications.models import Notification, ScreeningDecision
from reviews.models import Milestone, Review

from .helpers import english, record

pytestmark = pytest.mark.django_db

AWARE, RECORDED = dt.date(2026, 1, 7), dt.date(2026, 1, 9)


def checklist_post(notification: Notification, chosen: str, **overrides) -> dict[str, str]:
    codes = notification.method_version.data.codes("screening_checklist")
    data = {f"answer_{code}": "yes" for code in codes}
    data.update({"decision": chosen, "reasons": "In scope: hospitalised after medical neglect."})
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def screen_through_page(client, notification, chosen, **overrides):
    return client.post(
        reverse("notifications:screening", kwargs={"pk": notification.pk}),
        checklist_post(notification, chosen, **overrides),
    )


def test_full_review_decision_opens_a_full_review_with_milestones_from_the_method(people, login):
    notification = record(people["koordinaator"], aware=AWARE, recorded=RECORDED)
    client = login(people["koordinaator"])
    assert client.get(reverse("notifications:screening", kwargs={"pk": notification.pk})).status_code == 200

    response = screen_through_page(client, notification, "full_review", answer_sexually_abused="no")

    review = Review.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:detail", kwargs={"pk": review.pk})
    screening = ScreeningDecision.objects.get()
    assert screening.decision == "full_review"
    assert screening.answers["sexually_abused"] == "no"
    assert set(screening.answers) == set(notification.method_version.data.codes("screening_checklist"))
    assert screening.decided_by == people["koordinaator"]
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SCREENED
    assert review.review_type == "full"
    assert review.method_version == notification.method_version
    assert review.reference == f"{notification.reference}-R1"
    milestones = {m.stage_code: m for m in review.milestones.all()}
    # Every stage with a time limit; the notification stage is done on the day it was recorded.
    assert set(milestones) == {
        "notification",
        "rapid_review",
        "information_gathering",
        "recommendations_and_report",
        "monitoring",
    }
    assert milestones["notification"].completed_on == RECORDED
    assert milestones["rapid_review"].due_on == dt.date(2026, 1, 30)  # 15 working days after 9.1.2026
    opened = review.opened_on
    from core.workdays import add_months, add_working_days

    assert milestones["information_gathering"].due_on == add_working_days(opened, 10)
    assert milestones["recommendations_and_report"].due_on == add_months(opened, 6)
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="notifications.screeningdecision").count() == 1
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="reviews.review", review_id=review.pk).exists()


def test_rapid_review_decision_opens_a_rapid_review_ending_with_the_rapid_review_stage(people, login):
    notification = record(people["koordinaator"])
    screen_through_page(login(people["koordinaator"]), notification, "rapid_review")
    review = Review.objects.get()
    assert review.review_type == "rapid"
    assert list(review.milestones.values_list("stage_code", flat=True)) == ["notification", "rapid_review"]


def test_no_review_decision_is_recorded_and_closes_the_notification(people, login):
    notification = record(people["koordinaator"])
    client = english(login(people["koordinaator"]))
    response = screen_through_page(client, notification, "no_review", answer_learning_potential="no")

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:detail", kwargs={"pk": notification.pk})
    notification.refresh_from_db()
    assert notification.status == Notification.Status.CLOSED
    assert ScreeningDecision.objects.get().reasons == "In scope: hospitalised after medical neglect."
    assert not Review.objects.exists()
    detail = client.get(response["Location"]).content.decode()
    assert "No review" in detail


def test_every_checklist_question_must_be_answered_and_nothing_is_saved(people, login):
    notification = record(people["koordinaator"])
    response = screen_through_page(
        english(login(people["koordinaator"])), notification, "full_review", answer_child_under_18=None
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Answer this question: yes, no or unknown." in html
    assert 'href="#id_answer_child_under_18_0"' in html
    assert not ScreeningDecision.objects.exists()
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reasons": ""}, "Give the reasons for the decision."),
        ({"decision": "maybe_later"}, "maybe_later is not a decision in the method"),
        ({"answer_child_under_18": "perhaps"}, "Answer yes, no or unknown."),
    ],
)
def test_bad_screening_input_saves_nothing(people, login, overrides, message):
    notification = record(people["koordinaator"])
    response = screen_through_page(english(login(people["koordinaator"])), notification, "full_review", **overrides)
    assert message in response.content.decode()
    assert not ScreeningDecision.objects.exists()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.OPEN


def test_a_notification_is_screened_only_once(people, login):
    notification = record(people["koordinaator"])
    client = login(people["koordinaator"])
    screen_through_page(client, notification, "full_review")
    again = screen_through_page(client, notification, "rapid_review")
    assert again.status_code == 302
    assert ScreeningDecision.objects.count() == 1
    assert Review.objects.count() == 1


def test_review_keeps_the_method_version_of_its_notification_after_a_new_one_is_published(people, login):
    notification = record(people["koordinaator"], recorded=RECORDED)
    version_one = notification.method_version
    content = copy.deepcopy(version_one.content)
    for stage in content["stages"]:
        if stage["code"] == "rapid_review":
            stage["time_limit"]["amount"] = 20
    version_two = MethodVersion.objects.create(number=2, status="published", content=content, based_on=version_one)
    assert MethodVersion.objects.current() == version_two

    screen_through_page(login(people["koordinaator"]), notification, "full_review")

    review = Review.objects.get()
    assert review.method_version == version_one
    assert Milestone.objects.get(review=review, stage_code="rapid_review").due_on == dt.date(2026, 1, 30)
    newer = record(people["koordinaator"], recorded=RECORDED)
    assert newer.method_version == version_two
    assert newer.rapid_review_due == dt.date(2026, 2, 6)  # 20 working days under version 2


def test_only_the_coordinator_screens(people, login, demo_case, client):
    url = reverse("notifications:screening", kwargs={"pk": demo_case["open_notification"].pk})
    for username in ("analyytik", "meeskonnaliige", "asutus", "juhtkond"):
        assert login(people[username]).get(url).status_code == 403
        assert login(people[username]).post(url, {}).status_code == 403
    assert client.get(url).status_code == 302
    assert not ScreeningDecision.objects.filter(notification=demo_case["open_notification"]).exists()
