"""The meeting series: the 4th Wednesday rule, public holidays, skipped months and daylight saving."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from dateutil.relativedelta import WE, relativedelta
from django.core.management import CommandError, call_command

from core.workdays import is_public_holiday, is_working_day
from workgroup.schedule import (
    DEFAULT_PLACE,
    DEFAULT_RULE,
    MeetingRule,
    RuleError,
    plan_year,
    rule_from_content,
    working_days_before,
)

DATES_2026 = [
    "2026-01-28",
    "2026-02-25",
    "2026-03-25",
    "2026-04-22",
    "2026-05-27",
    "2026-06-24",
    "2026-07-22",
    "2026-08-26",
    "2026-09-23",
    "2026-10-28",
    "2026-11-25",
    "2026-12-23",
]


def fourth_wednesday(year: int, month: int) -> dt.date:
    """Computed independently of the rule under test: the month's first day moved to its 4th Wednesday."""
    return dt.date(year, month, 1) + relativedelta(weekday=WE(+4))


def holiday_wednesdays(years: range) -> list[dt.date]:
    return [day for year in years for month in range(1, 13) if is_public_holiday(day := fourth_wednesday(year, month))]


def test_the_default_rule_gives_the_fourth_wednesday_of_every_month_of_2026():
    assert [planned.rule_date.isoformat() for planned in plan_year(2026)] == DATES_2026


def test_the_default_rule_agrees_with_an_independent_fourth_wednesday_for_many_years():
    for year in range(2020, 2041):
        assert [p.rule_date for p in plan_year(year)] == [fourth_wednesday(year, m) for m in range(1, 13)]


def test_meetings_run_from_eleven_to_one_in_tallinn_time():
    first = plan_year(2026)[0]
    assert (first.starts_at.hour, first.starts_at.minute, first.ends_at.hour) == (11, 0, 13)
    assert str(first.starts_at.tzinfo) == "Europe/Tallinn"


def test_times_are_correct_across_the_daylight_saving_change():
    by_date = {p.rule_date: p for p in plan_year(2026)}
    # Summer time starts on 29 March 2026 and ends on 25 October 2026.
    winter, summer, autumn = (
        by_date[dt.date(2026, 3, 25)],
        by_date[dt.date(2026, 4, 22)],
        by_date[dt.date(2026, 10, 28)],
    )
    assert winter.starts_at.utcoffset() == dt.timedelta(hours=2)
    assert summer.starts_at.utcoffset() == dt.timedelta(hours=3)
    assert autumn.starts_at.utcoffset() == dt.timedelta(hours=2)
    assert winter.starts_at.astimezone(dt.UTC).time() == dt.time(9, 0)
    assert summer.starts_at.astimezone(dt.UTC).time() == dt.time(8, 0)
    assert summer.ends_at - summer.starts_at == dt.timedelta(hours=2)


def test_the_fourth_wednesday_of_june_2026_is_midsummer_day_flagged_with_the_next_working_day_proposed():
    june = next(p for p in plan_year(2026) if p.rule_date.month == 6)
    assert june.rule_date == dt.date(2026, 6, 24)
    assert june.holiday
    assert june.proposed_date == dt.date(2026, 6, 25)
    assert june.starts_at.date() == dt.date(2026, 6, 25)


def test_every_fourth_wednesday_on_a_public_holiday_is_flagged_with_the_next_working_day_proposed():
    found = holiday_wednesdays(range(2020, 2041))
    # Independence Day (24 Feb), Midsummer (24 Jun) and Christmas Eve (24 Dec) fall on a 4th Wednesday
    # whenever the month starts on a Monday.
    assert {(day.month, day.day) for day in found} >= {(2, 24), (6, 24), (12, 24)}
    for day in found:
        planned = next(p for p in plan_year(day.year) if p.rule_date == day)
        assert planned.holiday
        assert planned.proposed_date > day
        assert is_working_day(planned.proposed_date)
        between = [day + dt.timedelta(days=n) for n in range(1, (planned.proposed_date - day).days)]
        assert not any(is_working_day(skipped) for skipped in between)


