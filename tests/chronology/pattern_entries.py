"""Building chronology entries and reading detections in the pattern-rule tests (fictional data only)."""

from __future__ import annotations

import calendar
import copy
import datetime as dt
from typing import Any

from chronology.entry import Entry, Precision, UncertainDate, YesNo
from chronology.patterns import Detection, detect

YES, NO, UNKNOWN = YesNo.YES, YesNo.NO, YesNo.UNKNOWN


def when(text: str) -> UncertainDate:
    """`2019-03-04` a day, `2019-03` a month, `2019` a year; a leading `~` makes it approximate."""
    approximate = text.startswith("~")
    text = text.lstrip("~")
    parts = [int(part) for part in text.split("-")]
    if len(parts) == 3:
        earliest = latest = dt.date(*parts)
        precision = Precision.DAY
        widen = dt.timedelta(days=7)
    elif len(parts) == 2:
        year, month = parts
        earliest, latest = dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        precision = Precision.MONTH
    else:
        earliest, latest = dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
        precision = Precision.YEAR
    if approximate:
        if precision == Precision.DAY:
            earliest, latest = earliest - widen, latest + widen
        elif precision == Precision.MONTH:
            before = dt.date(earliest.year - (earliest.month == 1), (earliest.month - 2) % 12 + 1, 1)
            after_year, after_month = latest.year + (latest.month == 12), latest.month % 12 + 1
            earliest = before
            latest = dt.date(after_year, after_month, calendar.monthrange(after_year, after_month)[1])
        else:
            earliest, latest = dt.date(earliest.year - 1, 1, 1), dt.date(latest.year + 1, 12, 31)
    return UncertainDate(earliest, latest, precision, approximate)


def entry(
    ref: str, date: str, organisation: str, event_type: str, *, source: str = "asutus.csv", **fields: Any
) -> Entry:
    """An entry with a fictional description and source document; `fields` set the rest by name."""
    if "shared_with" in fields:
        fields["shared_with"] = tuple(fields["shared_with"])
    return Entry(
        entry_ref=ref,
        date=when(date),
        organisation=organisation,
        event_type=event_type,
        description=f"Väljamõeldud sissekanne {ref}",
        source_document=f"Väljamõeldud dokument {ref}",
        source=source,
        **fields,
    )


def with_parameters(rules: dict[str, Any], rule: str, **changes: Any) -> dict[str, Any]:
    """A copy of the rules with some parameters of one rule changed."""
    changed = copy.deepcopy(rules)
    changed[rule]["parameters"].update(changes)
    return changed


def only(rules: dict[str, Any], *names: str) -> dict[str, Any]:
    """The rules section with only the named rules."""
    return {name: rules[name] for name in names}


def found(entries: list[Entry], rules: dict[str, Any], rule: str, **options: Any) -> list[Detection]:
    """The detections of one rule (the others are not run)."""
    return detect(entries, only(rules, rule), **options)


def refs(detection: Detection) -> list[str]:
    return [ref.entry_ref for ref in detection.entries]


_SEED_RULES: dict[str, Any] | None = None


def seed_rules() -> dict[str, Any]:
    """Method version 1's `pattern_rules`, read from method/seed/ (no database)."""
    global _SEED_RULES
    if _SEED_RULES is None:
        from method.seeds import load_seed

        _SEED_RULES = load_seed()["pattern_rules"]
    return copy.deepcopy(_SEED_RULES)
