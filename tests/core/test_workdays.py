"""Estonian deadline arithmetic (Civil Code General Part Act §§ 134–137) in core.workdays."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from core.workdays import (
    add_calendar_days,
    add_months,
    add_working_days,
    deadline,
    holiday_name,
    is_public_holiday,
    is_working_day,
    next_working_day,
    working_days_between,
)

D = dt.date

# Every Estonian public holiday of 2026 and 2027, written out by hand so that the test does not
# merely repeat the `holidays` package. Easter: 5 April 2026 and 28 March 2027.
HOLIDAYS_2026 = {
    D(2026, 1, 1): "New Year's Day",
    D(2026, 2, 24): "Independence Day",
    D(2026, 4, 3): "Good Friday",
    D(2026, 4, 5): "Easter Sunday",
    D(2026, 5, 1): "Spring Day",
    D(2026, 5, 24): "Pentecost",
    D(2026, 6, 23): "Victory Day",
    D(2026, 6, 24): "Midsummer Day",
    D(2026, 8, 20): "Independence Restoration Day",
    D(2026, 12, 24): "Christmas Eve",
    D(2026, 12, 25): "Christmas Day",
    D(2026, 12, 26): "Boxing Day",
}
HOLIDAYS_2027 = {
    D(2027, 1, 1): "New Year's Day",
    D(2027, 2, 24): "Independence Day",
    D(2027, 3, 26): "Good Friday",
    D(2027, 3, 28): "Easter Sunday",
    D(2027, 5, 1): "Spring Day",
    D(2027, 5, 16): "Pentecost",
    D(2027, 6, 23): "Victory Day",
    D(2027, 6, 24): "Midsummer Day",
    D(2027, 8, 20): "Independence Restoration Day",
    D(2027, 12, 24): "Christmas Eve",
    D(2027, 12, 25): "Christmas Day",
    D(2027, 12, 26): "Boxing Day",
}
ALL_HOLIDAYS = {**HOLIDAYS_2026, **HOLIDAYS_2027}


def days_of(year: int):
    day = D(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


# --- weekends and holidays -----------------------------------------------------------------------


def test_saturday_and_sunday_are_not_working_days():
    assert not is_working_day(D(2026, 3, 7))  # Saturday
    assert not is_working_day(D(2026, 3, 8))  # Sunday
    assert is_working_day(D(2026, 3, 6))  # Friday
    assert is_working_day(D(2026, 3, 9))  # Monday


@pytest.mark.parametrize("day", sorted(ALL_HOLIDAYS), ids=lambda d: f"{d.isoformat()}-{ALL_HOLIDAYS[d]}")
def test_every_public_holiday_of_2026_and_2027_is_a_holiday_and_not_a_working_day(day):
    assert is_public_holiday(day)
    assert not is_working_day(day)


@pytest.mark.parametrize("year, expected", [(2026, HOLIDAYS_2026), (2027, HOLIDAYS_2027)])
def test_no_other_day_of_the_year_is_a_public_holiday(year, expected):
    found = {day for day in days_of(year) if is_public_holiday(day)}
    assert found == set(expected)


def test_easter_dates_are_right_in_2026():
    assert is_public_holiday(D(2026, 4, 3))  # Good Friday
    assert is_public_holiday(D(2026, 4, 5))  # Easter Sunday
    assert is_public_holiday(D(2026, 5, 24))  # Pentecost, seven weeks after Easter
    assert not is_public_holiday(D(2026, 4, 6))  # Easter Monday is not an Estonian holiday
    assert not is_public_holiday(D(2026, 4, 2))  # Maundy Thursday is not either
    # The Thursday before Good Friday and the Tuesday after Easter are working days.
    assert is_working_day(D(2026, 4, 2)) and is_working_day(D(2026, 4, 6))


def test_easter_dates_are_right_in_2027():
    assert is_public_holiday(D(2027, 3, 26))  # Good Friday
    assert is_public_holiday(D(2027, 3, 28))  # Easter Sunday
    assert is_public_holiday(D(2027, 5, 16))  # Pentecost
    assert not is_public_holiday(D(2027, 3, 29))
    assert not is_public_holiday(D(2026, 3, 26))  # a different year's Good Friday date
    assert not is_public_holiday(D(2027, 4, 3))


def test_holiday_on_a_weekday_is_skipped_like_a_weekend():
    # 24 Feb 2026 is a Tuesday: Monday + 1 working day is Wednesday.
    assert add_working_days(D(2026, 2, 23), 1) == D(2026, 2, 25)


def test_holiday_names_are_given_in_estonian_by_default():
    assert holiday_name(D(2026, 2, 24)) == "iseseisvuspäev"
    assert holiday_name(D(2026, 2, 25)) is None


def test_the_number_of_working_days_in_2026_and_2027():
    # 2026: 261 weekdays, less the 9 holidays on weekdays (26 Dec, Easter Sunday and Pentecost are not).
    assert sum(is_working_day(day) for day in days_of(2026)) == 261 - 9
    # 2027: 261 weekdays; 1 May, Easter Sunday, Pentecost, 25 and 26 Dec fall on a weekend.
    assert sum(is_working_day(day) for day in days_of(2027)) == 261 - 7


# --- working-day periods ------------------------------------------------------------------------


def test_the_period_starts_the_day_after_the_event():
    # Monday event, 1 working day: Tuesday, not Monday.
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)
    assert add_calendar_days(D(2026, 3, 2), 1) == D(2026, 3, 3)


def test_five_working_days_over_a_weekend():
    # Thursday + 5 working days: Fri, Mon, Tue, Wed, Thu.
    assert add_working_days(D(2026, 3, 5), 5) == D(2026, 3, 12)


def test_an_event_on_a_weekend_counts_from_the_next_working_day():
    assert add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)
    assert add_working_days(D(2026, 3, 8), 1) == D(2026, 3, 9)


def test_five_working_days_over_christmas_2026_ends_on_new_years_eve():
    # 23 Dec, then 24–27 Dec off, then 28, 29, 30, 31 Dec.
    assert add_working_days(D(2026, 12, 22), 5) == D(2026, 12, 31)


def test_working_days_cross_the_year_end_and_skip_new_years_day():
    # 31 Dec 2026 (Thu) + 1: 1 Jan 2027 is a holiday (Fri), then the weekend, so Monday 4 Jan.
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    # 2027 → 2028: 24 Dec (Fri) off, 25–26 weekend, then 27–31 Dec, 1 Jan 2028 is a Saturday.
    assert add_working_days(D(2027, 12, 23), 5) == D(2027, 12, 31)
    assert add_working_days(D(2027, 12, 23), 6) == D(2028, 1, 3)


def test_working_days_over_easter_2026_and_2027():
    # Thursday 2 Apr 2026 + 1: Good Friday, weekend; Monday 6 Apr is a working day.
    assert add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 6)
    assert add_working_days(D(2027, 3, 25), 1) == D(2027, 3, 29)


def test_working_days_over_midsummer_2026():
    # Monday 22 Jun 2026 + 1: 23 and 24 Jun are holidays, so Thursday 25 Jun.
    assert add_working_days(D(2026, 6, 22), 1) == D(2026, 6, 25)


def test_fifteen_working_days_for_a_rapid_review():
    # From Monday 2 Nov 2026: three whole weeks.
    assert add_working_days(D(2026, 11, 2), 15) == D(2026, 11, 23)


def test_zero_working_days_is_the_event_day_itself():
    assert add_working_days(D(2026, 3, 4), 0) == D(2026, 3, 4)


def test_negative_periods_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 4), -1)
    with pytest.raises(ValueError):
        add_calendar_days(D(2026, 3, 4), -1)
    with pytest.raises(ValueError):
        add_months(D(2026, 3, 4), -1)


def test_a_datetime_is_refused_rather_than_silently_missing_holidays():
    with pytest.raises(TypeError):
        is_working_day(dt.datetime(2026, 12, 24, 12, 0))
    with pytest.raises(TypeError):
        add_working_days(dt.datetime(2026, 12, 22, 12, 0), 5)


# --- calendar-day periods -----------------------------------------------------------------------


def test_a_calendar_day_period_ending_on_a_working_day_stays():
    assert add_calendar_days(D(2026, 3, 2), 10) == D(2026, 3, 12)  # Thursday


def test_a_calendar_day_period_ending_on_a_saturday_moves_to_monday():
    assert add_calendar_days(D(2026, 3, 4), 10) == D(2026, 3, 16)  # 14 Mar is a Saturday


def test_a_calendar_day_period_ending_on_a_sunday_moves_to_monday():
    assert add_calendar_days(D(2026, 3, 4), 11) == D(2026, 3, 16)  # 15 Mar is a Sunday


def test_a_calendar_day_period_ending_on_a_holiday_moves_to_the_next_working_day():
    # Ends on Independence Day, Tuesday 24 Feb 2026: moves to Wednesday.
    assert add_calendar_days(D(2026, 2, 14), 10) == D(2026, 2, 25)
    # Ends on Christmas Eve 2026 (Thu): 25 Dec, 26–27 weekend, so Monday 28 Dec.
    assert add_calendar_days(D(2026, 12, 14), 10) == D(2026, 12, 28)
    # Ends on Good Friday 2027: the weekend and Easter Sunday follow, so Monday 29 Mar.
    assert add_calendar_days(D(2027, 3, 16), 10) == D(2027, 3, 29)
    # Ends on Victory Day, Wednesday 23 Jun 2027; Midsummer Day follows, so Friday 25 Jun.
    assert add_calendar_days(D(2027, 6, 13), 10) == D(2027, 6, 25)


def test_a_calendar_day_period_over_the_year_end():
    # Ends on 1 Jan 2027 (Fri, holiday), then the weekend: Monday 4 Jan 2027.
    assert add_calendar_days(D(2026, 12, 22), 10) == D(2027, 1, 4)
    # Ends on 31 Dec 2026 (Thu), a working day.
    assert add_calendar_days(D(2026, 12, 21), 10) == D(2026, 12, 31)


def test_a_calendar_day_period_over_the_holidays_is_not_lengthened_when_it_ends_on_a_working_day():
    assert add_calendar_days(D(2026, 12, 20), 10) == D(2026, 12, 30)


# --- months ------------------------------------------------------------------------------------


def test_a_month_period_ends_on_the_same_date():
    assert add_months(D(2026, 3, 10), 1) == D(2026, 4, 10)  # Friday
    assert add_months(D(2026, 3, 10), 6) == D(2026, 9, 10)  # Thursday


def test_a_month_period_without_that_date_ends_on_the_last_day_of_the_month():
    assert add_months(D(2027, 1, 29), 1) == D(2027, 3, 1)  # 28 Feb 2027 is a Sunday
    assert add_months(D(2026, 1, 30), 1) == D(2026, 3, 2)  # 28 Feb 2026 is a Saturday
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)  # leap year, Tuesday
    assert add_months(D(2026, 8, 31), 1) == D(2026, 9, 30)


def test_a_month_period_ending_on_a_holiday_moves():
    assert add_months(D(2026, 11, 24), 1) == D(2026, 12, 28)
    assert add_months(D(2026, 12, 1), 1) == D(2027, 1, 4)  # 1 Jan 2027, then the weekend


# --- the method's units ------------------------------------------------------------------------


def test_deadline_uses_the_methods_units():
    assert deadline(D(2026, 12, 22), 5, "working_days") == D(2026, 12, 31)
    assert deadline(D(2026, 3, 4), 10, "calendar_days") == D(2026, 3, 16)
    assert deadline(D(2026, 12, 1), 1, "months") == D(2027, 1, 4)


def test_deadline_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="weeks"):
        deadline(D(2026, 3, 4), 2, "weeks")


def test_working_days_between():
    assert working_days_between(D(2026, 12, 22), D(2026, 12, 31)) == 5
    assert working_days_between(D(2026, 12, 31), D(2026, 12, 22)) == 0
    assert working_days_between(D(2026, 3, 4), D(2026, 3, 4)) == 0


def test_next_working_day():
    assert next_working_day(D(2026, 12, 24)) == D(2026, 12, 28)
    assert next_working_day(D(2026, 12, 28)) == D(2026, 12, 28)


# --- properties --------------------------------------------------------------------------------

dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))
counts = st.integers(min_value=1, max_value=400)


@given(event=dates, count=counts)
def test_add_working_days_always_lands_on_a_working_day_after_the_event(event, count):
    end = add_working_days(event, count)
    assert is_working_day(end)
    assert end > event
    # At most `count` weeks of 5 days plus the holidays in between: never more than twice the count.
    assert (end - event).days <= 2 * count + 7


@given(event=dates, count=st.integers(min_value=0, max_value=400))
def test_working_days_between_inverts_add_working_days(event, count):
    assert working_days_between(event, add_working_days(event, count)) == count


@given(event=dates, count=counts)
def test_one_more_working_day_is_always_later(event, count):
    assert add_working_days(event, count + 1) > add_working_days(event, count)
    # Adding in two steps is the same as adding at once.
    assert add_working_days(add_working_days(event, count), 1) == add_working_days(event, count + 1)


@given(event=dates, count=st.integers(min_value=0, max_value=400))
def test_a_calendar_day_period_ends_on_a_working_day_on_or_after_its_last_day(event, count):
    end = add_calendar_days(event, count)
    last_day = event + dt.timedelta(days=count)
    assert is_working_day(end)
    assert end >= last_day
    # Every day skipped is a day off.
    day = last_day
    while day < end:
        assert not is_working_day(day)
        day += dt.timedelta(days=1)


@given(event=dates, count=st.integers(min_value=0, max_value=60))
def test_a_month_period_ends_on_a_working_day(event, count):
    end = add_months(event, count)
    nominal = event + relativedelta(months=count)
    assert is_working_day(end)
    # Moved forward only, and by no more than the longest run of days off (24–27 Dec plus a weekend).
    assert 0 <= (end - nominal).days <= 5
