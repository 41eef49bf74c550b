"""Reading the first sheet of an XLSX workbook quickly, as plain cell values, within fixed bounds.

openpyxl's read-only mode builds an object per cell and takes about 0.3 ms a row; a chronology of
10,000 rows then needs several seconds. This reader streams the sheet's XML with ElementTree's
XMLPullParser and yields each row's values (str, int, float, bool, datetime) as openpyxl would with
`data_only=False`: a formula cell reads as its text (`=…`), never as a computed value.

It understands what spreadsheet programs write: shared and inline strings, rich text, date formats
(built-in and custom, 1900 and 1904 epochs), missing row and cell references, strict namespaces.

A workbook is a zip of XML parts that anyone can craft, so nothing here is sized by what the file
claims, and every count is checked before it can grow (see the README, "Chronology files"):

- the parts together unpack to at most MAX_UNPACKED_BYTES (counted while reading, not trusted from
  the zip's directory), no run of text or markup is longer than MAX_TOKEN_BYTES, and a part holds
  at most `max_elements` elements, nested at most MAX_DEPTH deep;
- an element is let go as soon as it has been read, so memory holds one row (at most MAX_HELD
  elements), not the part;
- the sheet has at most MAX_SHEET_ROWS rows, counting both its `<row>` elements and its highest row
  number (blank rows count too), and no cell beyond Excel's last column (XFD) or more cells in a row
  than a row can hold; a row is handed on as {column: value}, never as a list sized by its last cell;
- at most MAX_SHARED_STRINGS shared strings and MAX_STYLES cell formats (Excel's own limit);
- a document type declaration is refused wherever it stands in any part (entity tricks start there),
  and a part must be UTF-8 (what spreadsheet programs write), so that the check sees every byte.

Whatever the reader refuses raises `Refused` with a message for the person who sent the file. A zip
or XML part that is damaged raises the zipfile, XML or lookup error as it comes.
"""

from __future__ import annotations

import datetime as dt
import gc
import posixpath
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, cast
from xml.etree.ElementTree import Element, XMLPullParser

from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from .fields import MAX_ROWS
from .xlsx_fast import calamine_rows

_CHUNK = 64 * 1024
# A full chronology (50,000 rows of 15 columns written with inline strings) unpacks to about 40 MB;
# far more is a compression trick or not a chronology.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_PARTS = 1000  # files inside the zip
MAX_TOKEN_BYTES = 1024 * 1024  # a cell's text or a tag: Excel's 32,767 characters are about 200 KB
MAX_DEPTH = 64
MAX_HELD = 100_000  # elements kept at once (one row's cells and their parts)
MAX_SHEET_ROWS = MAX_ROWS + 1  # the header and MAX_ROWS entries; blank rows count too
MAX_COLUMNS = 16_384  # Excel's last column, XFD
MAX_SHARED_STRINGS = 500_000  # ten different texts for each of 50,000 entries
MAX_STYLES = 64_000  # Excel's own limit of cell formats in a workbook
MAX_SHEET_ELEMENTS = 4_000_000  # a full chronology with inline strings has about 2.3 million
MAX_SMALL_PART_ELEMENTS = 200_000  # relationships, the workbook part and the styles

_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_STRICT_RELATIONSHIP = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]*)[\"']")
_UTF8_NAMES = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}

# A row's cells: values by position (the fast path) or {column: value} (the streaming reader).
Cells = Sequence[object] | Mapping[int, object]


class Refused(Exception):
    """The workbook is refused as a whole; `message` says why, in the language active when raised."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Unsupported(Refused):
    """The workbook's structure is not one this reader knows (no first worksheet)."""


def too_much_data() -> Refused:
    return Refused(
        _("The workbook holds far more data than a chronology can; save it again with the chronology only, or as CSV.")
    )


def _too_many_rows() -> Refused:
    return Refused(
        _(
            "The sheet has more than %(max)s rows, counting blank rows: a chronology has a header row and at most "
            "%(entries)s entries. Delete the empty rows below the chronology and save again, or ask the review "
            "coordinator how to send a chronology this long."
        )
        % {"max": f"{MAX_SHEET_ROWS:,}", "entries": f"{MAX_ROWS:,}"}
    )


def _beyond_last_column() -> Refused:
    return Refused(
        _(
            "The sheet has a cell beyond column XFD, the last column a spreadsheet can have: the file is damaged "
            "or was not saved by a spreadsheet program. Save it again in Excel, or as CSV."
        )
    )


def _document_type() -> Refused:
    return Refused(
        _(
            "The workbook contains a document type declaration (<!DOCTYPE …>), which spreadsheet programs do not "
            "write and which is refused for safety. Save the chronology again in Excel, or as CSV."
        )
    )


