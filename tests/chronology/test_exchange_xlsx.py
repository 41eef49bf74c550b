"""XLSX files: the first sheet, real date cells, numbers that are not dates, and the fast reader."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from chronology import exchange, xlsx
from chronology.entry import Precision, YesNo
from chronology.exchange import KEYS, read_chronology

from .builders import messages, read, rows_of, seed_vocabularies, valid_row, xlsx_bytes, xlsx_of


def test_a_workbook_in_the_exchange_format_is_read():
    result = read(xlsx_of(rows_of(3)), filename="asutus.xlsx")
    assert result.ok, messages(result)
    assert [entry.entry_ref for entry in result.entries] == ["PA-00001", "PA-00002", "PA-00003"]
    assert [entry.row for entry in result.entries] == [2, 3, 4]


def test_a_real_date_cell_is_a_day_precision_date():
    for value in (dt.datetime(2019, 3, 4), dt.date(2019, 3, 4)):
        result = read(xlsx_of([valid_row(date=value, date_precision=None)]))
        entry = result.entries[0]
        assert entry.date.earliest == entry.date.latest == dt.date(2019, 3, 4)
        assert entry.date.is_exact


def test_a_real_date_cell_may_be_marked_approximate_but_not_as_a_month():
    entry = read(xlsx_of([valid_row(date=dt.date(2019, 3, 4), date_precision="ligikaudne", time=None)])).entries[0]
    assert entry.date.approximate and entry.date.precision == Precision.DAY
    assert entry.date.earliest == dt.date(2019, 2, 25)
    assert messages(read(xlsx_of([valid_row(date=dt.date(2019, 3, 4), date_precision="month", time=None)]))) == [
        "Row 2, column date_precision: The date “2019-03-04” names a day: its precision must be day or "
        "approximate, not “month”."
    ]


def test_dates_written_as_text_in_a_workbook_read_as_in_csv():
    result = read(
        xlsx_of([valid_row(date="4.3.2019"), valid_row(entry_ref="B", date="2019-09", time="", date_precision="")])
    )
    assert result.ok
    assert result.entries[1].date.precision == Precision.MONTH


@pytest.mark.parametrize("number", [43528, 43528.5, 2019])
def test_a_number_is_not_a_date(number):
    assert messages(read(xlsx_of([valid_row(date=number, date_precision="", time=None)]))) == [
        f"Row 2, column date: The cell holds the number {number}, not a date: format it as a date, or as text "
        "written like 2019-03-04, 03.2019 or 2019."
    ]


def test_a_time_cell_is_a_time_and_a_number_is_not():
    assert read(xlsx_of([valid_row(time=dt.time(9, 5))])).entries[0].time == dt.time(9, 5)
    assert messages(read(xlsx_of([valid_row(time=0.5)]))) == [
        "Row 2, column time: The cell holds the number 0.5, not a time: write the time as HH:MM."
    ]


def test_a_time_cell_with_a_month_is_refused():
    assert messages(read(xlsx_of([valid_row(date="2019-03", date_precision=None, time=dt.time(9, 5))]))) == [
        "Row 2, column time: A time is allowed only with an exact day; remove the time or write the date as one day."
    ]


def test_true_and_false_cells_are_yes_and_no():
    entry = read(xlsx_of([valid_row(child_seen=True, child_views_recorded=False, key_event=True)])).entries[0]
    assert (entry.child_seen, entry.child_views_recorded, entry.key_event) == (YesNo.YES, YesNo.NO, True)


def test_numbers_in_text_columns_are_read_as_written():
    entry = read(xlsx_of([valid_row(entry_ref=114, source_document=2016.0, practitioner_role=1.5)])).entries[0]
    assert (entry.entry_ref, entry.source_document, entry.practitioner_role) == ("114", "2016", "1.5")


def test_a_formula_is_read_as_its_text_never_computed():
    result = read(xlsx_of([valid_row(description="=1+1", practitioner_role="=A1")]))
    assert result.ok
    assert (result.entries[0].description, result.entries[0].practitioner_role) == ("=1+1", "=A1")


def test_only_the_first_sheet_is_read_even_when_another_is_active():
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.append(list(KEYS))
    first.append([valid_row()[key] for key in KEYS])
    other = workbook.create_sheet("Märkmed")
    other.append(["see leht ei ole kronoloogia"])
    workbook.active = 1
    out = io.BytesIO()
    workbook.save(out)
    assert read(out.getvalue()).ok


def test_blank_rows_are_skipped_and_row_numbers_are_those_of_the_sheet():
    data = xlsx_bytes(
        [list(KEYS), [valid_row()[k] for k in KEYS], [], [None, "  "], [valid_row(entry_ref="B")[k] for k in KEYS]]
    )
    result = read(data)
    assert [(entry.entry_ref, entry.row) for entry in result.entries] == [("PA-001", 2), ("B", 5)]


def test_problems_in_a_workbook_name_row_and_column():
    data = xlsx_bytes(
        [
            [*KEYS[:6], "Sündmus", *KEYS[7:]],
            [valid_row()[k] for k in KEYS],
            [valid_row(entry_ref="B", event_type="kõne")[k] for k in KEYS],
        ]
    )
    problems = messages(read(data))
    assert len(problems) == 1
    assert problems[0].startswith("Row 3, column Sündmus: “kõne” is not an event type of the method.")


def test_an_empty_workbook_is_refused():
    assert messages(read(xlsx_bytes([]))) == ["The file is empty."]
    assert messages(read(xlsx_bytes([[None, " "], []]))) == ["The file is empty."]


def test_a_workbook_with_only_a_header_is_refused():
    assert messages(read(xlsx_bytes([list(KEYS)]))) == ["Row 2: The file has a header row but no entries."]


def test_a_workbook_whose_first_row_is_empty_is_refused():
    assert messages(read(xlsx_bytes([[], list(KEYS)]))) == ["Row 1: Row 1 must hold the column names; it is empty."]


def test_a_workbook_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(exchange, "MAX_ROWS", 5)
    assert read(xlsx_of(rows_of(5))).ok
    assert messages(read(xlsx_of(rows_of(6)))) == [
        "The file has more than 5 entries, the most one submission can hold. "
        "Ask the review coordinator how to send a chronology this long."
    ]


def test_a_workbook_that_unpacks_to_far_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_UNPACKED_BYTES", 1000)
    assert messages(read(xlsx_of(rows_of(20)))) == [
        "The workbook holds far more data than a chronology can; save it again with the chronology only, or as CSV."
    ]


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item.filename, content if item.filename == name else source.read(item.filename))
    return out.getvalue()


def test_a_workbook_with_a_damaged_sheet_is_refused():
    data = replace_part(xlsx_of(rows_of(2)), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c>")
    assert messages(read(data)) == [
        "This file is not a spreadsheet. Upload the chronology as an Excel workbook (.xlsx) or as a CSV file saved "
        "as “CSV UTF-8”."
    ]


def test_a_sheet_with_a_document_type_declaration_is_refused():
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
    )
    data = replace_part(xlsx_of(rows_of(2)), "xl/worksheets/sheet1.xml", sheet)
    assert not read(data).ok


# --- the fast reader agrees with openpyxl --------------------------------------------------------


def mixed_workbook(*, epoch=None) -> bytes:
    workbook = openpyxl.Workbook()
    if epoch is not None:
        workbook.epoch = epoch
    sheet = workbook.active
    rich = CellRichText(["Kõne ", TextBlock(InlineFont(b=True), "emale"), " kell 9"])
    sheet.append(["tekst", 1, 2.5, True, False, dt.datetime(2019, 3, 4, 0, 0), dt.date(2020, 2, 29), dt.time(10, 30)])
    sheet.append([None, None, "=SUM(B1:C1)", rich, "", dt.datetime(2019, 3, 4, 15, 45), -3, 1e20])
    sheet.append([])
    sheet["J4"] = "kaugel"
    sheet["A6"] = "pärast auku"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def openpyxl_rows(data: bytes) -> list[list[object]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, rich_text=False)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def fast_rows(data: bytes) -> list[list[object]]:
    with xlsx.first_sheet(io.BytesIO(data)) as rows:
        return [[values.get(column) for column in range(max(values, default=-1) + 1)] for _number, values in rows]


def trimmed(rows: list[list[object]]) -> list[list[object]]:
    result = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        result.append(row)
    return result


@pytest.mark.parametrize("epoch", [None, CALENDAR_MAC_1904])
def test_the_fast_reader_reads_every_kind_of_cell_as_openpyxl_does(epoch):
    data = mixed_workbook(epoch=epoch)
    expected = trimmed(openpyxl_rows(data))
    assert trimmed(fast_rows(data)) == expected
    assert expected[0][5] == dt.datetime(2019, 3, 4) and expected[1][3] == "Kõne emale kell 9"


def test_a_workbook_whose_first_sheet_is_not_a_worksheet_is_refused_with_the_reason():
    data = replace_part(
        xlsx_of(rows_of(2)),
        "xl/_rels/workbook.xml.rels",
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Target="charts/chart1.xml" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet"/>'
        b"</Relationships>",
    )
    assert messages(read(data)) == [
        "The workbook's first sheet is not a table of cells, or it cannot be found. Make the chronology the first "
        "sheet of the workbook and save it again in Excel, or save it as CSV."
    ]


MINIMAL_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/data.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="/xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Kronoloogia" sheetId="7" r:id="rId9"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId9" Target="worksheets/data.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        "</Relationships>"
    ),
}


def inline_row(values: list[str], number: int | None = None) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' if value else "<c/>" for value in values)
    return f'<row r="{number}">{cells}</row>' if number else f"<row>{cells}</row>"


def test_a_minimal_workbook_from_another_program_is_read():
    """Inline strings, no shared strings or styles, rows and cells without references, a sheet part with
    an unusual name: what agency systems may write."""
    header = inline_row(list(KEYS))
    first = inline_row([str(valid_row()[key]) for key in KEYS])
    second = inline_row([str(valid_row(entry_ref="B")[key]) for key in KEYS], number=5)
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f"{header}{first}{second}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in MINIMAL_PARTS.items():
            archive.writestr(name, content)
        archive.writestr("xl/worksheets/data.xml", sheet)
    result = read(out.getvalue())
    assert result.ok, messages(result)
    assert [(entry.entry_ref, entry.row) for entry in result.entries] == [("PA-001", 2), ("B", 5)]
    assert trimmed(fast_rows(out.getvalue())) == trimmed(openpyxl_rows(out.getvalue()))


def test_ten_thousand_rows_are_all_read_in_order():
    # How fast is measured in bench/bench_import.py; here: every row arrives, in order, with its row number.
    data = xlsx_of(rows_of(10_000))
    result = read_chronology(data, vocabularies=seed_vocabularies())
    assert len(result.entries) == 10_000
    assert [entry.row for entry in result.entries] == list(range(2, 10_002))
    assert result.entries[-1].entry_ref == "PA-10000"
