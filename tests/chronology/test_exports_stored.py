"""Exports of a review's stored chronology: the XLSX download (exchange format first, provenance, merges
and disputes second), the PDF made in the background and fetched from its own page, each export and
download audited, and nobody outside the review reaching any of it."""

from __future__ import annotations

import io
import subprocess

import openpyxl
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from chronology import exporting
from chronology.exchange import KEYS, Vocabularies, read_chronology
from chronology.export import INTERNAL_USE_MARKING, PROVENANCE_SHEET
from chronology.models import ChronologyEntry, ChronologyExport, Dispute, DuplicateLink
from chronology.tasks import make_chronology_export
from inquiries.models import Involvement

from .exports_support import DEMO_AGENCIES, demo_chronology, other_review

READERS = ["koordinaator", "analyytik", "meeskonnaliige"]
OUTSIDERS = ["asutus", "tooruhm", "metoodik", "juhtkond"]


@pytest.fixture
def review(people, demo_case):
    demo_chronology(people, demo_case["review"])
    return demo_case["review"]


def active_entries(review):
    return list(ChronologyEntry.objects.filter(review=review).integrated())


def entry(review, entry_ref):
    return ChronologyEntry.objects.get(review=review, entry_ref=entry_ref)


def merge(review, first_ref, second_ref, user):
    """A confirmed duplicate, as the integrated chronology's reviewers record it."""
    first, second = entry(review, first_ref), entry(review, second_ref)
    link, _created = DuplicateLink.objects.get_or_create(review=review, first=first, second=second)
    link.status = DuplicateLink.Status.CONFIRMED
    link.note = "Sama ühine kodukülastus"
    link.decided_by = user
    link.decided_at = timezone.now()
    link.save()
    second.merged_into = first
    second.save(update_fields=["merged_into"])
    return link


def dispute(review, refs, user, note="=Kuupäevad ei klapi"):
    row = Dispute.objects.create(review=review, note=note, created_by=user)
    row.entries.set([entry(review, ref) for ref in refs])
    return row


def vocabularies(review):
    codes = Involvement.objects.filter(review=review).values_list("code", flat=True)
    return Vocabularies.from_method(review.method_version.data, organisations=list(codes))


def xlsx_url(review):
    return reverse("chronology:export_xlsx", kwargs={"pk": review.pk})


def sheet_rows(workbook, index):
    return [[cell.value for cell in row] for row in workbook.worksheets[index].iter_rows()]


# --- XLSX -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", READERS)
def test_a_reader_downloads_the_xlsx_as_an_attachment_and_the_export_is_audited(people, login, review, username):
    user = people[username]
    response = login(user).get(xlsx_url(review))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    today = timezone.localdate().strftime("%Y-%m-%d")
    assert response["Content-Disposition"] == f'attachment; filename="chronology-{review.reference}-{today}.xlsx"'
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(actor=user, action=Action.EXPORT)
    assert event.review_id == review.pk
    assert event.object_type == "chronology.chronologyentry"
    assert event.detail == {"format": "xlsx", "entries": 21}
    assert sorted(event.object_ids) == sorted(str(row.pk) for row in active_entries(review))


def test_the_first_sheet_is_accepted_as_it_is_by_the_offline_checker(people, login, review):
    merge(review, "VALD-006", "POL-001", people["analyytik"])
    response = login(people["analyytik"]).get(xlsx_url(review))
    result = read_chronology(response.content, vocabularies=vocabularies(review), filename="export.xlsx")
    assert result.ok, [str(problem) for problem in result.errors]
    stored = {(row.organisation, row.entry_ref): row for row in active_entries(review)}
    # Every active entry, the merged one included, and nothing else.
    assert len(result.entries) == len(stored) == 21
    for read in result.entries:
        row = stored[(read.organisation, read.entry_ref)]
        assert read.description == row.description
        assert read.date == row.uncertain_date
        assert read.event_type == row.event_type
        assert read.key_event == row.key_event
        assert list(read.shared_with) == row.shared_with


