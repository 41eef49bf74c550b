"""Information gathering with the keyboard only (Tab, arrows, Enter and typing; no mouse, no filling
fields by script), checked with axe-core on the way, including a page that shows errors. Every page is
also checked with axe for every persona by tests/browser/test_accessibility.py.

Kept beside the other browser tests so that they share the one session-wide Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from inquiries.models import InformationRequest, Involvement
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def inquiries(people, demo_case):
    """The demo review's involvements and requests (see inquiries/demo.py)."""
    from inquiries.demo import ensure_demo_inquiries

    return {"review": demo_case["review"], **ensure_demo_inquiries(people, demo_case["review"])}


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


def test_the_coordinator_adds_an_organisation_and_drafts_its_request_with_the_keyboard_only(
    inquiries,
    people,
    live_server,
    context,
    page,
):
    review = inquiries["review"]
    sign_in(context, live_server, people["koordinaator"])
    page.goto(reverse("inquiries:involvement_list", kwargs={"pk": review.pk}))
    assert_accessible(page)
    tab_to(page, f"main a[href='{reverse('inquiries:involvement_create', kwargs={'pk': review.pk})}']")
    press_and_wait(page, "Enter")
    assert_accessible(page)

    # A code in small letters first: the error summary and the field's error are accessible too.
    tab_to(page, "#id_organisation")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_code")
    page.keyboard.type("kool-01")
    tab_to(page, "#id_contact_name")
    page.keyboard.type("Kati Kool")
    tab_to(page, "#id_contact_email")
    page.keyboard.type("kati@naidiskool.example")
    tab_to(page, "main form button[type='submit']")
    press_and_wait(page, "Enter")
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)
    assert not Involvement.objects.filter(review=review, contact_name="Kati Kool").exists()

    tab_to(page, "#id_code")
    page.keyboard.press("Control+A")
    page.keyboard.type("KOOL-01")
    tab_to(page, "main form button[type='submit']")
    press_and_wait(page, "Enter")
    involvement = Involvement.objects.get(review=review, code="KOOL-01")
    assert involvement.contact_email == "kati@naidiskool.example"
    assert_accessible(page)

    before = InformationRequest.objects.count()
    tab_to(page, f"form[action='{reverse('inquiries:request_create', args=[involvement.pk])}'] button")
    press_and_wait(page, "Enter")
    assert InformationRequest.objects.count() == before + 1
    assert "{due_date}" in page.input_value("#id_letter")
    assert_accessible(page)
