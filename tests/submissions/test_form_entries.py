"""Entries typed into the form: kept as drafts, checked together when submitted (errors listed per
entry with field and reason, nothing stored), stored as a form submission, started again from the
current submission, and draft edits refusing lost updates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from chronology.models import ChronologyEntry
from submissions.models import DraftEntry, Submission
from tests.submissions.conftest import page_text

pytestmark = pytest.mark.django_db


def entry(**changes):
    """What the contributor types into the entry form."""
    data = {
        "entry_ref": "F-1",
        "date": "04.03.2019",
        "date_precision": "",
        "time": "10:30",
        "practitioner_role": "lastekaitsetöötaja",
        "event_type": "home_visit",
        "addressee": "",
        "concern": "parental_mental_health",
        "description": "Kodukülastus, laps kodus.",
        "source_document": "STAR märge 04.03.2019",
        "child_seen": "yes",
        "child_views_recorded": "no",
        "shared_with": [],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def add(client, information_request, **changes):
    return client.post(reverse("submissions:entry_add", args=[information_request.pk]), entry(**changes))


def test_contributor_enters_entries_in_the_form_and_submits_them(people, contributor, sent_request):
    page = page_text(contributor.get(reverse("submissions:entry_add", args=[sent_request.pk])))
    assert 'value="home_visit"' in page and 'name="shared_with" value="HAIGLA-01"' in page
    assert add(contributor, sent_request).status_code == 302
    assert (
        add(
            contributor,
            sent_request,
            entry_ref="F-2",
            date="2019",
            time="",
            event_type="referral",
            addressee="HAIGLA-01",
            shared_with=["HAIGLA-01"],
            key_event="on",
        ).status_code
        == 302
    )
    drafts = list(DraftEntry.objects.order_by("pk"))
    assert drafts[1].values["shared_with"] == "HAIGLA-01" and drafts[1].values["key_event"] == "yes"
    assert drafts[0].values["organisation"] == "VALD-LK"
    assert not ChronologyEntry.objects.exists()

    response = contributor.post(reverse("submissions:entries_submit", args=[sent_request.pk]))
    submission = Submission.objects.get()
    assert response["Location"] == reverse("submissions:detail", args=[submission.pk])
    assert submission.channel == Submission.Channel.FORM and submission.added_count == 2
    second = ChronologyEntry.objects.get(entry_ref="F-2")
    assert second.date_precision == "year" and second.shared_with == ["HAIGLA-01"] and second.key_event
    assert not DraftEntry.objects.exists()
    sent_request.refresh_from_db()
    assert sent_request.received_at is not None


def test_errors_are_listed_per_entry_with_field_and_reason_and_nothing_is_stored(contributor, sent_request):
    add(contributor, sent_request)
    add(contributor, sent_request, entry_ref="F-2", date="31.02.2019", time="")
    add(contributor, sent_request, entry_ref="F-1", date="2019-03", time="09:00")
    add(contributor, sent_request, entry_ref="F-4", event_type="referral")
    response = contributor.post(reverse("submissions:entries_submit", args=[sent_request.pk]))
    assert response.status_code == 200
    text = page_text(response)
    assert "Nothing was submitted" in text
    assert "<li>Date: “31.02.2019” is not a real date: 02.2019 has 28 days.</li>" in text
    assert (
        "<li>Entry reference: The entry in row 1 of this table has the same entry reference; "
        "each entry needs its own.</li>" in text
    )
    assert "<li>Time: A time is allowed only with an exact day" in text
    assert "<li>Addressee: An entry of type referral needs the code of the organisation it went to.</li>" in text
    assert not Submission.objects.exists() and not ChronologyEntry.objects.exists()
    assert DraftEntry.objects.count() == 4  # kept for correcting


def test_the_form_requires_the_formats_required_fields(contributor, sent_request):
    response = add(contributor, sent_request, entry_ref="", description="", event_type="")
    assert response.status_code == 200
    text = page_text(response)
    assert "Enter the entry reference." in text and "Describe the event." in text
    assert "Choose the type of the event." in text
    assert not DraftEntry.objects.exists()


def test_contributor_starts_from_the_current_submission_corrects_one_entry_and_resubmits(
    people, contributor, sent_request
):
    add(contributor, sent_request)
    add(contributor, sent_request, entry_ref="F-2", date="05.03.2019", time="")
    contributor.post(reverse("submissions:entries_submit", args=[sent_request.pk]))
    assert not DraftEntry.objects.exists()

    response = contributor.post(reverse("submissions:entries_start", args=[sent_request.pk]))
    assert response.status_code == 302
    drafts = {draft.values["entry_ref"]: draft for draft in DraftEntry.objects.all()}
    assert set(drafts) == {"F-1", "F-2"}
    assert drafts["F-1"].values["date"] == "2019-03-04" and drafts["F-1"].values["time"] == "10:30"

    draft = drafts["F-2"]
    edit_url = reverse("submissions:entry_edit", args=[draft.pk])
    form_page = page_text(contributor.get(edit_url))
    assert 'value="F-2"' in form_page and 'name="revision" value="1"' in form_page
    response = contributor.post(edit_url, entry(entry_ref="F-2", date="06.03.2019", time="", revision=1))
    assert response.status_code == 302
    contributor.post(reverse("submissions:entries_submit", args=[sent_request.pk]))
    latest = Submission.objects.get(number=2)
    assert (latest.updated_count, latest.unchanged_count, latest.added_count, latest.removed_count) == (1, 1, 0, 0)
    assert str(ChronologyEntry.objects.get(entry_ref="F-2").date_earliest) == "2019-03-06"


def test_a_draft_edit_based_on_an_old_revision_is_refused(people, login, contributor, sent_request):
    add(contributor, sent_request)
    draft = DraftEntry.objects.get()
    edit_url = reverse("submissions:entry_edit", args=[draft.pk])
    coordinator = login(people["koordinaator"])
    assert coordinator.post(edit_url, entry(description="Koordinaatori parandus.", revision=1)).status_code == 302

    response = contributor.post(edit_url, entry(description="Asutuse parandus.", revision=1))
    assert response.status_code == 200
    text = page_text(response)
    assert "Someone else changed this entry after you opened it. Nothing was saved" in text
    assert "The version saved in the meantime" in text and "Koordinaatori parandus." in text
    assert "Asutuse parandus." in text  # theirs and yours, both shown
    assert 'name="revision" value="2"' in text
    draft.refresh_from_db()
    assert draft.values["description"] == "Koordinaatori parandus." and draft.revision == 2

    # Deleting with the old revision is refused too.
    contributor.post(reverse("submissions:entry_delete", args=[draft.pk]), {"revision": "1"})
    assert DraftEntry.objects.filter(pk=draft.pk).exists()
    contributor.post(reverse("submissions:entry_delete", args=[draft.pk]), {"revision": "2"})
    assert not DraftEntry.objects.exists()
    assert AuditEvent.objects.filter(action=Action.DELETE, object_type="submissions.draftentry").count() == 1


def test_submitting_no_entries_is_refused_with_a_message(contributor, sent_request):
    response = contributor.post(reverse("submissions:entries_submit", args=[sent_request.pk]), follow=True)
    assert "There are no entries to submit." in page_text(response)
    assert not Submission.objects.exists()


def test_reviewers_cannot_see_or_change_drafts(people, login, contributor, sent_request):
    add(contributor, sent_request)
    draft = DraftEntry.objects.get()
    lead = login(people["analyytik"])
    assert lead.get(reverse("submissions:entries", args=[sent_request.pk])).status_code == 403
    assert lead.get(reverse("submissions:entry_edit", args=[draft.pk])).status_code == 403
    assert lead.post(reverse("submissions:entries_submit", args=[sent_request.pk])).status_code == 403
    assert not Submission.objects.exists()
