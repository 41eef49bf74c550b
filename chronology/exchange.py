"""The chronology exchange format (/work/shared/formats/chronology.md): reading and writing.

`read_chronology(file, vocabularies=...)` turns a CSV or XLSX file into Entries or into the complete
list of what is wrong with it: an ImportResult holds either entries or problems, never both, so a
file is taken whole or not at all. Every problem names the row as the spreadsheet shows it (the header
is row 1), the column as the file's heading writes it, and the reason in the active language.

`entries_from_mappings()` applies the same rules to the API's JSON entries, and `write_csv()`,
`write_xlsx()` and `entries_to_rows()` write entries so that they read back identically.

Pure: no database. The vocabularies come in as a `Vocabularies` (see `Vocabularies.from_method`).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from method.content import MethodContent

from .dates import (
    DateError,
    apply_precision,
    check_time_allowed,
    day_date,
    format_date,
    format_time,
    parse_precision,
    parse_time,
    parse_written_date,
)
from .entry import Entry, UncertainDate, YesNo
from .xlsx import TooLarge, Unsupported, first_sheet

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000  # entries, not counting the header row and blank rows
MAX_DESCRIPTION = 4000
# Lengths the format does not state but a database column needs; generous for what the cells hold.
MAX_LENGTHS = {
    "entry_ref": 100,
    "organisation": 50,
    "addressee": 50,
    "shared_with": 50,  # each code
    "practitioner_role": 200,
    "source_document": 1000,
    "description": MAX_DESCRIPTION,
}

FORMULA_STARTS = ("=", "+", "-", "@")
ADDRESSEE_REQUIRED_FOR = frozenset({"referral", "notification", "information_shared"})


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the Estonian label, accepted as a heading too
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("entry_ref", "viide", required=True),
    Column("date", "kuupäev", required=True),
    Column("date_precision", "täpsus"),
    Column("time", "kellaaeg"),
    Column("organisation", "asutus", required=True),
    Column("practitioner_role", "ametikoht"),
    Column("event_type", "sündmus", required=True),
    Column("addressee", "adressaat"),
    Column("concern", "mure"),
    Column("description", "kirjeldus", required=True),
    Column("source_document", "allikas", required=True),
    Column("child_seen", "laps nähtud"),
    Column("child_views_recorded", "lapse arvamus"),
    Column("shared_with", "jagatud"),
    Column("key_event", "võtmesündmus"),
)
KEYS: tuple[str, ...] = tuple(column.key for column in COLUMNS)
REQUIRED_KEYS: tuple[str, ...] = tuple(column.key for column in COLUMNS if column.required)

YES_NO_NAMES: dict[str, YesNo] = {
    "yes": YesNo.YES,
    "no": YesNo.NO,
    "unknown": YesNo.UNKNOWN,
    "jah": YesNo.YES,
    "ei": YesNo.NO,
    "teadmata": YesNo.UNKNOWN,
}


def _normal_heading(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


_COLUMN_BY_HEADING: dict[str, Column] = {
    **{_normal_heading(column.key): column for column in COLUMNS},
    **{_normal_heading(column.label): column for column in COLUMNS},
}


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file or an entry, in the language active when it was found."""

    message: str
    row: int | None = None  # the spreadsheet row (header is row 1); None for the file as a whole
    column: str = ""  # the column's heading as the file writes it (or the key)
    field: str = ""  # the exchange-format key, e.g. "date"
    index: int | None = None  # the entry's position in an API body, from 0

    def __str__(self) -> str:
        values = {"row": self.row, "column": self.column, "message": self.message, "index": self.index}
        if self.row is not None and self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % values
        if self.row is not None:
            return _("Row %(row)s: %(message)s") % values
        if self.index is not None and self.column:
            return _("Entry %(index)s, field %(column)s: %(message)s") % values
        if self.column:
            return _("Column %(column)s: %(message)s") % values
        return self.message


@dataclass(frozen=True)
class ImportResult:
    """Either the entries of a whole valid file or every problem found in it, never both."""

    entries: tuple[Entry, ...] = ()
    errors: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @classmethod
    def of(cls, entries: Iterable[Entry], problems: Sequence[Problem]) -> ImportResult:
        if problems:
            return cls(errors=tuple(problems))
        return cls(entries=tuple(entries))

    @classmethod
    def failure(cls, message: str, *, row: int | None = None) -> ImportResult:
        return cls(errors=(Problem(message, row=row),))


