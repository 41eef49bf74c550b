"""Calendar invitations: they parse back, carry Europe/Tallinn times, and updates keep the UID."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from workgroup.ics import CANCEL, PUBLISH, REQUEST, Attendee, CalendarMeeting, attendees_from, meeting_calendar

TALLINN = ZoneInfo("Europe/Tallinn")


def a_meeting(**changes) -> CalendarMeeting:
    values = {
        "uid": "workgroup-1@tagasivaade.example",
        "sequence": 0,
        "starts_at": dt.datetime(2026, 4, 22, 11, 0, tzinfo=TALLINN),
        "ends_at": dt.datetime(2026, 4, 22, 13, 0, tzinfo=TALLINN),
        "summary": "Töörühma koosolek",
        "location": "Sotsiaalkindlustusamet, Paldiski mnt 80, Tallinn",
        "online_link": "https://teams.microsoft.com/l/meetup-join/demo",
        "description": "1. Juhtumi arutelu",
        "organizer_email": "tagasivaade@sotsiaalkindlustusamet.ee",
        "attendees": (Attendee("peeter@kool.example", "Peeter Töörühm"),),
    }
    values.update(changes)
    return CalendarMeeting(**values)


def parse(data: bytes) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return calendar, events[0]


def test_an_invitation_parses_back_with_its_method_uid_and_sequence():
    calendar, event = parse(meeting_calendar(a_meeting()))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == "workgroup-1@tagasivaade.example"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["SUMMARY"]) == "Töörühma koosolek"
    assert str(event["LOCATION"]) == "Sotsiaalkindlustusamet, Paldiski mnt 80, Tallinn"
    assert "https://teams.microsoft.com/l/meetup-join/demo" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    attendees = event["ATTENDEE"] if isinstance(event["ATTENDEE"], list) else [event["ATTENDEE"]]
    assert [str(a) for a in attendees] == ["mailto:peeter@kool.example"]
    assert attendees[0].params["CN"] == "Peeter Töörühm"


def test_the_times_carry_the_tallinn_time_zone_with_its_vtimezone():
    data = meeting_calendar(a_meeting())
    assert b"DTSTART;TZID=Europe/Tallinn:20260422T110000" in data
    assert b"DTEND;TZID=Europe/Tallinn:20260422T130000" in data
    calendar, event = parse(data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Tallinn"]
    start = event.decoded("DTSTART")
    assert start.utcoffset() == dt.timedelta(hours=3)  # summer time
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 4, 22, 8, 0, tzinfo=dt.UTC)


def test_a_winter_meeting_is_two_hours_ahead_of_utc():
    _calendar, event = parse(
        meeting_calendar(
            a_meeting(
                starts_at=dt.datetime(2026, 3, 25, 11, 0, tzinfo=TALLINN),
                ends_at=dt.datetime(2026, 3, 25, 13, 0, tzinfo=TALLINN),
            )
        )
    )
    assert event.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2026, 3, 25, 9, 0, tzinfo=dt.UTC)


def test_an_update_keeps_the_uid_and_raises_the_sequence():
    _c, first = parse(meeting_calendar(a_meeting()))
    moved = a_meeting(
        sequence=1,
        starts_at=dt.datetime(2026, 4, 23, 11, 0, tzinfo=TALLINN),
        ends_at=dt.datetime(2026, 4, 23, 13, 0, tzinfo=TALLINN),
    )
    calendar, second = parse(meeting_calendar(moved))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(second["UID"]) == str(first["UID"])
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])
    assert second.decoded("DTSTART").date() == dt.date(2026, 4, 23)


def test_a_cancellation_has_method_cancel_and_the_same_uid():
    calendar, event = parse(meeting_calendar(a_meeting(sequence=2, cancelled=True)))
    assert str(calendar["METHOD"]) == CANCEL
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "workgroup-1@tagasivaade.example"
    assert int(event["SEQUENCE"]) == 2


def test_a_download_can_be_published_instead_of_requested():
    calendar, event = parse(meeting_calendar(a_meeting(), method=PUBLISH))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert REQUEST != PUBLISH


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        meeting_calendar(a_meeting(starts_at=dt.datetime(2026, 4, 22, 11, 0)))


def test_attendees_are_deduplicated_by_address():
    assert attendees_from([("A@x.ee", "A"), ("a@x.ee", "A again"), ("", "nobody"), ("b@x.ee", "B")]) == (
        Attendee("A@x.ee", "A"),
        Attendee("b@x.ee", "B"),
    )
