"""Password lockout by address: failures from one address across user names lock that address, and the
address is the real client's, taken from X-Forwarded-For only when a trusted proxy sent the request."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import User
from audit.models import Action, AuditEvent
from core.client_address import client_address

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PASSWORD = "break-glass-password-2026"
BALANCER = "10.0.0.2"
ATTACKER = "198.51.100.7"
COLLEAGUE = "203.0.113.9"


@pytest.fixture
def break_glass(db):
    user = User.objects.create(username="hadaabi", first_name="Häda", last_name="Abi", is_break_glass=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def address_of(remote: str, forwarded: str | None = None) -> str | None:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers))


# --- The client's address ---------------------------------------------------------------------------


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address_of(ATTACKER, COLLEAGUE) == ATTACKER


def test_a_forwarded_header_from_an_untrusted_address_is_ignored(settings):
    settings.TRUSTED_PROXIES = [BALANCER]
    assert address_of(ATTACKER, COLLEAGUE) == ATTACKER


def test_behind_a_trusted_proxy_the_client_it_saw_is_used_and_what_the_client_wrote_is_not(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert address_of(BALANCER, COLLEAGUE) == COLLEAGUE
    # The client wrote a forged address; the balancer appended the one it saw.
    assert address_of(BALANCER, f"{COLLEAGUE}, {ATTACKER}") == ATTACKER
    # Two proxies of ours: the edge proxy appended the client, the balancer appended the edge proxy.
    assert address_of(BALANCER, f"{COLLEAGUE}, {ATTACKER}, 10.0.0.9") == ATTACKER


def test_odd_hops_are_read_or_stop_the_walk(settings):
    settings.TRUSTED_PROXIES = [BALANCER, "2001:db8::/32"]
    assert address_of(BALANCER, f"{ATTACKER}:51234") == ATTACKER
    assert address_of(BALANCER, "[2001:db9::7]:443") == "2001:db9::7"
    assert address_of("2001:db8::1", "::ffff:198.51.100.7") == ATTACKER
    assert address_of(BALANCER, "not-an-address") == BALANCER
    assert address_of(BALANCER, "") == BALANCER
    assert address_of(BALANCER) == BALANCER


# --- Lockout ----------------------------------------------------------------------------------------


def sign_in(client: Client, username: str, password: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return client.post(LOGIN, {"username": username, "password": password}, headers=headers)


def spray(client: Client, settings, forwarded: str | None = None, rotate: bool = False) -> list[int]:
    """One failure for each of AXES_ADDRESS_FAILURE_LIMIT different user names."""
    return [
        sign_in(client, f"nimi{number}", "wrong-password", f"192.0.2.{number}" if rotate else forwarded).status_code
        for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT)
    ]


def test_failures_across_user_names_lock_the_address(break_glass, settings):
    settings.TRUSTED_PROXIES = []
    attacker = Client(REMOTE_ADDR=ATTACKER)
    codes = spray(attacker, settings)
    assert codes[:-1] == [200] * (settings.AXES_ADDRESS_FAILURE_LIMIT - 1)
    assert codes[-1] == 429
    # The address is locked for every name, the right password included.
    locked = sign_in(attacker, "hadaabi", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in attacker.session
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_REFUSED).last().detail["reason"] == "locked_out"
    # Someone at another address signs in.
    assert sign_in(Client(REMOTE_ADDR=COLLEAGUE), "hadaabi", PASSWORD).status_code == 302


def test_a_forged_forwarded_header_does_not_escape_the_address_lock(break_glass, settings):
    settings.TRUSTED_PROXIES = []
    attacker = Client(REMOTE_ADDR=ATTACKER)
    assert spray(attacker, settings, rotate=True)[-1] == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_behind_the_load_balancer_one_attacker_cannot_lock_out_everyone(break_glass, settings):
    settings.TRUSTED_PROXIES = [BALANCER]
    attacker, colleague = Client(REMOTE_ADDR=BALANCER), Client(REMOTE_ADDR=BALANCER)
    # The attacker also forges the colleague's address; the balancer appends the one it saw.
    assert spray(attacker, settings, forwarded=f"{COLLEAGUE}, {ATTACKER}")[-1] == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert sign_in(attacker, "hadaabi", PASSWORD, forwarded=ATTACKER).status_code == 429
    response = sign_in(colleague, "hadaabi", PASSWORD, forwarded=COLLEAGUE)
    assert response.status_code == 302
    assert colleague.session["_auth_user_id"] == str(break_glass.pk)


def test_a_successful_sign_in_does_not_clear_the_failures_of_other_names_from_the_address(break_glass, settings):
    settings.TRUSTED_PROXIES = []
    client = Client(REMOTE_ADDR=ATTACKER)
    for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        sign_in(client, f"nimi{number}", "wrong-password")
    # One password the attacker holds does not reset the address's count...
    assert sign_in(client, "hadaabi", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    # ...so the next failure, of any name, locks the address.
    assert sign_in(client, "nimi-viimane", "wrong-password").status_code == 429
    assert sign_in(client, "hadaabi", PASSWORD).status_code == 429


def test_a_person_who_mistypes_then_signs_in_starts_again(break_glass, settings):
    settings.TRUSTED_PROXIES = []
    client = Client(REMOTE_ADDR=COLLEAGUE)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "hadaabi", "wrong-password")
    assert sign_in(client, "hadaabi", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="hadaabi").exists()
