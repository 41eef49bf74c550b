"""Who may call the API: the request's own token, not revoked. Every refusal answers without revealing
other requests, and is audited without anything of the token presented."""

from __future__ import annotations

import json

from django.test import Client

from api.services import token_create, token_revoke
from audit.models import Action, AuditEvent, Purpose
from submissions.models import Submission

from .conftest import entry, get_status, post_chronology

BODY = {"entries": [entry("A-1")]}


def refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.SIGN_IN_REFUSED).order_by("sequence"))


def test_a_call_without_a_token_is_refused_with_401_and_audited(sent_request, token):
    response = post_chronology(None, sent_request.pk, BODY)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]
    (event,) = refusals()
    assert event.actor is None
    assert event.purpose == Purpose.INFORMATION_REQUEST
    assert event.detail == {"channel": "api", "api_token": None, "outcome": "unauthorized", "reason": "missing"}
    assert not Submission.objects.exists()


def test_another_scheme_than_bearer_is_refused(sent_request, token):
    _api_token, raw = token
    response = Client().get(f"/api/v1/requests/{sent_request.pk}", HTTP_AUTHORIZATION=f"Token {raw}")

    assert response.status_code == 401
    assert refusals()[0].detail["reason"] == "missing"


def test_a_wrong_token_is_refused_and_never_written_down(sent_request, token):
    wrong = "tv_this-is-not-a-token-of-tagasivaade-at-all"

    response = post_chronology(wrong, sent_request.pk, BODY)

    assert response.status_code == 401
    (event,) = refusals()
    assert event.detail["reason"] == "unknown"
    assert event.detail["api_token"] is None
    everything = json.dumps([list(row) for row in AuditEvent.objects.values_list()], default=str)
    assert "this-is-not-a-token" not in everything
    assert not Submission.objects.exists()


def test_a_revoked_token_is_refused(sent_request, token, people):
    api_token, raw = token
    assert get_status(raw, sent_request.pk).status_code == 200
    token_revoke(token=api_token, acting_user=people["koordinaator"])

    assert post_chronology(raw, sent_request.pk, BODY).status_code == 401
    assert get_status(raw, sent_request.pk).status_code == 401
    events = refusals()
    assert [event.detail["reason"] for event in events] == ["revoked", "revoked"]
    assert {event.object_id for event in events} == {""}
    assert {event.detail["api_token"] for event in events} == {api_token.pk}
    assert not Submission.objects.exists()
    everything = json.dumps([list(row) for row in AuditEvent.objects.values_list()], default=str)
    assert raw not in everything
    assert raw[len("tv_") :] not in everything


def test_another_requests_token_gets_404_and_learns_nothing(requests, sent_request, people):
    other_token, other_raw = token_create(
        information_request=requests["draft_request"], label="Haigla", acting_user=people["koordinaator"]
    )
    missing_pk = sent_request.pk + 1000

    for pk in (sent_request.pk, missing_pk):
        posted = post_chronology(other_raw, pk, BODY)
        read = get_status(other_raw, pk)
        assert (posted.status_code, read.status_code) == (404, 404)
        # An existing request and one that does not exist are answered alike.
        assert posted.json() == read.json() == {"detail": "Not found."}

    assert not Submission.objects.exists()
    misses = [event for event in AuditEvent.objects.all() if event.detail.get("outcome") == "not_found"]
    assert len(misses) == 4
    assert {event.detail["api_token"] for event in misses} == {other_token.pk}
    assert {event.detail["requested"] for event in misses} == {str(sent_request.pk), str(missing_pk)}


def test_a_request_not_sent_yet_refuses_a_chronology_with_409(requests, people):
    draft = requests["draft_request"]
    api_token, raw = token_create(information_request=draft, label="Haigla", acting_user=people["koordinaator"])

    response = post_chronology(raw, draft.pk, {"entries": [entry("H-1", organisation="HAIGLA-01")]})

    assert response.status_code == 409
    assert "not been sent" in response.json()["detail"]
    assert not Submission.objects.exists()
    (event,) = [event for event in AuditEvent.objects.all() if event.detail.get("outcome") == "not_sent"]
    assert event.detail["api_token"] == api_token.pk
    status = get_status(raw, draft.pk).json()
    assert status["status"] == "draft"
    assert status["due_on"] is None
    assert status["organisation"] == "HAIGLA-01"


def test_a_session_is_no_way_into_the_api(sent_request, token, people, login):
    client = login(people["koordinaator"])

    assert client.get(f"/api/v1/requests/{sent_request.pk}").status_code == 401
    response = client.post(
        f"/api/v1/requests/{sent_request.pk}/chronology", json.dumps(BODY), content_type="application/json"
    )
    assert response.status_code == 401
    assert not Submission.objects.exists()


def test_the_openapi_document_is_public_and_documents_every_answer(db):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    post = document["paths"]["/api/v1/requests/{id}/chronology"]["post"]
    assert set(post["responses"]) == {"201", "400", "401", "404", "409", "413", "422"}
    errors = post["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
    assert errors.endswith("/ErrorsOut")
    error = document["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"index", "field", "message"}
    assert document["components"]["securitySchemes"]["RequestToken"] == {"type": "http", "scheme": "bearer"}
    assert Client().get("/api/v1/docs").status_code == 404  # no docs page: it would load scripts from a CDN
    assert Client().post("/api/v1/openapi.json").status_code == 405
