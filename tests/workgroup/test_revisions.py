"""No silent overwrite in the working group: two people open the same record, the first saves, the
second's save is refused with nothing of it stored and both versions on the page, and saving again from
that page is a deliberate choice that goes through."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import Action, AuditEvent
from core.concurrency import EditConflict
from tests.concurrency import assert_both_versions, changed, page_form
from workgroup.meeting_services import agenda_item_delete, minutes_save
from workgroup.models import AgendaItem, Attendance, Feedback, Invitation, Meeting, Membership, Seat
from workgroup.services import seat_save


@pytest.fixture
def two(people, login):
    """Two sessions of people who keep the working group (the coordinator at two desks)."""
    return login(people["koordinaator"]), login(people["koordinaator"])


def test_a_seat(group, two):
    first, second = two
    seat = group["seat"]
    url = reverse("workgroup:seat_edit", args=[seat.pk])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, notes="Esimese märkus")).status_code == 302
    refused = second.post(url, changed(theirs, notes="Teise märkus"))
    seat.refresh_from_db()
    assert (seat.notes, seat.revision) == ("Esimese märkus", 1)
    assert_both_versions(refused, "Notes", theirs="Esimese märkus", yours="Teise märkus", revision=1)
    assert second.post(url, page_form(refused)).status_code == 302
    seat.refresh_from_db()
    assert (seat.notes, seat.revision) == ("Teise märkus", 2)


def test_a_member(group, two):
    first, second = two
    member = group["member"]
    url = reverse("workgroup:member_edit", args=[member.pk])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, person_name="Peeter Esimene")).status_code == 302
    reads = AuditEvent.objects.filter(action=Action.READ, object_id=str(member.pk)).count()
    refused = second.post(url, changed(theirs, person_name="Peeter Teine"))
    assert AuditEvent.objects.filter(action=Action.READ, object_id=str(member.pk)).count() == reads + 1
    member.refresh_from_db()
    assert (member.person_name, member.revision) == ("Peeter Esimene", 1)
    assert_both_versions(refused, "Name", theirs="Peeter Esimene", yours="Peeter Teine", revision=1)
    assert second.post(url, page_form(refused)).status_code == 302
    member.refresh_from_db()
    assert member.person_name == "Peeter Teine"


def test_a_members_last_day(group, two):
    first, second = two
    member = group["member"]
    url = reverse("workgroup:member_end", args=[member.pk])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, last_day="31.12.2099")).status_code == 302
    refused = second.post(url, changed(theirs, last_day="30.12.2099"))
    member.refresh_from_db()
    assert member.term_end.isoformat() == "2099-12-31"
    assert_both_versions(refused, "Last day", theirs="31.12.2099", yours="30.12.2099", revision=1)
    assert second.post(url, page_form(refused)).status_code == 302
    member.refresh_from_db()
    assert member.term_end.isoformat() == "2099-12-30"


def test_the_answer_to_a_letter(group, two):
    first, second = two
    letter = group["invitation"]
    url = reverse("workgroup:invitation_reply", args=[letter.pk])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, outcome="declined", reply_note="Esimene: ei saa")).status_code == 302
    refused = second.post(url, changed(theirs, outcome="declined", reply_note="Teine: ei saa"))
    letter.refresh_from_db()
    assert (letter.status, letter.reply_note) == (Invitation.Status.DECLINED, "Esimene: ei saa")
    assert_both_versions(refused, "Note", theirs="Esimene: ei saa", yours="Teine: ei saa", revision=1)
    # A letter is answered once: saving again from the page now says so, and still stores nothing.
    again = second.post(url, page_form(refused))
    assert "already recorded" in again.content.decode()
    letter.refresh_from_db()
    assert letter.reply_note == "Esimene: ei saa"


def test_a_meeting(group, two):
    first, second = two
    meeting = group["meeting"]
    url = reverse("workgroup:meeting_edit", args=[meeting.pk])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, place="Tartu")).status_code == 302
    refused = second.post(url, changed(theirs, place="Pärnu"))
    meeting.refresh_from_db()
    assert (meeting.place, meeting.revision) == ("Tartu", 1)
    assert_both_versions(refused, "Place", theirs="Tartu", yours="Pärnu", revision=1)
    assert second.post(url, page_form(refused)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Pärnu"


def test_cancelling_a_meeting_changed_meanwhile(group, two):
    first, second = two
    meeting = group["meeting"]
    cancel = reverse("workgroup:meeting_cancel", args=[meeting.pk])
    edit = reverse("workgroup:meeting_edit", args=[meeting.pk])
    confirm = page_form(second.get(cancel))
    assert first.post(edit, changed(page_form(first.get(edit)), place="Uus koht, Tartu")).status_code == 302
    refused = second.post(cancel, confirm)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED and meeting.place == "Uus koht, Tartu"
    page = refused.content.decode()
    assert 'role="alert"' in page and "Someone else changed this after you opened the page" in page
    assert "Uus koht, Tartu" in page  # the meeting as it is now
    assert second.post(cancel, page_form(refused)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED


def test_an_agenda_item(group, two):
    first, second = two
    item = group["agenda_item"]
    url = reverse("workgroup:agenda_item_edit", args=[item.pk])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, title="Esimese pealkiri")).status_code == 302
    refused = second.post(url, changed(theirs, title="Teise pealkiri"))
    item.refresh_from_db()
    assert (item.title, item.revision) == ("Esimese pealkiri", 1)
    assert_both_versions(refused, "Title", theirs="Esimese pealkiri", yours="Teise pealkiri", revision=1)
    assert second.post(url, page_form(refused)).status_code == 302
    item.refresh_from_db()
    assert item.title == "Teise pealkiri"


def test_removing_an_agenda_item_changed_meanwhile(group, two):
    first, second = two
    item = group["agenda_item"]
    delete = reverse("workgroup:agenda_item_delete", args=[item.pk])
    detail = second.get(reverse("workgroup:meeting_detail", args=[item.meeting_id]))
    remove = page_form(detail, action=delete)
    edit = reverse("workgroup:agenda_item_edit", args=[item.pk])
    assert first.post(edit, changed(page_form(first.get(edit)), title="Muudetud vahepeal")).status_code == 302
    refused = second.post(delete, remove, follow=True)
    assert AgendaItem.objects.filter(pk=item.pk, title="Muudetud vahepeal").exists()
    page = refused.content.decode()
    assert 'role="alert"' in page and "Someone else changed this after you opened the page" in page
    assert "Muudetud vahepeal" in page  # the meeting page shows the item as it is now
    assert second.post(delete, page_form(refused, action=delete)).status_code == 302
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_attendance(group, two):
    first, second = two
    meeting = group["meeting"]
    member = Membership.objects.get(person_name="Priit Politsei")
    field, label = f"member_{member.pk}", f"Priit Politsei ({member.organisation})"
    url = reverse("workgroup:attendance", args=[meeting.pk])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, **{field: "in_person"})).status_code == 302
    refused = second.post(url, changed(theirs, **{field: "online"}))
    assert Attendance.objects.get(meeting=meeting, membership=member).mode == "in_person"
    assert_both_versions(refused, label, theirs="In person", yours="Online", revision=1)
    assert second.post(url, page_form(refused)).status_code == 302
    assert Attendance.objects.get(meeting=meeting, membership=member).mode == "online"


def test_minutes(group, two):
    first, second = two
    meeting = group["meeting"]
    url = reverse("workgroup:minutes", args=[meeting.pk])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, minutes="Esimese protokoll")).status_code == 302
    refused = second.post(url, changed(theirs, minutes="Teise protokoll"))
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.revision) == ("Esimese protokoll", 1)
    assert_both_versions(refused, "Minutes", theirs="Esimese protokoll", yours="Teise protokoll", revision=1)
    assert second.post(url, page_form(refused)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Teise protokoll"


def test_tracking_feedback(group, people, login):
    first, second = login(people["metoodik"]), login(people["metoodik"])
    feedback = group["feedback"]
    url = reverse("workgroup:feedback_resolve", args=[feedback.pk])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, status="declined", note="Esimene põhjus")).status_code == 302
    refused = second.post(url, changed(theirs, status="declined", note="Teine põhjus"))
    feedback.refresh_from_db()
    assert (feedback.status, feedback.resolution_note) == (Feedback.Status.DECLINED, "Esimene põhjus")
    assert_both_versions(refused, "How it was resolved", theirs="Esimene põhjus", yours="Teine põhjus", revision=1)
    assert second.post(url, page_form(refused)).status_code == 302
    feedback.refresh_from_db()
    assert feedback.resolution_note == "Teine põhjus"


def test_a_refused_save_writes_no_audit_event_and_rolls_back_with_a_later_refusal(group, people):
    coordinator = people["koordinaator"]
    meeting = group["meeting"]
    minutes_save(meeting=meeting, minutes="Üks", revision=0, acting_user=coordinator)
    before = AuditEvent.objects.filter(action=Action.UPDATE, object_type="workgroup.meeting").count()
    with pytest.raises(EditConflict) as conflict:
        minutes_save(meeting=meeting, minutes="Kaks", revision=0, acting_user=coordinator)
    assert conflict.value.current.minutes == "Üks"
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_type="workgroup.meeting").count() == before
    # A removal from an old page is refused the same way; the item stays.
    item = group["agenda_item"]
    AgendaItem.objects.filter(pk=item.pk).update(revision=5)
    with pytest.raises(EditConflict):
        agenda_item_delete(item=item, revision=4, acting_user=coordinator)
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    # A seat save refused for its content after the revision step leaves the revision where it was.
    seat = Seat.objects.get(sector="police")
    with pytest.raises(ValidationError):
        seat_save(data={"sector": "police", "size": 0}, acting_user=coordinator, seat=seat, revision=seat.revision)
    seat.refresh_from_db()
    assert seat.revision == 0
