"""Security headers and the Content Security Policy on public and signed-in pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def public_response(db):
    return Client().get(reverse("core:accessibility"))


def test_content_security_policy_allows_only_own_origin_and_no_inline_script(public_response):
    assert public_response.status_code == 200
    directives = csp_directives(public_response["Content-Security-Policy"])
    assert directives["default-src"] == ["'self'"]
    script_sources = directives.get("script-src", directives["default-src"])
    assert "'unsafe-inline'" not in script_sources
    assert "'unsafe-eval'" not in script_sources
    style_sources = directives.get("style-src", directives["default-src"])
    assert "'unsafe-inline'" not in style_sources
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


def test_browser_hardening_headers_are_set(public_response):
    assert public_response["X-Content-Type-Options"] == "nosniff"
    assert public_response["Referrer-Policy"] == "same-origin"
    assert public_response["X-Frame-Options"] == "DENY"


def test_signed_in_pages_carry_the_same_headers(people, login):
    response = login(people["koordinaator"]).get(reverse("core:accessibility"))
    assert response.status_code == 200
    assert "'unsafe-inline'" not in csp_directives(response["Content-Security-Policy"]).get("script-src", [])
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_well_formed_request_id_is_echoed(db):
    response = Client().get(reverse("core:accessibility"), headers={"X-Request-ID": "lb-7f3a9c"})
    assert response["X-Request-ID"] == "lb-7f3a9c"


def test_request_id_is_generated_when_missing_or_malformed(db):
    generated = Client().get(reverse("core:accessibility"))
    assert len(generated["X-Request-ID"]) == 32
    malformed = Client().get(reverse("core:accessibility"), headers={"X-Request-ID": "x" * 200})
    assert malformed["X-Request-ID"] != "x" * 200
    assert len(malformed["X-Request-ID"]) == 32


def test_error_pages_carry_the_headers_too(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]
