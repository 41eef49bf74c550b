"""Schemathesis against the API's OpenAPI document: a bounded, derandomised run that finds no server
error and no answer the document does not describe (status code, content type, body schema).

The calls go through Django's WSGI handler in the test's own database transaction, with a valid
token of a sent request (and, to reach the other answers, other requests' numbers, no token and
bodies that break the schema)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chronology.models import ChronologyEntry
from submissions.models import Submission

pytestmark = pytest.mark.fuzz

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
CHRONOLOGY = "/api/v1/requests/{id}/chronology"
STATUS = "/api/v1/requests/{id}"


@contextmanager
def one_connection() -> Iterator[None]:
    """Keep the test's database connection (and its transaction) across the WSGI calls, as Django's
    test client does: the handler would otherwise close it when each request finishes."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def schema(db) -> Iterator[Any]:
    with one_connection():
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


def run(strategy: Any, max_examples: int = 30) -> int:
    """Call and check every case the strategy makes; returns how many were made."""
    made = 0

    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        nonlocal made
        made += 1
        case.call_and_validate(checks=CHECKS)

    check()
    return made


def test_the_api_answers_every_generated_call_as_its_openapi_document_says(schema, sent_request, token):
    _api_token, raw = token
    bearer = {"Authorization": f"Bearer {raw}"}
    own = {"id": sent_request.pk}
    submit, status = schema[CHRONOLOGY]["POST"], schema[STATUS]["GET"]

    # The documented example is taken in (201), and its answer matches the document.
    example = schema.raw_schema["components"]["schemas"]["ChronologyIn"]["examples"][0]
    response = submit.Case(path_parameters=own, headers=bearer, body=example, media_type="application/json")
    with one_connection():
        assert response.call_and_validate(checks=CHECKS).status_code == 201
        assert Submission.objects.filter(request=sent_request).count() == 1

        made = 0
        # Generated bodies for the token's own request: mostly refused (422), never a server error.
        made += run(submit.as_strategy(path_parameters=own, headers=bearer))
        # Bodies that break the schema itself.
        made += run(submit.as_strategy(schemathesis.GenerationMode.NEGATIVE, path_parameters=own, headers=bearer))
        # Other requests' numbers (404) and no token at all (401).
        made += run(submit.as_strategy(headers=bearer), max_examples=15)
        made += run(submit.as_strategy(path_parameters=own), max_examples=10)
        made += run(status.as_strategy(path_parameters=own, headers=bearer), max_examples=5)
        made += run(status.as_strategy(headers=bearer), max_examples=15)
        made += run(status.as_strategy(), max_examples=10)

    assert made >= 50
    # Whatever was generated, the request keeps whole submissions only.
    latest = Submission.objects.filter(request=sent_request).order_by("-number").first()
    active = ChronologyEntry.objects.filter(request=sent_request, is_active=True).count()
    assert latest is not None and active == latest.entry_count