def test_formula_like_cells_are_made_harmless(people, login, review):
    row = entry(review, "KOOL-001")
    row.description = '=HYPERLINK("http://example.invalid","vaata")'
    row.practitioner_role = "@klassijuhataja"
    row.save(update_fields=["description", "practitioner_role"])
    response = login(people["analyytik"]).get(xlsx_url(review))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = sheet_rows(workbook, 0)
    assert rows[0] == list(KEYS)
    values = next(dict(zip(KEYS, cells, strict=True)) for cells in rows[1:] if cells[0] == "KOOL-001")
    assert values["description"] == '\'=HYPERLINK("http://example.invalid","vaata")'
    assert values["practitioner_role"] == "'@klassijuhataja"
    for cells in rows:
        for value in cells:
            assert not (isinstance(value, str) and value[:1] in "=+-@"), value
    # ... and they read back as the agency wrote them.
    result = read_chronology(response.content, vocabularies=vocabularies(review), filename="export.xlsx")
    read = next(read for read in result.entries if read.entry_ref == "KOOL-001")
    assert read.description == '=HYPERLINK("http://example.invalid","vaata")'


def test_the_second_sheet_has_provenance_merges_and_disputes(people, login, review):
    user = people["analyytik"]
    merge(review, "VALD-006", "POL-001", user)
    dispute(review, ["HAIGLA-003", "PERE-003"], user)
    response = login(user).get(xlsx_url(review))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[1] == PROVENANCE_SHEET
    rows = sheet_rows(workbook, 1)
    assert rows[0][0] == INTERNAL_USE_MARKING
    header_index = next(index for index, cells in enumerate(rows) if cells[0] == "Sheet row")
    header = rows[header_index]
    for column in ("Organisation name", "Agency's entry_ref", "Merged sources", "Submission or file"):
        assert column in header
    by_ref = {cells[1]: dict(zip(header, cells, strict=False)) for cells in rows[header_index + 1 : header_index + 22]}
    assert set(by_ref) == {row.entry_ref for row in active_entries(review)}
    vald = Involvement.objects.select_related("organisation").get(review=review, code="VALD-LK")
    assert by_ref["VALD-006"]["Organisation name"] == vald.organisation.name
    assert by_ref["VALD-006"]["Source document"] == entry(review, "VALD-006").source_document
    assert by_ref["VALD-006"]["Submission or file"].startswith("Submission 1, received ")
    assert by_ref["POL-001"]["Merged sources"] == "merged into VALD-LK / VALD-006"
    assert by_ref["VALD-006"]["Merged sources"] == "other sources: POLITSEI-01 / POL-001"
    assert by_ref["POL-001"]["Merges and disputes"] == "merge 1"
    assert by_ref["PERE-003"]["Merges and disputes"] == "dispute 1"
    flat = [cells for cells in rows[header_index + 22 :] if any(cells)]
    text = "\n".join(" | ".join(str(value) for value in cells if value is not None) for cells in flat)
    assert "Merged entries" in text and "VALD-LK / VALD-006; POLITSEI-01 / POL-001" in text
    assert "Sama ühine kodukülastus" in text and str(user) in text
    assert "Disputed entries" in text and "HAIGLA-01 / HAIGLA-003; PERE-01 / PERE-003" in text
    # The dispute's note starts with "=": written as text, never as a formula.
    assert "'=Kuupäevad ei klapi" in text


def test_entry_refs_two_agencies_share_are_qualified_so_the_sheet_stays_valid(people, login, review):
    row = entry(review, "POL-001")
    row.entry_ref = "VALD-001"  # the police used the same reference as the municipality
    row.save(update_fields=["entry_ref"])
    response = login(people["analyytik"]).get(xlsx_url(review))
    result = read_chronology(response.content, vocabularies=vocabularies(review), filename="export.xlsx")
    assert result.ok, [str(problem) for problem in result.errors]
    refs = {read.entry_ref for read in result.entries}
    assert {"VALD-LK/VALD-001", "POLITSEI-01/VALD-001"} <= refs
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = sheet_rows(workbook, 1)
    header = next(cells for cells in rows if cells[0] == "Sheet row")
    police = next(cells for cells in rows if cells[1] == "POLITSEI-01/VALD-001")
    assert dict(zip(header, police, strict=False))["Agency's entry_ref"] == "VALD-001"


