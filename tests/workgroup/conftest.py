"""Fixtures of the working-group tests: the demo working group on top of the demo people and case, and
the browser fixtures (Debian's Chromium, axe-core) for the keyboard-only tests in test_browser.py."""

from __future__ import annotations

import pytest

from tests.browser.conftest import browser, context, page  # noqa: F401 (fixtures used by test_browser.py)


@pytest.fixture
def group(people, demo_case):
    """The demo working group (see workgroup/demo.py)."""
    from workgroup.demo import ensure_demo_workgroup

    return ensure_demo_workgroup(people, demo_case)
