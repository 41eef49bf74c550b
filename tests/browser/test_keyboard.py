"""Keyboard only: the skip link, and signing in and recording a notification with Tab, Space, Enter and
typing (no mouse, no clicks, no filling fields by script)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

MAX_TABS = 250


def tab_to(page: Any, selector: str) -> None:
    """Presses Tab until the focused element matches `selector` (a CSS selector); fails if it never does."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} was never reached with Tab on {page.url}")


def press_and_wait(page: Any, key: str) -> None:
    """Presses a key that follows a link or submits a form, and waits for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => ({id: document.activeElement.id, tag: document.activeElement.tagName,"
        " text: document.activeElement.textContent.trim()})"
    )


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_main_content(page):
    page.goto(reverse("core:accessibility"))
    page.keyboard.press("Tab")
    first = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert first == "#main", "the first Tab stop is not the skip link"
    assert page.evaluate("() => document.activeElement.getBoundingClientRect().left >= 0"), (
        "the skip link stays off screen when focused"
    )
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    assert page.url.endswith("#main")


def test_skip_link_works_for_a_signed_in_person_past_the_menu(people, live_server, context, page):
    sign_in(context, live_server, people["koordinaator"])
    page.goto(reverse("notifications:list"))
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    # The next Tab stop is inside the main content, not the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_coordinator_signs_in_and_records_a_notification_with_the_keyboard_only(people, page):
    coordinator = people["koordinaator"]
    before = Notification.objects.count()

    # Sign in on the demo sign-in page: Tab to the coordinator's button and press Enter.
    page.goto(reverse("accounts:login"))
    demo_form = f"form[action='{reverse('accounts:demo_login')}']"
    tab_to(page, f"{demo_form}:has(input[name='username'][value='{coordinator.username}']) button")
    assert coordinator.get_full_name() in focused(page)["text"]
    press_and_wait(page, "Enter")

    # From the coordinator's start page to the notification form, following links with Tab and Enter.
    tab_to(page, f"a[href='{reverse('notifications:create')}']")
    press_and_wait(page, "Enter")
    assert page.url.endswith(reverse("notifications:create"))
    assert_accessible(page)

    # Sending the empty form first: the error summary and the field errors are accessible too.
    tab_to(page, "main form button[type='submit']")
    press_and_wait(page, "Enter")
    assert Notification.objects.count() == before
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)

    # The incident.
    tab_to(page, "#id_incident_date")
    page.keyboard.type("02.11.2026")
    tab_to(page, "#id_became_aware_on")
    page.keyboard.type("16.11.2026")
    tab_to(page, "#id_notifying_body")
    page.keyboard.type("Näidislinna Lastehaigla")
    tab_to(page, "input[name='outcome']")
    page.keyboard.press("Space")
    tab_to(page, "input[name='causes']")
    page.keyboard.press("Space")
    tab_to(page, "#id_summary")
    page.keyboard.type("Laps toodi haiglasse raskes seisundis.")

    # The child.
    tab_to(page, "#id_child-pseudonym")
    page.keyboard.type("Laps K")
    tab_to(page, "#id_child-age_at_incident")
    page.keyboard.type("9")
    tab_to(page, "input[name='child-sex']")
    page.keyboard.press("Space")

    # Submit with Enter on the form's button.
    tab_to(page, "main form button[type='submit']")
    press_and_wait(page, "Enter")

    assert Notification.objects.count() == before + 1, f"nothing was recorded; the page says: {page.inner_text('main')}"
    notification = Notification.objects.order_by("-pk").select_related("child").first()
    assert notification.child.pseudonym == "Laps K"
    assert notification.recorded_by == coordinator
    assert notification.notifying_body == "Näidislinna Lastehaigla"
    assert page.locator("main").get_by_text(notification.reference).count() > 0
