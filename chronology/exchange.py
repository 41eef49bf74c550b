"""The chronology exchange format (/work/shared/formats/chronology.md): reading and writing.

`read_chronology(file, vocabularies=...)` turns a CSV or XLSX file into Entries or into the complete
list of what is wrong with it: an ImportResult holds either entries or problems, never both, so a
file is taken whole or not at all. Every problem names the row as the spreadsheet shows it (the header
is row 1), the column as the file's heading writes it, and the reason in the active language.

`entries_from_mappings()` applies the same rules to the API's JSON entries, and `write_csv()`,
`write_xlsx()` and `entries_to_rows()` write entries so that they read back identically.

Pure: no database. The vocabularies come in as a `Vocabularies` (see `Vocabularies.from_method`).
The fields and the rules of one entry live in `chronology.fields`; this module reads and writes files
(and re-exports what callers need, so `chronology.exchange` is the one place to import from).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from typing import IO, Any, BinaryIO

from django.utils.translation import gettext as _

from .dates import format_date, format_time
from .entry import Entry
from .fields import (
    ADDRESSEE_REQUIRED_FOR,
    COLUMNS,
    FORMULA_STARTS,
    KEYS,
    MAX_DESCRIPTION,
    MAX_FILE_BYTES,
    MAX_LENGTHS,
    MAX_ROWS,
    REQUIRED_KEYS,
    Column,
    EntryChecker,
    ImportResult,
    Problem,
    Vocabularies,
    blank,
    cell_text,
    column_for_heading,
    entries_from_mappings,
    undo_formula_safe,
)
from .xlsx import Cells, Refused, first_sheet

__all__ = [
    "ADDRESSEE_REQUIRED_FOR",
    "COLUMNS",
    "KEYS",
    "MAX_DESCRIPTION",
    "MAX_FILE_BYTES",
    "MAX_LENGTHS",
    "MAX_ROWS",
    "REQUIRED_KEYS",
    "Column",
    "ImportResult",
    "Problem",
    "Vocabularies",
    "entries_from_mappings",
    "entries_to_rows",
    "entry_values",
    "formula_safe",
    "read_chronology",
    "write_csv",
    "write_xlsx",
]

# ---------------------------------------------------------------------------------------------
# Reading files


class _Refused(Exception):
    """The file as a whole is refused; the message says why and what to do."""

    def __init__(self, message: str, *, row: int | None = None):
        super().__init__(message)
        self.message = message
        self.row = row


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls (and .doc) files
_ZIP_MAGIC = b"PK\x03\x04"
_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"PK\x05\x06", b"\x1f\x8b", b"BM")
_SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_SNIFF_BYTES = 8192


def read_chronology(
    file: bytes | str | os.PathLike[str] | IO[bytes],
    *,
    vocabularies: Vocabularies,
    filename: str = "",
    source: str | None = None,
) -> ImportResult:
    """Read a chronology file (CSV or XLSX, told apart by its content) into entries or problems.

    `file` is the file's bytes, its path, or a binary file object (e.g. an uploaded file);
    `filename` is the name the user gave it (used only to recognise a spreadsheet by its suffix);
    `source` is recorded on every entry (default: the file name).
    """
    if isinstance(file, str | os.PathLike):
        filename = filename or os.fspath(file)
    source = filename if source is None else source
    try:
        with ExitStack() as stack:
            if isinstance(file, bytes):
                stream: IO[bytes] = io.BytesIO(file)
            elif isinstance(file, str | os.PathLike):
                stream = stack.enter_context(open(file, "rb"))
            else:
                stream = file
            return _read_stream(stream, vocabularies=vocabularies, filename=filename, source=source)
    except _Refused as refused:
        return ImportResult.failure(refused.message, row=refused.row)
    except FileNotFoundError:
        return ImportResult.failure(_("The file does not exist."))
    except IsADirectoryError:
        return ImportResult.failure(_("This is a folder, not a file."))
    except OSError as error:
        return ImportResult.failure(
            _("The file cannot be read: %(reason)s") % {"reason": error.strerror or error.__class__.__name__}
        )


def _read_stream(stream: IO[bytes], *, vocabularies: Vocabularies, filename: str, source: str) -> ImportResult:
    if not stream.seekable():
        stream = io.BytesIO(stream.read(MAX_FILE_BYTES + 1))
    start = stream.tell()
    size = stream.seek(0, io.SEEK_END) - start
    stream.seek(start)
    if size > MAX_FILE_BYTES:
        raise _Refused(
            _(
                "The file is %(size)s MB; at most %(max)s MB is accepted. "
                "Save it as CSV, which is smaller, or ask the review coordinator how to send it."
            )
            % {"size": f"{size / 1024 / 1024:.1f}", "max": MAX_FILE_BYTES // 1024 // 1024}
        )
    head = stream.read(_SNIFF_BYTES)
    stream.seek(start)
    if size <= len(head) and not head.removeprefix(codecs.BOM_UTF8).strip():
        raise _Refused(_("The file is empty."))
    if head.startswith(_ZIP_MAGIC):
        return _read_xlsx(stream, vocabularies=vocabularies, source=source)
    if head.startswith(_OLE_MAGIC):
        raise _Refused(
            _(
                "This is an old Excel workbook (.xls) or another Office document, which is not accepted. "
                "Save it as an Excel workbook (.xlsx) or as “CSV UTF-8”."
            )
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _Refused(_encoding_message(1))
    if (
        filename.lower().endswith(_SPREADSHEET_SUFFIXES)
        or head.startswith(_BINARY_MAGIC)
        or b"\x00" in head
        or head.lstrip().startswith(b"<")
    ):
        raise _Refused(_not_a_spreadsheet())
    return _read_csv(stream, vocabularies=vocabularies, source=source)


def _not_a_spreadsheet() -> str:
    return _(
        "This file is not a spreadsheet. Upload the chronology as an Excel workbook (.xlsx) or as a CSV "
        "file saved as “CSV UTF-8”."
    )


def _encoding_message(line: int) -> str:
    return _(
        "The file is not saved as UTF-8 (line %(line)s holds characters that cannot be read). Excel on "
        "Estonian Windows saves plain “CSV” in the Windows-1257 encoding: in Excel choose File → Save As "
        "and the type “CSV UTF-8 (comma delimited) (*.csv)”, or save the file as an Excel workbook (.xlsx)."
    ) % {"line": line}


# --- CSV


def _decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    """The file's lines as text; a line that is not UTF-8 refuses the whole file."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    number = 0
    for number, raw in enumerate(stream, start=1):
        try:
            yield decoder.decode(raw)
        except UnicodeDecodeError:
            raise _Refused(_encoding_message(number))
    try:
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _Refused(_encoding_message(number))
    if tail:
        yield tail


