"""An agency's submission with the keyboard only (Tab, Enter and Space; no mouse): the contributor
uploads a file with errors, reads them, uploads a corrected file, reviews the preview and submits it.
axe-core checks each page on the way, the preview with errors and the valid preview included.

The file chooser is the browser's own dialog: the test hands the file to the focused input, as a
keyboard user choosing it in that dialog would."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from chronology.models import ChronologyEntry
from submissions.models import Submission
from tests.browser.conftest import assert_accessible, sign_in
from tests.chronology.builders import csv_bytes, valid_row

pytestmark = pytest.mark.browser

MAX_TABS = 300


@pytest.fixture
def sent_request(people, demo_case):
    """The VALD-LK request the demo contributor `asutus` answers (see inquiries/demo.py)."""
    from inquiries.demo import ensure_demo_inquiries

    return ensure_demo_inquiries(people, demo_case["review"])["sent_request"]


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


def choose_file(page: Any, path: Any) -> None:
    tab_to(page, "#id_file")
    page.locator("#id_file:focus").set_input_files(str(path))


def test_the_contributor_uploads_reviews_the_preview_and_submits_with_the_keyboard_only(
    sent_request, people, live_server, context, page, tmp_path
):
    rows = [
        valid_row(entry_ref="V-1", organisation="VALD-LK", description="Kodukülastus."),
        valid_row(entry_ref="V-2", organisation="VALD-LK", date="2019-04", date_precision="month", time=""),
    ]
    bad = tmp_path / "vigane.csv"
    bad.write_bytes(csv_bytes([rows[0], {**rows[1], "event_type": "phone_call"}]))
    good = tmp_path / "kronoloogia.csv"
    good.write_bytes(csv_bytes(rows, delimiter=";", bom=True))

    sign_in(context, live_server, people["asutus"])
    page.goto(reverse("submissions:request", kwargs={"pk": sent_request.pk}))
    assert_accessible(page)
    tab_to(page, f"main a[href='{reverse('submissions:upload', kwargs={'pk': sent_request.pk})}']")
    press_and_wait(page, "Enter")
    assert_accessible(page)

    # A file with an error: the preview lists it, and nothing is stored.
    choose_file(page, bad)
    tab_to(page, "main form button[type='submit']")
    press_and_wait(page, "Enter")
    assert page.locator(".error-summary").count() == 1
    assert "phone_call" in page.locator("main table").inner_text()
    assert_accessible(page)
    assert not Submission.objects.exists()

    tab_to(page, "main a.button")  # "Upload a corrected file"
    press_and_wait(page, "Enter")
    choose_file(page, good)
    tab_to(page, "main form button[type='submit']")
    press_and_wait(page, "Space")
    assert page.locator(".error-summary").count() == 0
    assert page.locator("main form button[type='submit']").count() == 1
    assert page.locator("main table tbody tr").count() == 2
    assert_accessible(page)
    assert not ChronologyEntry.objects.exists()

    tab_to(page, "main form button[type='submit']")  # "Submit this chronology"
    press_and_wait(page, "Enter")
    submission = Submission.objects.get()
    assert submission.entry_count == 2 and submission.submitted_by == people["asutus"]
    assert page.url.endswith(reverse("submissions:detail", kwargs={"pk": submission.pk}))
    assert_accessible(page)
    assert not page.problems, page.problems
