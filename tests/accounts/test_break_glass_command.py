"""`manage.py create_break_glass_admin USERNAME` creates or updates a break-glass administrator."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import SystemRole, User
from audit.models import Action, AuditEvent, Purpose

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-break-glass-password"


def test_command_creates_a_break_glass_administrator_who_can_sign_in(monkeypatch, settings):
    settings.DEMO_MODE = False
    monkeypatch.setenv("BREAK_GLASS_PASSWORD", PASSWORD)
    call_command("create_break_glass_admin", "hadaabi")
    user = User.objects.get(username="hadaabi")
    assert user.is_break_glass and user.is_active
    assert user.has_system_role(SystemRole.ADMINISTRATOR)
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="accounts.user")
    assert event.purpose == Purpose.ADMINISTRATION
    assert event.actor is None
    client = Client()
    client.post(reverse("accounts:login"), {"username": "hadaabi", "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_command_updates_the_password_of_an_existing_account(monkeypatch):
    user = User.objects.create(username="hadaabi")
    monkeypatch.setenv("BREAK_GLASS_PASSWORD", PASSWORD)
    call_command("create_break_glass_admin", "hadaabi")
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and user.is_break_glass
    assert AuditEvent.objects.get(object_type="accounts.user").action == Action.UPDATE


def test_command_refuses_a_short_password(monkeypatch):
    monkeypatch.setenv("BREAK_GLASS_PASSWORD", "short")
    with pytest.raises(CommandError, match="not accepted"):
        call_command("create_break_glass_admin", "hadaabi")
    assert not User.objects.filter(username="hadaabi").exists()


def test_command_asks_for_the_password_twice(monkeypatch):
    monkeypatch.delenv("BREAK_GLASS_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("create_break_glass_admin", "hadaabi")
    assert User.objects.get(username="hadaabi").check_password(PASSWORD)


def test_command_refuses_passwords_that_differ(monkeypatch):
    monkeypatch.delenv("BREAK_GLASS_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="do not match"):
        call_command("create_break_glass_admin", "hadaabi")
