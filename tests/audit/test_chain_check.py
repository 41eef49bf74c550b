"""The daily verification of the audit chain, enqueued by `run_due` (audit.due) and run as a task."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from audit.due import enqueue_chain_check
from audit.log import record
from audit.models import Action, AuditChainCheck, AuditEvent, Purpose

NOON = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def events(users):
    for _ in range(3):
        record(actor=users["koordinaator"], action=Action.READ, purpose=Purpose.COORDINATION)


def test_run_due_twice_on_the_same_day_enqueues_the_check_once(events, settings, django_capture_on_commit_callbacks):
    settings.DUE_WORK_PRODUCERS = ["audit.due.enqueue_chain_check"]
    outputs = []
    for _ in range(2):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            call_command("run_due", stdout=out)
        outputs.append((out.getvalue(), len(callbacks)))
    (first, first_tasks), (second, second_tasks) = outputs
    assert "audit.due.enqueue_chain_check: enqueued 1: audit chain check for" in first
    assert "audit.due.enqueue_chain_check: enqueued 0" in second
    # The first run queued the check; the check (run at once here) queued the anchor e-mail to send.
    assert (first_tasks, second_tasks) == (2, 0)
    check = AuditChainCheck.objects.get()
    # The tests run tasks at once (ImmediateBackend): the check has run and found the chain intact.
    assert (check.intact, check.events, check.problem) == (True, 3, "")
    assert check.finished_at is not None
    # Only the anchor is mailed; nothing says the log is broken.
    (message,) = mail.outbox
    assert "Audit log anchor for" in message.subject and "broken" not in message.subject


def test_the_next_day_gets_its_own_check(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_chain_check(NOON) == ["audit chain check for 2026-11-25"]
        assert enqueue_chain_check(NOON + dt.timedelta(hours=1)) == []
        assert enqueue_chain_check(NOON + dt.timedelta(days=1)) == ["audit chain check for 2026-11-26"]
    assert list(AuditChainCheck.objects.order_by("day").values_list("day", flat=True)) == [
        dt.date(2026, 11, 25),
        dt.date(2026, 11, 26),
    ]


def test_the_day_is_the_day_in_tallinn(db, django_capture_on_commit_callbacks):
    # 22:30 UTC on 25 November is 00:30 on 26 November in Tallinn.
    late = dt.datetime(2026, 11, 25, 22, 30, tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_chain_check(late) == ["audit chain check for 2026-11-26"]


def test_nothing_is_enqueued_when_the_transaction_fails(db, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue_chain_check(NOON)
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert not AuditChainCheck.objects.exists()


def test_a_broken_chain_is_recorded_logged_and_emailed_to_the_administrators(
    events, users, caplog, django_capture_on_commit_callbacks
):
    AuditEvent.objects.filter(sequence=2).update(path="/tampered/")
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_chain_check(NOON)
    check = AuditChainCheck.objects.get()
    assert (check.intact, check.events) == (False, 1)
    assert check.problem == "event 2: its contents were altered"
    assert "Audit log broken at event 2: its contents were altered" in caplog.text
    (message,) = mail.outbox
    assert message.to == [users["haldur"].email]
    assert "event 2" in message.body and "25.11.2026" in message.body


def test_the_task_fails_when_the_chain_is_broken(events):
    from audit.tasks import verify_audit_chain

    AuditEvent.objects.filter(sequence=3).delete()
    check = AuditChainCheck.objects.create(day=dt.date(2026, 11, 25), enqueued_at=NOON)
    result = verify_audit_chain.enqueue(check.pk)
    assert result.status == "FAILED"
    assert "AuditChainBroken" in result.errors[0].exception_class_path
    check.refresh_from_db()
    assert check.problem.startswith("event 3:")


def test_an_intact_chain_mails_its_anchor_out_of_the_database(events, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_chain_check(NOON)
    # The anchor is the head when the check ran; the e-mail's delivery, audited after it, came later.
    head = AuditEvent.objects.exclude(action=Action.DELIVER).order_by("-sequence").first()
    assert AuditEvent.objects.order_by("-sequence").first().sequence == head.sequence + 1
    (message,) = mail.outbox
    assert message.to == [users["haldur"].email]
    assert f"{head.sequence}:{head.hash}" in message.body
    # The anchor verifies while the event is unchanged ...
    call_command("audit_verify", "--anchor", f"{head.sequence}:{head.hash}", stdout=StringIO())


def test_a_rewritten_chain_is_caught_by_an_earlier_anchor(events):
    from django.core.management.base import CommandError

    from audit.log import event_hash, hashed_fields
    from audit.models import AuditChainHead

    first = AuditEvent.objects.get(sequence=1)
    anchor = f"1:{first.hash}"
    # Someone with database access alters event 1 and recomputes every hash and the head: the chain
    # itself verifies again, but the anchor mailed out earlier does not.
    previous = first.previous_hash
    for event in AuditEvent.objects.order_by("sequence"):
        if event.sequence == 1:
            event.path = "/rewritten/"
        event.previous_hash = previous
        event.hash = event_hash(hashed_fields(event), previous)
        event.save()
        previous = event.hash
    AuditChainHead.objects.filter(pk=1).update(hash=previous)
    call_command("audit_verify", stdout=StringIO())
    with pytest.raises(CommandError, match="does not match anchor 1"):
        call_command("audit_verify", "--anchor", anchor, stdout=StringIO())
    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        call_command("audit_verify", "--anchor", "not-an-anchor", stdout=StringIO())
