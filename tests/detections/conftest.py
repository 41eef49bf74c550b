"""The demo review with its chronology submitted, and so detected (chronology/demo.py)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def demo(people, demo_case) -> dict[str, Any]:
    """{"review", "requests": {organisation code: InformationRequest}}."""
    from chronology.demo import ensure_demo_chronology
    from inquiries.demo import ensure_demo_inquiries

    review = demo_case["review"]
    ensure_demo_inquiries(people, review)
    return {"review": review, "requests": ensure_demo_chronology(people, review)}
