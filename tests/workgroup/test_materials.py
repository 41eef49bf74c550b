"""Materials: uploaded through the storage API, sent to the members a set number of working days before
the meeting by the scheduled producer (once), seen as sent by members, and pseudonymised."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.demo import personal_code
from audit.models import Action, AuditEvent, Purpose
from core.dates import today
from core.scheduler import run_due
from workgroup import due
from workgroup.meeting_services import material_upload, meeting_cancel, meeting_save
from workgroup.models import Material, Meeting
from workgroup.schedule import plan_year

TALLINN = ZoneInfo("Europe/Tallinn")


def at(day: str, time: str = "08:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=TALLINN)


def meeting_on(day: dt.date, people) -> Meeting:
    return meeting_save(
        data={
            "date": day,
            "start_time": dt.time(11),
            "end_time": dt.time(13),
            "place": "Sotsiaalkindlustusamet, Paldiski mnt 80, Tallinn",
            "materials_working_days": 5,
        },
        acting_user=people["koordinaator"],
    )


@pytest.fixture
def meeting(group, people):
    """A meeting two months ahead, on the rule's date (the demo members hold their seats then)."""
    month = today() + relativedelta(months=2)
    day = next(p.proposed_date for p in plan_year(month.year) if p.rule_date.month == month.month)
    return meeting_on(day, people)


def due_day(meeting: Meeting, plus: int = 0) -> str:
    """The day the materials are due (plus `plus` calendar days), ISO."""
    return (meeting.materials_due_on + dt.timedelta(days=plus)).isoformat()


@pytest.fixture
def material(meeting, people):
    return material_upload(
        meeting=meeting,
        data={
            "title": "Juhtumi TV-DEMO-0001-R1 kokkuvõte",
            "description": "Pseudonüümitud.",
            "file": SimpleUploadedFile("kokkuvote.txt", "Kokkuvõte\n".encode(), content_type="text/plain"),
        },
        acting_user=people["koordinaator"],
    )


def test_materials_are_due_the_set_number_of_working_days_before_the_meeting(people):
    assert meeting_on(dt.date(2026, 1, 28), people).materials_due_on == dt.date(2026, 1, 21)
    # Midsummer: 25 June 2026 less five working days skips 23–24 June and a weekend.
    assert meeting_on(dt.date(2026, 6, 25), people).materials_due_on == dt.date(2026, 6, 16)


