"""Bad chronology files through the upload page: each is refused with its clear message, and nothing is
stored — no submission, no chronology entry. Files the format accepts (semicolons, a byte-order mark,
Estonian headings, a workbook) reach a valid preview."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from chronology.exchange import MAX_FILE_BYTES, MAX_ROWS
from chronology.models import ChronologyEntry
from submissions.models import Submission, UploadPreview
from tests.chronology.builders import HOSTILE_WORKBOOKS, csv_bytes, csv_text, xlsx_bytes, xlsx_of
from tests.submissions.conftest import CODE, page_text, row, upload, upload_and_preview

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
OLD_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
MINIMAL_HEADER = ["entry_ref", "date", "organisation", "event_type", "description", "source_document"]


def nothing_stored() -> bool:
    return not Submission.objects.exists() and not ChronologyEntry.objects.exists()


def many_rows(count: int) -> bytes:
    lines = [",".join(MINIMAL_HEADER)] + [f"R{n},2019,{CODE},contact,x,y" for n in range(count)]
    return ("\r\n".join(lines) + "\r\n").encode()


BAD_FILES = {
    "wrong encoding": (
        csv_text([row(description="Märkus: laps väsinud, õde ütles")]).encode("cp1257"),
        "kronoloogia.csv",
        "is not saved as UTF-8",
    ),
    "unknown column": (
        csv_bytes([row()], header=[*MINIMAL_HEADER, "isikukood"]),
        "kronoloogia.csv",
        "There is no column “isikukood” in the exchange format",
    ),
    "missing required column": (
        csv_bytes([row()], header=[key for key in MINIMAL_HEADER if key != "source_document"]),
        "kronoloogia.csv",
        "The required column source_document (allikas) is missing.",
    ),
    "missing required value": (csv_bytes([row(description="")]), "kronoloogia.csv", "This value is required."),
    "unknown event type": (
        csv_bytes([row(event_type="phone_call")]),
        "kronoloogia.csv",
        "“phone_call” is not an event type of the method",
    ),
    "unknown concern": (
        csv_bytes([row(concern="loneliness")]),
        "kronoloogia.csv",
        "“loneliness” is not a concern of the method",
    ),
    "impossible date": (
        csv_bytes([row(date="2019-02-30", time="")]),
        "kronoloogia.csv",
        "“2019-02-30” is not a real date: 02.2019 has 28 days.",
    ),
    "date in no known form": (
        csv_bytes([row(date="4th of March", time="")]),
        "kronoloogia.csv",
        "Write the date as YYYY-MM-DD, YYYY-MM, YYYY, DD.MM.YYYY or MM.YYYY, not “4th of March”.",
    ),
    "precision that does not fit the date": (
        csv_bytes([row(date="2019", date_precision="day", time="")]),
        "kronoloogia.csv",
        "The date “2019” names a year: its precision must be year or approximate, not “day”.",
    ),
    "time with a month-precision date": (
        csv_bytes([row(date="2019-03", date_precision="month", time="10:30")]),
        "kronoloogia.csv",
        "A time is allowed only with an exact day",
    ),
    "duplicate entry_ref": (
        csv_bytes([row(entry_ref="A-1"), row(entry_ref="A-1")]),
        "kronoloogia.csv",
        "The entry_ref “A-1” is already used in row 2; each entry needs its own.",
    ),
    "text over the limit": (
        csv_bytes([row(description="x" * 4001)]),
        "kronoloogia.csv",
        "The text is 4,001 characters long; at most 4,000 are allowed.",
    ),
    "yes/no not understood": (
        csv_bytes([row(child_seen="maybe")]),
        "kronoloogia.csv",
        "Write yes, no or unknown (jah, ei, teadmata), not “maybe”.",
    ),
    "referral without its addressee": (
        csv_bytes([row(event_type="referral", addressee="")]),
        "kronoloogia.csv",
        "An entry of type referral needs the code of the organisation it went to.",
    ),
    "an organisation not in the review": (
        csv_bytes([row(shared_with="KOOL-99")]),
        "kronoloogia.csv",
        "“KOOL-99” is not the code of an organisation in this review",
    ),
    "another organisation's code": (
        csv_bytes([row(organisation="HAIGLA-01")]),
        "kronoloogia.csv",
        "“HAIGLA-01” is another organisation's code. An organisation submits only its own entries: write VALD-LK here.",
    ),
    "only a byte-order mark": (codecs.BOM_UTF8 + b"\r\n", "kronoloogia.csv", "The file is empty."),
    "a header and no entries": (csv_bytes([]), "kronoloogia.csv", "The file has a header row but no entries."),
    "not a spreadsheet (a picture)": (PNG, "kronoloogia.csv", "This file is not a spreadsheet."),
    "an old Excel workbook": (OLD_XLS, "kronoloogia.xls", "This is an old Excel workbook (.xls)"),
    "a number where a date belongs (XLSX)": (
        xlsx_bytes([MINIMAL_HEADER, ["R1", 43528, CODE, "contact", "x", "y"]]),
        "kronoloogia.xlsx",
        "The cell holds the number 43528, not a date",
    ),
    "a valid chronology under another type's name": (
        csv_bytes([row()]),
        "kronoloogia.html",
        "Files of this type cannot be uploaded; allowed: csv, xlsx.",
    ),
    "a valid workbook named as CSV": (
        xlsx_of([row()]),
        "kronoloogia.csv",
        "The content of kronoloogia.csv is not a .csv file",
    ),
    "over 50,000 rows": (
        many_rows(MAX_ROWS + 1),
        "suur.csv",
        "more than 50,000 entries, the most one submission can hold.",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_is_refused_in_the_preview_with_its_message_and_nothing_is_stored(kind, contributor, sent_request):
    data, filename, message = BAD_FILES[kind]
    preview = upload_and_preview(contributor, sent_request, data, filename)
    assert preview.status_code == 200
    text = page_text(preview)
    assert message in text, text[text.find("<main") :][:3000]
    assert "The file has errors" in text and "Upload a corrected file" in text
    assert "Submit this chronology" not in text
    # Submitting it anyway stores nothing either.
    again = contributor.post(preview.wsgi_request.path)
    assert again.status_code == 200 and message in page_text(again)
    assert nothing_stored()
    sent_request.refresh_from_db()
    assert sent_request.received_at is None


def test_every_error_is_listed_with_its_row_and_column(contributor, sent_request):
    data = csv_bytes(
        [row(entry_ref="A-1"), row(entry_ref="A-2", event_type="phone_call"), row(entry_ref="A-3", date="2019-13-01")]
    )
    text = page_text(upload_and_preview(contributor, sent_request, data))
    assert "<td>3</td><td>event_type</td><td>“phone_call” is not an event type" in text
    assert "<td>4</td><td>date</td><td>“2019-13-01” is not a real date: the month must be from 1 to 12.</td>" in text
    assert "has 2 errors" in text
    assert nothing_stored()


def test_an_empty_file_is_refused_on_the_upload_page(contributor, sent_request):
    response = upload(contributor, sent_request, b"")
    assert response.status_code == 200
    assert "The file is empty." in page_text(response)
    assert not UploadPreview.objects.exists() and nothing_stored()


def test_no_file_chosen_is_refused_on_the_upload_page(contributor, sent_request):
    from django.urls import reverse

    response = contributor.post(reverse("submissions:upload", kwargs={"pk": sent_request.pk}))
    assert response.status_code == 200 and "Choose the chronology file to upload." in page_text(response)
    assert not UploadPreview.objects.exists()


def test_a_file_over_10_mb_is_refused_before_it_is_read(contributor, sent_request):
    data = csv_bytes([row()]) + b"#" * MAX_FILE_BYTES
    response = upload(contributor, sent_request, data)
    assert response.status_code == 200
    text = page_text(response)
    assert (
        "The file is 10.0 MB; at most 10 MB is accepted. "
        "Save it as CSV, which is smaller, or ask the review coordinator how to send it." in text
    )
    assert 'class="error-summary"' in text
    assert not UploadPreview.objects.exists() and nothing_stored()


@pytest.mark.parametrize(
    "kind, data, filename",
    [
        ("semicolons and a byte-order mark", csv_bytes([row()], delimiter=";", bom=True), "kronoloogia.csv"),
        (
            "Estonian header labels in any letter case",
            csv_bytes(
                [
                    {
                        "VIIDE": "PA-1",
                        "Kuupäev": "04.03.2019",
                        "asutus": CODE,
                        "sündmus": "contact",
                        "Kirjeldus": "x",
                        "allikas": "y",
                    }
                ],
                header=["VIIDE", "Kuupäev", "asutus", "sündmus", "Kirjeldus", "allikas"],
            ),
            "kronoloogia.csv",
        ),
        ("an Excel workbook", xlsx_of([row()]), "kronoloogia.xlsx"),
    ],
)
def test_files_the_format_accepts_reach_a_valid_preview(kind, data, filename, contributor, sent_request):
    text = page_text(upload_and_preview(contributor, sent_request, data, filename))
    assert "Check the chronology before submitting it" in text and "Submit this chronology" in text
    assert "The file has errors" not in text
    assert nothing_stored()


@pytest.fixture
def memory_ceiling():
    """An address-space ceiling 2 GB above this process's present size while the test runs, so that a
    reader that stopped bounding a hostile workbook fails the test instead of exhausting the machine
    (the goal itself, 200 MB, is measured by bench/bench_hostile_workbooks.py)."""
    import os
    import resource

    pages = int(Path("/proc/self/statm").read_text().split()[0])
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = pages * os.sysconf("SC_PAGE_SIZE") + 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (ceiling if hard == resource.RLIM_INFINITY else min(ceiling, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.mark.parametrize("kind", list(HOSTILE_WORKBOOKS))
def test_a_hostile_workbook_is_refused_on_upload_and_nothing_is_kept(kind, contributor, sent_request, memory_ceiling):
    build, message = HOSTILE_WORKBOOKS[kind]
    preview = upload_and_preview(contributor, sent_request, build(), "kronoloogia.xlsx")
    text = page_text(preview)
    assert message in text, text[text.find("<main") :][:3000]
    assert "The file has errors" in text and "Submit this chronology" not in text
    assert contributor.post(preview.wsgi_request.path).status_code == 200
    assert nothing_stored()
    assert not UploadPreview.objects.get().file  # the hostile file itself is not kept