@dataclass(frozen=True)
class Vocabularies:
    """The codes a file is checked against: the method's event types and concerns, and (optionally)
    the codes of the organisations involved in the review. Without organisations any code is taken."""

    event_types: frozenset[str]
    concerns: frozenset[str]
    organisations: frozenset[str] | None = None

    @classmethod
    def from_method(
        cls, content: MethodContent | Mapping[str, Any], organisations: Iterable[str] | None = None
    ) -> Vocabularies:
        """From a method version's content (`version.data`, or the content document itself)."""
        if not isinstance(content, MethodContent):
            content = MethodContent(dict(content))
        return cls(
            event_types=frozenset(content.codes("event_types")),
            concerns=frozenset(content.codes("concerns")),
            organisations=frozenset(organisations) if organisations is not None else None,
        )

    @classmethod
    def current(cls, organisations: Iterable[str] | None = None) -> Vocabularies:
        """From the current published method version (needs the database)."""
        from method.models import MethodVersion

        return cls.from_method(MethodVersion.objects.current().data, organisations)


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
            _("The file is %(size)s MB; at most %(max)s MB is accepted. Split the chronology into smaller files.")
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
    start = stream.tell()
    with ExitStack() as stack:
        try:
            rows = stack.enter_context(first_sheet(stream))
        except Unsupported:
            stream.seek(start)
            return _read_xlsx_openpyxl(stream, vocabularies=vocabularies, source=source)
        except TooLarge:
            raise _Refused(_too_large_workbook())
        except Exception:  # a damaged zip or XML: to the user simply not a spreadsheet
            raise _Refused(_not_a_spreadsheet())
        return _parse_sheet(_guarded(rows), vocabularies=vocabularies, source=source)


def _read_xlsx_openpyxl(stream: IO[bytes], *, vocabularies: Vocabularies, source: str) -> ImportResult:
    """The slower general reader, for workbooks whose structure chronology.xlsx does not know."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it ignores
        try:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=False)
        except Exception:  # any failure to open means the same thing to the user
            raise _Refused(_not_a_spreadsheet())
        try:
            if not workbook.worksheets:
                raise _Refused(_("The file is empty."))
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # trust the cells, not a declared size that may cover a million rows
            rows = enumerate(sheet.iter_rows(values_only=True), start=1)
            return _parse_sheet(_guarded(rows), vocabularies=vocabularies, source=source)
        finally:
            workbook.close()


def _parse_sheet(
    records: Iterator[tuple[int, Sequence[object]]], *, vocabularies: Vocabularies, source: str
) -> ImportResult:
    first = next(records, None)
    if first is None or _blank(first[1]):
        if not any(not _blank(cells) for _row, cells in records):
            raise _Refused(_("The file is empty."))
        raise _Refused(_("Row 1 must hold the column names; it is empty."), row=1)
    return _parse_table(first[1], records, vocabularies=vocabularies, source=source)


def _guarded(rows: Iterator[tuple[int, Sequence[object]]]) -> Iterator[tuple[int, Sequence[object]]]:
    """The rows, with damage found while reading them turned into a refusal of the file."""
    while True:
        try:
            record = next(rows)
        except StopIteration:
            return
        except _Refused:
            raise
        except TooLarge:
            raise _Refused(_too_large_workbook())
        except Exception:  # a damaged sheet inside a valid zip
            raise _Refused(_not_a_spreadsheet())
        yield record


def _too_large_workbook() -> str:
    return _("The workbook holds far more data than a chronology can; save it again or split it into smaller files.")


# --- both


def _blank(cells: Sequence[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _parse_table(
    header: Sequence[object],
    records: Iterator[tuple[int, Sequence[object]]],
    *,
    vocabularies: Vocabularies,
    source: str,
) -> ImportResult:
    problems: list[Problem] = []
    columns: list[Column | None] = []  # by position; None for a column that is blank or not understood
    headings: dict[str, str] = {}
    unnamed: set[int] = set()  # positions without a heading: values there are reported once
    for position, cell in enumerate(header):
        text = _cell_text(cell)
        column = _COLUMN_BY_HEADING.get(_normal_heading(text)) if text else None
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

    reader = _EntryReader(vocabularies, source=source, headings=headings, absent={c.key for c in missing})
    reported: set[int] = set()
    width = len(columns)
    count = 0
    for row, cells in records:
        if _blank(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise _Refused(
                _("The file has more than %(max)s entries. Split the chronology into smaller files.")
                % {"max": f"{MAX_ROWS:,}"}
            )
        values: dict[str, object] = {}
        for position, cell in enumerate(cells):
            column = columns[position] if position < width else None
            if column is not None:
                values[column.key] = cell
            elif (position in unnamed or position >= width) and position not in reported and not _blank((cell,)):
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
# Entries from cells or API values


def entries_from_mappings(
    items: Iterable[Mapping[str, object]], *, vocabularies: Vocabularies, source: str = ""
) -> ImportResult:
    """Entries from the API's JSON objects (the format's keys; `shared_with` a list, `key_event` a
    boolean). Problems carry the entry's `index` (from 0) and the key as `field`."""
    reader = _EntryReader(vocabularies, source=source, headings={}, absent=set())
    count = 0
    for index, item in enumerate(items):
        count += 1
        if count > MAX_ROWS:
            return ImportResult.failure(
                _("The chronology has more than %(max)s entries. Send it in parts.") % {"max": f"{MAX_ROWS:,}"}
            )
        if not isinstance(item, Mapping):
            reader.problems.append(Problem(_("An entry must be an object with the format's fields."), index=index))
            continue
        values = {}
        for key, value in item.items():
            if key in KEYS:
                values[key] = value
            else:
                reader.problems.append(
                    Problem(
                        _("There is no field “%(column)s” in the exchange format. The fields are: %(columns)s.")
                        % {"column": key, "columns": ", ".join(KEYS)},
                        column=str(key),
                        field=str(key),
                        index=index,
                    )
                )
        reader.read(values, index=index)
    if count == 0:
        return ImportResult.failure(_("The chronology has no entries."))
    return ImportResult.of(reader.entries, reader.problems)


