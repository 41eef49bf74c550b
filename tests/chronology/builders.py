"""Building exchange-format files for the chronology tests (CSV and XLSX, good and bad)."""

from __future__ import annotations

import functools
import io
import itertools
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import openpyxl

from chronology.exchange import KEYS, ImportResult, Vocabularies, read_chronology

EXAMPLE_CSV = "/work/shared/formats/chronology-example.csv"


@functools.cache
def seed_vocabularies() -> Vocabularies:
    """The method's event types and concerns from the seed files (no database needed)."""
    from method.seeds import load_seed

    return Vocabularies.from_method(load_seed())


def valid_row(**changes: Any) -> dict[str, Any]:
    """One valid entry as cell values by key; keyword arguments replace cells."""
    values: dict[str, Any] = {
        "entry_ref": "PA-001",
        "date": "2019-03-04",
        "date_precision": "day",
        "time": "10:30",
        "organisation": "PERE-01",
        "practitioner_role": "perearst",
        "event_type": "appointment_attended",
        "addressee": "",
        "concern": "",
        "description": "Tervisekontroll, 9-aastane.",
        "source_document": "Perearsti e-tervise kanne 04.03.2019",
        "child_seen": "yes",
        "child_views_recorded": "no",
        "shared_with": "",
        "key_event": "no",
    }
    values.update(changes)
    return values


def rows_of(count: int, **changes: Any) -> list[dict[str, Any]]:
    return [valid_row(entry_ref=f"PA-{number:05d}", **changes) for number in range(1, count + 1)]


def csv_text(rows: Iterable[Mapping[str, Any]], *, header: Sequence[str] | None = None, delimiter: str = ",") -> str:
    """CSV with `header` (default: every key) and the rows' values under it, quoted where needed."""
    import csv

    header = list(header) if header is not None else list(KEYS)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(key, "") for key in header])
    return out.getvalue()


def csv_bytes(rows: Iterable[Mapping[str, Any]], *, bom: bool = False, **options: Any) -> bytes:
    return ("\ufeff" if bom else "").encode() + csv_text(rows, **options).encode("utf-8")


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, write_only: bool = False) -> bytes:
    """A workbook whose first sheet holds `rows` as given (header included), cell types kept."""
    workbook = openpyxl.Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Kronoloogia") if write_only else workbook.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_of(rows: Iterable[Mapping[str, Any]], *, header: Sequence[str] | None = None) -> bytes:
    header = list(header) if header is not None else list(KEYS)
    return xlsx_bytes([header, *([row.get(key) for key in header] for row in rows)])


def read(data: bytes, *, filename: str = "", vocabularies: Vocabularies | None = None) -> ImportResult:
    return read_chronology(data, vocabularies=vocabularies or seed_vocabularies(), filename=filename)


def messages(result: ImportResult) -> list[str]:
    return [str(problem) for problem in result.errors]


# --- hostile workbooks ------------------------------------------------------------------------------

SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
Part = bytes | Iterable[bytes]


def workbook_of(sheet_data: Part, *, styles: Part | None = None, shared_strings: Part | None = None) -> bytes:
    """A workbook whose first sheet's <sheetData> holds `sheet_data` (bytes, or chunks written one by one
    so that a part of hundreds of megabytes is never whole in memory), with styles and shared strings
    parts when given (their whole XML)."""
    out = io.BytesIO()
    relationships = [f'<Relationship Id="rId1" Type="{_DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/>']
    if styles is not None:
        relationships.append(f'<Relationship Id="rId2" Type="{_DOCUMENT}/styles" Target="styles.xml"/>')
    if shared_strings is not None:
        relationships.append(f'<Relationship Id="rId3" Type="{_DOCUMENT}/sharedStrings" Target="sharedStrings.xml"/>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOCUMENT}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{SPREADSHEET}" xmlns:r="{_DOCUMENT}"><sheets>'
            '<sheet name="Kronoloogia" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{_RELS}">{"".join(relationships)}</Relationships>'
        )
        _write_part(
            archive,
            "xl/worksheets/sheet1.xml",
            [f'<worksheet xmlns="{SPREADSHEET}"><sheetData>'.encode(), sheet_data, b"</sheetData></worksheet>"],
        )
        if styles is not None:
            _write_part(archive, "xl/styles.xml", [styles])
        if shared_strings is not None:
            _write_part(archive, "xl/sharedStrings.xml", [shared_strings])
    return out.getvalue()


def _write_part(archive: zipfile.ZipFile, name: str, pieces: Iterable[Part]) -> None:
    with archive.open(name, "w", force_zip64=True) as target:
        for piece in pieces:
            if isinstance(piece, bytes):
                target.write(piece)
            else:
                for chunk in piece:
                    target.write(chunk)


