"""The chronology exchange format's fields (/work/shared/formats/chronology.md) and the rules one
entry's values must meet, whatever they came from: a spreadsheet row or an API object.

`EntryChecker` checks one entry at a time and collects `Problem`s; `chronology.exchange` feeds it the
rows of CSV and XLSX files, `entries_from_mappings()` the API's JSON objects. Pure: no database; the
method's vocabularies come in as `Vocabularies`. Messages go through gettext when a problem is found,
so they read in the language active at that moment.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from method.content import MethodContent

from .dates import (
    DateError,
    apply_precision,
    check_time_allowed,
    day_date,
    format_time,
    parse_precision,
    parse_time,
    parse_written_date,
)
from .entry import Entry, UncertainDate, YesNo

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
        if self.index is not None:
            return _("Entry %(index)s: %(message)s") % values
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
    # An agency submits its own entries: when set, every entry's `organisation` must be this code
    # (addressee and shared_with may still name the other organisations).
    own_organisation: str | None = None

    @classmethod
    def from_method(
        cls,
        content: MethodContent | Mapping[str, Any],
        organisations: Iterable[str] | None = None,
        *,
        own_organisation: str | None = None,
    ) -> Vocabularies:
        """From a method version's content (`version.data`, or the content document itself)."""
        if not isinstance(content, MethodContent):
            content = MethodContent(dict(content))
        return cls(
            event_types=frozenset(content.codes("event_types")),
            concerns=frozenset(content.codes("concerns")),
            organisations=frozenset(organisations) if organisations is not None else None,
            own_organisation=own_organisation,
        )

    @classmethod
    def current(cls, organisations: Iterable[str] | None = None) -> Vocabularies:
        """From the current published method version (needs the database)."""
        from method.models import MethodVersion

        return cls.from_method(MethodVersion.objects.current().data, organisations)


# ---------------------------------------------------------------------------------------------
# Checking entries


def entries_from_mappings(
    items: Iterable[Mapping[str, object]], *, vocabularies: Vocabularies, source: str = ""
) -> ImportResult:
    """Entries from the API's JSON objects (the format's keys; `shared_with` a list, `key_event` a
    boolean). Problems carry the entry's `index` (from 0) and the key as `field`."""
    reader = EntryChecker(vocabularies, source=source, headings={}, absent=set())
    count = 0
    for index, item in enumerate(items):
        count += 1
        if count > MAX_ROWS:
            return ImportResult.failure(
                _(
                    "The chronology has more than %(max)s entries, the most one submission can hold. "
                    "Ask the review coordinator how to send a chronology this long."
                )
                % {"max": f"{MAX_ROWS:,}"}
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


def undo_formula_safe(text: str) -> str:
    """A cell an export made formula-safe ('=…) reads back as written (=…)."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def cell_text(value: object) -> str:
    """A cell's value as text: stripped, formula-safe prefix undone, numbers and dates as written."""
    if value is None:
        return ""
    if isinstance(value, str):
        return undo_formula_safe(value.strip())
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
class EntryChecker:
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
            value = cell_text(values.get(key))
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
        precision_text = cell_text(values.get("date_precision"))
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
                    % {"value": cell_text(raw)},
                    field="date",
                )
            else:
                value = cell_text(raw)
                if not value:
                    if "date" not in self.absent:
                        problem("date", _("This value is required."))
                    return None
                written = parse_written_date(value)
            if not precision_ok:
                return None
            return apply_precision(written, precision_text, written_as=cell_text(raw))
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
                    % {"value": cell_text(raw)},
                    field="time",
                )
            return parse_time(cell_text(raw), date)
        except DateError as error:
            problem(error.field, error.message)
            return None

    def _organisation(self, code: str, key: str, problem: Any) -> str:
        known = self.vocabularies.organisations
        own = self.vocabularies.own_organisation
        if code and known is not None and code not in known:
            problem(
                key,
                _("“%(value)s” is not the code of an organisation in this review. The codes are: %(codes)s.")
                % {"value": code, "codes": ", ".join(sorted(known))},
            )
        elif code and own and key == "organisation" and code != own:
            problem(
                key,
                _(
                    "“%(value)s” is another organisation's code. An organisation submits only its own entries: "
                    "write %(own)s here."
                )
                % {"value": code, "own": own},
            )
        return code

    def _yes_no(self, raw: object, key: str, problem: Any) -> YesNo:
        if isinstance(raw, bool):
            return YesNo.YES if raw else YesNo.NO
        value = cell_text(raw)
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
        value = cell_text(raw)
        answer = YES_NO_NAMES.get(value.casefold()) if value else YesNo.NO
        if answer is None or answer == YesNo.UNKNOWN:
            problem("key_event", _("Write yes or no (jah or ei), not “%(value)s”.") % {"value": value})
            return False
        return answer == YesNo.YES

    def _shared_with(self, raw: object, problem: Any) -> tuple[str, ...]:
        if isinstance(raw, list | tuple):
            parts = [cell_text(part) for part in raw]
        else:
            value = cell_text(raw)
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


def column_for_heading(text: str) -> Column | None:
    """The column a heading names: its English key or Estonian label, in any letter case."""
    return _COLUMN_BY_HEADING.get(_normal_heading(text))


def blank(cells: Sequence[object]) -> bool:
    """Whether every cell is empty or white space."""
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)
