"""The outbox: every e-mail is a row stored with its change, sent by a task on commit with a fixed
Message-ID, tried again with backoff (from an injected clock) and in the end sent or failed, with the
outcome audited. These use Django's in-memory mail backend, or one that fails as a mail server would."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from audit.models import Action, AuditEvent
from outbox.due import enqueue_due_messages
from outbox.models import OutboundMessage
from outbox.services import describe, message_queue, message_send
from tests.workgroup.conftest import group  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

Status = OutboundMessage.Status
SECRET = "Laps A sai kodus vigastada"  # stands for case details in the text


class RefusingBackend(BaseEmailBackend):
    """A mail server that answers 451 to every recipient, as a busy or greylisting server does."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused(
            {address: (451, b"4.3.0 Try again later") for message in email_messages for address in message.to}
        )


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.outbox.test_outbox.RefusingBackend"
    return settings


def queue_one(**overrides) -> OutboundMessage:
    values = {"kind": OutboundMessage.Kind.ADMINISTRATOR_NOTICE, "to": ["ops@example.org"], "subject": "Teade"}
    values.update(overrides)
    return message_queue(body=f"Tekst: {SECRET}", **values)


def fresh(message: OutboundMessage) -> OutboundMessage:
    return OutboundMessage.objects.get(pk=message.pk)


