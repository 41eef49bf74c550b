"""Submitting a chronology through the API: stored whole through apply_submission, refused whole with
every problem listed, resubmission as for the file upload, body limits, every call audited."""

from __future__ import annotations

import json

from api.models import ApiToken
from audit.models import Action, AuditEvent, Purpose
from chronology.fields import MAX_ROWS
from chronology.models import ChronologyEntry
from submissions.models import Submission

from .conftest import entry, get_status, post_chronology


def api_events(outcome: str) -> list[AuditEvent]:
    return [event for event in AuditEvent.objects.order_by("sequence") if event.detail.get("outcome") == outcome]


def test_system_submits_its_chronology_and_the_request_is_received(sent_request, token):
    api_token, raw = token
    response = post_chronology(raw, sent_request.pk, {"entries": [entry("A-1"), entry("A-2", "03.2016")]})

    assert response.status_code == 201, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["number"] == 1
    assert body["channel"] == "api"
    assert (body["entries"], body["added"], body["updated"], body["unchanged"], body["removed"]) == (2, 2, 0, 0, 0)
    assert body["removed_entry_refs"] == []

    submission = Submission.objects.get(request=sent_request)
    assert submission.channel == Submission.Channel.API
    assert submission.api_token == api_token
    assert submission.submitted_by is None
    stored = ChronologyEntry.objects.filter(request=sent_request, is_active=True)
    assert sorted(stored.values_list("entry_ref", flat=True)) == ["A-1", "A-2"]
    assert stored.get(entry_ref="A-2").date_precision == "month"
    sent_request.refresh_from_db()
    assert sent_request.status() == "received"
    api_token.refresh_from_db()
    assert api_token.last_used_at is not None

    # The store's event for the submission and the API's event for the call, both without a person.
    stored_event = AuditEvent.objects.get(action=Action.CREATE, object_type="submissions.submission")
    assert stored_event.actor is None
    assert stored_event.detail["api_token"] == api_token.pk
    (call,) = api_events("accepted")
    assert call.actor is None
    assert call.purpose == Purpose.INFORMATION_REQUEST
    assert call.object_id == str(sent_request.pk)
    assert call.review_id == sent_request.involvement.review_id
    assert call.detail["api_token"] == api_token.pk
    assert call.detail["submission"] == 1


def test_resubmission_replaces_the_earlier_one_as_a_whole(sent_request, token):
    _api_token, raw = token
    first = post_chronology(raw, sent_request.pk, {"entries": [entry("A-1"), entry("A-2"), entry("A-3")]})
    assert first.status_code == 201

    second = post_chronology(
        raw,
        sent_request.pk,
        {"entries": [entry("A-1"), entry("A-2", description="Corrected: the child was not at home."), entry("A-4")]},
    )

    assert second.status_code == 201, second.content
    body = second.json()
    assert body["number"] == 2
    assert (body["added"], body["updated"], body["unchanged"], body["removed"]) == (1, 1, 1, 1)
    assert body["removed_entry_refs"] == ["A-3"]
    active = ChronologyEntry.objects.filter(request=sent_request, is_active=True)
    assert sorted(active.values_list("entry_ref", flat=True)) == ["A-1", "A-2", "A-4"]
    assert active.get(entry_ref="A-2").description == "Corrected: the child was not at home."
    assert ChronologyEntry.objects.get(request=sent_request, entry_ref="A-3").is_active is False

    status = get_status(raw, sent_request.pk).json()
    assert status["status"] == "received"
    assert status["latest_submission"]["number"] == 2
    assert status["latest_submission"]["removed_entry_refs"] == ["A-3"]


def test_every_bad_entry_is_listed_with_its_index_field_and_message_and_nothing_is_stored(sent_request, token):
    _api_token, raw = token
    entries = [
        entry("A-1"),
        entry("A-2", date="31.02.2016"),
        entry("A-3", event_type="tea_party", colour="blue"),
        entry("A-4", organisation="HAIGLA-01"),
        "not an entry",
        entry("A-1", time="10:00", date="2016-03"),
        entry("A-7", shared_with=["NOWHERE"], key_event="maybe"),
    ]

    response = post_chronology(raw, sent_request.pk, {"entries": entries})

    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    found = {(error["index"], error["field"]) for error in errors}
    assert {
        (1, "date"),
        (2, "event_type"),
        (2, "colour"),
        (3, "organisation"),
        (4, ""),
        (5, "entry_ref"),
        (5, "time"),
        (6, "shared_with"),
        (6, "key_event"),
    } <= found
    assert not any(error["index"] == 0 for error in errors)
    assert [error["index"] for error in errors] == sorted(error["index"] for error in errors)
    messages = {(error["index"], error["field"]): error["message"] for error in errors}
    assert "tea_party" in messages[(2, "event_type")]
    assert "VALD-LK" in messages[(3, "organisation")]
    assert all(error["message"] for error in errors)

    assert not Submission.objects.filter(request=sent_request).exists()
    assert not ChronologyEntry.objects.filter(request=sent_request).exists()
    sent_request.refresh_from_db()
    assert sent_request.received_at is None
    (call,) = api_events("invalid")
    assert call.detail["problems"] == len(errors)


