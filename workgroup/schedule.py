"""The working group's meeting series: a recurrence rule, the months to skip and Estonian holidays.

Pure functions, no database. The rule is kept in the method (content key `workgroup`,
`meeting_rule`); `DEFAULT_RULE` holds the default the method seed starts from, used when the method
says nothing. A rule is an RFC 5545 recurrence (`FREQ=MONTHLY;BYDAY=+4WE`: the fourth Wednesday of
every month) with a start and end time in a named time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import MONTHLY, rrule, rrulestr

from core.workdays import is_public_holiday, is_working_day, next_working_day

DEFAULT_PLACE = "Sotsiaalkindlustusamet, Paldiski mnt 80, Tallinn"
DEFAULT_MATERIALS_WORKING_DAYS = 5
DEFAULT_TIME_ZONE = "Europe/Tallinn"


class RuleError(ValueError):
    """The method's meeting rule cannot be read."""


@dataclass(frozen=True)
class MeetingRule:
    recurrence: str = "FREQ=MONTHLY;BYDAY=+4WE"
    start: dt.time = dt.time(11, 0)
    end: dt.time = dt.time(13, 0)
    time_zone: str = DEFAULT_TIME_ZONE
    skip_months: tuple[int, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def dates(self, year: int) -> list[dt.date]:
        """The rule's dates in `year`, skipped months left out."""
        recurrence = _parse_recurrence(self.recurrence, dt.datetime(year, 1, 1))
        until = dt.datetime(year, 12, 31, 23, 59, 59)
        return [
            moment.date()
            for moment in recurrence.between(dt.datetime(year, 1, 1), until, inc=True)
            if moment.month not in self.skip_months
        ]

    def nth_weekday(self) -> tuple[int, int] | None:
        """(n, weekday 0=Monday) when the rule is "the n-th weekday of every month", else None."""
        recurrence = _parse_recurrence(self.recurrence, dt.datetime(2000, 1, 1))
        nth: tuple[tuple[int, int], ...] = tuple(getattr(recurrence, "_bynweekday", None) or ())
        monthly = getattr(recurrence, "_freq", None) == MONTHLY and getattr(recurrence, "_interval", 1) == 1
        if monthly and len(nth) == 1:
            weekday, n = nth[0]
            return n, weekday
        return None


DEFAULT_RULE = MeetingRule()


@dataclass(frozen=True)
class WorkgroupSettings:
    """The working group's settings from the method, with the module defaults filled in."""

    rule: MeetingRule = DEFAULT_RULE
    place: str = DEFAULT_PLACE
    materials_working_days: int = DEFAULT_MATERIALS_WORKING_DAYS
    hours_per_month: str = "4–5"
    online_link: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


DEFAULT_SETTINGS = WorkgroupSettings()


def _parse_recurrence(text: str, start: dt.datetime) -> rrule:
    try:
        parsed = rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as error:
        raise RuleError(f"The meeting rule {text!r} is not a recurrence rule: {error}") from None
    if not isinstance(parsed, rrule):
        raise RuleError(f"The meeting rule {text!r} must be a single RRULE.")
    return parsed


def _parse_time(value: Any, name: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, int):
        # YAML 1.1 reads 11:00 unquoted as a sexagesimal number of minutes.
        return dt.time(value // 60, value % 60)
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise RuleError(f"The meeting rule's {name} time {value!r} is not HH:MM.") from None


def rule_from_content(section: Mapping[str, Any] | None) -> WorkgroupSettings:
    """The settings from a method content `workgroup` section (None or {}: the defaults).

    Shape::

        workgroup:
          meeting_rule: {recurrence: "FREQ=MONTHLY;BYDAY=+4WE", start: "11:00", end: "13:00",
                         time_zone: Europe/Tallinn, skip_months: [7]}
          place: "Sotsiaalkindlustusamet, Paldiski mnt 80, Tallinn"
          online_link: ""
          materials_working_days: 5
          hours_per_month: "4–5"
    """
    if not section:
        return DEFAULT_SETTINGS
    raw_rule = section.get("meeting_rule") or {}
    try:
        skip = tuple(sorted({int(month) for month in raw_rule.get("skip_months") or ()}))
    except (TypeError, ValueError):
        raise RuleError("The meeting rule's skip_months must be month numbers 1–12.") from None
    if any(month < 1 or month > 12 for month in skip):
        raise RuleError("The meeting rule's skip_months must be month numbers 1–12.")
    rule = MeetingRule(
        recurrence=str(raw_rule.get("recurrence") or DEFAULT_RULE.recurrence),
        start=_parse_time(raw_rule.get("start", DEFAULT_RULE.start), "start"),
        end=_parse_time(raw_rule.get("end", DEFAULT_RULE.end), "end"),
        time_zone=str(raw_rule.get("time_zone") or DEFAULT_TIME_ZONE),
        skip_months=skip,
    )
    try:
        rule.zone  # noqa: B018 - fails early on an unknown zone
    except (ZoneInfoNotFoundError, ValueError):
        raise RuleError(f"Unknown time zone {rule.time_zone!r} in the meeting rule.") from None
    if rule.end <= rule.start:
        raise RuleError("The meeting rule's end time must be after its start time.")
    _parse_recurrence(rule.recurrence, dt.datetime(2000, 1, 1))
    try:
        days = int(section.get("materials_working_days", DEFAULT_MATERIALS_WORKING_DAYS))
    except (TypeError, ValueError):
        raise RuleError("materials_working_days must be a whole number.") from None
    if days < 0:
        raise RuleError("materials_working_days must not be negative.")
    known = {"meeting_rule", "place", "online_link", "materials_working_days", "hours_per_month"}
    return WorkgroupSettings(
        rule=rule,
        place=str(section.get("place") or DEFAULT_PLACE),
        materials_working_days=days,
        hours_per_month=str(section.get("hours_per_month") or DEFAULT_SETTINGS.hours_per_month),
        online_link=str(section.get("online_link") or ""),
        extra={key: value for key, value in section.items() if key not in known},
    )


@dataclass(frozen=True)
class PlannedMeeting:
    """One date of the series: the rule's date, whether it is a holiday, the proposed date."""

    rule_date: dt.date
    holiday: bool
    proposed_date: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime


def meeting_times(day: dt.date, rule: MeetingRule) -> tuple[dt.datetime, dt.datetime]:
    """The start and end of a meeting on `day`, aware in the rule's time zone."""
    zone = rule.zone
    return dt.datetime.combine(day, rule.start, tzinfo=zone), dt.datetime.combine(day, rule.end, tzinfo=zone)


def plan_year(year: int, rule: MeetingRule = DEFAULT_RULE) -> list[PlannedMeeting]:
    """The year's meetings by the rule; a date on a public holiday is flagged and the next working day
    proposed (the proposed date is the rule's date when it is not a holiday)."""
    planned = []
    for day in rule.dates(year):
        holiday = is_public_holiday(day)
        proposed = next_working_day(day) if holiday else day
        starts_at, ends_at = meeting_times(proposed, rule)
        planned.append(PlannedMeeting(day, holiday, proposed, starts_at, ends_at))
    return planned


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The working day `count` working days before `day` (e.g. when materials are due out)."""
    if count < 0:
        raise ValueError("count must not be negative")
    current = day
    remaining = count
    while remaining:
        current -= dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
