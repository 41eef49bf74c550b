"""Uncertain dates of the chronology exchange format (/work/shared/formats/chronology.md).

A `date` cell is written as `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, `DD.MM.YYYY` or `MM.YYYY` (leading zeros
optional); the form sets the precision. An optional `date_precision` cell (`day`, `month`, `year`,
`approximate`, or the Estonian `päev`, `kuu`, `aasta`, `ligikaudne`, in any letter case) must fit the
form, except `approximate`, which fits any form and widens the interval by one unit on each side.
`time` (`HH:MM`) is allowed only with an exact day: day precision and not approximate.

Everything here is pure: no database, messages through gettext so they read in the user's language.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.utils.translation import gettext as _

from .entry import Precision, UncertainDate

# Years a chronology of a child's contacts can plausibly hold; also keeps an approximate year's
# widened interval inside what `datetime.date` can represent.
MIN_YEAR = 1900
MAX_YEAR = 2100

# Estonian and English names of the precisions, matched after casefold().
PRECISION_NAMES: dict[str, Precision] = {
    "day": Precision.DAY,
    "month": Precision.MONTH,
    "year": Precision.YEAR,
    "approximate": Precision.APPROXIMATE,
    "päev": Precision.DAY,
    "kuu": Precision.MONTH,
    "aasta": Precision.YEAR,
    "ligikaudne": Precision.APPROXIMATE,
}

APPROXIMATE_DAYS = 7

_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
_YEAR = re.compile(r"(\d{4})", re.ASCII)
_DOTTED_DAY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)
_DOTTED_MONTH = re.compile(r"(\d{1,2})\.(\d{4})", re.ASCII)
_TIME = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)


class DateError(ValueError):
    """A date, precision or time cell that cannot be read; `field` names the exchange-format key."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


def parse_precision(text: str) -> Precision | None:
    """The precision named by a `date_precision` cell; None when the cell is empty."""
    name = text.strip().casefold()
    if not name:
        return None
    try:
        return PRECISION_NAMES[name]
    except KeyError:
        raise DateError(
            _("“%(value)s” is not a precision: write day, month, year or approximate (päev, kuu, aasta, ligikaudne).")
            % {"value": text.strip()},
            field="date_precision",
        )


def parse_written_date(text: str) -> UncertainDate:
    """The interval a written date means, at the precision its form sets (never approximate)."""
    value = text.strip()
    if match := _ISO_DAY.fullmatch(value):
        year, month, day = (int(group) for group in match.groups())
        return _day(value, year, month, day)
    if match := _DOTTED_DAY.fullmatch(value):
        day, month, year = (int(group) for group in match.groups())
        return _day(value, year, month, day)
    if match := _ISO_MONTH.fullmatch(value):
        year, month = (int(group) for group in match.groups())
        return _month(value, year, month)
    if match := _DOTTED_MONTH.fullmatch(value):
        month, year = (int(group) for group in match.groups())
        return _month(value, year, month)
    if match := _YEAR.fullmatch(value):
        year = int(match.group(1))
        _check_year(value, year)
        return UncertainDate(dt.date(year, 1, 1), dt.date(year, 12, 31), Precision.YEAR)
    if not value:
        raise DateError(_("The date is missing."), field="date")
    raise DateError(
        _("Write the date as YYYY-MM-DD, YYYY-MM, YYYY, DD.MM.YYYY or MM.YYYY, not “%(value)s”.") % {"value": value},
        field="date",
    )


def parse_date(text: str, precision_text: str = "") -> UncertainDate:
    """A `date` cell with its optional `date_precision` cell as an UncertainDate.

    Raises DateError naming the cell at fault: `date` when the date cannot be read, `date_precision`
    when the precision is unknown or does not fit the date's form.
    """
    return apply_precision(parse_written_date(text), precision_text, written_as=text.strip())


def apply_precision(written: UncertainDate, precision_text: str, *, written_as: str) -> UncertainDate:
    """The written date with its `date_precision` cell applied (`written_as` names the date in messages)."""
    precision = parse_precision(precision_text)
    if precision is None or precision == written.precision:
        return written
    if precision == Precision.APPROXIMATE:
        return approximate(written)
    raise DateError(_precision_mismatch(written_as, written.precision, precision_text.strip()), field="date_precision")


def day_date(day: dt.date) -> UncertainDate:
    """A known day (e.g. a real date cell of a spreadsheet) as a day-precision UncertainDate."""
    _check_year(day.strftime("%d.%m.%Y"), day.year)
    return UncertainDate(day, day, Precision.DAY)


