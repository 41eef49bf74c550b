"""The agency report: written and submitted by the contributor, its context of the time included; a
save based on an old revision is refused showing both versions; the review's readers read it only
once submitted, and never change it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from submissions.models import AgencyReport
from tests.submissions.conftest import page_text

pytestmark = pytest.mark.django_db


def report_data(**changes):
    data = {
        "revision": "0",
        "summary": "Lastekaitse avas juhtumi 2023. aastal ja tegi kaks kodukülastust.",
        "reflection": "Lapse arvamust küsiti harva.",
        "workload": "Ühel spetsialistil oli 60 juhtumit.",
        "supervision": "Supervisiooni ei olnud.",
        "staff_turnover": "Kaks töötajat lahkus 2024. aastal.",
        "other_context": "",
    }
    data.update(changes)
    return data


def test_contributor_writes_and_submits_the_report_with_its_context(people, contributor, sent_request):
    url = reverse("submissions:report", args=[sent_request.pk])
    page = page_text(contributor.get(url))
    assert "Workload at the time" in page and "Staff turnover and vacancies at the time" in page
    assert contributor.post(url, report_data(action="save")).status_code == 302
    report = AgencyReport.objects.get()
    assert report.revision == 1 and report.submitted_at is None and report.workload.startswith("Ühel")
    assert contributor.post(url, report_data(revision="1", action="submit")).status_code == 302
    report.refresh_from_db()
    assert report.revision == 2 and report.submitted_at is not None and report.updated_by == people["asutus"]
    events = AuditEvent.objects.filter(object_type="submissions.agencyreport").order_by("sequence")
    assert [event.action for event in events] == [Action.CREATE, Action.UPDATE]
    assert events[1].detail["submitted"] is True


def test_submitting_an_empty_report_is_refused(contributor, sent_request):
    url = reverse("submissions:report", args=[sent_request.pk])
    response = contributor.post(url, report_data(summary="", action="submit"))
    assert response.status_code == 200
    assert "Write what the agency did and why before submitting the report." in page_text(response)
    assert not AgencyReport.objects.filter(submitted_at__isnull=False).exists()


def test_a_second_save_based_on_an_old_revision_is_refused_showing_both_versions(
    people, login, contributor, sent_request
):
    url = reverse("submissions:report", args=[sent_request.pk])
    coordinator = login(people["koordinaator"])
    # Both opened the empty report (revision 0); the coordinator saves first.
    assert coordinator.post(url, report_data(workload="Koordinaatori versioon.", action="save")).status_code == 302
    response = contributor.post(url, report_data(workload="Asutuse versioon.", action="save"))
    assert response.status_code == 200
    text = page_text(response)
    assert "Someone else saved the agency report after you opened it. Nothing was saved" in text
    assert "The version saved in the meantime" in text and "Your version" in text
    assert "Koordinaatori versioon." in text and "Asutuse versioon." in text
    assert 'name="revision" value="1"' in text  # the next save compares against the version shown
    report = AgencyReport.objects.get()
    assert report.workload == "Koordinaatori versioon." and report.revision == 1

    # Saving again from the page shown goes through.
    assert (
        contributor.post(url, report_data(revision="1", workload="Asutuse versioon.", action="save")).status_code == 302
    )
    report.refresh_from_db()
    assert report.workload == "Asutuse versioon." and report.revision == 2


def test_reviewers_read_the_submitted_report_only_and_cannot_change_it(people, login, contributor, sent_request):
    url = reverse("submissions:report", args=[sent_request.pk])
    contributor.post(url, report_data(action="save"))
    lead = login(people["analyytik"])
    page = page_text(lead.get(url))
    assert "The organisation has not submitted its report yet." in page
    assert "Ühel spetsialistil" not in page

    contributor.post(url, report_data(revision="1", action="submit"))
    page = page_text(lead.get(url))
    assert "Ühel spetsialistil oli 60 juhtumit." in page and "<textarea" not in page
    assert lead.post(url, report_data(revision="2", workload="Muudetud.", action="save")).status_code == 403
    assert AgencyReport.objects.get().workload == "Ühel spetsialistil oli 60 juhtumit."
    read = AuditEvent.objects.filter(actor=people["analyytik"], action=Action.READ).last()
    assert read.object_id == str(sent_request.pk)