def test_a_refused_resubmission_leaves_the_earlier_one_as_it_was(sent_request, token):
    _api_token, raw = token
    assert post_chronology(raw, sent_request.pk, {"entries": [entry("A-1"), entry("A-2")]}).status_code == 201

    response = post_chronology(raw, sent_request.pk, {"entries": [entry("A-1"), entry("A-3", date="someday")]})

    assert response.status_code == 422
    assert Submission.objects.filter(request=sent_request).count() == 1
    active = ChronologyEntry.objects.filter(request=sent_request, is_active=True)
    assert sorted(active.values_list("entry_ref", flat=True)) == ["A-1", "A-2"]


def test_a_body_of_the_wrong_shape_is_refused_in_the_same_error_form(sent_request, token):
    _api_token, raw = token
    cases = {
        "no entries key": {"entrys": [entry("A-1")]},
        "entries not a list": {"entries": {"A-1": entry("A-1")}},
        "a list, not an object": [entry("A-1")],
        "no entries at all": {"entries": []},
    }
    for name, body in cases.items():
        response = post_chronology(raw, sent_request.pk, body)
        assert response.status_code == 422, name
        errors = response.json()["errors"]
        assert errors, name
        assert all(set(error) == {"index", "field", "message"} for error in errors), name
        assert all(error["message"] for error in errors), name
    assert post_chronology(raw, sent_request.pk, {"entrys": []}).json()["errors"][0] == {
        "index": None,
        "field": "entries",
        "message": "This value is required.",
    }
    assert not Submission.objects.exists()


def test_malformed_json_is_answered_400_in_json(sent_request, token):
    _api_token, raw = token
    for body in ('{"entries": [', b"\xff\xfe not json", "entries=1"):
        response = post_chronology(raw, sent_request.pk, body)
        assert response.status_code == 400, body
        assert response["Content-Type"].startswith("application/json")
        (error,) = response.json()["errors"]
        assert error["index"] is None and error["field"] == "entries"
        assert "JSON" in error["message"]
    assert len(api_events("malformed")) == 3
    assert not Submission.objects.exists()


def test_a_body_over_10_mb_is_refused_with_413_before_it_is_read(sent_request, token):
    api_token, raw = token
    body = b'{"entries": []}' + b" " * (10 * 1024 * 1024)

    response = post_chronology(raw, sent_request.pk, body)

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "10 MB" in response.json()["detail"]
    assert not Submission.objects.exists()
    (call,) = api_events("too_large")
    assert call.detail["api_token"] == api_token.pk
    assert call.detail["bytes"] == len(body)
    assert call.object_id == str(sent_request.pk)


def test_a_body_larger_than_djangos_default_limit_but_under_10_mb_is_taken(sent_request, token, settings):
    _api_token, raw = token
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < 3 * 1024 * 1024
    body = json.dumps({"entries": [entry("A-1")]}).encode() + b" " * (3 * 1024 * 1024)

    response = post_chronology(raw, sent_request.pk, body)

    assert response.status_code == 201, response.content[:300]
    assert ChronologyEntry.objects.filter(request=sent_request).count() == 1


def test_more_than_50000_entries_are_refused_whole(sent_request, token):
    _api_token, raw = token
    body = {"entries": [{}] * (MAX_ROWS + 1)}

    response = post_chronology(raw, sent_request.pk, body)

    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["index"] is None and error["field"] == "entries"
    assert "50,000" in error["message"]
    assert not Submission.objects.exists()


def test_the_status_tells_the_system_where_its_request_stands(sent_request, token):
    api_token, raw = token
    response = get_status(raw, sent_request.pk)

    assert response.status_code == 200
    assert response.json() == {
        "id": sent_request.pk,
        "status": "sent",
        "organisation": "VALD-LK",
        "due_on": sent_request.due_on.isoformat(),
        "latest_submission": None,
    }
    (call,) = api_events("ok")
    assert call.action == Action.READ
    assert call.detail["api_token"] == api_token.pk
    assert call.object_id == str(sent_request.pk)
    assert ApiToken.objects.get(pk=api_token.pk).last_used_at is not None


def test_messages_follow_the_callers_accept_language(sent_request, token):
    _api_token, raw = token
    body = {"entries": [entry("A-1", description="")]}

    estonian = post_chronology(raw, sent_request.pk, body, HTTP_ACCEPT_LANGUAGE="et")
    english = post_chronology(raw, sent_request.pk, body, HTTP_ACCEPT_LANGUAGE="en")

    assert estonian["Content-Language"] == "et"
    assert estonian.json()["errors"][0]["message"] == "See väärtus on kohustuslik."
    assert english["Content-Language"] == "en"
    assert english.json()["errors"][0]["message"] == "This value is required."
