"""The working group with the keyboard only (Tab, arrows, Space, Enter and typing; no mouse, no filling
fields by script), checked with axe-core on the way, including the pages that show errors. Every page of
the group is also checked with axe for every persona by tests/browser/test_accessibility.py.

Kept beside the other browser tests so that they share the one session-wide Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.browser.conftest import assert_accessible, sign_in
from workgroup.models import Feedback, Invitation

pytestmark = pytest.mark.browser


@pytest.fixture
def group(people, demo_case):
    """The demo working group (see workgroup/demo.py)."""
    from workgroup.demo import ensure_demo_workgroup

    return ensure_demo_workgroup(people, demo_case)


MAX_TABS = 300


def tab_to(page: Any, selector: str) -> None:
    """Presses Tab until the focused element matches `selector`; fails if it never does."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} was never reached with Tab on {page.url}")


def press_and_wait(page: Any, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_a_member_records_feedback_on_the_method_with_the_keyboard_only(
    group,
    people,
    live_server,
    context,
    page,
):
    sign_in(context, live_server, people["tooruhm"])
    pilot = group["pilot"]
    before = Feedback.objects.count()
    page.goto(reverse("workgroup:home"))
    assert_accessible(page)
    tab_to(page, f"a[href='{reverse('workgroup:pilot_detail', args=[pilot.pk])}']")
    press_and_wait(page, "Enter")

    # Sending the form empty first: the error summary and field errors are accessible too.
    tab_to(page, "main form button[type='submit']")
    press_and_wait(page, "Enter")
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)
    assert Feedback.objects.count() == before

    tab_to(page, "#id_part")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_text")
    page.keyboard.type("Etapi kirjeldus vajab näidet.")
    tab_to(page, "main form button[type='submit']")
    press_and_wait(page, "Enter")
    assert Feedback.objects.count() == before + 1, page.inner_text("main")
    feedback = Feedback.objects.order_by("-pk").first()
    assert (feedback.author, feedback.target, feedback.text) == (
        people["tooruhm"],
        "stage",
        "Etapi kirjeldus vajab näidet.",
    )
    assert_accessible(page)


def test_the_coordinator_drafts_and_sends_a_letter_with_the_keyboard_only(
    group,
    people,
    live_server,
    context,
    page,
):
    sign_in(context, live_server, people["koordinaator"])
    before = Invitation.objects.count()
    page.goto(reverse("workgroup:seats"))
    assert_accessible(page)
    tab_to(page, f"main a[href='{reverse('workgroup:invitation_create')}']")
    press_and_wait(page, "Enter")
    assert_accessible(page)

    tab_to(page, "#id_seat")
    page.keyboard.press("ArrowDown")  # the first seat: health
    tab_to(page, "#id_to_email")
    page.keyboard.type("info@perearst.example")
    tab_to(page, "#id_cc_name")
    page.keyboard.type("Tiina Tervis")
    tab_to(page, "#id_cc_email")
    page.keyboard.type("tiina.tervis@perearst.example")
    tab_to(page, "button[value='draft']")
    press_and_wait(page, "Enter")
    body = page.input_value("#id_body")
    assert "Töörühm arendab ja katsetab metoodikat" in body
    assert_accessible(page)

    tab_to(page, "button[value='send']")
    press_and_wait(page, "Enter")
    assert Invitation.objects.count() == before + 1, page.inner_text("main")
    letter = Invitation.objects.order_by("-pk").first()
    assert (letter.seat.sector, letter.to_email, letter.cc_email) == (
        "health",
        "info@perearst.example",
        "tiina.tervis@perearst.example",
    )
    assert_accessible(page)
