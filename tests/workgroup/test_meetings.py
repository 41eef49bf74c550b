"""Meetings: the year's series from the method's rule, calendar invitations and their updates and
cancellations, the agenda with conflicts of interest, attendance, minutes and action items."""

from __future__ import annotations

import copy
import datetime as dt
from email.mime.base import MIMEBase
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.demo import personal_code
from accounts.models import Organisation
from audit.models import Action, AuditEvent, Purpose
from method.models import MethodVersion
from workgroup.meeting_services import (
    action_item_add,
    action_item_done,
    agenda_item_save,
    meeting_cancel,
    meeting_save,
    meeting_send_invitations,
    meetings_generate,
)
from workgroup.models import ActionItem, AgendaItem, Attendance, Conflict, Meeting, Membership

TALLINN = ZoneInfo("Europe/Tallinn")


@pytest.fixture
def coordinator(people):
    return people["koordinaator"]


def calendars(messages) -> list[Calendar]:
    """The .ics parts of the e-mails, parsed back."""
    found = []
    for message in messages:
        for attachment in message.attachments:
            if isinstance(attachment, MIMEBase) and attachment.get_content_type() == "text/calendar":
                found.append(Calendar.from_ical(attachment.get_payload(decode=True)))
    return found


def only_event(calendar: Calendar):
    [event] = calendar.walk("VEVENT")
    return event


# --- the series ---------------------------------------------------------------------------------------------


def test_the_year_is_generated_from_the_rule_with_the_holiday_moved(people, coordinator):
    created = meetings_generate(year=2026, acting_user=coordinator)
    assert len(created) == 12
    days = [timezone.localtime(m.starts_at).date().isoformat() for m in Meeting.objects.in_year(2026)]
    assert days[:5] == ["2026-01-28", "2026-02-25", "2026-03-25", "2026-04-22", "2026-05-27"]
    june = Meeting.objects.get(rule_date=dt.date(2026, 6, 24))
    assert june.local_date == dt.date(2026, 6, 25)
    assert june.moved_from_holiday and not june.on_holiday
    assert june.place == "Sotsiaalkindlustusamet, Paldiski mnt 80, Tallinn"
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="workgroup.meeting")
    assert sorted(event.object_ids) == sorted(str(m.pk) for m in created)
    assert event.purpose == Purpose.WORKING_GROUP


def test_generating_the_year_again_adds_nothing(people, coordinator):
    meetings_generate(year=2026, acting_user=coordinator)
    assert meetings_generate(year=2026, acting_user=coordinator) == []
    assert Meeting.objects.in_year(2026).count() == 12


def test_a_holiday_date_can_be_kept_and_is_then_flagged(people, coordinator):
    meetings_generate(year=2026, acting_user=coordinator, move_holidays=False)
    june = Meeting.objects.get(rule_date=dt.date(2026, 6, 24))
    assert june.local_date == dt.date(2026, 6, 24)
    assert june.on_holiday


def test_meeting_times_are_stored_right_across_the_daylight_saving_change(people, coordinator):
    meetings_generate(year=2026, acting_user=coordinator)
    march = Meeting.objects.get(rule_date=dt.date(2026, 3, 25))
    april = Meeting.objects.get(rule_date=dt.date(2026, 4, 22))
    assert march.starts_at.astimezone(dt.UTC).time() == dt.time(9, 0)
    assert april.starts_at.astimezone(dt.UTC).time() == dt.time(8, 0)
    assert timezone.localtime(march.starts_at).time() == timezone.localtime(april.starts_at).time() == dt.time(11, 0)


def test_the_method_can_skip_months_and_change_the_rule(people, coordinator, method_v1):
    content = copy.deepcopy(method_v1.content)
    content["workgroup"]["meeting_rule"]["skip_months"] = [7]
    content["workgroup"]["materials_working_days"] = 3
    MethodVersion.objects.create(number=2, status=MethodVersion.Status.PUBLISHED, content=content)
    created = meetings_generate(year=2027, acting_user=coordinator)
    assert len(created) == 11
    assert not [m for m in created if m.rule_date.month == 7]
    assert {m.materials_working_days for m in created} == {3}


