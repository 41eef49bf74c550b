"""Uncertain dates of the exchange format: every written form, precisions, approximate, time."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chronology.dates import (
    MAX_YEAR,
    MIN_YEAR,
    DateError,
    approximate,
    day_date,
    format_date,
    format_time,
    parse_date,
    parse_precision,
    parse_time,
    parse_written_date,
)
from chronology.entry import Precision, UncertainDate

D = dt.date


def test_a_full_iso_date_is_one_day():
    assert parse_date("2019-03-04") == UncertainDate(D(2019, 3, 4), D(2019, 3, 4), Precision.DAY)


def test_a_dotted_date_without_leading_zeros_is_the_same_day():
    assert parse_date("4.3.2019") == parse_date("04.03.2019") == parse_date("2019-03-04") == parse_date("2019-3-4")


def test_a_month_is_its_first_to_its_last_day():
    assert parse_date("2019-02") == UncertainDate(D(2019, 2, 1), D(2019, 2, 28), Precision.MONTH)
    assert parse_date("02.2020") == UncertainDate(D(2020, 2, 1), D(2020, 2, 29), Precision.MONTH)
    assert parse_date("2.2020") == parse_date("2020-2")


def test_a_year_is_the_first_of_january_to_the_thirty_first_of_december():
    assert parse_date("2019") == UncertainDate(D(2019, 1, 1), D(2019, 12, 31), Precision.YEAR)


def test_surrounding_spaces_are_ignored():
    assert parse_date("  2019-03-04 ") == parse_date("2019-03-04")


@pytest.mark.parametrize(
    ("text", "precision"),
    [
        ("2019-03-04", "day"),
        ("2019-03-04", "päev"),
        ("2019-03-04", "DAY"),
        ("2019-03", "month"),
        ("03.2019", "Kuu"),
        ("2019", "year"),
        ("2019", "AASTA"),
    ],
)
def test_a_precision_that_fits_the_form_changes_nothing(text, precision):
    assert parse_date(text, precision) == parse_date(text)


def test_an_approximate_day_is_a_week_either_side():
    assert parse_date("2019-03-04", "approximate") == UncertainDate(
        D(2019, 2, 25), D(2019, 3, 11), Precision.DAY, approximate=True
    )


def test_an_approximate_month_is_a_month_either_side():
    assert parse_date("01.2019", "ligikaudne") == UncertainDate(
        D(2018, 12, 1), D(2019, 2, 28), Precision.MONTH, approximate=True
    )
    assert parse_date("2019-12", "Approximate").latest == D(2020, 1, 31)


def test_an_approximate_year_is_a_year_either_side():
    assert parse_date("2019", "ligikaudne") == UncertainDate(
        D(2018, 1, 1), D(2020, 12, 31), Precision.YEAR, approximate=True
    )


def test_an_approximate_date_is_not_exact():
    assert parse_date("2019-03-04").is_exact
    assert not parse_date("2019-03-04", "approximate").is_exact
    assert not parse_date("2019-03").is_exact


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31.02.2019", "“31.02.2019” is not a real date: 02.2019 has 28 days."),
        ("2019-02-29", "“2019-02-29” is not a real date: 02.2019 has 28 days."),
        ("2019-13-01", "“2019-13-01” is not a real date: the month must be from 1 to 12."),
        ("13.2019", "“13.2019” is not a real date: the month must be from 1 to 12."),
        ("0.2019", "“0.2019” is not a real date: the month must be from 1 to 12."),
        ("00.01.2019", "“00.01.2019” is not a real date: 01.2019 has 31 days."),
        ("1899", "“1899”: the year must be from 1900 to 2100."),
        ("04/03/2019", "Write the date as YYYY-MM-DD, YYYY-MM, YYYY, DD.MM.YYYY or MM.YYYY, not “04/03/2019”."),
        ("4.3.19", "Write the date as YYYY-MM-DD, YYYY-MM, YYYY, DD.MM.YYYY or MM.YYYY, not “4.3.19”."),
        ("märts 2019", "Write the date as YYYY-MM-DD, YYYY-MM, YYYY, DD.MM.YYYY or MM.YYYY, not “märts 2019”."),
        ("２０１９", "Write the date as YYYY-MM-DD, YYYY-MM, YYYY, DD.MM.YYYY or MM.YYYY, not “２０１９”."),
        ("", "The date is missing."),
    ],
)
def test_a_date_that_does_not_exist_or_cannot_be_read_is_refused(text, message):
    with pytest.raises(DateError) as refused:
        parse_date(text)
    assert refused.value.field == "date"
    assert refused.value.message == message


@pytest.mark.parametrize(
    ("text", "precision", "message"),
    [
        (
            "2019-03",
            "day",
            "The date “2019-03” names a month: its precision must be month or approximate, not “day”.",
        ),
        ("2019", "kuu", "The date “2019” names a year: its precision must be year or approximate, not “kuu”."),
        (
            "2019-03-04",
            "year",
            "The date “2019-03-04” names a day: its precision must be day or approximate, not “year”.",
        ),
    ],
)
def test_a_precision_that_does_not_fit_the_form_is_refused(text, precision, message):
    with pytest.raises(DateError) as refused:
        parse_date(text, precision)
    assert refused.value.field == "date_precision"
    assert refused.value.message == message


def test_an_unknown_precision_is_refused():
    with pytest.raises(DateError) as refused:
        parse_precision("roughly")
    assert refused.value.field == "date_precision"
    assert "“roughly” is not a precision" in refused.value.message


def test_an_empty_precision_is_none():
    assert parse_precision(" ") is None


def test_a_time_is_read_with_an_exact_day():
    day = parse_date("2019-03-04")
    assert parse_time("10:30", day) == dt.time(10, 30)
    assert parse_time("9:05", day) == dt.time(9, 5)
    assert parse_time("", day) is None


@pytest.mark.parametrize("written", [("2019-03", ""), ("2019", ""), ("2019-03-04", "approximate")])
def test_a_time_with_a_date_that_is_not_an_exact_day_is_refused(written):
    with pytest.raises(DateError) as refused:
        parse_time("10:30", parse_date(*written))
    assert refused.value.field == "time"
    assert refused.value.message == (
        "A time is allowed only with an exact day; remove the time or write the date as one day."
    )


@pytest.mark.parametrize("text", ["24:00", "10:60", "10.30", "1030", "10:3", "kell 10", "10:30:00"])
def test_a_time_not_written_as_hh_mm_is_refused(text):
    with pytest.raises(DateError) as refused:
        parse_time(text, parse_date("2019-03-04"))
    assert refused.value.field == "time"
    assert refused.value.message == f"Write the time as HH:MM, from 00:00 to 23:59, not “{text}”."


def test_a_time_is_checked_for_its_form_even_when_the_date_could_not_be_read():
    with pytest.raises(DateError):
        parse_time("25:00", None)
    assert parse_time("10:30", None) == dt.time(10, 30)


def test_a_day_from_a_spreadsheet_date_cell_is_an_exact_day():
    assert day_date(D(2019, 3, 4)) == parse_date("2019-03-04")
    with pytest.raises(DateError):
        day_date(D(1850, 1, 1))


def test_format_time_writes_hours_and_minutes():
    assert format_time(dt.time(9, 5)) == "09:05"
    assert format_time(None) == ""


# --- properties ------------------------------------------------------------------------------

days = st.dates(min_value=D(MIN_YEAR, 1, 1), max_value=D(MAX_YEAR, 12, 31))


@st.composite
def uncertain_dates(draw) -> UncertainDate:
    day = draw(days)
    precision = draw(st.sampled_from([Precision.DAY, Precision.MONTH, Precision.YEAR]))
    if precision == Precision.DAY:
        date = parse_written_date(day.isoformat())
    elif precision == Precision.MONTH:
        date = parse_written_date(f"{day.year}-{day.month:02d}")
    else:
        date = parse_written_date(str(day.year))
    return approximate(date) if draw(st.booleans()) else date


def all_forms(day: dt.date) -> list[str]:
    return [
        day.isoformat(),
        f"{day.year}-{day.month}-{day.day}",
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{day.day}.{day.month}.{day.year}",
    ]


@given(date=uncertain_dates())
def test_a_written_date_reads_back_as_itself(date):
    assert parse_date(*format_date(date)) == date


@given(date=uncertain_dates())
def test_the_earliest_day_is_never_after_the_latest(date):
    assert date.earliest <= date.latest


@given(day=days, form=st.integers(min_value=0, max_value=3))
def test_every_form_of_a_day_is_that_day_alone(day, form):
    date = parse_date(all_forms(day)[form])
    assert date.earliest == date.latest == day
    assert date.is_exact


@given(day=days)
def test_a_month_or_year_holds_every_day_written_inside_it(day):
    month = parse_date(f"{day.month}.{day.year}")
    year = parse_date(str(day.year))
    assert month.earliest <= day <= month.latest
    assert year.earliest <= day <= year.latest
    assert year.earliest <= month.earliest and month.latest <= year.latest


@given(date=uncertain_dates())
def test_approximate_holds_the_date_it_widens(date):
    text, precision = format_date(date)
    plain = parse_date(text)
    widened = parse_date(text, "approximate")
    assert widened.earliest < plain.earliest and plain.latest < widened.latest
    assert widened.precision == plain.precision
    assert approximate(widened) == widened


@given(day=days, day_offset=st.integers(min_value=29, max_value=31))
def test_a_day_past_the_end_of_its_month_is_refused(day, day_offset):
    text = f"{day_offset}.{day.month}.{day.year}"
    try:
        dt.date(day.year, day.month, day_offset)
    except ValueError:
        with pytest.raises(DateError):
            parse_date(text)
    else:
        assert parse_date(text).earliest == dt.date(day.year, day.month, day_offset)


@given(text=st.text(max_size=12))
def test_any_text_either_reads_as_an_ordered_interval_or_is_refused_with_a_message(text):
    try:
        date = parse_date(text)
    except DateError as refused:
        assert refused.message
    else:
        assert date.earliest <= date.latest
