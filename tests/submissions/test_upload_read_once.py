"""An upload is read and checked once, at upload, outside any transaction (issue 10 points 1 and 2):
the preview and the confirmation use what was kept; what changed in between is handled; a slow check
never locks out another user reading pages; a hostile workbook is refused on the page."""

from __future__ import annotations

import threading

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse

from chronology.models import ChronologyEntry
from inquiries.models import Involvement
from submissions import checking
from submissions.models import Submission, UploadPreview
from tests.chronology.builders import csv_bytes
from tests.file_database import file_database  # noqa: F401 - fixture
from tests.submissions.conftest import page_text, row, upload

FIRST = [row(entry_ref="V-1"), row(entry_ref="V-2", date="2019-04-05")]


def refuse_reading(monkeypatch):
    def read_again(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(checking, "read_chronology", read_again)


@pytest.mark.django_db
def test_the_preview_and_the_confirmation_do_not_read_the_file_again(
    contributor, sent_request, monkeypatch, django_capture_on_commit_callbacks
):
    response = upload(contributor, sent_request, csv_bytes(FIRST))
    refuse_reading(monkeypatch)
    preview = contributor.get(response["Location"])
    assert "Check the chronology before submitting it" in page_text(preview)
    assert contributor.get(response["Location"]).status_code == 200
    kept = UploadPreview.objects.get().result.name
    assert default_storage.exists(kept)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = contributor.post(response["Location"], {"based_on": "0"})
    assert submitted.status_code == 302
    assert sorted(ChronologyEntry.objects.values_list("entry_ref", flat=True)) == ["V-1", "V-2"]
    assert not default_storage.exists(kept)  # the kept result goes with the used preview


@pytest.mark.django_db
def test_an_invalid_file_is_not_kept_only_its_problems(contributor, sent_request, monkeypatch):
    response = upload(contributor, sent_request, csv_bytes([row(event_type="phone_call")]))
    refuse_reading(monkeypatch)
    assert "“phone_call” is not an event type" in page_text(contributor.get(response["Location"]))
    preview = UploadPreview.objects.get()
    assert not preview.file and not preview.valid
    again = contributor.post(response["Location"])
    assert "“phone_call” is not an event type" in page_text(again)
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_a_file_checked_against_organisations_that_changed_must_be_uploaded_again(contributor, sent_request):
    response = upload(contributor, sent_request, csv_bytes(FIRST))
    other = Involvement.objects.filter(review=sent_request.involvement.review).exclude(pk=sent_request.involvement.pk)
    other.filter(pk=other.first().pk).update(code="UUS-01")
    text = page_text(contributor.get(response["Location"]))
    assert "The review's organisations or its method changed after this file was uploaded" in text
    assert "Submit this chronology" not in text
    contributor.post(response["Location"], {"based_on": "0"})
    assert not Submission.objects.exists() and not ChronologyEntry.objects.exists()


@pytest.mark.django_db
def test_a_newer_submission_stored_meanwhile_is_not_overwritten_unseen(contributor, sent_request):
    first_url = upload(contributor, sent_request, csv_bytes(FIRST))["Location"]
    assert 'name="based_on" value="0"' in page_text(contributor.get(first_url))
    # Meanwhile another file of the same request is submitted.
    other_url = upload(contributor, sent_request, csv_bytes([row(entry_ref="M-1")]))["Location"]
    assert contributor.post(other_url, {"based_on": "0"}).status_code == 302
    refused = contributor.post(first_url, {"based_on": "0"}, follow=True)
    assert "Another submission of this chronology was stored after you opened this page" in page_text(refused)
    assert Submission.objects.count() == 1
    assert 'name="based_on" value="1"' in page_text(refused)  # the page now shows the changes against it
    assert "<dt>Removed</dt><dd>1: M-1</dd>" in page_text(refused)
    assert contributor.post(first_url, {"based_on": "1"}).status_code == 302
    assert Submission.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_slow_check_does_not_lock_out_a_user_reading_pages(
    file_database,  # noqa: F811
    people,
    login,
    contributor,
    sent_request,
    monkeypatch,
):
    """The check waits until the coordinator has read pages (each read writes its audit event): were the
    check holding a lock, those reads would fail with "database is locked" (SQLite, after a second) or
    wait (PostgreSQL), and the check's wait would run out."""
    coordinator = login(people["koordinaator"])
    started, read = threading.Event(), threading.Event()
    real = checking.read_chronology

    def slow_check(*args, **kwargs):
        started.set()
        if not read.wait(60):
            raise AssertionError("the other user's page reads did not get through")
        return real(*args, **kwargs)

    monkeypatch.setattr(checking, "read_chronology", slow_check)
    answers = {}

    def upload_in_background():
        try:
            answers["upload"] = upload(contributor, sent_request, csv_bytes(FIRST))
        finally:
            connection.close()

    uploader = threading.Thread(target=upload_in_background)
    uploader.start()
    try:
        assert started.wait(60)
        page = reverse("submissions:request", args=[sent_request.pk])  # each read writes an audit event
        statuses = [coordinator.get(page).status_code for _ in range(6)]
    finally:
        read.set()
        uploader.join(120)
    assert statuses == [200] * 6
    assert answers["upload"].status_code == 302
    preview = UploadPreview.objects.get()
    assert preview.valid and preview.entry_count == 2