def _rows_after_header(row: bytes, count: int) -> Iterator[bytes]:
    return itertools.chain([header_row()], _repeated(row, count))


def _repeated(item: bytes, count: int) -> Iterator[bytes]:
    block = 100_000
    for start in range(0, count, block):
        yield item * min(block, count - start)


def header_row() -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{key}</t></is></c>' for key in KEYS)
    return f'<row r="1">{cells}</row>'.encode()


def _styles(xf_count: int) -> Iterator[bytes]:
    yield f'<styleSheet xmlns="{SPREADSHEET}"><cellXfs count="{xf_count}">'.encode()
    yield from _repeated(b"<xf/>", xf_count)
    yield b"</cellXfs></styleSheet>"


def _shared_strings(count: int) -> Iterator[bytes]:
    yield f'<sst xmlns="{SPREADSHEET}" uniqueCount="{count}">'.encode()
    yield from _repeated(b"<si/>", count)
    yield b"</sst>"


def _with_prolog(prolog: str) -> bytes:
    """A whole workbook whose sheet part starts with `prolog` (before the root element)."""
    data = workbook_of(header_row())
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = prolog.encode() + content
            target.writestr(item.filename, content)
    return out.getvalue()


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + level)} "{("&" + chr(97 + level) + ";") * 10}">' for level in range(9))
    + "]>"
)
FAR_TOO_MUCH = "The workbook holds far more data than a chronology can"
TOO_MANY_ROWS = "The sheet has more than 50,001 rows, counting blank rows"
BEYOND_XFD = "The sheet has a cell beyond column XFD"
DOCTYPE = "The workbook contains a document type declaration"

# name -> (how to build it, the start of the message it is refused with)
HOSTILE_WORKBOOKS: dict[str, tuple[Callable[[], bytes], str]] = {
    "40 million <xf/> in xl/styles.xml": (lambda: workbook_of(header_row(), styles=_styles(40_000_000)), FAR_TOO_MUCH),
    "100,000 cell formats": (
        lambda: workbook_of(header_row(), styles=_styles(100_000)),
        "The workbook defines more than 64,000 cell formats",
    ),
    "one cell at column ZZZZZZ": (
        lambda: workbook_of(header_row() + b'<row r="2"><c r="ZZZZZZ2"><v>1</v></c></row>'),
        BEYOND_XFD,
    ),
    "one cell at ZZZ20000": (
        lambda: workbook_of(header_row() + b'<row r="20000"><c r="ZZZ20000"><v>1</v></c></row>'),
        BEYOND_XFD,
    ),
    "17,000 cells in a row without references": (
        lambda: workbook_of(header_row() + b"<row>" + b"<c><v>1</v></c>" * 17_000 + b"</row>"),
        BEYOND_XFD,
    ),
    "14 million shared strings": (
        lambda: workbook_of(header_row(), shared_strings=_shared_strings(14_000_000)),
        FAR_TOO_MUCH,
    ),
    "600,000 shared strings": (
        lambda: workbook_of(header_row(), shared_strings=_shared_strings(600_000)),
        "The workbook holds more than 500,000 different texts",
    ),
    "40 million empty <row/>": (lambda: workbook_of(_rows_after_header(b"<row/>", 40_000_000)), FAR_TOO_MUCH),
    "60,000 empty <row/>": (lambda: workbook_of(_rows_after_header(b"<row/>", 60_000)), TOO_MANY_ROWS),
    'one row at r="120000000"': (
        lambda: workbook_of(header_row() + b'<row r="120000000"><c t="inlineStr"><is><t>x</t></is></c></row>'),
        TOO_MANY_ROWS,
    ),
    "a text of 20 MB in one cell": (
        lambda: workbook_of(
            [header_row(), b'<row r="2"><c t="inlineStr"><is><t>', *_repeated(b"a", 20_000_000), b"</t></is></c></row>"]
        ),
        FAR_TOO_MUCH,
    ),
    "elements nested a million deep": (
        lambda: workbook_of(_rows_after_header(b"<row>", 1_000_000)),
        FAR_TOO_MUCH,
    ),
    "billion laughs": (lambda: _with_prolog(BILLION_LAUGHS), DOCTYPE),
    "a DOCTYPE after a 5 KB comment": (
        lambda: _with_prolog("<!--" + "x" * 5000 + '--><!DOCTYPE worksheet SYSTEM "file:///etc/passwd">'),
        DOCTYPE,
    ),
}
