"""Fixtures of the working-group tests: the demo working group on top of the demo people and case.
(The keyboard-only tests are in tests/browser/test_workgroup_keyboard.py, sharing the browser there.)"""

from __future__ import annotations

import pytest


@pytest.fixture
def group(people, demo_case):
    """The demo working group (see workgroup/demo.py)."""
    from workgroup.demo import ensure_demo_workgroup

    return ensure_demo_workgroup(people, demo_case)