def _delimiter(header_line: str) -> str:
    """Comma or semicolon, whichever separates the header row (outside quotes)."""
    counts = {",": 0, ";": 0}
    quoted = False
    for character in header_line:
        if character == '"':
            quoted = not quoted
        elif not quoted and character in counts:
            counts[character] += 1
    if not any(counts.values()):
        raise _Refused(
            _("The header row must hold the column names separated by commas or semicolons."),
            row=1,
        )
    return ";" if counts[";"] > counts[","] else ","


def _read_csv(stream: IO[bytes], *, vocabularies: Vocabularies, source: str) -> ImportResult:
    lines = _decoded_lines(stream)
    first = next(lines, "")
    if not first.strip():
        if not any(line.strip() for line in lines):
            raise _Refused(_("The file is empty."))
        raise _Refused(_("Row 1 must hold the column names; it is empty."), row=1)
    reader = csv.reader(_chain(first, lines), delimiter=_delimiter(first), quotechar='"', doublequote=True)
    records = _csv_records(reader)
    header = next(records)[1]
    return _parse_table(header, records, vocabularies=vocabularies, source=source)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _csv_records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    # Rows are counted as records, so a quoted cell holding line breaks is one row, as in a spreadsheet.
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _Refused(
                _("Row %(row)s cannot be read as CSV (%(reason)s). Check its quotation marks.")
                % {"row": number + 1, "reason": error},
                row=number + 1,
            )
        number += 1
        yield number, cells


