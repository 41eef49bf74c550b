"""Calendar invitations (.ics, RFC 5545 / iTIP) for working-group meetings.

Pure: builds bytes from plain values. An invitation or update is METHOD:REQUEST, a cancellation
METHOD:CANCEL with the same UID; every change raises SEQUENCE so that calendar programs replace the
event they hold. Times carry their TZID (Europe/Tallinn) and the calendar includes its VTIMEZONE.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

PRODID = "-//Sotsiaalkindlustusamet//Tagasivaade//ET"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str = ""


@dataclass(frozen=True)
class CalendarMeeting:
    uid: str
    sequence: int
    starts_at: dt.datetime  # aware, in the meeting's time zone
    ends_at: dt.datetime
    summary: str
    location: str = ""
    online_link: str = ""
    description: str = ""
    organizer_email: str = ""
    organizer_name: str = ""
    attendees: tuple[Attendee, ...] = field(default_factory=tuple)
    cancelled: bool = False
    stamp: dt.datetime | None = None  # DTSTAMP; now when not given


def meeting_calendar(meeting: CalendarMeeting, method: str | None = None) -> bytes:
    """One VEVENT in a VCALENDAR with its VTIMEZONE. `method` defaults to REQUEST, or CANCEL when the
    meeting is cancelled."""
    if meeting.starts_at.tzinfo is None or meeting.ends_at.tzinfo is None:
        raise ValueError("meeting times must be timezone-aware")
    method = method or (CANCEL if meeting.cancelled else REQUEST)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (meeting.stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC))
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.summary)
    if meeting.location:
        event.add("location", meeting.location)
    description = meeting.description
    if meeting.online_link:
        description = f"{description}\n\n{meeting.online_link}".strip()
        event.add("url", meeting.online_link)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if meeting.cancelled or method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if meeting.organizer_email:
        organizer = vCalAddress(f"mailto:{meeting.organizer_email}")
        if meeting.organizer_name:
            organizer.params["cn"] = vText(meeting.organizer_name)
        event.add("organizer", organizer)
    for attendee in meeting.attendees:
        address = vCalAddress(f"mailto:{attendee.email}")
        if attendee.name:
            address.params["cn"] = vText(attendee.name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["partstat"] = vText("NEEDS-ACTION")
        address.params["rsvp"] = vText("TRUE")
        event.add("attendee", address, encode=False)
    # The VTIMEZONE covers the years around the meeting: enough for every calendar program, and short.
    first = meeting.starts_at.date() - dt.timedelta(days=366)
    last = meeting.ends_at.date() + dt.timedelta(days=2 * 366)
    tzid = str(meeting.starts_at.tzinfo)
    calendar.add_component(Timezone.from_tzinfo(meeting.starts_at.tzinfo, tzid=tzid, first_date=first, last_date=last))
    calendar.add_component(event)
    return calendar.to_ical()


def attendees_from(pairs: Iterable[tuple[str, str]]) -> tuple[Attendee, ...]:
    """(email, name) pairs to attendees, without duplicates or empty addresses."""
    seen: set[str] = set()
    result = []
    for email, name in pairs:
        key = email.strip().lower()
        if key and key not in seen:
            seen.add(key)
            result.append(Attendee(email=email.strip(), name=name))
    return tuple(result)
