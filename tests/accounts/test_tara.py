"""Signing in with TARA against a local test provider: the whole authorisation-code flow."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounts.demo import personal_code
from accounts.models import User
from audit.models import Action, AuditEvent, Purpose

from .conftest import tara_sign_in
from .oidc_provider import CLIENT_ID

pytestmark = pytest.mark.django_db


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def last_refusal() -> AuditEvent:
    event = AuditEvent.objects.filter(action=Action.SIGN_IN_REFUSED).last()
    assert event is not None
    return event


def assert_refused(response, client: Client, reason: str, sub: str | None = "EE38001085718") -> None:
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:refused")
    assert signed_in_user_id(client) is None
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()
    event = last_refusal()
    assert event.purpose == Purpose.AUTHENTICATION
    assert event.actor is None
    assert event.detail["method"] == "tara"
    assert event.detail["reason"] == reason
    assert event.detail.get("sub") == sub


def test_sign_in_starts_at_the_authorisation_endpoint_from_discovery(tara, demo_people):
    client = Client()
    response = client.get(reverse("accounts:tara_login") + "?next=/method/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == tara.issuer + "/oidc/authorize"
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["scope"] == "openid"
    assert query["redirect_uri"] == "http://testserver/auth/tara/callback/"
    assert query["acr_values"] == "high"
    assert query["ui_locales"] == "en"  # the language of the page the sign-in started from
    # state and nonce are fresh, long and kept in the session for the callback.
    states = client.session["oidc_states"]
    assert len(query["state"]) >= 32 and query["state"] in states
    assert states[query["state"]]["nonce"] == query["nonce"] and len(query["nonce"]) >= 32
    assert ("GET", "/oidc/.well-known/openid-configuration") in tara.requests


def test_demo_coordinator_signs_in_with_tara(tara, demo_people):
    client = Client()
    response = tara_sign_in(client)
    coordinator = demo_people["koordinaator"]
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert signed_in_user_id(client) == str(coordinator.pk)
    assert client.session["_auth_user_backend"] == "accounts.tara.TaraBackend"
    assert abs(client.session["signed_in_at"] - time.time()) < 60
    event = AuditEvent.objects.get(action=Action.SIGN_IN)
    assert event.actor == coordinator
    assert event.purpose == Purpose.AUTHENTICATION
    assert event.detail == {"method": "tara"}
    # The state was used up: replaying the callback does not sign anyone in again.
    assert client.session["oidc_states"] == {}


def test_tara_sign_in_returns_to_the_page_asked_for(tara, demo_people):
    client = Client()
    start = client.get(reverse("accounts:tara_login") + "?next=/method/")
    assert start.status_code == 302
    import requests

    authorised = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(authorised.headers["Location"])
    response = client.get(callback.path + "?" + callback.query)
    assert response["Location"] == "/method/"


def test_client_authenticates_to_the_token_endpoint_with_client_secret_basic(tara, demo_people):
    tara_sign_in(Client())
    (token_request,) = tara.token_requests
    assert token_request["authorization"].startswith("Basic ")
    assert "client_secret" not in token_request["form"]
    assert token_request["form"]["grant_type"] == "authorization_code"


def test_discovery_and_keys_are_cached_between_sign_ins(tara, demo_people):
    tara_sign_in(Client())
    tara_sign_in(Client())
    assert tara.requests.count(("GET", "/oidc/.well-known/openid-configuration")) == 1
    assert tara.requests.count(("GET", "/oidc/jwks")) == 1
    assert AuditEvent.objects.filter(action=Action.SIGN_IN).count() == 2


def test_wrong_issuer_is_refused(tara, demo_people):
    tara.claims_override = {"iss": "https://tara.evil.example"}
    client = Client()
    assert_refused(tara_sign_in(client), client, "wrong_issuer")


def test_wrong_audience_is_refused(tara, demo_people):
    tara.claims_override = {"aud": ["some-other-client"]}
    client = Client()
    assert_refused(tara_sign_in(client), client, "wrong_audience")


def test_several_audiences_without_azp_for_us_are_refused(tara, demo_people):
    tara.claims_override = {"aud": [CLIENT_ID, "some-other-client"], "azp": "some-other-client"}
    client = Client()
    assert_refused(tara_sign_in(client), client, "wrong_audience")


def test_signature_by_another_key_is_refused(tara, demo_people):
    tara.sign_with = tara.other_key
    client = Client()
    assert_refused(tara_sign_in(client), client, "bad_signature")


def test_unknown_kid_is_refused_after_looking_for_a_rotated_key(tara, demo_people):
    tara.header_kid = "not-a-published-key"
    client = Client()
    assert_refused(tara_sign_in(client), client, "unknown_kid")
    # The key set was fetched again once in case TARA had rotated its keys.
    assert tara.requests.count(("GET", "/oidc/jwks")) == 2


def test_token_without_kid_is_refused(tara, demo_people):
    tara.header_kid = None
    client = Client()
    assert_refused(tara_sign_in(client), client, "unknown_kid")


def test_expired_token_is_refused(tara, demo_people):
    now = int(time.time())
    tara.claims_override = {"iat": now - 3600, "nbf": now - 3600, "exp": now - 600}
    client = Client()
    assert_refused(tara_sign_in(client), client, "expired")


def test_token_issued_in_the_future_is_refused(tara, demo_people):
    now = int(time.time())
    tara.claims_override = {"iat": now + 3600, "nbf": None, "exp": now + 7200}
    client = Client()
    response = tara_sign_in(client)
    assert_refused(response, client, last_refusal().detail["reason"])
    assert last_refusal().detail["reason"] in ("not_yet_valid", "bad_issued_at")


def test_token_without_exp_is_refused(tara, demo_people):
    tara.claims_override = {"exp": None}
    client = Client()
    assert_refused(tara_sign_in(client), client, "missing_claim")


def test_state_mismatch_is_refused(tara, demo_people):
    client = Client()
    response = tara_sign_in(client, state="forged-state")
    assert_refused(response, client, "state_mismatch", sub=None)
    # The code was never exchanged.
    assert tara.token_requests == []


def test_callback_without_a_sign_in_started_is_refused(tara, demo_people):
    client = Client()
    response = client.get(reverse("accounts:tara_callback") + "?code=abc&state=xyz")
    assert_refused(response, client, "state_mismatch", sub=None)


def test_nonce_mismatch_is_refused(tara, demo_people):
    tara.claims_override = {"nonce": "a-nonce-from-another-sign-in"}
    client = Client()
    assert_refused(tara_sign_in(client), client, "nonce_mismatch")


def test_acr_below_the_minimum_is_refused(tara, demo_people, settings):
    settings.TARA_MIN_ACR = "high"
    tara.acr = "substantial"
    client = Client()
    assert_refused(tara_sign_in(client), client, "acr_too_low")


def test_acr_substantial_is_enough_when_the_minimum_is_substantial(tara, demo_people, settings):
    settings.TARA_MIN_ACR = "substantial"
    tara.acr = "substantial"
    client = Client()
    tara_sign_in(client)
    assert signed_in_user_id(client) == str(demo_people["koordinaator"].pk)


def test_person_without_an_account_is_refused_and_told_to_ask_the_administrator(tara, demo_people):
    stranger = "EE" + personal_code(5, "050505", 123)
    tara.sub = stranger
    client = Client()
    response = tara_sign_in(client)
    assert_refused(response, client, "no_account", sub=stranger)
    assert User.objects.count() == len(demo_people)  # nobody created
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "You have no account in Tagasivaade" in page.content.decode()
    assert "administrator" in page.content.decode()


def test_deactivated_account_is_refused(tara, demo_people):
    coordinator = demo_people["koordinaator"]
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    client = Client()
    assert_refused(tara_sign_in(client), client, "account_inactive")


def test_foreign_identity_without_estonian_personal_code_is_refused(tara, demo_people):
    tara.sub = "LT39001010000"
    client = Client()
    assert_refused(tara_sign_in(client), client, "unsupported_sub", sub="LT39001010000")


def test_matching_never_uses_the_e_mail_address(tara, demo_people):
    # Someone else holds this e-mail; TARA identifies a person with a different code and the same e-mail.
    User.objects.create(
        username="sama-epost",
        first_name="Sama",
        last_name="Epost",
        email="jagatud@example.ee",
        personal_code=personal_code(4, "910203", 7),
    )
    stranger = "EE" + personal_code(3, "880808", 88)
    tara.sub = stranger
    tara.claims_override = {"email": "jagatud@example.ee", "email_verified": True}
    client = Client()
    assert_refused(tara_sign_in(client), client, "no_account", sub=stranger)


def test_cancel_in_tara_is_refused_and_explained(tara, demo_people):
    client = Client()
    start = client.get(reverse("accounts:tara_login"))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(reverse("accounts:tara_callback"), {"error": "user_cancel", "state": state})
    assert_refused(response, client, "provider_error", sub=None)
    assert last_refusal().detail["error"] == "user_cancel"
    assert client.session["oidc_states"] == {}
    assert "Sign-in was not completed" in client.get(reverse("accounts:refused")).content.decode()


def test_unreachable_provider_is_refused(tara, demo_people, settings):
    settings.TARA_ISSUER = "http://127.0.0.1:9"  # nothing listens on the discard port
    client = Client()
    response = client.get(reverse("accounts:tara_login"))
    assert_refused(response, client, "provider_unavailable", sub=None)


def test_tara_pages_do_not_exist_when_tara_is_not_configured(settings, db):
    settings.TARA_ENABLED = False
    client = Client()
    assert client.get(reverse("accounts:tara_login")).status_code == 404
    assert client.get(reverse("accounts:tara_callback") + "?code=a&state=b").status_code == 404


def test_password_sign_in_does_not_reach_the_tara_backend(tara, demo_people):
    # A password form posted to a URL that carries code and state must not start a token exchange.
    client = Client()
    client.post(
        reverse("accounts:login") + "?code=abc&state=xyz",
        {"username": "koordinaator", "password": "wrong-password"},
    )
    assert tara.token_requests == []