def approximate(date: UncertainDate) -> UncertainDate:
    """The date widened by one unit on each side: a day ± 7 days, a month ± 1 month, a year ± 1 year."""
    if date.approximate:
        return date
    if date.precision == Precision.DAY:
        delta = dt.timedelta(days=APPROXIMATE_DAYS)
        return UncertainDate(date.earliest - delta, date.latest + delta, Precision.DAY, approximate=True)
    if date.precision == Precision.MONTH:
        before = _shift_month(date.earliest.year, date.earliest.month, -1)
        after = _shift_month(date.earliest.year, date.earliest.month, +1)
        return UncertainDate(dt.date(before[0], before[1], 1), _last_day(*after), Precision.MONTH, approximate=True)
    if date.precision == Precision.YEAR:
        year = date.earliest.year
        return UncertainDate(dt.date(year - 1, 1, 1), dt.date(year + 1, 12, 31), Precision.YEAR, approximate=True)
    raise ValueError(f"An UncertainDate's precision is day, month or year, not {date.precision!r}.")


def written_day(date: UncertainDate) -> dt.date:
    """The day, month's first day or year's first day the date was written as (undoing `approximate`)."""
    if not date.approximate:
        return date.earliest
    if date.precision == Precision.DAY:
        return date.earliest + dt.timedelta(days=APPROXIMATE_DAYS)
    if date.precision == Precision.MONTH:
        year, month = _shift_month(date.earliest.year, date.earliest.month, +1)
        return dt.date(year, month, 1)
    return dt.date(date.earliest.year + 1, 1, 1)


def format_date(date: UncertainDate) -> tuple[str, str]:
    """The `date` and `date_precision` cells that read back as this date (ISO forms)."""
    written = written_day(date)
    if date.precision == Precision.DAY:
        text = written.isoformat()
    elif date.precision == Precision.MONTH:
        text = f"{written.year:04d}-{written.month:02d}"
    else:
        text = f"{written.year:04d}"
    precision = Precision.APPROXIMATE.value if date.approximate else date.precision.value
    return text, precision


def parse_time(text: str, date: UncertainDate | None) -> dt.time | None:
    """A `time` cell (`HH:MM`, the hour's leading zero optional); None when empty.

    `date` is the entry's date: a time is allowed only with an exact day. Pass None when the date
    itself could not be read (the time's own form is still checked).
    """
    value = text.strip()
    if not value:
        return None
    match = _TIME.fullmatch(value)
    hour, minute = (int(group) for group in match.groups()) if match else (-1, -1)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise DateError(
            _("Write the time as HH:MM, from 00:00 to 23:59, not “%(value)s”.") % {"value": value}, field="time"
        )
    time = dt.time(hour, minute)
    check_time_allowed(time, date)
    return time


def check_time_allowed(time: dt.time | None, date: UncertainDate | None) -> None:
    """Raise DateError when a time is given with a date that is not an exact day."""
    if time is not None and date is not None and not date.is_exact:
        raise DateError(
            _("A time is allowed only with an exact day; remove the time or write the date as one day."),
            field="time",
        )


def format_time(time: dt.time | None) -> str:
    return time.strftime("%H:%M") if time is not None else ""


# ---------------------------------------------------------------------------------------------


def _check_year(value: str, year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(
            _("“%(value)s”: the year must be from %(min)s to %(max)s.")
            % {"value": value, "min": MIN_YEAR, "max": MAX_YEAR},
            field="date",
        )


def _check_month(value: str, month: int) -> None:
    if not 1 <= month <= 12:
        raise DateError(
            _("“%(value)s” is not a real date: the month must be from 1 to 12.") % {"value": value}, field="date"
        )


def _day(value: str, year: int, month: int, day: int) -> UncertainDate:
    _check_year(value, year)
    _check_month(value, month)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise DateError(
            _("“%(value)s” is not a real date: %(month)02d.%(year)s has %(days)s days.")
            % {"value": value, "month": month, "year": year, "days": days},
            field="date",
        )
    date = dt.date(year, month, day)
    return UncertainDate(date, date, Precision.DAY)


def _month(value: str, year: int, month: int) -> UncertainDate:
    _check_year(value, year)
    _check_month(value, month)
    return UncertainDate(dt.date(year, month, 1), _last_day(year, month), Precision.MONTH)


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _precision_mismatch(value: str, written: Precision, given: str) -> str:
    # One whole sentence per case: translated fragments are never joined into a sentence.
    if written == Precision.DAY:
        message = _("The date “%(value)s” names a day: its precision must be day or approximate, not “%(given)s”.")
    elif written == Precision.MONTH:
        message = _("The date “%(value)s” names a month: its precision must be month or approximate, not “%(given)s”.")
    else:
        message = _("The date “%(value)s” names a year: its precision must be year or approximate, not “%(given)s”.")
    return message % {"value": value, "given": given}
