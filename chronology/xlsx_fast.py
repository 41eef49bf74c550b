"""The fast path for ordinary workbooks: the first sheet read by calamine (Rust), after checks that
make what it allocates small and known.

calamine reads a 10,000-row chronology about four times faster than the streaming reader in
chronology.xlsx, but it builds a dense cell range sized by the furthest cell, parses every shared
string and format a file declares, and aborts the whole process when memory runs out. So it is only
handed a workbook that the checks below have already shown to be ordinary, and everything else goes
to the bounded streaming reader, which refuses what is hostile with its reason:

- every part is read here first, through zipfile (which stops at each part's declared size and checks
  its CRC), within the same total as the streaming reader, and calamine reads a copy of the workbook
  rebuilt from exactly those bytes — so no compression trick reaches it;
- no part holds a document type declaration, and each is UTF-8 without a differing declaration;
- the first sheet has no formulas (calamine would give their cached values; the streaming reader
  gives their text, `=…`, as the exchange format wants) and no error cells, every cell element starts
  with its reference, every reference is in columns A–Z and rows up to MAX_SHEET_ROWS, rows too, and
  a declared dimension stays inside that: the dense range is then at most 26 × 50,001 cells;
- the shared strings and cell formats are within the streaming reader's limits.

A workbook with a duration format (`[h]:mm`) goes to the streaming reader too: calamine would give a
duration where the streaming reader gives the number, and both paths must give the same values.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence

from python_calamine import CalamineWorkbook

MAX_FAST_COLUMNS = 26  # A–Z; the exchange format has 15 columns

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]*)[\"']")
_UTF8_NAMES = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}
# Every pattern below starts with a literal, so that a search runs at memchr speed over the part.
# A cell element that does not start with a reference in A–Z and a row number of at most five digits.
_UNUSUAL_CELL = re.compile(rb'<c(?![ ]r="[A-Z][0-9]{1,5}")[\s>/]')
_FORMULA = re.compile(rb"<f[\s>/]")
_ROW_REFERENCE = re.compile(rb'<row r="[0-9]{1,5}"[\s>/]')
_UNUSUAL_ROW = re.compile(rb"<row[\t\r\n]")
_DIMENSION = re.compile(rb"<dimension[\s>/][^>]*>")
_SHEET_DATA = re.compile(rb"sheetData[\s>/]")
# An element that matters here written with a namespace prefix ("<x:c"), which the patterns above do not
# see: such a workbook goes to the streaming reader. A colon is rare in markup, so this search is quick;
# the same text inside a cell's value only costs the fast path, never correctness.
_PREFIXED = re.compile(rb":(?:c|row|f|dimension|si|xf|numFmt|sheetData)[\s>/]")
_UNUSUAL_COUNTED = re.compile(rb"<(?:si|xf|numFmt)[\t\r\n/]")
_SIMPLE_DIMENSION = re.compile(rb'<dimension ref="[A-Z](?:[1-9][0-9]{0,4})(?::[A-Z](?:[1-9][0-9]{0,4}))?"\s*/>')


def greater_than(number: int) -> bytes:
    """A regular expression for the decimal numbers (leading zeros allowed) greater than `number`."""
    digits = str(number)
    alternatives = [f"[1-9][0-9]{{{len(digits)},}}"]
    for position, digit in enumerate(digits):
        if digit != "9":
            rest = len(digits) - position - 1
            alternatives.append(f"{digits[:position]}[{int(digit) + 1}-9][0-9]{{{rest}}}")
    return ("0*(?:" + "|".join(alternatives) + ")").encode()


def _well_formed_text(data: bytes) -> bool:
    if _DOCTYPE.search(data):
        return False
    head = data[:256]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or b"\x00" in head:
        return False
    declared = _DECLARED_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf")[:512])
    return not (declared and declared.group(1).lower() not in _UTF8_NAMES)


def _ordinary_sheet(sheet: bytes, *, max_rows: int) -> bool:
    if _UNUSUAL_CELL.search(sheet) or _FORMULA.search(sheet) or b't="e"' in sheet or _UNUSUAL_ROW.search(sheet):
        return False
    rows = sheet.count(b"<row ") + sheet.count(b"<row>") + sheet.count(b"<row/>")
    if rows > max_rows or len(_ROW_REFERENCE.findall(sheet)) != rows:
        return False
    beyond = re.compile(rb'(?:<c r="[A-Z]|<row r=")' + greater_than(max_rows) + rb'"')
    if beyond.search(sheet):
        return False
    return all(_SIMPLE_DIMENSION.fullmatch(dimension) for dimension in _DIMENSION.findall(sheet))


_DURATION_FORMAT = re.compile(rb"\[(?:h+|m+|s+)\]", re.IGNORECASE)


def calamine_rows(
    archive: zipfile.ZipFile,
    *,
    max_unpacked_bytes: int,
    max_rows: int,
    max_shared_strings: int,
    max_styles: int,
) -> Iterator[tuple[int, Sequence[object]]] | None:
    """The first sheet's rows as (row number, values by column; "" for an empty cell), or None when the
    workbook is not an ordinary one (the caller then reads it with the streaming reader, which refuses
    what is hostile). Every sheet of the workbook is checked, not only the first, so that calamine
    cannot be led to another part than the one looked at."""
    parts: dict[str, bytes] = {}
    left = max_unpacked_bytes
    strings = styles = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        if info.file_size > left:
            return None
        try:
            data = archive.read(info)  # stops at the declared size and checks the CRC
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError):
            return None  # damaged: the streaming reader says so
        left -= len(data)
        if info.filename.endswith((".xml", ".rels")) and not _well_formed_text(data):
            return None
        if _PREFIXED.search(data) or _UNUSUAL_COUNTED.search(data):
            return None
        if _SHEET_DATA.search(data) and not _ordinary_sheet(data, max_rows=max_rows):
            return None
        strings += data.count(b"<si>") + data.count(b"<si ")
        formats = data.count(b"<xf>") + data.count(b"<xf ") + data.count(b"<numFmt ")
        styles += formats
        if formats and (_DURATION_FORMAT.search(data) or b'numFmtId="46"' in data):  # 46 is [h]:mm:ss
            return None  # calamine gives durations where the streaming reader gives numbers
        parts[info.filename] = data
    if strings > max_shared_strings or styles > 2 * max_styles:
        return None
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w", compression=zipfile.ZIP_STORED) as copy:
        for name, data in parts.items():
            copy.writestr(name, data)
    rebuilt.seek(0)
    try:
        rows = CalamineWorkbook.from_filelike(rebuilt).get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:  # a structure calamine does not read: the streaming reader reads it or says why not
        return None
    return enumerate(rows, start=1)
