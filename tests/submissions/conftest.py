"""Fixtures for an agency's submission: the demo contributor's request and a signed-in upload helper."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.chronology.builders import valid_row
from tests.inquiries.conftest import inquiries  # noqa: F401 - the demo review's requests

CODE = "VALD-LK"  # the demo contributor's organisation in the demo review


def row(**changes: Any) -> dict[str, Any]:
    """A valid entry of the demo contributor's organisation."""
    return valid_row(**{"organisation": CODE, **changes})


def page_text(response: Any) -> str:
    """The page's text with HTML entities undone (quotes in messages are escaped)."""
    return html.unescape(response.content.decode())


def upload(client: Any, information_request: Any, data: bytes, filename: str = "kronoloogia.csv") -> Any:
    """Upload a file through the page; returns the upload's answer (a redirect to the preview when taken)."""
    return client.post(
        reverse("submissions:upload", kwargs={"pk": information_request.pk}),
        {"file": SimpleUploadedFile(filename, data)},
    )


def upload_and_preview(client: Any, information_request: Any, data: bytes, filename: str = "kronoloogia.csv") -> Any:
    """Upload a file and open its preview; returns the preview page."""
    response = upload(client, information_request, data, filename)
    assert response.status_code == 302, page_text(response)
    return client.get(response["Location"])


@pytest.fixture
def sent_request(inquiries):  # noqa: F811
    """The VALD-LK request the demo contributor `asutus` answers."""
    return inquiries["sent_request"]


@pytest.fixture
def contributor(people, login):
    return login(people["asutus"])