def _unescape(text: str) -> str:
    """A cell an export made formula-safe ('=…) reads back as written (=…)."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _unescape(value.strip())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return format_time(value)
    return str(value).strip()


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass
class _EntryReader:
    """Checks one entry at a time, collecting problems; keeps entries only while there are none."""

    vocabularies: Vocabularies
    source: str
    headings: dict[str, str]  # key -> the heading as written in the file
    absent: set[str]  # required columns missing from the file: reported once, not on every row
    problems: list[Problem] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    first_row_of: dict[str, int] = field(default_factory=dict)

    def read(self, values: Mapping[str, object], *, row: int | None = None, index: int | None = None) -> None:
        def problem(key: str, message: str) -> None:
            column = self.headings.get(key, key)
            self.problems.append(Problem(message, row=row, column=column, field=key, index=index))

        def text(key: str) -> str:
            value = _cell_text(values.get(key))
            limit = MAX_LENGTHS.get(key)
            if limit is not None and len(value) > limit:
                problem(
                    key,
                    _("The text is %(length)s characters long; at most %(max)s are allowed.")
                    % {"length": f"{len(value):,}", "max": f"{limit:,}"},
                )
            return value

        def required(key: str) -> str:
            value = text(key)
            if not value and key not in self.absent:
                problem(key, _("This value is required."))
            return value

        entry_ref = required("entry_ref")
        if entry_ref:
            position = row if row is not None else index
            if entry_ref in self.first_row_of:
                earlier = self.first_row_of[entry_ref]
                message = (
                    _("The entry_ref “%(ref)s” is already used in row %(earlier)s; each entry needs its own.")
                    if row is not None
                    else _("The entry_ref “%(ref)s” is already used by entry %(earlier)s; each entry needs its own.")
                )
                problem("entry_ref", message % {"ref": entry_ref, "earlier": earlier})
            elif position is not None:
                self.first_row_of[entry_ref] = position

        date = self._date(values, problem)
        time = self._time(values, date, problem)

        organisation = self._organisation(required("organisation"), "organisation", problem)
        event_type = required("event_type")
        if event_type and event_type not in self.vocabularies.event_types:
            problem(
                "event_type",
                _("“%(value)s” is not an event type of the method. The event types are: %(codes)s.")
                % {"value": event_type, "codes": ", ".join(sorted(self.vocabularies.event_types))},
            )
        addressee = self._organisation(text("addressee"), "addressee", problem)
        if event_type in ADDRESSEE_REQUIRED_FOR and not addressee:
            problem(
                "addressee",
                _("An entry of type %(event_type)s needs the code of the organisation it went to.")
                % {"event_type": event_type},
            )
        concern = text("concern")
        if concern and concern not in self.vocabularies.concerns:
            problem(
                "concern",
                _("“%(value)s” is not a concern of the method. The concerns are: %(codes)s.")
                % {"value": concern, "codes": ", ".join(sorted(self.vocabularies.concerns))},
            )
        description = required("description")
        source_document = required("source_document")
        practitioner_role = text("practitioner_role")
        child_seen = self._yes_no(values.get("child_seen"), "child_seen", problem)
        child_views_recorded = self._yes_no(values.get("child_views_recorded"), "child_views_recorded", problem)
        shared_with = self._shared_with(values.get("shared_with"), problem)
        key_event = self._key_event(values.get("key_event"), problem)

        if self.problems or date is None:
            # Once anything is wrong the file is refused: stop keeping entries, keep checking.
            self.entries.clear()
            return
        self.entries.append(
            Entry(
                entry_ref=entry_ref,
                date=date,
                organisation=organisation,
                event_type=event_type,
                description=description,
                source_document=source_document,
                time=time,
                practitioner_role=practitioner_role,
                addressee=addressee,
                concern=concern,
                child_seen=child_seen,
                child_views_recorded=child_views_recorded,
                shared_with=shared_with,
                key_event=key_event,
                source=self.source,
                row=row,
            )
        )

    def _date(self, values: Mapping[str, object], problem: Any) -> UncertainDate | None:
        raw = values.get("date")
        precision_text = _cell_text(values.get("date_precision"))
        precision_ok = True
        try:
            parse_precision(precision_text)
        except DateError as error:
            problem(error.field, error.message)
            precision_ok = False
        try:
            if isinstance(raw, dt.datetime):
                written = day_date(raw.date())
            elif isinstance(raw, dt.date):
                written = day_date(raw)
            elif _is_number(raw):
                raise DateError(
                    _(
                        "The cell holds the number %(value)s, not a date: format it as a date, or as text "
                        "written like 2019-03-04, 03.2019 or 2019."
                    )
                    % {"value": _cell_text(raw)},
                    field="date",
                )
            else:
                value = _cell_text(raw)
                if not value:
                    if "date" not in self.absent:
                        problem("date", _("This value is required."))
                    return None
                written = parse_written_date(value)
            if not precision_ok:
                return None
            return apply_precision(written, precision_text, written_as=_cell_text(raw))
        except DateError as error:
            problem(error.field, error.message)
            return None

    def _time(self, values: Mapping[str, object], date: UncertainDate | None, problem: Any) -> dt.time | None:
        raw = values.get("time")
        try:
            if isinstance(raw, dt.datetime):
                raw = raw.time()
            if isinstance(raw, dt.time):
                time = dt.time(raw.hour, raw.minute)
                check_time_allowed(time, date)
                return time
            if _is_number(raw):
                raise DateError(
                    _("The cell holds the number %(value)s, not a time: write the time as HH:MM.")
                    % {"value": _cell_text(raw)},
                    field="time",
                )
            return parse_time(_cell_text(raw), date)
        except DateError as error:
            problem(error.field, error.message)
            return None

    def _organisation(self, code: str, key: str, problem: Any) -> str:
        known = self.vocabularies.organisations
        if code and known is not None and code not in known:
            problem(
                key,
                _("“%(value)s” is not the code of an organisation in this review. The codes are: %(codes)s.")
                % {"value": code, "codes": ", ".join(sorted(known))},
            )
        return code

    def _yes_no(self, raw: object, key: str, problem: Any) -> YesNo:
        if isinstance(raw, bool):
            return YesNo.YES if raw else YesNo.NO
        value = _cell_text(raw)
        if not value:
            return YesNo.UNKNOWN
        answer = YES_NO_NAMES.get(value.casefold())
        if answer is None:
            problem(key, _("Write yes, no or unknown (jah, ei, teadmata), not “%(value)s”.") % {"value": value})
            return YesNo.UNKNOWN
        return answer

    def _key_event(self, raw: object, problem: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        value = _cell_text(raw)
        answer = YES_NO_NAMES.get(value.casefold()) if value else YesNo.NO
        if answer is None or answer == YesNo.UNKNOWN:
            problem("key_event", _("Write yes or no (jah or ei), not “%(value)s”.") % {"value": value})
            return False
        return answer == YesNo.YES

    def _shared_with(self, raw: object, problem: Any) -> tuple[str, ...]:
        if isinstance(raw, list | tuple):
            parts = [_cell_text(part) for part in raw]
        else:
            value = _cell_text(raw)
            if "," in value:
                problem("shared_with", _("Separate the organisation codes with “;”, not with commas."))
                return ()
            parts = [part.strip() for part in value.split(";")]
        codes: list[str] = []
        for code in parts:
            if not code or code in codes:
                continue
            if len(code) > MAX_LENGTHS["shared_with"]:
                problem(
                    "shared_with",
                    _("The code “%(value)s” is longer than %(max)s characters.")
                    % {"value": code[:20] + "…", "max": MAX_LENGTHS["shared_with"]},
                )
                continue
            codes.append(self._organisation(code, "shared_with", problem))
        return tuple(codes)


# ---------------------------------------------------------------------------------------------
# Writing


def formula_safe(text: str) -> str:
    """The text, prefixed with an apostrophe when a spreadsheet would take it for a formula.

    The reader drops that apostrophe again, so an exported file reads back as it was written; a text
    that itself starts with an apostrophe before such a sign gets one more, for the same reason."""
    if text.startswith(FORMULA_STARTS) or _unescape(text) != text:
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


def error_count_text(count: int) -> str:
    return ngettext("%(count)s error", "%(count)s errors", count) % {"count": count}
