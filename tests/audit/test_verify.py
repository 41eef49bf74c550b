"""`manage.py audit_verify` and audit.verify: an intact chain passes; any alteration or removal is named."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from audit.log import record
from audit.models import Action, AuditChainHead, AuditEvent, Purpose
from audit.verify import check_chain, verify_chain


@pytest.fixture
def chain(users):
    """Six events by different people, with list ids and detail."""
    coordinator, auditor = users["koordinaator"], users["audiitor"]
    record(actor=coordinator, action=Action.SIGN_IN, purpose=Purpose.AUTHENTICATION)
    record(
        actor=coordinator,
        action=Action.CREATE,
        purpose=Purpose.COORDINATION,
        object_type="notifications.notification",
        detail={"fields": ["incident_date", "outcome"]},
    )
    record(
        actor=coordinator,
        action=Action.LIST,
        purpose=Purpose.COORDINATION,
        object_type="notifications.notification",
        object_ids=[5, 6, 7],
    )
    record(actor=coordinator, action=Action.READ, purpose=Purpose.REVIEW, obj=coordinator, review_id=12)
    record(
        actor=auditor,
        action=Action.EXPORT,
        purpose=Purpose.AUDIT,
        object_type="audit.auditevent",
        detail={"filters": {"action": "read"}, "rows": 4, "ratio": 0.5, "text": "Jõgeva – õ ä ö ü š ž"},
    )
    record(actor=None, action=Action.SEND, purpose=Purpose.SYSTEM, detail={})
    return list(AuditEvent.objects.order_by("sequence"))


def verify() -> tuple[int, str]:
    """Run the command; return (exit code, output)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue()


def test_an_intact_log_verifies_and_exits_zero(chain):
    assert verify() == (0, "Audit log intact: 6 events\n")
    assert check_chain().events == 6


def test_an_empty_log_is_intact(db):
    assert verify() == (0, "Audit log intact: 0 events\n")


def test_sequence_numbers_are_gapless_and_each_event_links_to_the_one_before(chain):
    assert [event.sequence for event in chain] == [1, 2, 3, 4, 5, 6]
    assert chain[0].previous_hash == "0" * 64
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.previous_hash == before.hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.sequence, head.hash) == (6, chain[-1].hash)


@pytest.mark.parametrize(
    "field, value",
    [
        ("action", Action.DELETE),
        ("purpose", Purpose.AUDIT),
        ("actor_label", "Somebody Else"),
        ("object_type", "reviews.review"),
        ("object_id", "99"),
        ("object_ids", ["5", "6"]),
        ("review_id", 13),
        ("request_id", "forged"),
        ("path", "/elsewhere/"),
        ("detail", {"fields": ["incident_date"]}),
        ("at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
    ],
)
def test_altering_any_field_of_an_event_is_named(chain, field, value):
    AuditEvent.objects.filter(sequence=3).update(**{field: value})
    code, message = verify()
    assert code == 1
    assert "event 3" in message and "altered" in message
    assert verify_chain().sequence == 3


def test_altering_the_actor_is_named(chain, users):
    AuditEvent.objects.filter(sequence=1).update(actor=users["haldur"])
    assert verify_chain().sequence == 1


def test_rehashing_an_altered_event_breaks_the_link_of_the_next(chain):
    from audit.log import event_hash, hashed_fields

    event = AuditEvent.objects.get(sequence=2)
    event.detail = {"fields": []}
    event.hash = event_hash(hashed_fields(event), event.previous_hash)
    AuditEvent.objects.filter(pk=event.pk).update(detail=event.detail, hash=event.hash)
    problem = verify_chain()
    assert problem.sequence == 3
    assert "link" in problem.reason


def test_removing_an_event_from_the_middle_is_named(chain):
    AuditEvent.objects.filter(sequence=4).delete()
    code, message = verify()
    assert code == 1
    assert "event 4" in message and "missing" in message


def test_removing_the_first_event_is_named(chain):
    AuditEvent.objects.filter(sequence=1).delete()
    assert verify_chain().sequence == 1


def test_removing_the_last_event_is_caught_by_the_head(chain):
    AuditEvent.objects.filter(sequence=6).delete()
    code, message = verify()
    assert code == 1
    assert "event 6" in message and "chain head" in message


def test_removing_the_latest_events_is_caught_by_the_head(chain):
    AuditEvent.objects.filter(sequence__gte=4).delete()
    problem = verify_chain()
    assert problem.sequence == 4
    assert "names event 6, but the log ends at 3" in problem.reason


def test_removing_every_event_is_caught_by_the_head(chain):
    AuditEvent.objects.all().delete()
    assert verify_chain().sequence == 1


def test_altering_the_heads_hash_is_named(chain):
    AuditChainHead.objects.filter(pk=1).update(hash="f" * 64)
    code, message = verify()
    assert code == 1
    assert "event 6" in message and "head" in message


def test_setting_the_head_back_is_named(chain):
    AuditChainHead.objects.filter(pk=1).update(sequence=5, hash=chain[4].hash)
    problem = verify_chain()
    assert problem.sequence == 6
    assert "after the chain head" in problem.reason


def test_removing_the_head_is_named(chain):
    AuditChainHead.objects.all().delete()
    problem = verify_chain()
    assert problem.sequence == 1
    assert "head is missing" in problem.reason


def test_renumbering_an_event_is_named(chain):
    AuditEvent.objects.filter(sequence=6).update(sequence=7)
    assert verify_chain().sequence == 6


def test_small_batches_verify_the_same(chain):
    assert check_chain(batch_size=2).events == 6
    AuditEvent.objects.filter(sequence=5).update(actor_label="x")
    assert verify_chain(batch_size=2).sequence == 5


def test_events_written_after_verification_started_are_verified_too(chain, monkeypatch):
    """An event appended while the check runs is checked on a further round, not taken for tampering."""
    import audit.verify as verify_module

    real_head = verify_module._head
    calls = {"n": 0}

    def head_then_append():
        calls["n"] += 1
        result = real_head()
        if calls["n"] == 1:
            record(actor=None, action=Action.SEND, purpose=Purpose.SYSTEM)
        return result

    monkeypatch.setattr(verify_module, "_head", head_then_append)
    check = check_chain()
    assert check.intact
    assert check.events == 7


def test_from_the_command_line_it_exits_1_when_broken(chain, capsys, monkeypatch):
    """The exit status is what a timer or monitoring script sees."""
    # run_from_argv closes the database connections when done; the test still needs its own.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    execute_from_command_line(["manage.py", "audit_verify"])  # returns normally: exit status 0
    assert "Audit log intact: 6 events" in capsys.readouterr().out
    AuditEvent.objects.filter(sequence=2).update(path="/x/")
    with pytest.raises(SystemExit) as broken:
        execute_from_command_line(["manage.py", "audit_verify"])
    assert broken.value.code == 1
    assert "Audit log broken at event 2: its contents were altered." in capsys.readouterr().err
