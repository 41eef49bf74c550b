"""Fixtures for the JSON API: the demo review's information requests and a token of the sent one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def requests(people, demo_case) -> dict[str, Any]:
    """{"involvement", "sent_request" (VALD-LK, answered by asutus), "draft_request" (HAIGLA-01, not sent)}."""
    from inquiries.demo import ensure_demo_inquiries

    return ensure_demo_inquiries(people, demo_case["review"])


@pytest.fixture
def sent_request(requests):
    return requests["sent_request"]


@pytest.fixture
def token(sent_request, people) -> tuple[Any, str]:
    """(ApiToken, the token itself) for the sent request, made as the coordinator makes one."""
    from api.services import token_create

    return token_create(information_request=sent_request, label="STAR", acting_user=people["koordinaator"])


def entry(ref: str, day: str = "2016-03-14", **changes: Any) -> dict[str, Any]:
    """One valid entry of the municipality's chronology, in the API's shape."""
    values = {
        "entry_ref": ref,
        "date": day,
        "organisation": "VALD-LK",
        "event_type": "home_visit",
        "description": f"Kodukülastus ({ref}).",
        "source_document": f"STAR juhtum 2016-114, {ref}",
        "child_seen": "yes",
        "shared_with": [],
        "key_event": False,
    }
    values.update(changes)
    return values


def post_chronology(raw_token: str | None, pk: int, body: Any, **extra: Any):
    """POST a body (a Python value sent as JSON, or bytes/str sent as they are) to the chronology endpoint."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"} if raw_token is not None else {}
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return Client().post(f"/api/v1/requests/{pk}/chronology", data, content_type="application/json", **headers, **extra)


def get_status(raw_token: str | None, pk: int):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"} if raw_token is not None else {}
    return Client().get(f"/api/v1/requests/{pk}", **headers)
