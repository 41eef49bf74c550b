"""The access matrix: every URL pattern, for every persona, answers as tests/access_spec.py says.

Patterns are enumerated from the URL resolver, so a new page without an entry in the spec fails here.
Every allowed read of a page that shows case data must write an audit event naming that person, and
carry the "AK" (for internal use only) banner.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import reverse

from audit.models import AuditEvent
from tests import access_spec, access_world
from tests.access_spec import ANONYMOUS, DENIED, NOT_FOUND, OK, PERSONAS, REDIRECT, SIGN_IN, SPEC, Page
from tests.access_world import World

# Never part of the GET checks: Django's language switch (POST only; covered by its own entry).
NOT_GET_CHECKED = {"set_language"}
# The JSON API for agency systems (api/endpoints.py) answers bearer tokens, not sessions (401 without one), and
# its root only anchors the OpenAPI document's paths (always 404): their access (missing, wrong, revoked and
# another request's token) is tested in tests/api/.
API_ENDPOINTS = {"api:api-root", "api:submit_chronology", "api:request_status"}
WRONG_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def world(people, demo_case) -> World:
    return access_world.build_world(people, demo_case)


def client_for(world: World, persona: str) -> Client:
    client = Client()
    if persona != ANONYMOUS:
        client.force_login(world.people[persona], backend="accounts.backends.PasswordBackend")
    return client


def url_of(page: Page, world: World) -> str:
    url = reverse(page.name, kwargs=page.kwargs(world))
    return f"{url}?{page.query}" if page.query else url


def answer_mismatch(expected: str, response: Any) -> str | None:
    """None when the response is the expected answer, else a short description of what came back."""
    status = response.status_code
    location = response.headers.get("Location", "")
    sign_in = resolve_url(settings.LOGIN_URL)
    got = f"{status}" + (f" to {location}" if location else "")
    if expected == OK:
        return None if status == 200 else got
    if expected == SIGN_IN:
        return None if status == 302 and location.split("?")[0] == sign_in else got
    if expected == REDIRECT:
        return None if status == 302 and location.split("?")[0] != sign_in else got
    if expected == DENIED:
        return None if status in (403, 404) else got
    if expected == NOT_FOUND:
        return None if status == 404 else got
    raise AssertionError(f"unknown expected answer {expected!r}")


def audit_count(world: World, persona: str) -> int:
    return AuditEvent.objects.filter(actor=world.people[persona]).count()


def method_check_persona(answers: Any) -> str:
    """Who checks the wrong methods: someone who may use the page, so the answer is not a refusal."""
    for persona in PERSONAS:
        if answers.get(persona) == OK:
            return persona
    return "koordinaator"


# --- the spec covers every page, and only pages that exist --------------------------------------------------


def test_every_url_pattern_has_an_entry_in_the_access_spec():
    names = set(access_spec.url_names())
    unnamed = sorted(name for name in names if name.startswith("<unnamed"))
    assert not unnamed, f"URL patterns without a name cannot be checked: {unnamed}"
    missing = sorted(names - set(SPEC) - API_ENDPOINTS)
    assert not missing, f"pages with no entry in tests/access_spec.py: {missing}"


def test_access_spec_names_only_existing_url_patterns():
    stale = sorted((set(SPEC) | API_ENDPOINTS) - set(access_spec.url_names()))
    assert not stale, f"tests/access_spec.py names pages that no longer exist: {stale}"


def test_access_spec_gives_an_answer_for_every_persona():
    incomplete = {name: sorted(set(PERSONAS) - set(page.expect)) for name, page in SPEC.items()}
    incomplete = {name: personas for name, personas in incomplete.items() if personas}
    assert not incomplete


def test_every_url_name_is_unique():
    names = access_spec.url_names()
    assert len(names) == len(set(names)), sorted({name for name in names if names.count(name) > 1})


# --- GET: the expected answer for every persona, and an audit event for every read of case data ------------

GET_PAGES = [name for name, page in SPEC.items() if page.get_expect is not None and name not in NOT_GET_CHECKED]


@pytest.mark.parametrize("name", GET_PAGES)
def test_get_answers_each_persona_as_the_spec_says(world, name):
    page = SPEC[name]
    url = url_of(page, world)
    problems = []
    for persona in PERSONAS:
        expected = page.expect[persona]
        before = audit_count(world, persona) if persona != ANONYMOUS else 0
        with override_settings(**page.settings):
            response = client_for(world, persona).get(url)
        mismatch = answer_mismatch(expected, response)
        if mismatch:
            problems.append(f"{persona}: expected {expected}, got {mismatch}")
            continue
        audited = persona == ANONYMOUS or audit_count(world, persona) > before
        if expected == OK and page.must_audit and not audited:
            problems.append(f"{persona}: read {url} but no audit event names them as the actor")
        # Downloads may stream (FileResponse has no .content); only HTML pages carry the banner.
        banner = page.html and b'class="restricted-banner"' in response.content
        if expected == OK and page.case_data and page.html and not banner:
            problems.append(f"{persona}: case data shown without the AK (internal use only) banner")
    assert not problems, f"{name} ({url}):\n  " + "\n  ".join(problems)


# --- POST: the same people may act; nobody else, whatever they send ---------------------------------------

POST_PAGES = [name for name, page in SPEC.items() if page.post_answers is not None]


@pytest.mark.parametrize("name", POST_PAGES)
def test_post_answers_each_persona_as_the_spec_says(world, name):
    page = SPEC[name]
    url = url_of(page, world)
    answers = page.post_answers
    assert answers is not None
    problems = []
    for persona in PERSONAS:
        expected = answers[persona]
        # Each persona's POST is rolled back, so one person's action cannot change what the next one sees.
        with transaction.atomic(), override_settings(**page.settings):
            response = client_for(world, persona).post(url, page.post_data(world))
            transaction.set_rollback(True)
        if expected == OK:
            # Allowed: an empty form is refused with a message or the action goes ahead, never 403/405/5xx.
            if response.status_code in (403, 405) or response.status_code >= 500:
                problems.append(f"{persona}: may post, got {response.status_code}")
            elif response.status_code == 302 and response.headers["Location"].split("?")[0] == resolve_url(
                settings.LOGIN_URL
            ):
                problems.append(f"{persona}: may post, was sent to sign-in")
            continue
        mismatch = answer_mismatch(expected, response)
        if mismatch:
            problems.append(f"{persona}: expected {expected}, got {mismatch}")
    assert not problems, f"POST {name} ({url}):\n  " + "\n  ".join(problems)


# --- wrong methods get 405 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [name for name in SPEC if name not in NOT_GET_CHECKED])
def test_wrong_methods_are_refused_with_405(world, name):
    page = SPEC[name]
    persona = method_check_persona(page.get_expect or page.post_answers or {})
    url = url_of(page, world)
    problems = []
    for method in WRONG_METHODS:
        if method in page.methods:
            continue
        with transaction.atomic(), override_settings(**page.settings):
            response = client_for(world, persona).generic(method, url)
            transaction.set_rollback(True)
        if response.status_code != 405:
            problems.append(f"{method} as {persona}: expected 405, got {response.status_code}")
    assert not problems, f"{name} ({url}):\n  " + "\n  ".join(problems)


def test_language_switch_accepts_a_post_from_anyone(db):
    response = Client().post(reverse("set_language"), {"language": "en", "next": "/accessibility/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/accessibility/"
