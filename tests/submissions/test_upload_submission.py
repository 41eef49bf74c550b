"""Submitting an uploaded chronology through its preview: the first submission, a resubmission that
updates and removes entries (and names the reviewers' decisions that rested on them), the request
marked received, the coordinator submitting on the agency's behalf, and the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent, Purpose
from chronology.models import ChronologyEntry, Dispute
from inquiries.models import RequestStatus
from submissions.models import Submission, UploadPreview
from tests.chronology.builders import csv_bytes
from tests.submissions.conftest import page_text, row, upload, upload_and_preview

pytestmark = pytest.mark.django_db

FIRST = [
    row(entry_ref="V-1", date="2019-03-04", description="Esimene kodukülastus."),
    row(entry_ref="V-2", date="2019-04", date_precision="month", time="", description="Telefonikõne emaga."),
    row(entry_ref="V-3", date="2019-05-10", description="Võrgustikukohtumine."),
]


def submit_file(client, information_request, data: bytes, filename: str = "kronoloogia.csv"):
    response = upload(client, information_request, data, filename)
    assert response.status_code == 302
    preview_url = response["Location"]
    assert client.get(preview_url).status_code == 200
    return preview_url, client.post(preview_url)


def test_contributor_uploads_previews_and_submits_a_chronology(people, contributor, sent_request):
    preview = upload_and_preview(contributor, sent_request, csv_bytes(FIRST))
    text = page_text(preview)
    assert "This is your organisation's first submission: 3 entries will be added." in text
    assert "04.03.2019 – 10.05.2019" in text  # the period covered
    assert "<td>04.2019</td>" in text and "Telefonikõne emaga." in text
    assert "All 3 entries of the file" in text
    assert not ChronologyEntry.objects.exists()

    response = contributor.post(preview.wsgi_request.path)
    submission = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("submissions:detail", args=[submission.pk])
    assert submission.channel == Submission.Channel.UPLOAD and submission.filename == "kronoloogia.csv"
    assert submission.submitted_by == people["asutus"] and submission.added_count == 3
    with submission.file.open("rb") as handle:
        assert handle.read() == csv_bytes(FIRST)
    assert sorted(ChronologyEntry.objects.values_list("entry_ref", flat=True)) == ["V-1", "V-2", "V-3"]
    assert UploadPreview.objects.get().used_at is not None
    sent_request.refresh_from_db()
    assert sent_request.received_at is not None and sent_request.status() == RequestStatus.RECEIVED
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="submissions.submission")
    assert event.actor == people["asutus"] and event.detail["added"] == 3

    # The used preview is gone; the request page shows the request received and the submission.
    assert contributor.get(preview.wsgi_request.path).status_code == 404
    assert contributor.post(preview.wsgi_request.path).status_code == 404
    page = page_text(contributor.get(reverse("submissions:request", args=[sent_request.pk])))
    assert "Received" in page and "No. 1, File upload (kronoloogia.csv)" in page


def test_resubmission_shows_what_it_updates_and_removes_then_stores_it(people, contributor, sent_request):
    submit_file(contributor, sent_request, csv_bytes(FIRST))
    removed = ChronologyEntry.objects.get(entry_ref="V-3")
    kept = ChronologyEntry.objects.get(entry_ref="V-1")
    dispute = Dispute.objects.create(review=removed.review, note="Kuupäevad ei klapi.", created_by=people["analyytik"])
    dispute.entries.set([removed, kept])

    second = [
        row(entry_ref="V-1", date="2019-03-04", description="Esimene kodukülastus; laps magas."),
        FIRST[1],
        row(entry_ref="V-4", date="2019-06-01", description="Uus kanne."),
    ]
    preview = upload_and_preview(contributor, sent_request, csv_bytes(second), "parandatud.csv")
    text = page_text(preview)
    assert "This submission replaces your organisation's current one as a whole." in text
    assert "<dt>Added</dt><dd>1: V-4</dd>" in text
    assert "<dt>Updated</dt><dd>1: V-1</dd>" in text
    assert "<dt>Unchanged</dt><dd>1</dd>" in text
    assert "<dt>Removed</dt><dd>1: V-3</dd>" in text
    assert "Entries the reviewers marked as contradicting each other (entries V-3)." in text
    assert Submission.objects.count() == 1  # nothing stored by the preview

    response = contributor.post(preview.wsgi_request.path)
    submission = Submission.objects.get(number=2)
    assert response["Location"] == reverse("submissions:detail", args=[submission.pk])
    assert (submission.added_count, submission.updated_count, submission.unchanged_count, submission.removed_count) == (
        1,
        1,
        1,
        1,
    )
    assert submission.removed_refs == ["V-3"]
    assert submission.affected_decisions[0]["kind"] == "dispute"
    removed.refresh_from_db()
    kept.refresh_from_db()
    assert not removed.is_active and kept.is_active and kept.description.endswith("laps magas.")
    assert kept.disputes.filter(pk=dispute.pk).exists()  # the reviewers' decision stays on the updated entry

    detail = page_text(contributor.get(response["Location"]))
    assert "Entries removed by this submission" in detail and "<li>V-3</li>" in detail
    assert "Entries the reviewers marked as contradicting each other (entries V-3)." in detail
    page = page_text(contributor.get(reverse("submissions:request", args=[sent_request.pk])))
    assert "Earlier submissions" in page and "No. 2, File upload (parandatud.csv)" in page


def test_coordinator_submits_a_file_on_the_agencys_behalf(people, login, sent_request):
    coordinator = login(people["koordinaator"])
    _url, response = submit_file(coordinator, sent_request, csv_bytes(FIRST), "e-postiga.csv")
    submission = Submission.objects.get()
    assert response["Location"] == reverse("submissions:detail", args=[submission.pk])
    assert submission.submitted_by == people["koordinaator"]
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="submissions.submission")
    assert event.actor == people["koordinaator"]
    preview_event = AuditEvent.objects.get(action=Action.CREATE, object_type="submissions.uploadpreview")
    assert preview_event.purpose == Purpose.COORDINATION and preview_event.detail["filename"] == "e-postiga.csv"


def test_a_preview_is_its_uploaders_only(people, login, contributor, sent_request):
    response = upload(contributor, sent_request, csv_bytes(FIRST))
    preview_url = response["Location"]
    for persona in ("koordinaator", "analyytik", "meeskonnaliige", "tooruhm"):
        client = login(people[persona])
        assert client.get(preview_url).status_code == 404, persona
        assert client.post(preview_url).status_code == 404, persona
    assert not Submission.objects.exists()


def test_reviewers_read_submissions_but_cannot_upload(people, login, contributor, sent_request):
    submit_file(contributor, sent_request, csv_bytes(FIRST))
    submission = Submission.objects.get()
    lead = login(people["analyytik"])
    assert lead.get(reverse("submissions:request", args=[sent_request.pk])).status_code == 200
    assert lead.get(reverse("submissions:detail", args=[submission.pk])).status_code == 200
    assert lead.get(reverse("submissions:upload", args=[sent_request.pk])).status_code == 403
    assert upload(lead, sent_request, csv_bytes(FIRST)).status_code == 403
    assert not UploadPreview.objects.filter(created_by=people["analyytik"]).exists()
    page = page_text(lead.get(reverse("submissions:request", args=[sent_request.pk])))
    assert "Upload a chronology file" not in page


def test_the_request_page_writes_one_list_event_and_the_download_one_export_event(people, contributor, sent_request):
    submit_file(contributor, sent_request, csv_bytes(FIRST))
    submission = Submission.objects.get()
    before = AuditEvent.objects.count()
    contributor.get(reverse("submissions:request", args=[sent_request.pk]))
    events = list(AuditEvent.objects.filter(sequence__gt=before))
    assert len(events) == 1
    assert events[0].action == Action.LIST and events[0].object_ids == [str(submission.pk)]
    assert events[0].purpose == Purpose.INFORMATION_REQUEST and events[0].detail == {"request": sent_request.pk}

    before = AuditEvent.objects.count()
    response = contributor.get(reverse("submissions:download", args=[submission.pk]))
    assert response.status_code == 200 and response.content == csv_bytes(FIRST)
    assert 'filename="kronoloogia.csv"' in response["Content-Disposition"]
    events = list(AuditEvent.objects.filter(sequence__gt=before))
    assert [(event.action, event.object_id) for event in events] == [(Action.EXPORT, str(submission.pk))]


def test_the_preview_shows_the_first_200_entries(contributor, sent_request):
    rows = [row(entry_ref=f"V-{number:03d}", time="") for number in range(1, 251)]
    text = page_text(upload_and_preview(contributor, sent_request, csv_bytes(rows)))
    assert "The first 200 of 250 entries" in text
    assert "<td>V-200</td>" in text and "<td>V-201</td>" not in text
    assert "250 entries will be added" in text


def test_the_agency_is_told_a_decision_rested_on_a_removed_entry_without_the_reviews_analysis(
    people, login, contributor, sent_request
):
    from analysis.models import KeyPracticeEpisode

    submit_file(contributor, sent_request, csv_bytes(FIRST))
    episode = KeyPracticeEpisode.objects.create(
        review=sent_request.involvement.review, title="Lapse häält ei kuuldud", created_by=people["analyytik"]
    )
    episode.entries.set([ChronologyEntry.objects.get(entry_ref="V-3")])
    _url, response = submit_file(contributor, sent_request, csv_bytes(FIRST[:2]))
    agency_view = page_text(contributor.get(response["Location"]))
    assert "A key practice episode of the review (entries V-3)." in agency_view
    assert "Lapse häält ei kuuldud" not in agency_view
    lead_view = page_text(login(people["analyytik"]).get(response["Location"]))
    assert "The key practice episode “Lapse häält ei kuuldud” (entries V-3)." in lead_view
