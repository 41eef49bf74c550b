from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.demo import ensure_demo_people

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, TestProvider


@pytest.fixture(scope="session")
def _provider():
    provider = TestProvider()
    yield provider
    provider.stop()


@pytest.fixture
def tara(_provider, settings):
    """The local test provider, with TARA pointed at it and a clean cache."""
    _provider.reset()
    settings.TARA_ISSUER = _provider.issuer
    settings.TARA_CLIENT_ID = CLIENT_ID
    settings.TARA_CLIENT_SECRET = CLIENT_SECRET
    settings.TARA_MIN_ACR = "high"
    settings.TARA_SCOPES = "openid"
    settings.TARA_ENABLED = True
    cache.clear()
    yield _provider
    cache.clear()


@pytest.fixture
def demo_people(db):
    """The demo organisations and users (no method version needed)."""
    return ensure_demo_people()


def tara_sign_in(client: Client, *, state: str | None = None):
    """Run the flow: our start page → the provider's authorise endpoint → our callback.

    `state` replaces the state the provider sends back, to show a mismatch is refused.
    """
    start = client.get(reverse("accounts:tara_login"))
    assert start.status_code == 302, start
    authorised = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert authorised.status_code == 302
    callback = urlsplit(authorised.headers["Location"])
    query = {name: values[0] for name, values in parse_qs(callback.query).items()}
    if state is not None:
        query["state"] = state
    return client.get(callback.path + "?" + urlencode(query))
