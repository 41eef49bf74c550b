"""Fixtures for information gathering: the demo case with its involvements and requests."""

from __future__ import annotations

import pytest

from tests.accounts.conftest import _provider, tara  # noqa: F401 - the local TARA test provider


@pytest.fixture
def inquiries(people, demo_case):
    """{"review", "involvement", "sent_request", "draft_request"} of the demo case (inquiries/demo.py)."""
    from inquiries.demo import ensure_demo_inquiries

    return {"review": demo_case["review"], **ensure_demo_inquiries(people, demo_case["review"])}