def _not_utf8() -> Refused:
    return Refused(
        _(
            "A part of the workbook is not saved as UTF-8, as spreadsheet programs save it: the file was not "
            "saved by a spreadsheet program. Save it again in Excel, or as CSV."
        )
    )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class _Budget:
    """The bytes the workbook's parts may still unpack to, shared by every part."""

    def __init__(self, total: int):
        self.left = total

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise too_much_data()


def _chunks(source: IO[bytes], budget: _Budget) -> Iterator[bytes]:
    """A part's bytes in chunks, each paid for and checked before the parser sees it: UTF-8, no
    document type declaration anywhere, no run of text or markup longer than MAX_TOKEN_BYTES."""
    run = 0  # bytes since the last "<"
    tail = b""
    first = True
    while chunk := source.read(_CHUNK):
        budget.spend(len(chunk))
        if first:
            first = False
            _check_encoding(chunk)
        if _DOCTYPE.search(tail + chunk[:16]) or _DOCTYPE.search(chunk):
            raise _document_type()
        tail = chunk[-16:]
        last = chunk.rfind(b"<")
        if last < 0:
            run += len(chunk)
        else:
            run += chunk.find(b"<")
            if run > MAX_TOKEN_BYTES:
                raise too_much_data()
            run = len(chunk) - last - 1
        if run > MAX_TOKEN_BYTES:
            raise too_much_data()
        yield chunk


def _check_encoding(head: bytes) -> None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or b"\x00" in head[:256]:
        raise _not_utf8()
    declared = _DECLARED_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if declared and declared.group(1).lower() not in _UTF8_NAMES:
        raise _not_utf8()


