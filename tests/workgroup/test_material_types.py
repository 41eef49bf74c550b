"""Materials are served as what they are: the type comes from the allowed extension checked against the
content, never from the uploader's browser; downloads are attachments the browser does not sniff."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.dates import today
from tests.file_samples import SAMPLES, SCRIPT
from workgroup import mail as workgroup_mail
from workgroup.meeting_services import meeting_members, meeting_save
from workgroup.models import MATERIAL_EXTENSIONS, Material, Meeting
from workgroup.schedule import plan_year

PDF_TYPE = "application/pdf"


@pytest.fixture
def meeting(group, people) -> Meeting:
    month = today() + relativedelta(months=2)
    day = next(p.proposed_date for p in plan_year(month.year) if p.rule_date.month == month.month)
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
def coordinator(people, login):
    return login(people["koordinaator"])


@pytest.fixture
def member(people, login):
    return login(people["tooruhm"])


def upload(client, meeting, name: str, data: bytes, browser_type: str):
    return client.post(
        reverse("workgroup:material_upload", args=[meeting.pk]),
        {"title": "Kokkuvõte", "description": "", "file": SimpleUploadedFile(name, data, content_type=browser_type)},
    )


def assert_served_safely(response, content_type: str, name: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'filename="{name}"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def stored_files(meeting) -> list[str]:
    folder = f"workgroup/materials/{meeting.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def test_a_pdf_sent_as_javascript_is_served_as_a_pdf(meeting, coordinator, member):
    assert upload(coordinator, meeting, "notes.pdf", SAMPLES["pdf"], "application/javascript").status_code == 302
    material = Material.objects.get(meeting=meeting)
    assert material.content_type == PDF_TYPE
    response = member.get(reverse("workgroup:material_download", args=[material.pk]))
    assert_served_safely(response, PDF_TYPE, "notes.pdf")
    assert response.content == SAMPLES["pdf"]


def test_a_script_named_notes_pdf_is_refused_at_upload_and_nothing_is_stored(meeting, coordinator):
    response = upload(coordinator, meeting, "notes.pdf", SCRIPT, "application/pdf")
    assert response.status_code == 200
    assert "The content of notes.pdf is not a .pdf file" in response.context["form"].errors["file"][0]
    assert "There is a problem" in response.content.decode()
    assert not Material.objects.filter(meeting=meeting).exists()
    assert stored_files(meeting) == []


@pytest.mark.parametrize("extension", MATERIAL_EXTENSIONS)
def test_every_allowed_type_is_taken_and_served_as_its_extension_says(meeting, coordinator, member, extension):
    from core.files import KINDS

    name = f"materjal.{extension}"
    assert upload(coordinator, meeting, name, SAMPLES[extension], "text/html").status_code == 302
    material = Material.objects.get(meeting=meeting)
    response = member.get(reverse("workgroup:material_download", args=[material.pk]))
    assert_served_safely(response, KINDS[extension].content_type, name)


@pytest.mark.parametrize("extension", [e for e in MATERIAL_EXTENSIONS if e not in ("txt",)])
def test_content_of_another_type_under_an_allowed_extension_is_refused(meeting, coordinator, extension):
    other = SAMPLES["png"] if extension != "png" else SAMPLES["pdf"]
    response = upload(coordinator, meeting, f"materjal.{extension}", other, "application/octet-stream")
    assert response.status_code == 200
    assert f"is not a .{extension} file" in response.context["form"].errors["file"][0]
    assert not Material.objects.filter(meeting=meeting).exists()
    assert stored_files(meeting) == []


def test_a_binary_file_named_txt_is_refused(meeting, coordinator):
    response = upload(coordinator, meeting, "kokkuvote.txt", SAMPLES["doc"], "text/plain")
    assert "is not a .txt file" in response.context["form"].errors["file"][0]
    assert not Material.objects.filter(meeting=meeting).exists()


def stored_material(meeting, people, name: str, data: bytes, stored_type: str) -> Material:
    """A material kept before the content check, with the type the uploader's browser sent."""
    material = Material(
        meeting=meeting, title="Vana", original_name=name, content_type=stored_type, uploaded_by=people["koordinaator"]
    )
    material.file.save(name, ContentFile(data), save=False)
    material.save()
    return material


def test_a_stored_material_whose_stored_type_lied_is_served_as_its_content_is(meeting, people, member):
    material = stored_material(meeting, people, "notes.pdf", SAMPLES["pdf"], "application/javascript")
    assert_served_safely(member.get(reverse("workgroup:material_download", args=[material.pk])), PDF_TYPE, "notes.pdf")


def test_a_stored_script_named_pdf_is_served_as_an_opaque_download(meeting, people, member):
    material = stored_material(meeting, people, "notes.pdf", SCRIPT, "text/html")
    response = member.get(reverse("workgroup:material_download", args=[material.pk]))
    assert_served_safely(response, "application/octet-stream", "notes.pdf")


def test_a_stored_html_file_is_not_served_as_html(meeting, people, member):
    material = stored_material(meeting, people, "leht.html", SCRIPT, "text/html")
    response = member.get(reverse("workgroup:material_download", args=[material.pk]))
    assert_served_safely(response, "application/octet-stream", "leht.html")


def test_materials_are_mailed_with_the_verified_type(meeting, people, django_capture_on_commit_callbacks):
    good = stored_material(meeting, people, "notes.pdf", SAMPLES["pdf"], "application/javascript")
    bad = stored_material(meeting, people, "kava.pdf", SCRIPT, "text/html")
    members = [m for m in meeting_members(meeting) if m.email][:1]
    with django_capture_on_commit_callbacks(execute=True):
        workgroup_mail.queue_materials(meeting, [good, bad], members)
    (message,) = mail.outbox
    assert [(name, mimetype) for name, _data, mimetype in message.attachments] == [
        ("notes.pdf", PDF_TYPE),
        ("kava.pdf", "application/octet-stream"),
    ]
