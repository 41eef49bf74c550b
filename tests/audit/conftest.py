"""Audit tests need the demo people but not the method."""

from __future__ import annotations

import pytest


@pytest.fixture
def users(db):
    """The demo users by username (see accounts/demo.py), without seeding the method."""
    from accounts.demo import ensure_demo_people

    return ensure_demo_people()
