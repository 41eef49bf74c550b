"""The fast path (calamine) reads ordinary workbooks exactly as the bounded streaming reader does, and
hands every workbook it has not proved ordinary to the streaming reader, which refuses what is hostile."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from chronology import xlsx, xlsx_fast
from chronology.fields import cell_text
from chronology.xlsx_fast import greater_than

from .builders import read, rows_of, xlsx_of
from .test_exchange_xlsx import replace_part


def workbook(rows: list[list[object]], *, epoch=None, number_format: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    if epoch is not None:
        book.epoch = epoch
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if number_format:
        sheet["B1"].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fast(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return xlsx_fast.calamine_rows(
            archive,
            max_unpacked_bytes=xlsx.MAX_UNPACKED_BYTES,
            max_rows=xlsx.MAX_SHEET_ROWS,
            max_shared_strings=xlsx.MAX_SHARED_STRINGS,
            max_styles=xlsx.MAX_STYLES,
        )


def as_text(rows) -> list[tuple[int, dict[int, str]]]:
    """Rows as the checker reads them: each non-blank cell's text, by column."""
    found = []
    for number, cells in rows:
        items = cells.items() if isinstance(cells, dict) else enumerate(cells)
        found.append((number, {column: cell_text(value) for column, value in items if cell_text(value)}))
    while found and not found[-1][1]:
        found.pop()
    return found


def streaming(data: bytes, monkeypatch) -> list[tuple[int, dict[int, str]]]:
    with monkeypatch.context() as patched:
        patched.setattr(xlsx, "calamine_rows", lambda *args, **kwargs: None)
        with xlsx.first_sheet(io.BytesIO(data)) as rows:
            return as_text(rows)


ORDINARY_ROWS = [
    ["tekst", 1, 2.5, True, False, dt.datetime(2019, 3, 4, 0, 0), dt.date(2020, 2, 29), dt.time(10, 30)],
    [None, None, "Kõne emale kell 9", "", dt.datetime(2019, 3, 4, 15, 45), -3, 1e20, "'=ei ole valem"],
    [],
    ["pärast auku", None, None, None, None, None, None, None, None, "J veerus"],
]


@pytest.mark.parametrize("epoch", [None, CALENDAR_MAC_1904])
def test_an_ordinary_workbook_is_read_by_the_fast_path_with_the_streaming_readers_values(epoch, monkeypatch):
    data = workbook(ORDINARY_ROWS, epoch=epoch)
    rows = fast(data)
    assert rows is not None, "an ordinary workbook takes the fast path"
    assert as_text(rows) == streaming(data, monkeypatch)


def test_reading_a_chronology_workbook_takes_the_fast_path_and_gives_the_same_entries(monkeypatch):
    data = xlsx_of(rows_of(50))
    calls = []
    original = xlsx.calamine_rows

    def spy(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(xlsx, "calamine_rows", spy)
    fast_result = read(data)
    assert calls and fast_result.ok and len(fast_result.entries) == 50
    monkeypatch.setattr(xlsx, "calamine_rows", lambda *args, **kwargs: None)
    assert read(data).entries == fast_result.entries


cell_values = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.times().map(lambda time: time.replace(microsecond=0)),
)


@given(st.lists(st.lists(cell_values, max_size=8), min_size=1, max_size=6))
def test_both_readers_agree_on_any_ordinary_workbook(rows):
    rows = [[value for value in row if not (isinstance(value, str) and value.startswith("="))] for row in rows]
    data = workbook(rows)
    found = fast(data)
    assert found is not None
    with pytest.MonkeyPatch.context() as patched:
        assert as_text(found) == streaming(data, patched)


def sheet_of(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


def with_sheet(data: bytes, change) -> bytes:
    return replace_part(data, "xl/worksheets/sheet1.xml", change(sheet_of(data)))


BASE = workbook([["a", "b"], ["c", 1]])

UNUSUAL = {
    "a formula (its text, not its cached value, is what the format reads)": workbook([["a", "=SUM(1,2)"]]),
    "an error cell": with_sheet(BASE, lambda s: s.replace(b'<c r="B2" t="n">', b'<c r="B2" t="e">', 1)),
    "a cell without its reference": with_sheet(BASE, lambda s: s.replace(b' r="B2"', b"", 1)),
    "a cell beyond column Z": with_sheet(BASE, lambda s: s.replace(b'r="B2"', b'r="AA2"', 1)),
    "a cell at column ZZZ": with_sheet(BASE, lambda s: s.replace(b'r="B2"', b'r="ZZZ2"', 1)),
    "a cell below the last row": with_sheet(BASE, lambda s: s.replace(b'r="B2"', b'r="B50002"', 1)),
    "a cell at row 120,000,000": with_sheet(BASE, lambda s: s.replace(b'r="B2"', b'r="B120000000"', 1)),
    "a row below the last row": with_sheet(BASE, lambda s: s.replace(b'<row r="2"', b'<row r="60000"', 1)),
    "a row without its number": with_sheet(BASE, lambda s: s.replace(b'<row r="2"', b"<row", 1)),
    "a declared dimension far beyond the cells": with_sheet(
        BASE, lambda s: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', s)
    ),
    "prefixed cells": with_sheet(
        BASE,
        lambda s: s.replace(
            b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ', 1
        ).replace(b'<c r="B2"', b'<x:c r="ZZZ20000"', 1),
    ),
    "a document type declaration": with_sheet(BASE, lambda s: b"<!DOCTYPE x>" + s),
    "a duration format (calamine would give a duration, the streaming reader a number)": workbook(
        [["a", 1.5]], number_format="[h]:mm:ss"
    ),
}


@pytest.mark.parametrize("kind", list(UNUSUAL))
def test_a_workbook_not_proved_ordinary_goes_to_the_streaming_reader(kind):
    assert fast(UNUSUAL[kind]) is None


def test_a_second_sheet_that_is_not_ordinary_keeps_the_whole_workbook_off_the_fast_path():
    book = openpyxl.Workbook()
    book.active.append(["a"])
    book.create_sheet("other")["ZZZ20000"] = "kaugel"
    out = io.BytesIO()
    book.save(out)
    assert fast(out.getvalue()) is None


def test_too_many_shared_strings_keep_a_workbook_off_the_fast_path():
    shared = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t>x</t></si>" * 11
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(BASE)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename))
        target.writestr("xl/sharedStrings.xml", shared + b"</sst>")
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        limits = {"max_unpacked_bytes": xlsx.MAX_UNPACKED_BYTES, "max_rows": 10, "max_styles": 10}
        assert xlsx_fast.calamine_rows(archive, max_shared_strings=10, **limits) is None
        assert xlsx_fast.calamine_rows(archive, max_shared_strings=11, **limits) is not None


@pytest.mark.parametrize("limit", [0, 9, 10, 99, 123, 1000, 50_001, 99_999])
def test_greater_than_matches_exactly_the_numbers_above_its_limit(limit):
    pattern = re.compile(greater_than(limit) + b"$")
    for number in [*range(0, 2000), *range(limit - 50, limit + 50), 10**6, 10**9]:
        if number < 0:
            continue
        for written in (str(number), "00" + str(number)):
            assert bool(pattern.match(written.encode())) == (number > limit), written
