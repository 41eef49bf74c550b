"""Estonian deadline arithmetic (Civil Code General Part Act §§ 134–137).

A period starts the day after the event. Working days skip Saturdays, Sundays and Estonian public
holidays (from the `holidays` package). A calendar-day (or month) period whose last day falls on a
day off moves to the next working day.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

ONE_DAY = dt.timedelta(days=1)


def _plain_date(day: dt.date) -> dt.date:
    # A datetime never equals a date, so a holiday lookup with one would silently miss every holiday;
    # and which calendar day an aware datetime falls on depends on the time zone. Callers convert.
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(f"expected a date, not {type(day).__name__}")
    return day


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("EE", years=year).keys())


def is_public_holiday(day: dt.date) -> bool:
    day = _plain_date(day)
    return day in _holidays_of(day.year)


def holiday_name(day: dt.date, language: str = "et") -> str | None:
    names = holidays.country_holidays("EE", years=day.year, language=language if language != "ru" else "en")
    return names.get(day)


def is_working_day(day: dt.date) -> bool:
    day = _plain_date(day)
    return day.weekday() < 5 and not is_public_holiday(day)


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def add_working_days(event: dt.date, count: int) -> dt.date:
    """The date on which a period of `count` working days that starts the day after `event` ends."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = _plain_date(event)
    remaining = count
    while remaining:
        day += ONE_DAY
        if is_working_day(day):
            remaining -= 1
    return day


def add_calendar_days(event: dt.date, count: int) -> dt.date:
    """The last day of a period of `count` calendar days, moved off a day off to the next working day."""
    if count < 0:
        raise ValueError("count must not be negative")
    return next_working_day(_plain_date(event) + dt.timedelta(days=count))


def add_months(event: dt.date, count: int) -> dt.date:
    """A period of months ends on the same date `count` months later (or the month's last day)."""
    if count < 0:
        raise ValueError("count must not be negative")
    return next_working_day(_plain_date(event) + relativedelta(months=count))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    days = 0
    day = start
    while day < end:
        day += ONE_DAY
        if is_working_day(day):
            days += 1
    return days


UNITS = {
    "working_days": add_working_days,
    "calendar_days": add_calendar_days,
    "months": add_months,
}


def deadline(event: dt.date, amount: int, unit: str) -> dt.date:
    """A deadline by the method's `time_limit` units: working_days, calendar_days or months."""
    try:
        compute = UNITS[unit]
    except KeyError:
        raise ValueError(f"unknown time-limit unit {unit!r}") from None
    return compute(event, amount)
