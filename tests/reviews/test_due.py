"""Deadlines that pass are announced to the coordinators once, through the due-work producer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail

from audit.models import Action, AuditEvent
from reviews.due import enqueue_deadline_alerts
from reviews.models import DeadlineAlert, Milestone, Review
from tests.notifications.helpers import record

pytestmark = pytest.mark.django_db

PRODUCER = "reviews.due.enqueue_deadline_alerts"


def test_passed_deadlines_are_mailed_to_coordinators_once(people, demo_case, django_capture_on_commit_callbacks):
    late = record(people["koordinaator"])  # open, rapid review due 30.1.2026
    overdue_milestone = Milestone.objects.get(review=demo_case["review"], stage_code="information_gathering")

    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_deadline_alerts() == 2

    alerts = DeadlineAlert.objects.all()
    assert {(a.kind, a.milestone_id, a.notification_id) for a in alerts} == {
        ("milestone", overdue_milestone.pk, None),
        ("rapid_review", None, late.pk),
    }
    assert all(alert.sent_at for alert in alerts)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [people["koordinaator"].email]
    assert demo_case["review"].reference in message.body
    assert late.reference in message.body
    assert "Laps" not in message.body
    sent = AuditEvent.objects.get(action=Action.SEND)
    assert set(sent.object_ids) == {str(a.pk) for a in alerts}

    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_deadline_alerts() == 0
    assert DeadlineAlert.objects.count() == 2
    assert len(mail.outbox) == 1


def test_deadlines_not_yet_passed_completed_or_closed_are_not_announced(people, demo_case):
    review = demo_case["review"]
    assert enqueue_deadline_alerts(today=dt.date(2026, 1, 1)) == 0
    Milestone.objects.filter(review=review).update(completed_on=dt.date(2026, 1, 1))
    Review.objects.filter(pk=review.pk).update(status=Review.Status.CLOSED)
    assert enqueue_deadline_alerts() == 0
    assert not DeadlineAlert.objects.exists()


def test_a_screened_notification_is_no_longer_announced_for_its_rapid_review(people, demo_case):
    assert enqueue_deadline_alerts() == 1  # only the demo review's passed milestone
    assert DeadlineAlert.objects.get().kind == DeadlineAlert.Kind.MILESTONE


def test_producer_is_run_every_minute_by_the_scheduler(people, demo_case, django_capture_on_commit_callbacks):
    from core.scheduler import run_due

    assert PRODUCER in settings.DUE_WORK_PRODUCERS
    with django_capture_on_commit_callbacks(execute=True):
        runs = run_due([PRODUCER])
    assert runs[0].enqueued == 1 and not runs[0].failed
    assert run_due([PRODUCER])[0].enqueued == 0
    assert len(mail.outbox) == 1