# --- XLSX


def _read_xlsx(stream: IO[bytes], *, vocabularies: Vocabularies, source: str) -> ImportResult:
    """A workbook through the bounded reader (chronology.xlsx). There is no second, general reader to
    fall back on: openpyxl keeps every style and shared string a file declares, which no check here
    could bound, and the reader already knows what spreadsheet programs write; a workbook it cannot
    read is refused with the reason."""
    with ExitStack() as stack:
        try:
            rows = stack.enter_context(first_sheet(stream))
        except Refused as refused:
            raise _Refused(refused.message)
        except Exception:  # a damaged zip or XML: to the user simply not a spreadsheet
            raise _Refused(_not_a_spreadsheet())
        return _parse_sheet(_guarded(rows), vocabularies=vocabularies, source=source)


def _parse_sheet(records: Iterator[tuple[int, Cells]], *, vocabularies: Vocabularies, source: str) -> ImportResult:
    first = next(records, None)
    if first is None or _blank(first[1]):
        if not any(not _blank(cells) for _row, cells in records):
            raise _Refused(_("The file is empty."))
        raise _Refused(_("Row 1 must hold the column names; it is empty."), row=1)
    return _parse_table(first[1], records, vocabularies=vocabularies, source=source)


def _guarded(rows: Iterator[tuple[int, Cells]]) -> Iterator[tuple[int, Cells]]:
    """The rows, with damage found while reading them turned into a refusal of the file."""
    while True:
        try:
            record = next(rows)
        except StopIteration:
            return
        except Refused as refused:
            raise _Refused(refused.message)
        except Exception:  # a damaged sheet inside a valid zip
            raise _Refused(_not_a_spreadsheet())
        yield record


# --- both


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _items(cells: Cells) -> Iterable[tuple[int, object]]:
    return cells.items() if isinstance(cells, Mapping) else enumerate(cells)


def _blank(cells: Cells) -> bool:
    return blank(list(cells.values()) if isinstance(cells, Mapping) else cells)


