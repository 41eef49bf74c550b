"""Exports of the integrated chronology: the XLSX reads back as the exchange format, the PDF carries the
marking, Estonian letters and the timeline."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import subprocess

import openpyxl
import pytest

from chronology.entry import Entry, Precision, UncertainDate, YesNo
from chronology.exchange import KEYS, read_chronology
from chronology.export import INTERNAL_USE_MARKING, PROVENANCE_SHEET, export_pdf, export_xlsx

from .builders import EXAMPLE_CSV, seed_vocabularies


def plain(entries):
    return [dataclasses.replace(entry, source="", row=None) for entry in entries]


def example_entries() -> list[Entry]:
    return list(read_chronology(EXAMPLE_CSV, vocabularies=seed_vocabularies()).entries)


def tricky_entries() -> list[Entry]:
    day = dt.date(2019, 3, 4)
    return [
        Entry(
            entry_ref='=HYPERLINK("http://x")',
            date=UncertainDate(day, day, Precision.DAY),
            time=dt.time(9, 5),
            organisation="PERE-01",
            event_type="appointment_missed",
            description="-5 kg; ema ütles: „lõpp“. Šokk, žürii, Õie, Ülle, Äli.",
            source_document="@perearst e-tervis",
            child_seen=YesNo.NO,
            source="PERE-01.xlsx",
            row=7,
        ),
        Entry(
            entry_ref="KOV-2",
            date=UncertainDate(dt.date(2019, 2, 1), dt.date(2019, 4, 30), Precision.MONTH, approximate=True),
            organisation="KOV-01",
            event_type="notification",
            addressee="KOV-01",
            description="+372 teavitus",
            source_document="STAR 2019-14",
            shared_with=("PERE-01", "KOOL-01"),
            key_event=True,
            source="KOV-01.csv",
            row=2,
        ),
    ]


def workbook_bytes(entries, **options) -> bytes:
    out = io.BytesIO()
    export_xlsx(entries, out, **options)
    return out.getvalue()


@pytest.mark.parametrize("entries", [example_entries(), tricky_entries()], ids=["example", "tricky"])
def test_the_first_sheet_reads_back_as_the_same_entries(entries):
    data = workbook_bytes(entries, merges=[{"entries": [("a", "b")]}])
    result = read_chronology(data, vocabularies=seed_vocabularies(), filename="export.xlsx")
    assert not result.errors
    assert plain(result.entries) == plain(entries)


def test_the_first_sheet_is_exactly_the_exchange_format_with_formulas_made_harmless():
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(tricky_entries())))
    first = workbook.worksheets[0]
    rows = [[cell.value for cell in row] for row in first.iter_rows()]
    assert rows[0] == list(KEYS)
    values = dict(zip(KEYS, rows[1], strict=True))
    assert values["entry_ref"] == '\'=HYPERLINK("http://x")'
    assert values["description"].startswith("'-5 kg")
    assert values["source_document"] == "'@perearst e-tervis"
    assert all(cell.data_type == "s" for row in first.iter_rows() for cell in row if cell.value is not None)
    assert INTERNAL_USE_MARKING not in {value for row in rows for value in row}


def test_the_provenance_sheet_is_marked_and_lists_each_entrys_source():
    entries = tricky_entries()
    data = workbook_bytes(
        entries,
        merges=[{"entries": [("PERE-01.xlsx", entries[0].entry_ref), ("KOV-01.csv", "KOV-2")], "note": "Sama"}],
        disputes=[{"entries": [("KOV-01.csv", "KOV-2")], "note": "=vastuolu", "recorded_by": "Analüütik"}],
        language="en",
    )
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames[1] == PROVENANCE_SHEET
    assert workbook.properties.category == INTERNAL_USE_MARKING
    assert workbook.properties.subject == INTERNAL_USE_MARKING
    rows = [[cell.value for cell in row] for row in workbook[PROVENANCE_SHEET].iter_rows()]
    assert rows[0][0] == INTERNAL_USE_MARKING
    header = rows[3]
    assert header[:7] == [
        "Sheet row",
        "entry_ref",
        "Organisation",
        "Source document",
        "Submission or file",
        "Row in the submitted file",
        "Merges and disputes",
    ]
    assert rows[4][:7] == [
        2,
        '\'=HYPERLINK("http://x")',
        "PERE-01",
        "'@perearst e-tervis",
        "PERE-01.xlsx",
        7,
        "merge 1",
    ]
    assert rows[5][:7] == [3, "KOV-2", "KOV-01", "STAR 2019-14", "KOV-01.csv", 2, "merge 1; dispute 1"]
    flat = [row for row in rows if any(value is not None for value in row)]
    assert [value for value in flat[5] if value is not None] == ["Merged entries"]
    merge_row = next(row for row in flat if row[0] == 1 and row[2] == "Sama")
    assert merge_row[1] == 'PERE-01.xlsx / =HYPERLINK("http://x"); KOV-01.csv / KOV-2'
    dispute_row = next(row for row in flat if row[0] == 1 and row[3] == "Analüütik")
    assert dispute_row[2] == "'=vastuolu"


def test_provenance_from_the_caller_names_the_submission_and_adds_columns():
    entries = tricky_entries()
    data = workbook_bytes(
        entries,
        provenance=[{"submission": "Esitus 3", "received": "04.03.2024"}, {"submission": "Esitus 5"}],
        language="en",
    )
    rows = [
        [cell.value for cell in row] for row in openpyxl.load_workbook(io.BytesIO(data))[PROVENANCE_SHEET].iter_rows()
    ]
    assert rows[3][-1] == "received"
    assert rows[4][4] == "Esitus 3" and rows[4][-1] == "04.03.2024"
    assert rows[5][4] == "Esitus 5" and rows[5][-1] is None
    with pytest.raises(ValueError):
        workbook_bytes(entries, provenance=[{}])


def test_without_merges_or_disputes_the_sheet_says_none_were_recorded():
    data = workbook_bytes(tricky_entries(), language="en")
    rows = [row[0].value for row in openpyxl.load_workbook(io.BytesIO(data))[PROVENANCE_SHEET].iter_rows()]
    assert rows.count("None recorded.") == 2


def pdf_text(data: bytes) -> list[str]:
    """The text of each page, read back with pdftotext."""
    completed = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return completed.stdout.decode("utf-8").split("\f")


def test_the_pdf_has_the_marking_on_every_page_the_table_in_estonian_and_the_timeline():
    entries = tricky_entries() + example_entries()
    data = export_pdf(
        entries,
        title="Kronoloogia: Õie ülevaatus",
        language="et",
        organisations=[("PERE-01", "Perearst Šmidt"), ("KOV-01", "Tõrva valla lastekaitse")],
        event_type_labels={"appointment_missed": "Vastuvõtult puudumine", "notification": "Teavitus"},
    )
    assert data.startswith(b"%PDF")
    pages = [page for page in pdf_text(data) if page.strip()]
    assert len(pages) == 2  # the table, then the timeline on a page of its own
    assert all(INTERNAL_USE_MARKING in page for page in pages)
    text = "\n".join(pages)
    assert "Kronoloogia: Õie ülevaatus" in text
    assert "04.03.2019 09:05" in text
    assert "~03.2019" in text
    assert "Perearst Šmidt" in text and "Tõrva valla lastekaitse" in text
    assert "Vastuvõtult puudumine" in text
    assert "Šokk, žürii, Õie, Ülle, Äli." in text
    assert "@perearst e-tervis" in text  # the PDF shows text as it is: nothing there runs
    timeline = pages[-1]
    assert "Tõrva valla lastekaitse" in timeline
    assert "Šokk" not in timeline
    assert "Period" in timeline or "Periood" in timeline


def test_an_empty_chronology_still_exports():
    text = "".join(pdf_text(export_pdf([], title="Tühi", language="en")))
    assert INTERNAL_USE_MARKING in text
    assert "The chronology has no entries." in text
    first = openpyxl.load_workbook(io.BytesIO(workbook_bytes([]))).worksheets[0]
    assert [[cell.value for cell in row] for row in first.iter_rows()] == [list(KEYS)]
