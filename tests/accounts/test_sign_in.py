"""The sign-in page, demo sign-in, password sign-in (demo and break-glass only), sign-out and throttling."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import User
from audit.models import Action, AuditEvent, Purpose

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.fixture
def normal_user(db):
    user = User.objects.create(username="tavaline", first_name="Tavaline", last_name="Kasutaja")
    user.set_password("a-long-enough-password-1")
    user.save()
    return user


@pytest.fixture
def break_glass(db):
    user = User.objects.create(username="hadaabi", first_name="Häda", last_name="Abi", is_break_glass=True)
    user.set_password("break-glass-password-2026")
    user.save()
    return user


def test_sign_in_page_lists_one_demo_user_per_role_in_demo_mode(demo_people, settings):
    settings.DEMO_MODE = True
    response = Client().get(LOGIN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Demo sign-in" in page
    for demo in DEMO_USERS:
        assert str(demo_people[demo.username]) in page
        assert str(demo.description) in page
    assert page.count('action="/auth/demo/"') == len(DEMO_USERS)


def test_sign_in_page_has_no_demo_section_when_demo_mode_is_off(demo_people, settings):
    settings.DEMO_MODE = False
    page = Client().get(LOGIN).content.decode()
    assert "Demo sign-in" not in page
    assert "/auth/demo/" not in page
    assert "koordinaator" not in page
    # The break-glass password form is always there.
    assert 'name="password"' in page


def test_sign_in_page_shows_the_tara_button_only_when_tara_is_configured(db, settings):
    settings.TARA_ENABLED = True
    assert reverse("accounts:tara_login") in Client().get(LOGIN).content.decode()
    settings.TARA_ENABLED = False
    assert reverse("accounts:tara_login") not in Client().get(LOGIN).content.decode()


def test_demo_button_signs_in_as_that_demo_user(demo_people, settings):
    settings.DEMO_MODE = True
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    response = client.post(
        reverse("accounts:demo_login"),
        {"username": "koordinaator", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(demo_people["koordinaator"].pk)
    assert "signed_in_at" in client.session
    event = AuditEvent.objects.get(action=Action.SIGN_IN)
    assert event.actor == demo_people["koordinaator"]
    assert event.purpose == Purpose.AUTHENTICATION
    assert event.detail == {"method": "demo"}


def test_demo_button_needs_a_csrf_token(demo_people, settings):
    settings.DEMO_MODE = True
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:demo_login"), {"username": "koordinaator"})
    assert response.status_code == 403
    assert signed_in_user_id(client) is None


def test_demo_sign_in_does_not_exist_when_demo_mode_is_off(demo_people, settings):
    settings.DEMO_MODE = False
    client = Client()
    assert client.post(reverse("accounts:demo_login"), {"username": "koordinaator"}).status_code == 404
    assert client.get(reverse("accounts:demo_login")).status_code == 404
    assert signed_in_user_id(client) is None
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()


def test_demo_sign_in_refuses_a_user_who_is_not_a_demo_user(demo_people, normal_user, settings):
    settings.DEMO_MODE = True
    client = Client()
    assert client.post(reverse("accounts:demo_login"), {"username": "tavaline"}).status_code == 404
    assert signed_in_user_id(client) is None


def test_demo_sign_in_answers_get_with_405(demo_people, settings):
    settings.DEMO_MODE = True
    assert Client().get(reverse("accounts:demo_login")).status_code == 405


def test_demo_user_signs_in_with_password_in_demo_mode(demo_people, settings):
    settings.DEMO_MODE = True
    client = Client()
    response = client.post(LOGIN, {"username": "audiitor", "password": DEMO_PASSWORD, "next": "/audit/"})
    assert response.status_code == 302
    assert response["Location"] == "/audit/"
    assert signed_in_user_id(client) == str(demo_people["audiitor"].pk)
    assert AuditEvent.objects.get(action=Action.SIGN_IN).detail == {"method": "password"}


def test_sign_in_does_not_redirect_to_another_site(demo_people, settings):
    settings.DEMO_MODE = True
    response = Client().post(
        LOGIN, {"username": "audiitor", "password": DEMO_PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("core:home")


def test_demo_user_password_is_refused_when_demo_mode_is_off(demo_people, settings):
    settings.DEMO_MODE = False
    client = Client()
    response = client.post(LOGIN, {"username": "audiitor", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert "may not sign in with a password" in response.content.decode()
    assert signed_in_user_id(client) is None
    event = AuditEvent.objects.get(action=Action.SIGN_IN_REFUSED)
    assert event.detail == {"method": "password", "reason": "demo_mode_off", "username": "audiitor"}


def test_break_glass_administrator_signs_in_with_password(break_glass, settings):
    settings.DEMO_MODE = False
    client = Client()
    response = client.post(LOGIN, {"username": "hadaabi", "password": "break-glass-password-2026"})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(break_glass.pk)
    assert client.session["_auth_user_backend"] == "accounts.backends.PasswordBackend"
    assert AuditEvent.objects.get(action=Action.SIGN_IN).actor == break_glass


def test_normal_user_may_not_sign_in_with_password(normal_user, settings):
    settings.DEMO_MODE = True
    client = Client()
    response = client.post(LOGIN, {"username": "tavaline", "password": "a-long-enough-password-1"})
    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    event = AuditEvent.objects.get(action=Action.SIGN_IN_REFUSED)
    assert event.detail["reason"] == "password_not_allowed"
    assert event.actor is None


def test_wrong_password_is_refused_with_a_message_and_audited(break_glass):
    client = Client()
    response = client.post(LOGIN, {"username": "hadaabi", "password": "not-the-password"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The username or password is wrong" in page
    assert signed_in_user_id(client) is None
    assert AuditEvent.objects.get(action=Action.SIGN_IN_REFUSED).detail["reason"] == "invalid_credentials"


def test_empty_password_form_names_the_missing_fields(db):
    response = Client().post(LOGIN, {"username": "", "password": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"username", "password"}
    assert not AuditEvent.objects.exists()


def test_repeated_failed_password_sign_ins_lock_the_account_out(break_glass, settings):
    client = Client()
    responses = [
        client.post(LOGIN, {"username": "hadaabi", "password": f"wrong-{attempt}"})
        for attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429
    assert "Too many failed sign-in attempts" in responses[-1].content.decode()
    # Even the right password is refused now.
    locked = client.post(LOGIN, {"username": "hadaabi", "password": "break-glass-password-2026"})
    assert locked.status_code == 429
    assert "30 minutes" in locked.content.decode()
    assert signed_in_user_id(client) is None
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_REFUSED).last().detail["reason"] == "locked_out"
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()


def test_lockout_of_one_account_does_not_stop_another(break_glass, demo_people, settings):
    settings.DEMO_MODE = True
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "hadaabi", "password": f"wrong-{attempt}"})
    response = client.post(LOGIN, {"username": "haldur", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(demo_people["haldur"].pk)


def test_sign_out_ends_the_session_and_is_audited(demo_people, settings):
    settings.DEMO_MODE = True
    client = Client()
    client.post(reverse("accounts:demo_login"), {"username": "metoodik"})
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert signed_in_user_id(client) is None
    event = AuditEvent.objects.get(action=Action.SIGN_OUT)
    assert event.actor == demo_people["metoodik"]
    assert event.purpose == Purpose.AUTHENTICATION


def test_sign_out_needs_post(demo_people, login):
    client = login(demo_people["metoodik"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert signed_in_user_id(client) == str(demo_people["metoodik"].pk)


def test_refused_page_explains_a_failed_sign_in_to_anyone(db):
    response = Client().get(reverse("accounts:refused"))
    assert response.status_code == 200
    assert "Sign-in failed" in response.content.decode()
