"""The working group's meeting series: a recurrence rule, the months to skip and Estonian holidays.

Pure functions, no database. The rule is kept in the method (content key `workgroup`,
`meeting_rule`); `DEFAULT_RULE` holds the default the method seed starts from, used when the method
says nothing. A rule is an RFC 5545 recurrence (`FREQ=MONTHLY;BYDAY=+4WE`: the fourth Wednesday of
every month) with a start and end time in a named time zone.

A rule may use only what a meeting series needs (`check_recurrence`): weekly or monthly, every 1–12
weeks or months, on weekdays (in a monthly rule with a position, +4WE or -1TH) or on days of the month,
a COUNT of at most `MAX_MEETINGS_PER_YEAR` and an UNTIL at most `MAX_SERIES_YEARS` ahead; months
without meetings are `skip_months`. RFC 5545 allows far more (FREQ=MINUTELY plans 525,600 meetings a
year; an impossible BYSETPOS or BYMONTH makes the expansion search up to the year 9999), so everything
else is refused, and a rule planning more than `MAX_MEETINGS_PER_YEAR` meetings in a year too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import MONTHLY, rrule, rrulestr
from django.utils.translation import gettext as _

from core.workdays import is_public_holiday, is_working_day, next_working_day

DEFAULT_PLACE = "Sotsiaalkindlustusamet, Paldiski mnt 80, Tallinn"
DEFAULT_MATERIALS_WORKING_DAYS = 5
DEFAULT_TIME_ZONE = "Europe/Tallinn"

# What a meeting series may be: at most a meeting a week, planned at most ten years ahead.
MAX_MEETINGS_PER_YEAR = 53
MAX_SERIES_YEARS = 10
MAX_INTERVAL = 12
MAX_RECURRENCE_LENGTH = 200
# Materials go out at most a month of working days before a meeting (the days are counted one by one).
MAX_MATERIALS_WORKING_DAYS = 20
FREQUENCIES = ("WEEKLY", "MONTHLY")
RULE_PARTS = ("FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL", "WKST")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAY = re.compile(r"^([+-]?)([0-9]{1,2})?([A-Z]{2})$")
_OUTSIDE_RULE = re.compile(r"[^A-Za-z0-9=;,+\- ]")
_UNTIL = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})(?:T[0-9]{6})?$")
# Two years that together hold every weekday alignment a count per year can depend on (one a leap year).
_SAMPLE_YEARS = (2027, 2028)


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


def _rule_parts(text: str) -> dict[str, str]:
    """The NAME=VALUE parts of a recurrence rule a meeting series may use; RuleError for anything else."""
    if len(text) > MAX_RECURRENCE_LENGTH:
        raise RuleError(
            _("The meeting rule is longer than %(max)s characters; a meeting series needs far less.")
            % {"max": MAX_RECURRENCE_LENGTH}
        )
    if _OUTSIDE_RULE.search(text):
        # A second line (DTSTART, RDATE, EXRULE) or a colon: a calendar text, not one rule.
        raise RuleError(
            _("The meeting rule %(rule)s is not a recurrence rule such as FREQ=MONTHLY;BYDAY=+4WE.") % {"rule": text}
        )
    parts: dict[str, str] = {}
    for part in text.strip().split(";"):
        if not part.strip():
            continue
        name, equals, value = part.partition("=")
        name = name.strip().upper()
        if not equals or not name:
            raise RuleError(
                _("The meeting rule %(rule)s is not a recurrence rule such as FREQ=MONTHLY;BYDAY=+4WE.")
                % {"rule": text}
            )
        if name not in RULE_PARTS:
            raise RuleError(
                _(
                    "The meeting rule may not use %(part)s; a meeting series needs only %(allowed)s (months "
                    "without meetings go in skip_months)."
                )
                % {"part": name, "allowed": ", ".join(RULE_PARTS)}
            )
        if name in parts:
            raise RuleError(_("The meeting rule gives %(part)s twice.") % {"part": name})
        parts[name] = value.strip().upper()
    return parts


def _whole_number(parts: dict[str, str], name: str, low: int, high: int) -> int | None:
    if name not in parts:
        return None
    value = parts[name]
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise RuleError(
            _("The meeting rule's %(part)s must be a whole number from %(low)s to %(high)s, not %(value)s.")
            % {"part": name, "low": low, "high": high, "value": value}
        )
    return int(value)


def _check_rule_parts(parts: dict[str, str]) -> None:
    """Refuse what no meeting series needs: see the module's docstring."""
    frequency = parts.get("FREQ")
    if frequency not in FREQUENCIES:
        raise RuleError(
            _("The meeting rule's FREQ=%(value)s is refused: a meeting series repeats weekly or monthly (%(allowed)s).")
            % {"value": frequency or "", "allowed": ", ".join(f"FREQ={f}" for f in FREQUENCIES)}
        )
    _whole_number(parts, "INTERVAL", 1, MAX_INTERVAL)
    _whole_number(parts, "COUNT", 1, MAX_MEETINGS_PER_YEAR)
    if "BYDAY" in parts:
        for day in parts["BYDAY"].split(","):
            found = _WEEKDAY.match(day.strip())
            if found is None or found.group(3) not in WEEKDAYS:
                raise RuleError(
                    _("The meeting rule's BYDAY holds %(value)s, which is not a weekday (%(weekdays)s).")
                    % {"value": day, "weekdays": ", ".join(WEEKDAYS)}
                )
            if found.group(2) is not None and (frequency != "MONTHLY" or not 1 <= int(found.group(2)) <= 5):
                raise RuleError(
                    _(
                        "The meeting rule's BYDAY=%(value)s is refused: only a monthly rule names the weekday's "
                        "place in the month, from 1 to 5 or -1 to -5 (+4WE: the fourth Wednesday)."
                    )
                    % {"value": day}
                )
    if "BYMONTHDAY" in parts:
        if frequency != "MONTHLY" or "BYDAY" in parts:
            raise RuleError(_("The meeting rule's BYMONTHDAY is for a monthly rule without BYDAY."))
        for day in parts["BYMONTHDAY"].split(","):
            day = day.strip()
            if not (day.isascii() and day.lstrip("+-").isdigit()) or not 1 <= abs(int(day)) <= 31:
                raise RuleError(
                    _(
                        "The meeting rule's BYMONTHDAY holds %(value)s, which is not a day of the month (1 to 31, "
                        "or -1 to -31 counting from the month's end)."
                    )
                    % {"value": day}
                )
    if "WKST" in parts and parts["WKST"] not in WEEKDAYS:
        raise RuleError(
            _("The meeting rule's WKST must be a weekday (%(weekdays)s).") % {"weekdays": ", ".join(WEEKDAYS)}
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise RuleError(_("The meeting rule may give COUNT or UNTIL, not both."))
    if "UNTIL" in parts:
        found = _UNTIL.match(parts["UNTIL"])
        try:
            if found is None:
                raise ValueError
            dt.date(*(int(group) for group in found.groups()))
        except ValueError:
            raise RuleError(
                _("The meeting rule's UNTIL must be a date written as YYYYMMDD, not %(value)s.")
                % {"value": parts["UNTIL"]}
            ) from None


def _parse_recurrence(text: str, start: dt.datetime) -> rrule:
    parts = _rule_parts(text)
    _check_rule_parts(parts)
    try:
        parsed = rrulestr(";".join(f"{name}={value}" for name, value in parts.items()), dtstart=start)
    except (ValueError, TypeError) as error:
        raise RuleError(
            _("The meeting rule %(rule)s is not a recurrence rule: %(error)s") % {"rule": text, "error": error}
        ) from None
    if not isinstance(parsed, rrule):
        raise RuleError(_("The meeting rule %(rule)s must be a single RRULE.") % {"rule": text})
    return parsed


def check_recurrence(text: str, *, today: dt.date) -> None:
    """Refuse a rule that plans more meetings than a series needs, or ends too far ahead (the method
    editor's check; planning itself checks only the rule's form, so that a saved rule keeps working)."""
    parts = _rule_parts(text)
    _check_rule_parts(parts)
    if "UNTIL" in parts:
        until = dt.date(int(parts["UNTIL"][:4]), int(parts["UNTIL"][4:6]), int(parts["UNTIL"][6:8]))
        try:
            horizon = today.replace(year=today.year + MAX_SERIES_YEARS)
        except ValueError:  # 29 February
            horizon = today.replace(year=today.year + MAX_SERIES_YEARS, day=28)
        if until > horizon:
            raise RuleError(
                _(
                    "The meeting rule's UNTIL=%(until)s is more than %(years)s years ahead; end the series by "
                    "%(horizon)s at the latest, or leave UNTIL out."
                )
                % {
                    "until": until.strftime("%d.%m.%Y"),
                    "years": MAX_SERIES_YEARS,
                    "horizon": horizon.strftime("%d.%m.%Y"),
                }
            )
    # The rate alone: COUNT and UNTIL only shorten a series.
    rate = ";".join(f"{name}={value}" for name, value in parts.items() if name not in ("COUNT", "UNTIL"))
    for year in _SAMPLE_YEARS:
        start = dt.datetime(year, 1, 1)
        count = len(_parse_recurrence(rate, start).between(start, dt.datetime(year, 12, 31, 23, 59, 59), inc=True))
        if count > MAX_MEETINGS_PER_YEAR:
            raise RuleError(
                _(
                    "The meeting rule plans %(count)s meetings in %(year)s; a meeting series has at most "
                    "%(max)s a year (one a week)."
                )
                % {"count": count, "year": year, "max": MAX_MEETINGS_PER_YEAR}
            )


def _parse_time(value: Any, name: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads 11:00 unquoted as a sexagesimal number of minutes.
            return dt.time(value // 60, value % 60)
        return dt.time.fromisoformat(str(value))
    except ValueError:
        message = (
            _("The meeting rule's start time %(value)s is not HH:MM.")
            if name == "start"
            else _("The meeting rule's end time %(value)s is not HH:MM.")
        )
        raise RuleError(message % {"value": value}) from None


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
    if not isinstance(raw_rule, Mapping):
        raise RuleError(_("The meeting rule must be a set of named settings (recurrence, start, end, ...)."))
    try:
        skip = tuple(sorted({int(month) for month in raw_rule.get("skip_months") or ()}))
    except (TypeError, ValueError):
        raise RuleError(_("The meeting rule's skip_months must be month numbers 1–12.")) from None
    if any(month < 1 or month > 12 for month in skip):
        raise RuleError(_("The meeting rule's skip_months must be month numbers 1–12."))
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
        raise RuleError(_("Unknown time zone %(zone)s in the meeting rule.") % {"zone": rule.time_zone}) from None
    if rule.end <= rule.start:
        raise RuleError(_("The meeting rule's end time must be after its start time."))
    _parse_recurrence(rule.recurrence, dt.datetime(2000, 1, 1))
    try:
        days = int(section.get("materials_working_days", DEFAULT_MATERIALS_WORKING_DAYS))
    except (TypeError, ValueError):
        raise RuleError(_("materials_working_days must be a whole number.")) from None
    if not 0 <= days <= MAX_MATERIALS_WORKING_DAYS:
        raise RuleError(
            _("materials_working_days must be a whole number from 0 to %(max)s.") % {"max": MAX_MATERIALS_WORKING_DAYS}
        )
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