def test_the_schedule_page_flags_the_holiday_and_proposes_the_next_working_day(people, login):
    page = login(people["koordinaator"]).get(reverse("workgroup:schedule"), {"year": 2026}).content.decode()
    assert "Wednesday no. 4 of every month" in page
    row = page.split("<td>24.06.2026</td>")[1].split("</tr>")[0]
    assert "public holiday" in row and "25.06.2026" in row


def test_the_coordinator_plans_the_year_from_the_schedule_page(people, login):
    response = login(people["koordinaator"]).post(
        reverse("workgroup:schedule"), {"year": "2026", "move_holidays": "on"}
    )
    assert response.status_code == 302
    assert Meeting.objects.in_year(2026).count() == 12


def test_a_meeting_ending_before_it_starts_is_refused_and_not_saved(people, login):
    response = login(people["koordinaator"]).post(
        reverse("workgroup:meeting_create"),
        {"date": "28.01.2027", "start_time": "13:00", "end_time": "11:00", "materials_working_days": "5"},
    )
    assert response.status_code == 200
    assert "The meeting must end after it starts." in response.content.decode()
    assert not Meeting.objects.exists()


# --- calendar invitations ------------------------------------------------------------------------------------


def test_members_get_a_calendar_invitation_that_parses_back(group, coordinator, django_capture_on_commit_callbacks):
    meeting = group["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        members = meeting_send_invitations(meeting=meeting, acting_user=coordinator)
    assert {m.email for m in members} == {message.to[0] for message in mail.outbox}
    assert "tooruhm@demo.example" in {m.email for m in members}
    parsed = calendars(mail.outbox)
    assert len(parsed) == len(mail.outbox)
    calendar = parsed[0]
    event = only_event(calendar)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == meeting.uid
    assert int(event["SEQUENCE"]) == 0
    assert event["DTSTART"].params["TZID"] == "Europe/Tallinn"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Tallinn"]
    message = next(m for m in mail.outbox if m.to == ["tooruhm@demo.example"])
    assert "Peeter Töörühm" in message.body  # the method's workgroup_invitation template
    assert AuditEvent.objects.filter(action=Action.SEND, object_type="workgroup.meeting").exists()


def test_a_changed_meeting_sends_an_update_with_the_same_uid_and_a_higher_sequence(
    group, coordinator, django_capture_on_commit_callbacks
):
    meeting = group["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        meeting_send_invitations(meeting=meeting, acting_user=coordinator)
    first = only_event(calendars(mail.outbox)[0])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_save(
            meeting=meeting,
            data={
                "date": meeting.local_date,
                "start_time": dt.time(12),
                "end_time": dt.time(14),
                "place": meeting.place,
                "online_link": "https://teams.microsoft.com/l/meetup-join/demo",
                "materials_working_days": 5,
            },
            revision=meeting.revision,
            acting_user=coordinator,
        )
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    update = only_event(calendars(mail.outbox)[0])
    assert str(update["UID"]) == str(first["UID"]) == meeting.uid
    assert int(update["SEQUENCE"]) > int(first["SEQUENCE"])
    assert update.decoded("DTSTART").astimezone(TALLINN).time() == dt.time(12, 0)
    assert mail.outbox[0].subject.startswith("Changed:")


def test_a_change_before_any_invitation_sends_nothing(group, coordinator, django_capture_on_commit_callbacks):
    meeting = group["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        meeting_save(
            meeting=meeting,
            data={"date": meeting.local_date, "start_time": dt.time(10), "end_time": dt.time(12), "place": "Tartu"},
            revision=meeting.revision,
            acting_user=coordinator,
        )
    meeting.refresh_from_db()
    assert (meeting.sequence, meeting.place) == (0, "Tartu")
    assert mail.outbox == []


def test_a_cancelled_meeting_sends_a_cancellation_with_the_same_uid(
    group, coordinator, django_capture_on_commit_callbacks
):
    meeting = group["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        meeting_send_invitations(meeting=meeting, acting_user=coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, revision=meeting.revision, acting_user=coordinator)
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.sequence == 1
    calendar = calendars(mail.outbox)[0]
    event = only_event(calendar)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == meeting.uid
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    with pytest.raises(ValidationError):
        meeting_cancel(meeting=meeting, revision=meeting.revision, acting_user=coordinator)


def test_a_member_downloads_the_meeting_as_an_ics_file(group, people, login):
    meeting = group["meeting"]
    response = login(people["tooruhm"]).get(reverse("workgroup:meeting_calendar", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    event = only_event(calendar)
    assert str(event["UID"]) == meeting.uid
    assert b"DTSTART;TZID=Europe/Tallinn:" in response.content
    assert AuditEvent.objects.filter(
        actor=people["tooruhm"], action=Action.READ, object_type="workgroup.meeting", detail={"format": "ics"}
    ).exists()


# --- agenda and conflicts of interest ------------------------------------------------------------------------


def test_members_whose_organisation_knew_the_child_are_recused_from_the_case_item(group, people, login):
    item = group["agenda_item"]
    conflicts = {c.membership.person_name: c for c in Conflict.objects.filter(agenda_item=item)}
    # The demo child was known to the family doctor and the school (and others with no member).
    assert set(conflicts) == {"Tiina Tervis", "Peeter Töörühm"}
    assert all(c.recused for c in conflicts.values())
    page = login(people["tooruhm"]).get(reverse("workgroup:meeting_detail", args=[item.meeting_id])).content.decode()
    assert "Conflict of interest: Peeter Töörühm (Näidisküla Põhikool was involved in the case)" in page
    assert "recused from this item" in page


def test_organisations_listed_on_the_item_mark_their_members_too(group, coordinator):
    police = Organisation.objects.get(registry_code="70008747")
    item = agenda_item_save(
        meeting=group["meeting"],
        data={"title": "Teine juhtum", "organisations": [police], "review": None},
        acting_user=coordinator,
    )
    assert [c.membership.person_name for c in item.conflicts.all()] == ["Priit Politsei"]
    agenda_item_save(
        meeting=group["meeting"],
        item=item,
        data={"title": "Teine juhtum", "organisations": [], "review": None},
        revision=item.revision,
        acting_user=coordinator,
    )
    assert not item.conflicts.exists()


def test_an_agenda_item_with_a_personal_code_is_refused(group, coordinator):
    with pytest.raises(ValidationError) as error:
        agenda_item_save(
            meeting=group["meeting"],
            data={"title": "Arutelu", "description": f"Isikukood {personal_code(6, '140101', 11)}"},
            acting_user=coordinator,
        )
    assert "description" in error.value.message_dict
    assert not AgendaItem.objects.filter(title="Arutelu").exists()


def test_a_review_is_offered_on_the_agenda_by_its_reference_only(group, people, login):
    page = (
        login(people["koordinaator"])
        .get(reverse("workgroup:agenda_item_create", args=[group["meeting"].pk]))
        .content.decode()
    )
    assert "TV-DEMO-0001-R1" in page
    assert "Laps A" not in page


# --- attendance, minutes and action items --------------------------------------------------------------------


def test_the_coordinator_records_attendance(group, people, login):
    meeting = group["meeting"]
    members = {m.person_name: m for m in Membership.objects.occupying(meeting.local_date)}
    response = login(people["koordinaator"]).post(
        reverse("workgroup:attendance", args=[meeting.pk]),
        {
            "revision": meeting.revision,
            f"member_{members['Peeter Töörühm'].pk}": "in_person",
            f"member_{members['Tiina Tervis'].pk}": "online",
            f"member_{members['Priit Politsei'].pk}": "absent",
        },
    )
    assert response.status_code == 302
    modes = dict(Attendance.objects.filter(meeting=meeting).values_list("membership__person_name", "mode"))
    assert modes == {"Peeter Töörühm": "in_person", "Tiina Tervis": "online", "Priit Politsei": "absent"}
    page = login(people["tooruhm"]).get(reverse("workgroup:meeting_detail", args=[meeting.pk])).content.decode()
    assert "In person" in page and "Online" in page and "Absent" in page


def test_attendance_with_an_unknown_mode_is_refused(group, people, login):
    meeting = group["meeting"]
    member = Membership.objects.occupying(meeting.local_date).first()
    response = login(people["koordinaator"]).post(
        reverse("workgroup:attendance", args=[meeting.pk]), {f"member_{member.pk}": "teleported"}
    )
    assert response.status_code == 200
    assert not Attendance.objects.exists()


def test_minutes_decisions_and_action_items_are_recorded(group, people, login):
    meeting = group["meeting"]
    client = login(people["koordinaator"])
    client.post(
        reverse("workgroup:minutes", args=[meeting.pk]),
        {"minutes": "Arutati juhtumit TV-DEMO-0001-R1.", "revision": meeting.revision},
    )
    client.post(reverse("workgroup:decision_add", args=[meeting.pk]), {"text": "Kiiranalüüsi tähtaeg vaadata üle."})
    owner = Membership.objects.get(person_name="Priit Politsei")
    due = (meeting.local_date + dt.timedelta(days=20)).strftime("%d.%m.%Y")
    response = client.post(
        reverse("workgroup:action_add", args=[meeting.pk]),
        {"description": "Küsida politseilt näited.", "owner": owner.pk, "due_on": due},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Arutati juhtumit TV-DEMO-0001-R1."
    assert [d.text for d in meeting.decisions.all()] == ["Kiiranalüüsi tähtaeg vaadata üle."]
    action = meeting.action_items.get()
    assert (action.owner, action.status) == (owner, ActionItem.Status.OPEN)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": "X", "due_on": "01.01.2100"}, "Choose the member who owns the action"),
        ({"description": "X", "owner_name": "Kadri", "due_on": "01.01.2000"}, "cannot be before the meeting"),
        ({"description": "", "owner_name": "Kadri", "due_on": "01.01.2100"}, "Describe the action."),
    ],
)
def test_an_action_item_without_owner_or_with_a_due_date_before_the_meeting_is_refused(
    group, people, login, data, message
):
    meeting = group["meeting"]
    response = login(people["koordinaator"]).post(reverse("workgroup:action_add", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not meeting.action_items.exists()


def test_minutes_naming_a_personal_code_are_refused(group, people, login):
    meeting = group["meeting"]
    response = login(people["koordinaator"]).post(
        reverse("workgroup:minutes", args=[meeting.pk]), {"minutes": f"Laps {personal_code(5, '120304', 5)}"}
    )
    assert response.status_code == 200
    assert "Remove the personal identification code" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == ""


def test_open_action_items_show_on_the_next_meetings_agenda_until_done(group, coordinator, people, login):
    meeting = group["meeting"]
    carried = group["action_item"]
    assert carried.meeting.starts_at < meeting.starts_at
    url = reverse("workgroup:meeting_detail", args=[meeting.pk])
    page = login(people["tooruhm"]).get(url).content.decode()
    assert "Open action items from earlier meetings" in page and carried.description in page
    later = Meeting.objects.filter(starts_at__gt=meeting.starts_at).first()
    new = action_item_add(
        meeting=meeting,
        data={"description": "Uus ülesanne", "owner_name": "Kadri Koordinaator", "due_on": meeting.local_date},
        acting_user=coordinator,
    )
    assert list(ActionItem.objects.carried_to(meeting)) == [carried]
    if later is not None:
        assert set(ActionItem.objects.carried_to(later)) == {carried, new}
    action_item_done(item=carried, acting_user=coordinator)
    page = login(people["tooruhm"]).get(url).content.decode()
    assert "Open action items from earlier meetings" not in page
    with pytest.raises(ValidationError):
        action_item_done(item=carried, acting_user=coordinator)