def test_the_xlsx_export_reads_a_fixed_number_of_queries(people, login, review, django_assert_max_num_queries):
    client = login(people["analyytik"])
    with django_assert_max_num_queries(25):
        assert client.get(xlsx_url(review)).status_code == 200


# --- PDF in the background -------------------------------------------------------------------------------


def test_asking_for_a_pdf_queues_an_export_that_the_task_makes_into_a_file_in_storage(
    people, login, review, django_capture_on_commit_callbacks
):
    user = people["analyytik"]
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "et"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("chronology:export_pdf", kwargs={"pk": review.pk}))
    export = ChronologyExport.objects.get(review=review)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("chronology:export", kwargs={"pk": export.pk})
    assert (export.format, export.status, export.language) == ("pdf", "queued", "et")
    assert export.requested_by == user
    assert len(callbacks) == 1
    requested = AuditEvent.objects.get(actor=user, action=Action.EXPORT)
    assert requested.detail == {"format": "pdf", "export": export.pk, "entries": 21, "step": "requested"}
    assert len(requested.object_ids) == 21

    # While queued, the page polls its status fragment every 2 seconds.
    page = client.get(reverse("chronology:export", kwargs={"pk": export.pk})).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert f'hx-get="{reverse("chronology:export", kwargs={"pk": export.pk})}"' in page

    callbacks[0]()  # the transaction committed: the task runs (ImmediateBackend)
    export.refresh_from_db()
    assert export.status == ChronologyExport.Status.DONE
    assert export.finished_at is not None
    assert export.entry_count == 21
    assert export.file.name.startswith("exports/") and export.file.name.endswith(".pdf")
    assert default_storage.exists(export.file.name)
    with default_storage.open(export.file.name, "rb") as stored:
        content = stored.read()
    assert content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert INTERNAL_USE_MARKING in text
    assert "Laps toodi kriitilises seisundis" in text
    assert "Kodukülastus" in text  # event types in the language the export was asked for


