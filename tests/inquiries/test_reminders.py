"""Reminders of information requests before and after the due date: one of each kind, however often
the scheduler runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from audit.models import Action, AuditEvent, Purpose
from core.workdays import add_working_days
from inquiries.due import enqueue_reminders
from inquiries.models import InformationRequest, RequestReminder, RequestStatus

pytestmark = pytest.mark.django_db


def run(on: dt.date, capture) -> int:
    with capture(execute=True):
        return enqueue_reminders(today=on)


def test_the_producer_is_scheduled():
    assert "inquiries.due.enqueue_reminders" in settings.DUE_WORK_PRODUCERS


def test_nothing_is_due_right_after_sending(inquiries, django_capture_on_commit_callbacks):
    assert run(timezone.localdate(), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_one_reminder_before_and_one_after_the_due_date(inquiries, django_capture_on_commit_callbacks):
    item = inquiries["sent_request"]
    due = item.due_on
    before = due - dt.timedelta(days=1)
    while add_working_days(before, 2) < due:
        before += dt.timedelta(days=1)
    assert run(before, django_capture_on_commit_callbacks) == 1
    assert run(before, django_capture_on_commit_callbacks) == 0
    assert run(due, django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    first = mail.outbox[0]
    assert first.to == ["vald@naidisvald.example"]
    assert first.subject.startswith("Meeldetuletus") or first.subject.startswith("Reminder")
    assert f"/reviews/requests/{item.pk}/" in first.body
    item.refresh_from_db()
    assert item.reminder_count == 1 and item.status(due) == RequestStatus.REMINDED

    after = due + dt.timedelta(days=1)
    assert run(after, django_capture_on_commit_callbacks) == 1
    assert run(after + dt.timedelta(days=7), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2
    item.refresh_from_db()
    assert item.reminder_count == 2 and item.status(after) == RequestStatus.OVERDUE
    assert sorted(RequestReminder.objects.filter(request=item).values_list("kind", flat=True)) == [
        "after_due",
        "before_due",
    ]
    events = AuditEvent.objects.filter(action=Action.SEND, object_id=str(item.pk), purpose=Purpose.SYSTEM)
    assert [event.detail["reminder"] for event in events] == ["before_due", "after_due"]


def test_received_and_draft_requests_are_not_reminded(inquiries, django_capture_on_commit_callbacks):
    item = inquiries["sent_request"]
    InformationRequest.objects.filter(pk=item.pk).update(received_at=timezone.now())
    assert run(item.due_on + dt.timedelta(days=3), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == [] and not RequestReminder.objects.exists()


def test_a_concurrent_run_does_not_send_twice(inquiries, django_capture_on_commit_callbacks):
    item = inquiries["sent_request"]
    # Another process recorded the reminder a moment ago: this run finds nothing new to do.
    RequestReminder.objects.create(request=item, kind=RequestReminder.Kind.AFTER_DUE)
    assert run(item.due_on + dt.timedelta(days=1), django_capture_on_commit_callbacks) == 0
    assert RequestReminder.objects.count() == 1
