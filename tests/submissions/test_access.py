"""Need to know: two agencies' contributors each reach only their own request, preview, submissions,
drafts, report and file — the other's answer 404 — and no review page at all."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.demo import personal_code
from accounts.models import User
from audit.models import AuditEvent
from inquiries.models import InformationRequest, RequestContributor
from submissions.models import AgencyReport, DraftEntry, Submission, UploadPreview
from tests.chronology.builders import csv_bytes, valid_row
from tests.submissions.conftest import row, upload

pytestmark = pytest.mark.django_db


def answer(client, information_request, data: bytes, filename: str) -> Submission:
    """Upload and submit a chronology, write a report and leave one draft entry: a whole answer."""
    response = upload(client, information_request, data, filename)
    client.post(response["Location"])
    submission = Submission.objects.filter(request=information_request).latest("number")
    client.post(
        reverse("submissions:report", args=[information_request.pk]),
        {"revision": "0", "summary": "Aruanne.", "action": "submit"},
    )
    client.post(
        reverse("submissions:entry_add", args=[information_request.pk]),
        {
            "entry_ref": "D-1",
            "date": "2019",
            "event_type": "contact",
            "description": "x",
            "source_document": "y",
            "child_seen": "unknown",
            "child_views_recorded": "unknown",
        },
    )
    # A preview left open, not submitted.
    upload(client, information_request, data, filename)
    return submission


@pytest.fixture
def hospital(people, login, inquiries):
    """A second agency's contributor, answering the hospital's request (sent for the test)."""
    information_request = inquiries["draft_request"]
    InformationRequest.objects.filter(pk=information_request.pk).update(sent_at=timezone.now())
    information_request.refresh_from_db()
    user = User.objects.create(
        username="haigla",
        first_name="Hilja",
        last_name="Haigla",
        personal_code=personal_code(4, "850612", 27),
        organisation=information_request.involvement.organisation,
    )
    RequestContributor.objects.create(request=information_request, user=user)
    return {"request": information_request, "user": user, "client": login(user)}


def urls_of(information_request: InformationRequest) -> list[str]:
    submission = Submission.objects.filter(request=information_request).latest("number")
    draft = DraftEntry.objects.get(request=information_request)
    preview = UploadPreview.objects.get(request=information_request, used_at__isnull=True)
    pk = information_request.pk
    return [
        reverse("submissions:request", args=[pk]),
        reverse("submissions:upload", args=[pk]),
        reverse("submissions:entries", args=[pk]),
        reverse("submissions:entry_add", args=[pk]),
        reverse("submissions:report", args=[pk]),
        reverse("submissions:preview", args=[preview.key]),
        reverse("submissions:detail", args=[submission.pk]),
        reverse("submissions:download", args=[submission.pk]),
        reverse("submissions:entry_edit", args=[draft.pk]),
    ]


def post_urls_of(information_request: InformationRequest) -> list[str]:
    draft = DraftEntry.objects.get(request=information_request)
    pk = information_request.pk
    return [
        reverse("submissions:upload", args=[pk]),
        reverse("submissions:entries_submit", args=[pk]),
        reverse("submissions:entries_start", args=[pk]),
        reverse("submissions:report", args=[pk]),
        reverse("submissions:entry_delete", args=[draft.pk]),
    ]


def test_each_contributor_gets_404_on_the_other_agencys_answer(people, contributor, sent_request, hospital):
    answer(contributor, sent_request, csv_bytes([row()]), "vald.csv")
    answer(hospital["client"], hospital["request"], csv_bytes([valid_row(organisation="HAIGLA-01")]), "haigla.csv")
    assert Submission.objects.count() == 2 and AgencyReport.objects.count() == 2

    pairs = [
        (contributor, people["asutus"], sent_request, hospital["request"]),
        (hospital["client"], hospital["user"], hospital["request"], sent_request),
    ]
    for client, user, own, other in pairs:
        for url in urls_of(own):
            assert client.get(url).status_code == 200, url
        before = AuditEvent.objects.filter(actor=user).count()
        for url in urls_of(other):
            assert client.get(url).status_code == 404, (user.username, url)
        for url in post_urls_of(other):
            assert client.post(url, {"revision": "0", "summary": "x", "action": "submit"}).status_code == 404, url
        # Nothing read, so nothing audited as read; nothing changed.
        assert AuditEvent.objects.filter(actor=user).count() == before
    assert Submission.objects.count() == 2
    assert AgencyReport.objects.get(request=sent_request).summary == "Aruanne."


def test_contributors_get_404_on_review_pages(people, contributor, sent_request, hospital):
    answer(contributor, sent_request, csv_bytes([row()]), "vald.csv")
    review = sent_request.involvement.review
    for client in (contributor, hospital["client"]):
        for name in ("reviews:detail", "inquiries:request_grid", "inquiries:involvement_list"):
            assert client.get(reverse(name, kwargs={"pk": review.pk})).status_code == 404, name


def test_people_outside_the_review_get_404_on_every_submission_page(people, login, contributor, sent_request):
    answer(contributor, sent_request, csv_bytes([row()]), "vald.csv")
    for persona in ("tooruhm", "metoodik", "audiitor", "juhtkond", "haldur"):
        client = login(people[persona])
        for url in urls_of(sent_request):
            assert client.get(url).status_code == 404, (persona, url)


def test_signed_out_visitors_are_sent_to_sign_in(client, contributor, sent_request):
    answer(contributor, sent_request, csv_bytes([row()]), "vald.csv")
    for url in urls_of(sent_request):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/" in response["Location"], url
