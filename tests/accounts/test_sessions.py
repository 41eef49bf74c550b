"""Sessions end after 15 minutes idle and 12 hours in all (core.middleware.SessionLimitsMiddleware)."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:organisation_list")


@pytest.fixture
def client_signed_in(demo_people, settings):
    settings.DEMO_MODE = True
    client = Client()
    client.post(reverse("accounts:demo_login"), {"username": "haldur"})
    assert client.session.get("_auth_user_id") == str(demo_people["haldur"].pk)
    return client


def set_session(client: Client, **values: int) -> None:
    session = client.session
    session.update(values)
    session.save()


def test_session_is_kept_after_fourteen_minutes_idle(client_signed_in, method_v1):
    now = int(time.time())
    set_session(client_signed_in, last_seen_at=now - 14 * 60)
    assert client_signed_in.get(PAGE).status_code == 200
    assert client_signed_in.session.get("_auth_user_id") is not None


def test_session_ends_after_fifteen_minutes_idle(client_signed_in):
    now = int(time.time())
    set_session(client_signed_in, last_seen_at=now - 15 * 60 - 5)
    response = client_signed_in.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client_signed_in.session.get("_auth_user_id") is None
    # The sign-in page says why.
    page = client_signed_in.get(response["Location"]).content.decode()
    assert "your session ended" in page


def test_session_ends_twelve_hours_after_sign_in_even_when_active(client_signed_in):
    now = int(time.time())
    set_session(client_signed_in, signed_in_at=now - 12 * 60 * 60 - 5, last_seen_at=now - 60)
    response = client_signed_in.get(PAGE)
    assert response.status_code == 302
    assert client_signed_in.session.get("_auth_user_id") is None


def test_session_is_kept_just_under_twelve_hours(client_signed_in, method_v1):
    now = int(time.time())
    set_session(client_signed_in, signed_in_at=now - 12 * 60 * 60 + 60, last_seen_at=now - 60)
    assert client_signed_in.get(PAGE).status_code == 200


def test_session_expiry_is_audited_as_a_sign_out(client_signed_in, demo_people):
    from audit.models import Action, AuditEvent

    now = int(time.time())
    set_session(client_signed_in, last_seen_at=now - 15 * 60 - 5)
    client_signed_in.get(PAGE)
    event = AuditEvent.objects.filter(action=Action.SIGN_OUT).latest("sequence")
    assert event.actor == demo_people["haldur"]
    assert event.detail == {"reason": "session_expired"}