def test_the_task_runs_on_commit_with_the_immediate_backend(people, login, review, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(people["koordinaator"]).post(reverse("chronology:export_pdf", kwargs={"pk": review.pk}))
    export = ChronologyExport.objects.get(review=review)
    assert export.status == ChronologyExport.Status.DONE
    assert export.language == "en"


def test_the_status_fragment_stops_polling_and_offers_the_download_when_ready(
    people, login, review, django_capture_on_commit_callbacks
):
    client = login(people["meeskonnaliige"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("chronology:export_pdf", kwargs={"pk": review.pk}))
    export = ChronologyExport.objects.get(review=review)
    url = reverse("chronology:export", kwargs={"pk": export.pk})
    before = AuditEvent.objects.count()
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    # The poll (a status and a count, every two seconds) is not written to the audit log.
    assert AuditEvent.objects.count() == before
    html = fragment.content.decode()
    assert "<html" not in html and "hx-trigger" not in html
    assert reverse("chronology:export_download", kwargs={"pk": export.pk}) in html
    assert "Ready" in html


def test_a_failed_export_says_so_and_offers_no_download(people, login, review, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr("chronology.tasks.export_pdf", broken)
    export = ChronologyExport.objects.create(review=review, format="pdf", requested_by=people["analyytik"])
    assert make_chronology_export.call(export.pk) == ChronologyExport.Status.FAILED
    export.refresh_from_db()
    assert export.status == ChronologyExport.Status.FAILED and "no fonts" in export.error
    assert export.finished_at is not None
    client = login(people["analyytik"])
    html = client.get(reverse("chronology:export", kwargs={"pk": export.pk})).content.decode()
    assert "could not be made" in html and "hx-trigger" not in html
    assert client.get(reverse("chronology:export_download", kwargs={"pk": export.pk})).status_code == 404


def test_the_task_makes_an_export_only_once(people, review):
    export = ChronologyExport.objects.create(
        review=review, format="pdf", requested_by=people["analyytik"], status=ChronologyExport.Status.DONE
    )
    assert make_chronology_export.call(export.pk) == ChronologyExport.Status.DONE
    export.refresh_from_db()
    assert not export.file


def done_export(review, user, content=b"%PDF-1.4\n% fictional\n"):
    from django.core.files.base import ContentFile

    export = ChronologyExport(
        review=review,
        format="pdf",
        language="et",
        status=ChronologyExport.Status.DONE,
        entry_count=21,
        requested_by=user,
        finished_at=timezone.now(),
    )
    export.file.save("chronology-test.pdf", ContentFile(content), save=False)
    export.save()
    return export


@pytest.mark.parametrize("username", READERS)
def test_a_reader_downloads_a_finished_pdf_and_the_download_is_audited(people, login, review, username):
    export = done_export(review, people["analyytik"])
    user = people[username]
    response = login(user).get(reverse("chronology:export_download", kwargs={"pk": export.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'attachment; filename="chronology-{review.reference}-')
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(actor=user, action=Action.EXPORT)
    assert event.object_type == "chronology.chronologyexport" and event.object_id == str(export.pk)
    assert event.detail == {"format": "pdf", "entries": 21, "step": "downloaded"}
    assert event.review_id == review.pk


def test_a_pdf_not_ready_yet_cannot_be_downloaded(people, login, review):
    export = ChronologyExport.objects.create(review=review, format="pdf", requested_by=people["analyytik"])
    response = login(people["analyytik"]).get(reverse("chronology:export_download", kwargs={"pk": export.pk}))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_export_page_lists_the_recent_exports_and_audits_the_list(people, login, review):
    exports = [done_export(review, people["analyytik"]) for _ in range(2)]
    user = people["koordinaator"]
    response = login(user).get(reverse("chronology:exports", kwargs={"pk": review.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    for export in exports:
        assert reverse("chronology:export", kwargs={"pk": export.pk}) in html
    assert reverse("chronology:export_xlsx", kwargs={"pk": review.pk}) in html
    assert reverse("chronology:export_pdf", kwargs={"pk": review.pk}) in html
    event = AuditEvent.objects.get(actor=user, action=Action.LIST, object_type="chronology.chronologyexport")
    assert sorted(event.object_ids) == sorted(str(export.pk) for export in exports)


# --- who may --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", OUTSIDERS)
def test_people_outside_the_review_reach_no_export(people, login, review, username):
    export = done_export(review, people["analyytik"])
    client = login(people[username])
    urls = [
        xlsx_url(review),
        reverse("chronology:exports", kwargs={"pk": review.pk}),
        reverse("chronology:export", kwargs={"pk": export.pk}),
        reverse("chronology:export_download", kwargs={"pk": export.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("chronology:export_pdf", kwargs={"pk": review.pk})).status_code == 404
    assert ChronologyExport.objects.count() == 1
    assert not AuditEvent.objects.filter(actor=people[username], action=Action.EXPORT).exists()


def test_an_export_of_another_review_is_not_found_for_its_non_members(people, login, review, demo_case):
    elsewhere = other_review(demo_case, people)
    export = done_export(elsewhere, people["koordinaator"])
    client = login(people["analyytik"])  # leads the demo review, not this one
    assert client.get(reverse("chronology:export", kwargs={"pk": export.pk})).status_code == 404
    assert client.get(reverse("chronology:export_download", kwargs={"pk": export.pk})).status_code == 404
    # The coordinator sees every review, and so its exports.
    coordinator = login(people["koordinaator"])
    assert coordinator.get(reverse("chronology:export", kwargs={"pk": export.pk})).status_code == 200


def test_the_pdf_export_takes_only_post(people, login, review):
    response = login(people["analyytik"]).get(reverse("chronology:export_pdf", kwargs={"pk": review.pk}))
    assert response.status_code == 405
    assert not ChronologyExport.objects.exists()


def test_chronology_data_gives_one_lane_per_involvement_with_its_name(people, review):
    data = exporting.chronology_data(review, language="en")
    assert [code for code, _label in data.organisations] == sorted(DEMO_AGENCIES)
    assert all(label.startswith(f"{code} — ") for code, label in data.organisations)
    assert data.event_type_labels["home_visit"] == "Home visit"
    assert len(data.entries) == len(data.exported) == len(data.provenance) == 21
