"""Limits inside the application: bodies larger than the application takes are refused before they are
read whole, with a page that says so (a form) or the page's own message (a file upload)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from chronology.exchange import MAX_FILE_BYTES
from core.dates import today
from method.models import MethodVersion
from method.services import method_draft_create
from submissions.models import UploadPreview
from tests.file_samples import SAMPLES
from tests.inquiries.conftest import inquiries  # noqa: F401 - the demo review's information requests
from tests.workgroup.conftest import group  # noqa: F401 - the demo working group
from workgroup.meeting_services import meeting_save
from workgroup.models import MAX_MATERIAL_BYTES, Material
from workgroup.schedule import plan_year

BOUNDARY = "----tagasivaade-limit-test"
MB = 1024 * 1024


class HugeBody(io.RawIOBase):
    """A request body that is made up as it is read and counts how much of it was read."""

    def __init__(self, head: bytes, filler: int, tail: bytes):
        self.parts = [(head, len(head)), (None, filler), (tail, len(tail))]
        self.length = sum(size for _data, size in self.parts)
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        offset, written = self.position, 0
        for data, size in self.parts:
            if offset >= size:
                offset -= size
                continue
            count = min(size - offset, len(buffer) - written)
            buffer[written : written + count] = data[offset : offset + count] if data is not None else b"x" * count
            written += count
            offset = 0
            if written == len(buffer):
                break
        self.position += written
        return written


def multipart(fields: dict[str, str], file_field: str, file_name: str, file_size: int, head: bytes = b""):
    """A multipart body with `fields` first and then one file of `file_size` bytes (`head` and filler)."""
    lines = []
    for name, value in fields.items():
        lines += [f"--{BOUNDARY}", f'Content-Disposition: form-data; name="{name}"', "", value]
    lines += [
        f"--{BOUNDARY}",
        f'Content-Disposition: form-data; name="{file_field}"; filename="{file_name}"',
        "Content-Type: application/pdf",
        "",
        "",
    ]
    start = "\r\n".join(lines).encode() + head
    end = f"\r\n--{BOUNDARY}--\r\n".encode()
    return HugeBody(start, file_size - len(head), end)


def post_body(client: Client, url: str, body: HugeBody, content_type: str):
    return client.generic(
        "POST",
        url,
        b"",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.length), "CONTENT_TYPE": content_type},
    )


def csrf_client(login, user, page: str) -> tuple[Client, str]:
    """A signed-in client that checks CSRF as a browser meets it, and the token of `page`'s form."""
    client = login(user)
    client.handler.enforce_csrf_checks = True
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(page)
    assert response.status_code == 200
    return client, str(response.context["csrf_token"])


@pytest.fixture
def meeting(group, people):  # noqa: F811
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


def stored_materials(meeting) -> list[str]:
    folder = f"workgroup/materials/{meeting.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def test_the_upload_limit_is_the_largest_file_a_page_takes():
    assert settings.MAX_UPLOAD_BYTES == max(MAX_MATERIAL_BYTES, MAX_FILE_BYTES) == 25 * MB
    assert settings.FILE_UPLOAD_HANDLERS[0] == "core.uploads.UploadLimitHandler"


def test_a_form_over_the_form_limit_is_refused_unread_with_a_page_that_says_so(people, login):
    editor = people["metoodik"]
    draft = method_draft_create(acting_user=editor)
    url = reverse("method:edit_section", kwargs={"number": draft.number, "section": "outcomes"})
    client, token = csrf_client(login, editor, url)
    text = f"csrfmiddlewaretoken={token}&revision=1&text=".encode()
    body = HugeBody(text, settings.DATA_UPLOAD_MAX_MEMORY_SIZE, b"")

    response = post_body(client, url, body, "application/x-www-form-urlencoded")

    assert response.status_code == 413
    page = response.content.decode()
    assert "<h1>Too much was sent</h1>" in page
    assert "The form sent 2.5 MB, more than the 2.5 MB a form may send. Nothing was saved." in page
    assert f'href="{url}"' in page
    assert body.position == 0  # not a byte of it was read
    stored = MethodVersion.objects.get(pk=draft.pk)
    assert stored.revision == 1 and stored.content == MethodVersion.objects.get(number=1).content


def test_a_material_declared_larger_than_any_upload_is_stopped_at_the_file_with_the_pages_message(
    meeting, people, login
):
    url = reverse("workgroup:material_upload", args=[meeting.pk])
    client, token = csrf_client(login, people["koordinaator"], url)
    body = multipart(
        {"csrfmiddlewaretoken": token, "title": "Aastaaruanne", "description": ""},
        "file",
        "aruanne.pdf",
        200 * MB,
        head=SAMPLES["pdf"],
    )

    response = post_body(client, url, body, f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is larger than 25 MB."]
    assert "There is a problem" in response.content.decode()
    assert body.position < MB  # stopped where the file began
    assert not Material.objects.filter(meeting=meeting).exists()
    assert stored_materials(meeting) == []


def test_a_file_that_passes_the_upload_limit_is_stopped_while_it_streams(meeting, people, login):
    url = reverse("workgroup:material_upload", args=[meeting.pk])
    client, token = csrf_client(login, people["koordinaator"], url)
    size = settings.MAX_UPLOAD_BYTES + MB  # the declared body is within the limit for files and fields
    body = multipart({"csrfmiddlewaretoken": token, "title": "Aruanne"}, "file", "aruanne.pdf", size, SAMPLES["pdf"])

    response = post_body(client, url, body, f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is larger than 25 MB."]
    assert settings.MAX_UPLOAD_BYTES < body.position < settings.MAX_UPLOAD_BYTES + MB
    assert not Material.objects.filter(meeting=meeting).exists()
    assert stored_materials(meeting) == []


def test_a_material_larger_than_a_forms_fields_but_within_the_upload_limit_is_taken(meeting, people, login):
    url = reverse("workgroup:material_upload", args=[meeting.pk])
    client, token = csrf_client(login, people["koordinaator"], url)
    size = 3 * MB
    body = multipart({"csrfmiddlewaretoken": token, "title": "Aruanne"}, "file", "aruanne.pdf", size, SAMPLES["pdf"])

    response = post_body(client, url, body, f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 302
    material = Material.objects.get(meeting=meeting)
    assert material.file.size == size
    assert body.position == body.length


def test_an_oversized_chronology_file_is_stopped_with_the_upload_pages_message(people, login, inquiries):  # noqa: F811
    information_request = inquiries["sent_request"]
    url = reverse("submissions:upload", kwargs={"pk": information_request.pk})
    client, token = csrf_client(login, people["asutus"], url)
    body = multipart({"csrfmiddlewaretoken": token}, "file", "kronoloogia.csv", 40 * MB)

    response = post_body(client, url, body, f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 200
    (message,) = response.context["form"].errors["file"]
    assert message.startswith("The file is 40.0 MB; at most 10 MB is accepted.")
    assert body.position < MB
    assert not UploadPreview.objects.filter(request=information_request).exists()


def test_form_fields_over_the_limit_in_a_multipart_body_are_refused_with_the_page(meeting, people, login):
    url = reverse("workgroup:material_upload", args=[meeting.pk])
    client, token = csrf_client(login, people["koordinaator"], url)
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="description"\r\n\r\n'
    ).encode()
    body = HugeBody(head, 3 * MB, f"\r\n--{BOUNDARY}--\r\n".encode())

    response = post_body(client, url, body, f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 413
    assert "Too much was sent" in response.content.decode()
    assert body.position < 3 * MB
    assert not Material.objects.filter(meeting=meeting).exists()