def test_nothing_is_queued_before_the_materials_are_due(material, meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert due.enqueue_materials(now=at(due_day(meeting, -1), "23:59")) == 0
    material.refresh_from_db()
    assert material.enqueued_at is None and material.sent_at is None
    assert mail.outbox == []


def test_the_producer_sends_the_materials_once_to_every_member(material, meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert due.enqueue_materials(now=at(due_day(meeting))) == 1
    material.refresh_from_db()
    assert material.sent_at is not None
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert "tooruhm@demo.example" in recipients
    assert "tiina.tervis@perearst.example" in recipients
    message = next(m for m in mail.outbox if m.to == ["tooruhm@demo.example"])
    assert message.attachments[0][0] == "kokkuvote.txt"
    assert message.attachments[0][1] in ("Kokkuvõte\n", "Kokkuvõte\n".encode())
    sent = len(mail.outbox)
    # Run again a minute later, and once more the next day: nothing more is queued or sent.
    with django_capture_on_commit_callbacks(execute=True):
        assert due.enqueue_materials(now=at(due_day(meeting), "08:01")) == 0
        assert due.enqueue_materials(now=at(due_day(meeting, 1))) == 0
    assert len(mail.outbox) == sent
    event = AuditEvent.objects.filter(action=Action.SEND, object_type="workgroup.material").get()
    assert event.object_ids == [str(material.pk)]
    assert event.purpose == Purpose.WORKING_GROUP


def test_a_material_added_after_the_first_sending_goes_out_on_the_next_run(
    material, meeting, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        due.enqueue_materials(now=at(due_day(meeting)))
    first = len(mail.outbox)
    late = material_upload(
        meeting=meeting,
        data={"title": "Lisa", "file": SimpleUploadedFile("lisa.pdf", b"%PDF-1.4", content_type="application/pdf")},
        acting_user=people["koordinaator"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert due.enqueue_materials(now=at(due_day(meeting, 2))) == 1
    late.refresh_from_db()
    assert late.sent_at is not None
    assert len(mail.outbox) > first
    assert all(name == "lisa.pdf" for message in mail.outbox[first:] for name, *_rest in message.attachments)


def test_a_queued_material_that_a_worker_lost_is_queued_again_after_an_hour(material, meeting):
    Material.objects.filter(pk=material.pk).update(enqueued_at=at(due_day(meeting)))
    assert due.meetings_due(at(due_day(meeting), "08:30")) == []
    assert [m.pk for m in due.meetings_due(at(due_day(meeting), "09:01"))] == [material.meeting_id]


def test_the_materials_of_a_cancelled_or_past_meeting_are_not_sent(material, meeting, people):
    assert [m.pk for m in due.meetings_due(at(due_day(meeting)))] == [meeting.pk]
    assert due.meetings_due(at(meeting.local_date.isoformat(), "13:00")) == []
    meeting_cancel(meeting=meeting, revision=meeting.revision, acting_user=people["koordinaator"])
    assert due.meetings_due(at(due_day(meeting))) == []


def test_run_due_calls_the_working_group_producer(settings, material):
    assert "workgroup.due.enqueue_materials" in settings.DUE_WORK_PRODUCERS
    runs = run_due(["workgroup.due.enqueue_materials"])
    assert [run.producer for run in runs] == ["workgroup.due.enqueue_materials"]
    assert not runs[0].failed


def test_a_member_sees_whether_and_when_the_materials_were_sent(
    material, meeting, people, login, django_capture_on_commit_callbacks
):
    page = login(people["tooruhm"]).get(reverse("workgroup:meeting_detail", args=[meeting.pk]))
    assert f"Not sent yet – going out on {meeting.materials_due_on:%d.%m.%Y}" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        due.enqueue_materials(now=at(due_day(meeting)))
    material.refresh_from_db()
    page = login(people["tooruhm"]).get(reverse("workgroup:meeting_detail", args=[meeting.pk]))
    assert f"Sent to the members {material.sent_at.astimezone(TALLINN):%d.%m.%Y %H:%M}" in page.content.decode()


def test_the_coordinator_uploads_a_material_through_the_storage_api(meeting, people, login):
    response = login(people["koordinaator"]).post(
        reverse("workgroup:material_upload", args=[meeting.pk]),
        {"title": "Päevakord", "description": "", "file": SimpleUploadedFile("paevakord.txt", b"1. Avamine")},
    )
    assert response.status_code == 302
    material = Material.objects.get(meeting=meeting, title="Päevakord")
    assert default_storage.exists(material.file.name)
    assert material.file.name.startswith(f"workgroup/materials/{meeting.pk}/")
    assert "paevakord" not in material.file.name  # stored under a random name
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="workgroup.material").exists()


def test_a_member_downloads_a_material_and_the_download_is_audited(material, people, login):
    response = login(people["tooruhm"]).get(reverse("workgroup:material_download", args=[material.pk]))
    assert response.status_code == 200
    assert response.content == "Kokkuvõte\n".encode()
    assert 'filename="kokkuvote.txt"' in response["Content-Disposition"]
    event = AuditEvent.objects.filter(actor=people["tooruhm"], action=Action.EXPORT).get()
    assert event.object_id == str(material.pk)


@pytest.mark.parametrize("field", ["title", "description"])
def test_a_material_naming_a_personal_code_is_refused_and_nothing_is_stored(meeting, people, login, field):
    code = personal_code(5, "130614", 27)  # a child's code, valid check digit
    data = {"title": "Kokkuvõte", "description": "", "file": SimpleUploadedFile("k.txt", b"x")}
    data[field] = f"Laps {code} kokkuvõte"
    response = login(people["koordinaator"]).post(reverse("workgroup:material_upload", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert "Remove the personal identification code" in response.content.decode()
    assert not Material.objects.filter(meeting=meeting).exists()
    folder = f"workgroup/materials/{meeting.pk}"
    assert not default_storage.exists(folder) or default_storage.listdir(folder)[1] == []


def test_eleven_digits_that_are_not_a_personal_code_are_allowed(meeting, people):
    material = material_upload(
        meeting=meeting,
        data={"title": "Registrikood 12345678901", "file": SimpleUploadedFile("a.txt", b"x")},
        acting_user=people["koordinaator"],
    )
    assert material.pk


def test_a_file_of_an_unknown_type_is_refused(meeting, people, login):
    response = login(people["koordinaator"]).post(
        reverse("workgroup:material_upload", args=[meeting.pk]),
        {"title": "Skript", "file": SimpleUploadedFile("run.exe", b"MZ")},
    )
    assert response.status_code == 200
    assert "Files of this type cannot be uploaded" in response.content.decode()
    assert not Material.objects.filter(meeting=meeting).exists()


def test_a_member_cannot_upload_materials(meeting, people, login):
    response = login(people["tooruhm"]).post(
        reverse("workgroup:material_upload", args=[meeting.pk]),
        {"title": "x", "file": SimpleUploadedFile("a.txt", b"x")},
    )
    assert response.status_code == 403
    assert not Material.objects.filter(meeting=meeting).exists()