def _feed(parser: XMLPullParser[Element], chunk: bytes) -> None:
    """Parse a chunk with the cyclic garbage collector paused.

    ElementTree allocates an object per element, and those allocations keep triggering collections
    that walk every live object again (the rows read so far, the entries built from them): pausing the
    collector while a chunk is parsed reads a 50,000-row sheet two to three times faster. The parsed
    elements form no reference cycles, and the collector runs as usual as soon as the chunk is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        parser.feed(chunk)
    finally:
        if was_enabled:
            gc.enable()


def _walk(
    source: IO[bytes], budget: _Budget, *, keep_below: int, max_elements: int
) -> Iterator[tuple[Element, list[Element]]]:
    """(element, its open ancestors, root first) for every element of a part at depth `keep_below` or
    less (the root has depth 1), as it ends.

    Such an element is let go of, with everything under it, once the caller has looked at it and the
    chunk is parsed; deeper elements are not handed out but stay with their ancestor, so the caller
    reads a row's cells or a string's runs from it. The elements held under one such element (at most
    MAX_HELD), the elements of the part and the depth are bounded."""
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    stack: list[Element] = []
    pending = 0  # deeper elements held under the element now open at depth `keep_below`
    seen = 0
    for chunk in _chunks(source, budget):
        _feed(parser, chunk)
        for event, element in cast(Iterator[tuple[str, Element]], parser.read_events()):
            if event == "start":
                stack.append(element)
                seen += 1
                if seen > max_elements or len(stack) > MAX_DEPTH:
                    raise too_much_data()
                continue
            stack.pop()
            if len(stack) < keep_below:
                pending = 0
                yield element, stack
            else:
                pending += 1
                if pending > MAX_HELD:
                    raise too_much_data()
        # Let go of what was read at the kept depths: every child but an open one (always the last).
        for level in range(min(len(stack), keep_below - 1)):
            if level + 1 < len(stack):
                del stack[level][:-1]
            else:
                del stack[level][:]
    parser.close()


def _text(element: Element) -> str:
    """The text of a string item: its <t>, or the <t> of every rich-text run (phonetic runs skipped)."""
    parts: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            for run_child in child:
                if _local(run_child.tag) == "t":
                    parts.append(run_child.text or "")
    return "".join(parts)


_COLUMN_CACHE: dict[str, int] = {}


def _column_of_letters(letters: str) -> int:
    """0-based column of column letters like `AB`; beyond XFD refused."""
    index = _COLUMN_CACHE.get(letters)
    if index is None:
        index = 0
        for character in letters.upper():
            index = index * 26 + (ord(character) - 64)
        index -= 1
        if index >= MAX_COLUMNS:
            raise _beyond_last_column()
        if len(_COLUMN_CACHE) < 20_000:
            _COLUMN_CACHE[letters] = index
    return index


def _cell_column(reference: str) -> int:
    """0-based column of a cell reference like `AB12`; beyond XFD refused."""
    letters = reference.rstrip("0123456789")
    index = _COLUMN_CACHE.get(letters)
    if index is not None:
        return index
    if len(letters) > 3 and letters.isalpha():
        raise _beyond_last_column()
    if not letters or len(letters) > 3 or not letters.isalpha() or not letters.isascii():
        raise ValueError(f"not a cell reference: {reference[:20]!r}")
    return _column_of_letters(letters)


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile, budget: _Budget):
        self.archive = archive
        self.budget = budget
        names = set(archive.namelist())
        workbook_path = self._office_document(names)
        self.sheet_path, self.date1904 = self._first_sheet(workbook_path, names)
        self._workbook_path, self._names = workbook_path, names

    def _read_shared_parts(self) -> None:
        """The shared strings and cell formats, read when the rows are (the fast path needs neither)."""
        base = posixpath.dirname(self._workbook_path)
        self.shared_strings = self._shared_strings(self._workbook_path, base, self._names)
        self.date_styles, self.timedelta_styles = self._styles(self._workbook_path, base, self._names)

    def _walk(self, name: str, *, keep_below: int, max_elements: int) -> Iterator[tuple[Element, list[Element]]]:
        with self.archive.open(name) as source:
            yield from _walk(source, self.budget, keep_below=keep_below, max_elements=max_elements)

    def _relationships(self, part: str, names: set[str]) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type's last word, target path) for a part."""
        directory, filename = posixpath.split(part)
        rels = posixpath.join(directory, "_rels", filename + ".rels")
        if rels not in names:
            return {}
        found: dict[str, tuple[str, str]] = {}
        for element, _ancestors in self._walk(rels, keep_below=2, max_elements=MAX_SMALL_PART_ELEMENTS):
            if _local(element.tag) == "Relationship":
                target = element.get("Target", "")
                if target.startswith("/"):
                    path = target.lstrip("/")
                else:
                    path = posixpath.normpath(posixpath.join(directory, target))
                kind = element.get("Type", "").rpartition("/")[2]
                found.setdefault(element.get("Id", ""), (kind, path))
        return found

    def _office_document(self, names: set[str]) -> str:
        for kind, path in self._relationships("", names).values():
            if kind == "officeDocument" and path in names:
                return path
        if "xl/workbook.xml" in names:
            return "xl/workbook.xml"
        raise LookupError("no workbook part: a zip, but not a workbook")

    def _first_sheet(self, workbook_path: str, names: set[str]) -> tuple[str, bool]:
        relationships = self._relationships(workbook_path, names)
        first_id = None
        date1904 = False
        for element, _ancestors in self._walk(workbook_path, keep_below=3, max_elements=MAX_SMALL_PART_ELEMENTS):
            name = _local(element.tag)
            if name == "workbookPr":
                date1904 = element.get("date1904", "0").lower() in ("1", "true")
            elif name == "sheet" and first_id is None:
                first_id = element.get(_RELATIONSHIP) or element.get(_STRICT_RELATIONSHIP)
        if first_id is None or first_id not in relationships:
            raise _no_first_sheet()
        kind, path = relationships[first_id]
        if kind != "worksheet" or path not in names:
            raise _no_first_sheet()
        return path, date1904

    def _part_of_kind(self, workbook_path: str, names: set[str], kind: str, default: str) -> str | None:
        for found_kind, path in self._relationships(workbook_path, names).values():
            if found_kind == kind and path in names:
                return path
        return default if default in names else None

    def _shared_strings(self, workbook_path: str, base: str, names: set[str]) -> list[str]:
        path = self._part_of_kind(workbook_path, names, "sharedStrings", posixpath.join(base, "sharedStrings.xml"))
        strings: list[str] = []
        if path is None:
            return strings
        for element, _ancestors in self._walk(path, keep_below=2, max_elements=4 * MAX_SHARED_STRINGS):
            if _local(element.tag) == "si":
                if len(strings) >= MAX_SHARED_STRINGS:
                    raise Refused(
                        _(
                            "The workbook holds more than %(max)s different texts, more than a chronology can. "
                            "Copy the chronology into a new workbook and save it, or save it as CSV."
                        )
                        % {"max": f"{MAX_SHARED_STRINGS:,}"}
                    )
                strings.append(_text(element))
        return strings

    def _styles(self, workbook_path: str, base: str, names: set[str]) -> tuple[set[int], set[int]]:
        path = self._part_of_kind(workbook_path, names, "styles", posixpath.join(base, "styles.xml"))
        dates: set[int] = set()
        timedeltas: set[int] = set()
        if path is None:
            return dates, timedeltas
        custom: dict[int, str] = {}
        formats: list[int] = []
        for element, ancestors in self._walk(path, keep_below=3, max_elements=MAX_SMALL_PART_ELEMENTS):
            name = _local(element.tag)
            if name == "numFmt":
                if len(custom) >= MAX_STYLES:
                    raise _too_many_styles()
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif name == "xf" and ancestors and _local(ancestors[-1].tag) == "cellXfs":
                if len(formats) >= MAX_STYLES:
                    raise _too_many_styles()
                formats.append(int(element.get("numFmtId", "0")))
        kinds: dict[int, tuple[bool, bool]] = {}
        for index, format_id in enumerate(formats):
            if format_id not in kinds:
                code = custom.get(format_id) or BUILTIN_FORMATS.get(format_id)
                kinds[format_id] = (is_date_format(code), is_timedelta_format(code))
            is_date, is_timedelta = kinds[format_id]
            if is_date:
                dates.add(index)
            if is_timedelta:
                timedeltas.add(index)
        return dates, timedeltas

    def rows(self) -> Iterator[tuple[int, dict[int, object]]]:
        """(row number, {column: value}) for every row of the first sheet, gaps included as {}."""
        self._read_shared_parts()
        epoch = CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900
        strings = self.shared_strings
        date_styles, timedelta_styles = self.date_styles, self.timedelta_styles
        expected = 1
        count = 0
        names: _Names | None = None
        for element, ancestors in self._walk(self.sheet_path, keep_below=3, max_elements=MAX_SHEET_ELEMENTS):
            tag = element.tag
            if not (tag.endswith("}row") or tag == "row"):
                if len(ancestors) == 1 and (tag.endswith("}sheetData") or tag == "sheetData"):
                    return  # what follows the cells is not read
                continue
            if names is None:
                names = _Names(tag[:-3])
            count += 1
            reference = element.get("r")
            number = int(reference) if reference else expected
            if count > MAX_SHEET_ROWS or number > MAX_SHEET_ROWS:
                raise _too_many_rows()
            if number < 1:
                raise ValueError("row number below 1")
            while expected < number:
                yield expected, {}
                expected += 1
            values: dict[int, object] = {}
            column = -1
            cells = 0
            for cell in element:
                if cell.tag != names.c:
                    continue
                cells += 1
                cell_reference = cell.get("r")
                column = _cell_column(cell_reference) if cell_reference else column + 1
                if column >= MAX_COLUMNS or cells > MAX_COLUMNS:
                    raise _beyond_last_column()
                value = _value(cell, names, strings, epoch, date_styles, timedelta_styles)
                if value is not None:
                    values[column] = value
            yield number, values
            expected = number + 1


