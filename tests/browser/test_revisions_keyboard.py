"""A refused stale save with the keyboard only, in Estonian: the refusal is announced in the error
summary, the comparison of both versions passes axe-core, and saving again from there goes through.

Kept beside the other browser tests so that they share the one session-wide Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.browser.conftest import assert_accessible, sign_in
from workgroup.meeting_services import minutes_save
from workgroup.models import Meeting

pytestmark = pytest.mark.browser


@pytest.fixture
def group(people, demo_case):
    from workgroup.demo import ensure_demo_workgroup

    return ensure_demo_workgroup(people, demo_case)


def tab_to(page: Any, selector: str) -> None:
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} was never reached with Tab on {page.url}")


def press_and_wait(page: Any, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_minutes_saved_meanwhile_are_shown_beside_yours_and_saved_again_on_purpose(
    group, people, live_server, context, page
):
    meeting = group["meeting"]
    sign_in(context, live_server, people["koordinaator"])
    page.goto(reverse("workgroup:minutes", args=[meeting.pk]))
    # Someone else saves the minutes while this page is open.
    minutes_save(meeting=meeting, minutes="Teise inimese protokoll", revision=0, acting_user=people["koordinaator"])

    tab_to(page, "#id_minutes")
    page.keyboard.type("Minu protokoll")
    tab_to(page, f"form[action='{reverse('workgroup:minutes', args=[meeting.pk])}'] button[type='submit']")
    press_and_wait(page, "Enter")
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Teise inimese protokoll"
    # The refusal is announced (role=alert) and read first: the summary precedes the comparison and the form.
    assert page.locator(".error-summary[role='alert']").count() == 1
    assert page.evaluate(
        "() => document.querySelector('.error-summary').compareDocumentPosition("
        "document.querySelector('#conflict-title')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    table = page.inner_text("table")
    assert "Teise inimese protokoll" in table and "Minu protokoll" in table
    assert_accessible(page)

    tab_to(page, f"form[action='{reverse('workgroup:minutes', args=[meeting.pk])}'] button[type='submit']")
    press_and_wait(page, "Enter")
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Minu protokoll"
    assert_accessible(page)