def test_christmas_eve_2025_moves_past_the_holidays_and_the_weekend():
    december = plan_year(2025)[-1]
    assert (december.rule_date, december.holiday, december.proposed_date) == (
        dt.date(2025, 12, 24),
        True,
        dt.date(2025, 12, 29),
    )


def test_ordinary_dates_are_not_flagged_and_keep_their_date():
    for planned in plan_year(2026):
        if planned.rule_date != dt.date(2026, 6, 24):
            assert not planned.holiday
            assert planned.proposed_date == planned.rule_date


def test_skipped_months_are_left_out():
    rule = MeetingRule(skip_months=(7, 8))
    dates = [p.rule_date for p in plan_year(2026, rule)]
    assert len(dates) == 10
    assert not [day for day in dates if day.month in (7, 8)]
    assert dt.date(2026, 6, 24) in dates and dt.date(2026, 9, 23) in dates


def test_the_method_section_can_change_the_rule_times_and_skipped_months():
    settings = rule_from_content(
        {
            "meeting_rule": {
                "recurrence": "FREQ=MONTHLY;BYDAY=+2TU",
                "start": "09:30",
                "end": "12:00",
                "skip_months": [7],
            },
            "place": "Tartu",
            "materials_working_days": 3,
        }
    )
    planned = plan_year(2026, settings.rule)
    assert len(planned) == 11
    assert planned[0].rule_date == dt.date(2026, 1, 13)
    assert planned[0].starts_at.time() == dt.time(9, 30)
    assert (settings.place, settings.materials_working_days) == ("Tartu", 3)
    assert settings.rule.nth_weekday() == (2, 1)


def test_an_empty_method_section_gives_the_defaults():
    settings = rule_from_content(None)
    assert settings.rule == DEFAULT_RULE
    assert settings.place == DEFAULT_PLACE == "Sotsiaalkindlustusamet, Paldiski mnt 80, Tallinn"
    assert settings.materials_working_days == 5
    assert DEFAULT_RULE.nth_weekday() == (4, 2)


@pytest.mark.parametrize(
    "section",
    [
        {"meeting_rule": {"recurrence": "every fourth wednesday"}},
        {"meeting_rule": {"start": "13:00", "end": "11:00"}},
        {"meeting_rule": {"start": "half past ten"}},
        {"meeting_rule": {"skip_months": [13]}},
        {"meeting_rule": {"time_zone": "Europe/Atlantis"}},
        {"materials_working_days": -1},
    ],
)
def test_a_broken_rule_in_the_method_is_refused_with_a_reason(section):
    with pytest.raises(RuleError):
        rule_from_content(section)


def test_materials_are_due_five_working_days_before_skipping_the_weekend_and_holidays():
    assert working_days_before(dt.date(2026, 1, 28), 5) == dt.date(2026, 1, 21)
    # 25 June 2026 (Thursday) less five working days skips Midsummer Eve and Day (23–24 June) and a weekend.
    assert working_days_before(dt.date(2026, 6, 25), 5) == dt.date(2026, 6, 16)
    assert working_days_before(dt.date(2026, 1, 28), 0) == dt.date(2026, 1, 28)


def schedule_lines(*args: str) -> list[str]:
    out = StringIO()
    call_command("workgroup_schedule", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_schedule_command_prints_twelve_iso_dates_for_2026_with_the_holiday_marked(db):
    lines = schedule_lines("2026")
    assert len(lines) == 12
    assert lines[:5] == ["2026-01-28", "2026-02-25", "2026-03-25", "2026-04-22", "2026-05-27"]
    assert lines[5] == "2026-06-24 holiday"
    assert [line.split()[0] for line in lines] == DATES_2026


def test_the_schedule_command_with_the_built_in_rule_needs_no_database():
    assert schedule_lines("2026", "--default-rule")[5] == "2026-06-24 holiday"


def test_the_schedule_command_skips_months_and_proposes_the_next_working_day():
    lines = schedule_lines("2026", "--default-rule", "--skip", "7,8", "--proposed")
    assert len(lines) == 10
    assert "2026-06-24 holiday 2026-06-25" in lines


@pytest.mark.parametrize("args", [("2026", "--default-rule", "--skip", "13"), ("99999", "--default-rule")])
def test_the_schedule_command_refuses_bad_input(args):
    with pytest.raises(CommandError):
        schedule_lines(*args)
