"""A chronology entry as the domain modules see it: plain data, no database.

The exchange-format parser (`chronology/exchange.py`) produces these, the pattern rules
(`chronology/patterns.py`) read them, and the stored model converts to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    APPROXIMATE = "approximate"


class YesNo(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class UncertainDate:
    """A date as written, kept as the interval of days it may mean (both ends inclusive).

    `precision` is the written precision (day, month, year); `approximate` widens the interval by one
    unit on each side (a day ± 7 days, a month ± 1 month, a year ± 1 year).
    """

    earliest: dt.date
    latest: dt.date
    precision: Precision
    approximate: bool = False

    @property
    def is_exact(self) -> bool:
        return self.precision == Precision.DAY and not self.approximate

    @property
    def sort_key(self) -> tuple[dt.date, dt.date]:
        return (self.earliest, self.latest)


@dataclass(frozen=True)
class Entry:
    entry_ref: str
    date: UncertainDate
    organisation: str  # the organisation's code in the review, e.g. HAIGLA-01
    event_type: str
    description: str
    source_document: str
    time: dt.time | None = None
    practitioner_role: str = ""
    addressee: str = ""
    concern: str = ""
    child_seen: YesNo = YesNo.UNKNOWN
    child_views_recorded: YesNo = YesNo.UNKNOWN
    shared_with: tuple[str, ...] = field(default_factory=tuple)
    key_event: bool = False
    # Which file or submission the entry came from (a file name, or a submission id as text).
    source: str = ""
    row: int | None = None  # the spreadsheet row (header is row 1), when read from a file