def test_a_message_is_sent_on_commit_with_its_own_message_id(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_one(cc=["copy@example.org"])
        assert mail.outbox == []  # not before the change commits
    (email,) = mail.outbox
    assert email.extra_headers["Message-ID"] == message.message_id
    assert email.message()["Message-ID"] == message.message_id
    assert email.to == ["ops@example.org"] and email.cc == ["copy@example.org"]
    sent = fresh(message)
    assert (sent.status, sent.attempts, sent.last_error) == (Status.SENT, 1, "")
    assert sent.sent_at is not None
    # Once sent, the text is not kept: the thing it is about keeps its own record.
    assert sent.body == "" and sent.calendar == ""
    event = AuditEvent.objects.get(action=Action.DELIVER)
    assert event.object_type == "outbox.outboundmessage" and event.object_id == str(message.pk)
    assert event.detail["outcome"] == "sent" and event.detail["message_id"] == message.message_id
    assert SECRET not in str(event.detail)


def test_a_rolled_back_change_leaves_no_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        queue_one()
        raise RuntimeError("the change failed")
    assert not OutboundMessage.objects.exists() and mail.outbox == []


def test_a_refused_message_is_tried_again_with_backoff_then_fails_visibly(refusing, django_capture_on_commit_callbacks):
    refusing.OUTBOX_MAX_ATTEMPTS = 3
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_one()
    first = fresh(message)
    assert (first.status, first.attempts) == (Status.QUEUED, 1)
    assert first.last_error == "SMTPRecipientsRefused: 451 4.3.0 Try again later"
    assert first.next_attempt_at == first.last_attempt_at + dt.timedelta(minutes=1)
    assert SECRET not in first.last_error and first.body  # kept to send again

    # A minute has not passed by the injected clock: nothing is due.
    assert enqueue_due_messages(now=first.next_attempt_at - dt.timedelta(seconds=1)) == []
    later = first.next_attempt_at
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_due_messages(now=later) == [f"e-mail {message.pk} attempt 2"]
    second = fresh(message)
    assert (second.status, second.attempts) == (Status.QUEUED, 2)
    # The task ran at once here (real clock), so its backoff counts from then: 2 minutes.
    assert second.next_attempt_at == second.last_attempt_at + dt.timedelta(minutes=2)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_due_messages(now=second.next_attempt_at)
    last = fresh(message)
    assert (last.status, last.attempts, last.next_attempt_at) == (Status.FAILED, 3, None)
    assert enqueue_due_messages(now=start + dt.timedelta(days=1)) == []
    event = AuditEvent.objects.get(action=Action.DELIVER)
    assert event.detail["outcome"] == "failed" and event.detail["attempts"] == 3
    assert event.detail["error"].startswith("SMTPRecipientsRefused")


def test_the_backoff_comes_from_the_injected_clock(refusing):
    message = queue_one()
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    assert message_send(message_pk=message.pk, task_id="t1", now=now) == Status.QUEUED
    assert fresh(message).next_attempt_at == now + dt.timedelta(minutes=1)
    assert message_send(message_pk=message.pk, task_id="t2", now=now + dt.timedelta(minutes=1)) == Status.QUEUED
    assert fresh(message).next_attempt_at == now + dt.timedelta(minutes=3)


def test_a_message_is_sent_once_however_often_its_task_runs(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_one()
    assert message_send(message_pk=message.pk, task_id="another") == Status.SENT
    assert enqueue_due_messages(now=timezone.now() + dt.timedelta(days=1)) == []
    assert len(mail.outbox) == 1


def test_a_message_whose_worker_was_lost_while_sending_is_sent_again_with_the_same_message_id(
    django_capture_on_commit_callbacks, settings
):
    message = queue_one()  # its task never ran (the on-commit callbacks were not run)
    now = timezone.now()
    # A task took it and its worker was killed mid-send: it stays "being sent", held for the lease.
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_by="lost-task", attempts=1, next_attempt_at=now + dt.timedelta(minutes=15)
    )
    assert message_send(message_pk=message.pk, task_id="someone-else") == Status.SENDING  # held
    assert enqueue_due_messages(now=now + dt.timedelta(minutes=14)) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_due_messages(now=now + dt.timedelta(minutes=15)) == [f"e-mail {message.pk} attempt 2"]
    (email,) = mail.outbox
    assert email.message()["Message-ID"] == message.message_id
    assert (fresh(message).status, fresh(message).attempts) == (Status.SENT, 2)


def test_a_message_whose_first_task_was_never_queued_is_sent_after_the_lease(django_capture_on_commit_callbacks):
    message = queue_one()  # on-commit callbacks not run: as if enqueueing failed after the commit
    assert enqueue_due_messages(now=timezone.now()) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert len(enqueue_due_messages(now=timezone.now() + dt.timedelta(minutes=16))) == 1
    assert fresh(message).status == Status.SENT and len(mail.outbox) == 1


def test_a_message_lost_mid_send_on_its_last_attempt_ends_failed(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = queue_one()
    now = timezone.now()
    OutboundMessage.objects.filter(pk=message.pk).update(status=Status.SENDING, attempts=2, next_attempt_at=now)
    (line,) = enqueue_due_messages(now=now)
    assert "failed" in line
    assert fresh(message).status == Status.FAILED and "interrupted" in fresh(message).last_error


def test_an_attachment_deleted_before_sending_fails_the_message_at_once(group, people):  # noqa: F811
    from django.core.files.base import ContentFile

    from workgroup.models import Material

    meeting = group["meeting"]
    material = Material(meeting=meeting, title="Kava", original_name="kava.pdf", uploaded_by=people["koordinaator"])
    material.file.save("kava.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    material.save()
    message = queue_one(attachments=[material])
    Material.objects.filter(pk=material.pk).delete()
    assert message_send(message_pk=message.pk, task_id="t") == Status.FAILED
    failed = fresh(message)
    assert failed.attempts == 1 and "attachment was deleted" in failed.last_error


def test_errors_are_described_without_the_message():
    assert (
        describe(smtplib.SMTPDataError(554, b"5.7.1 Rejected as spam")) == "SMTPDataError: 554 5.7.1 Rejected as spam"
    )
    assert describe(ConnectionRefusedError(111, "Connection refused")) == "ConnectionRefusedError: Connection refused"
    assert describe(UnicodeEncodeError("ascii", SECRET, 0, 1, "no")) == "UnicodeEncodeError"
    assert describe(ValueError(SECRET)) == "ValueError"