def _parse_table(
    header: Cells,
    records: Iterator[tuple[int, Cells]],
    *,
    vocabularies: Vocabularies,
    source: str,
) -> ImportResult:
    problems: list[Problem] = []
    columns: list[Column | None] = []  # by position; None for a column that is blank or not understood
    headings: dict[str, str] = {}
    unnamed: set[int] = set()  # positions without a heading: values there are reported once
    if isinstance(header, Mapping):
        header = [header.get(position) for position in range(max(header, default=-1) + 1)]
    for position, cell in enumerate(header):
        text = cell_text(cell)
        column = column_for_heading(text) if text else None
        if not text:
            unnamed.add(position)
        elif column is None:
            problems.append(
                Problem(
                    _("There is no column “%(column)s” in the exchange format. The columns are: %(columns)s.")
                    % {"column": text, "columns": ", ".join(KEYS)},
                    row=1,
                    column=text,
                )
            )
        elif column.key in headings:
            problems.append(
                Problem(
                    _("The column %(key)s appears twice (“%(first)s” and “%(second)s”).")
                    % {"key": column.key, "first": headings[column.key], "second": text},
                    row=1,
                    column=text,
                    field=column.key,
                )
            )
            column = None
        else:
            headings[column.key] = text
        columns.append(column)
    missing = [column for column in COLUMNS if column.required and column.key not in headings]
    for column in missing:
        problems.append(
            Problem(
                _("The required column %(key)s (%(label)s) is missing.") % {"key": column.key, "label": column.label},
                row=1,
                column=column.key,
                field=column.key,
            )
        )

    reader = EntryChecker(vocabularies, source=source, headings=headings, absent={c.key for c in missing})
    reported: set[int] = set()
    width = len(columns)
    count = 0
    for row, cells in records:
        if _blank(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise _Refused(
                _(
                    "The file has more than %(max)s entries, the most one submission can hold. "
                    "Ask the review coordinator how to send a chronology this long."
                )
                % {"max": f"{MAX_ROWS:,}"}
            )
        values: dict[str, object] = {}
        for position, cell in _items(cells):
            column = columns[position] if position < width else None
            if column is not None:
                values[column.key] = cell
            elif (position in unnamed or position >= width) and position not in reported and not blank((cell,)):
                reported.add(position)
                problems.append(
                    Problem(
                        _("Column %(letter)s has values but no heading (the first in this row).")
                        % {"letter": _column_letter(position)},
                        row=row,
                        column=_column_letter(position),
                    )
                )
        reader.read(values, row=row)
    if count == 0 and not problems:
        problems.append(Problem(_("The file has a header row but no entries."), row=2))
    problems.extend(reader.problems)
    problems.sort(key=lambda problem: problem.row or 0)
    return ImportResult.of(reader.entries, problems)


# ---------------------------------------------------------------------------------------------
# Writing


def formula_safe(text: str) -> str:
    """The text, prefixed with an apostrophe when a spreadsheet would take it for a formula.

    The reader drops that apostrophe again, so an exported file reads back as it was written; a text
    that itself starts with an apostrophe before such a sign gets one more, for the same reason."""
    if text.startswith(FORMULA_STARTS) or undo_formula_safe(text) != text:
        return "'" + text
    return text


def entry_values(entry: Entry) -> dict[str, str]:
    """An entry's cells in the exchange format, by key (not made formula-safe)."""
    date_text, precision_text = format_date(entry.date)
    return {
        "entry_ref": entry.entry_ref,
        "date": date_text,
        "date_precision": precision_text,
        "time": format_time(entry.time),
        "organisation": entry.organisation,
        "practitioner_role": entry.practitioner_role,
        "event_type": entry.event_type,
        "addressee": entry.addressee,
        "concern": entry.concern,
        "description": entry.description,
        "source_document": entry.source_document,
        "child_seen": entry.child_seen.value,
        "child_views_recorded": entry.child_views_recorded.value,
        "shared_with": ";".join(entry.shared_with),
        "key_event": "yes" if entry.key_event else "no",
    }


def entries_to_rows(entries: Iterable[Entry], *, safe: bool = True) -> Iterator[list[str]]:
    """The header row (English keys) and one row per entry; `safe` makes formula-like cells harmless."""
    yield list(KEYS)
    for entry in entries:
        values = entry_values(entry)
        yield [formula_safe(values[key]) if safe else values[key] for key in KEYS]


def write_csv(
    entries: Iterable[Entry], stream: IO[str] | None = None, *, delimiter: str = ",", bom: bool = True
) -> str:
    """Write entries as exchange-format CSV to `stream` (opened with newline=""), or return the text.

    With `bom` the text starts with a byte-order mark, so that Excel opens it as UTF-8."""
    target = stream if stream is not None else io.StringIO()
    if bom:
        target.write("\ufeff")
    writer = csv.writer(target, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(entries_to_rows(entries))
    return target.getvalue() if isinstance(target, io.StringIO) and stream is None else ""


def write_xlsx(entries: Iterable[Entry], target: str | os.PathLike[str] | BinaryIO, *, title: str = "") -> None:
    """Write entries as an exchange-format workbook (one sheet, every cell text)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title or "chronology")
    for row in entries_to_rows(entries):
        sheet.append(row)
    workbook.save(target)
