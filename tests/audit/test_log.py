"""audit.log.record: what an event stores, and that it hashes the same after a database round trip."""

from __future__ import annotations

import pytest

from audit.log import GENESIS_HASH, event_hash, hashed_fields, record
from audit.models import Action, AuditEvent, Purpose
from core.middleware import _request_id

DETAIL = {
    "zeta": 1,
    "alpha": {"b": [3, 2, 1], "a": None, "c": True, "d": False},
    "float": 0.1,
    "tiny": 1e-07,
    "whole_float": 2.0,
    "big": 2**63 + 5,
    "negative": -17,
    "text": 'Jõgeva – Põlva; Пярну; "quoted" \\ back',
    "empty": {},
    "nested": [{"y": 1, "x": 2}, [], ""],
}


def test_an_event_names_the_actor_object_purpose_review_and_request(users):
    coordinator = users["koordinaator"]
    token = _request_id.set("req-123")
    try:
        event = record(
            actor=coordinator,
            action=Action.READ,
            purpose=Purpose.REVIEW,
            obj=coordinator,
            review_id=7,
            path="/reviews/7/",
        )
    finally:
        _request_id.reset(token)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.sequence == 1
    assert stored.actor == coordinator
    assert stored.actor_label == "Kadri Koordinaator (koordinaator)"
    assert (stored.object_type, stored.object_id) == ("accounts.user", str(coordinator.pk))
    assert (stored.purpose, stored.review_id, stored.request_id, stored.path) == ("review", 7, "req-123", "/reviews/7/")
    assert stored.previous_hash == GENESIS_HASH


def test_a_list_event_names_every_record_shown_as_text(users):
    event = record(
        actor=users["koordinaator"],
        action=Action.LIST,
        purpose=Purpose.COORDINATION,
        object_type="notifications.notification",
        object_ids=[3, 4, 5],
    )
    assert AuditEvent.objects.get(pk=event.pk).object_ids == ["3", "4", "5"]


def test_the_time_is_stored_without_microseconds(db):
    event = record(actor=None, action=Action.SEND, purpose=Purpose.SYSTEM)
    assert event.at.microsecond == 0
    assert AuditEvent.objects.get(pk=event.pk).at == event.at


def test_time_and_json_detail_hash_the_same_after_a_round_trip_through_the_database(db):
    """Run on SQLite and on PostgreSQL (jsonb reorders keys and rewrites numbers)."""
    event = record(actor=None, action=Action.UPDATE, purpose=Purpose.SYSTEM, object_ids=["a", 1], detail=DETAIL)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.detail == DETAIL
    assert stored.at.isoformat() == event.at.isoformat()
    assert hashed_fields(stored) == hashed_fields(event)
    assert event_hash(hashed_fields(stored), stored.previous_hash) == stored.hash == event.hash


def test_an_anonymous_actor_is_stored_as_no_one(db):
    from django.contrib.auth.models import AnonymousUser

    event = record(actor=AnonymousUser(), action=Action.SIGN_IN_REFUSED, purpose=Purpose.AUTHENTICATION)
    assert (event.actor_id, event.actor_label) == (None, "")


def test_an_event_written_in_a_transaction_that_rolls_back_leaves_no_gap(db):
    from django.db import transaction

    record(actor=None, action=Action.SEND, purpose=Purpose.SYSTEM)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=None, action=Action.UPDATE, purpose=Purpose.SYSTEM)
        raise RuntimeError("the service failed")
    record(actor=None, action=Action.SEND, purpose=Purpose.SYSTEM)
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == [1, 2]