def _too_many_styles() -> Refused:
    return Refused(
        _(
            "The workbook defines more than %(max)s cell formats, the most Excel itself allows. Copy the chronology "
            "into a new workbook and save it, or save it as CSV."
        )
        % {"max": f"{MAX_STYLES:,}"}
    )


def _no_first_sheet() -> Unsupported:
    return Unsupported(
        _(
            "The workbook's first sheet is not a table of cells, or it cannot be found. Make the chronology the "
            "first sheet of the workbook and save it again in Excel, or save it as CSV."
        )
    )


class _Names:
    """The sheet's element names with their namespace, compared as whole strings (fast)."""

    def __init__(self, namespace: str):
        self.c = namespace + "c"
        self.v = namespace + "v"
        self.f = namespace + "f"
        self.inline = namespace + "is"


def _value(
    cell: Element,
    names: _Names,
    strings: list[str],
    epoch: dt.datetime,
    date_styles: set[int],
    timedelta_styles: set[int],
) -> object:
    kind = cell.get("t", "n")
    raw = None
    formula = None
    inline = None
    for child in cell:
        tag = child.tag
        if tag == names.v:
            raw = child.text
        elif tag == names.f:
            formula = child.text or ""
        elif tag == names.inline:
            inline = child
    if formula is not None:
        return "=" + formula
    if kind == "inlineStr":
        return _text(inline) if inline is not None else None
    if raw is None:
        return None
    if kind == "s":
        return strings[int(raw)]
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "d":
        return dt.datetime.fromisoformat(raw.rstrip("Z"))
    number: int | float = float(raw) if any(mark in raw for mark in ".Ee") else int(raw)
    style = int(cell.get("s", "0"))
    if style in date_styles and style not in timedelta_styles:
        try:
            return from_excel(number, epoch)
        except (OverflowError, ValueError):
            return number
    return number


@contextmanager
def first_sheet(source: IO[bytes]) -> Iterator[Iterator[tuple[int, Cells]]]:
    """The first sheet's rows as (row number, cells), gaps included as empty rows.

    Opening and reading raise `Refused` for a workbook beyond the bounds above (with the reason for
    the person who sent it), and zipfile, XML or lookup errors for a damaged file."""
    with zipfile.ZipFile(source) as archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
            raise too_much_data()
        workbook = _Workbook(archive, _Budget(MAX_UNPACKED_BYTES))
        fast = calamine_rows(
            archive,
            max_unpacked_bytes=MAX_UNPACKED_BYTES,
            max_rows=MAX_SHEET_ROWS,
            max_shared_strings=MAX_SHARED_STRINGS,
            max_styles=MAX_STYLES,
        )
        yield fast if fast is not None else workbook.rows()
