"""Shared fixtures: the method, the demo people (one per role) and signed-in clients."""

from __future__ import annotations

import os

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Bounded generators for CI: few examples, no per-example deadline (CI machines are slow and shared).
hypothesis_settings.register_profile(
    "ci", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
hypothesis_settings.register_profile("thorough", max_examples=2000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Uploaded files stay in memory: nothing is written to the checkout, and code that reaches for a
    # local path instead of the storage API fails.
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    # Tests read English messages; the Estonian default is checked in tests/core/test_language.py.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def method_v1(db):
    """Method version 1, seeded from the files in method/seed/."""
    from method.seeds import ensure_seeded

    return ensure_seeded()


@pytest.fixture
def people(db, method_v1):
    """The demo users by username: koordinaator, analyyytik, ... (see accounts/demo.py)."""
    from accounts.demo import ensure_demo_people

    return ensure_demo_people()


@pytest.fixture
def login():
    """login(user) -> a test Client signed in as that user (no password round trip)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user, backend="accounts.backends.PasswordBackend")
        return client

    return make


@pytest.fixture
def demo_case(people):
    """The fictional demo case: {"notification", "review", "open_notification"} (see reviews/demo.py)."""
    from reviews.demo import ensure_demo_case

    return ensure_demo_case(people)
