"""Taking a submission into the stored chronology: first delivery, resubmission, removal, restore."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.models import KeyPracticeEpisode
from audit.models import AuditEvent
from chronology.dates import day_date
from chronology.entry import Entry, YesNo
from chronology.models import ChronologyEntry, Dispute, DuplicateLink, EntryRevision
from chronology.store import apply_submission, refresh_duplicate_suggestions
from inquiries.demo import ensure_demo_inquiries
from inquiries.models import InformationRequest


def entry(ref: str, day: dt.date, organisation: str = "VALD-LK", **changes) -> Entry:
    values = {
        "entry_ref": ref,
        "date": day_date(day),
        "organisation": organisation,
        "event_type": "home_visit",
        "description": f"Kodukülastus {ref}, laps kodus.",
        "source_document": f"STAR toimik {ref}",
        "child_seen": YesNo.YES,
    }
    values.update(changes)
    return Entry(**values)


@pytest.fixture
def requests(people, demo_case):
    made = ensure_demo_inquiries(people, demo_case["review"])
    return made["sent_request"], made["draft_request"]


def test_first_submission_stores_every_entry_and_marks_the_request_received(requests, people):
    municipality, _hospital = requests
    submission = apply_submission(
        information_request=municipality,
        entries=[entry("A-1", dt.date(2023, 1, 5)), entry("A-2", dt.date(2023, 2, 5))],
        channel="upload",
        acting_user=people["asutus"],
        filename="vald.csv",
    )
    assert submission.number == 1
    assert (submission.added_count, submission.updated_count, submission.removed_count) == (2, 0, 0)
    rows = ChronologyEntry.objects.filter(request=municipality).order_by("entry_ref")
    assert [row.entry_ref for row in rows] == ["A-1", "A-2"]
    assert all(row.is_active and row.revision == 1 for row in rows)
    assert EntryRevision.objects.filter(entry__request=municipality, change="submitted").count() == 2
    municipality.refresh_from_db()
    assert municipality.received_at is not None
    assert municipality.status() == "received"
    event = AuditEvent.objects.filter(object_type="submissions.submission", object_id=str(submission.pk)).get()
    assert event.actor == people["asutus"]
    assert event.detail["added"] == 2


def test_resubmission_updates_by_entry_ref_keeps_decisions_and_reports_removed_ones(requests, people):
    municipality, hospital = requests
    apply_submission(
        information_request=municipality,
        entries=[
            entry("A-1", dt.date(2023, 1, 5)),
            entry("A-2", dt.date(2023, 2, 5)),
            entry("A-3", dt.date(2023, 3, 5)),
        ],
        channel="upload",
        acting_user=people["asutus"],
    )
    kept = ChronologyEntry.objects.get(request=municipality, entry_ref="A-1")
    leaving = ChronologyEntry.objects.get(request=municipality, entry_ref="A-2")
    dispute = Dispute.objects.create(review=kept.review, note="Kuupäevad ei klapi", created_by=people["analyytik"])
    dispute.entries.set([kept, leaving])
    episode = KeyPracticeEpisode.objects.create(
        review=kept.review, title="Kodukülastused", created_by=people["analyytik"]
    )
    episode.entries.set([leaving])

    second = apply_submission(
        information_request=municipality,
        entries=[
            entry("A-1", dt.date(2023, 1, 6)),  # corrected date
            entry("A-3", dt.date(2023, 3, 5)),  # unchanged
            entry("A-4", dt.date(2023, 4, 5)),  # new
        ],
        channel="form",
        acting_user=people["asutus"],
    )
    assert second.number == 2
    assert (second.added_count, second.updated_count, second.unchanged_count, second.removed_count) == (1, 1, 1, 1)
    assert second.removed_refs == ["A-2"]
    kinds = sorted(decision["kind"] for decision in second.affected_decisions)
    assert kinds == ["dispute", "episode"]
    kept.refresh_from_db()
    assert kept.pk == ChronologyEntry.objects.get(request=municipality, entry_ref="A-1").pk
    assert kept.date_earliest == dt.date(2023, 1, 6) and kept.revision == 2
    assert list(dispute.entries.order_by("entry_ref").values_list("entry_ref", flat=True)) == ["A-1", "A-2"]
    leaving.refresh_from_db()
    assert not leaving.is_active and leaving.removed_by == second
    assert list(leaving.revisions.values_list("change", flat=True)) == ["submitted", "removed"]
    assert sorted(
        ChronologyEntry.objects.filter(request=municipality).integrated().values_list("entry_ref", flat=True)
    ) == [
        "A-1",
        "A-3",
        "A-4",
    ]

    third = apply_submission(
        information_request=municipality,
        entries=[entry("A-1", dt.date(2023, 1, 6)), entry("A-2", dt.date(2023, 2, 5))],
        channel="api",
    )
    leaving.refresh_from_db()
    assert leaving.is_active and leaving.removed_by is None
    assert leaving.revisions.last().change == "restored"
    assert third.submitted_by is None
    assert InformationRequest.objects.get(pk=hospital.pk).received_at is None


def test_duplicate_suggestions_are_refreshed_and_decisions_survive(requests, people):
    municipality, hospital = requests
    day = dt.date(2023, 5, 2)
    apply_submission(
        information_request=municipality,
        entries=[entry("A-1", day, description="Ühine kodukülastus politseiga, laps kodus ja rahulik.")],
        channel="upload",
    )
    apply_submission(
        information_request=hospital,
        entries=[
            entry(
                "H-1", day, organisation="HAIGLA-01", description="Ühine kodukülastus politseiga, laps kodus rahulik."
            )
        ],
        channel="upload",
    )
    link = DuplicateLink.objects.get()
    assert link.status == "suggested"
    DuplicateLink.objects.filter(pk=link.pk).update(status="rejected")
    refresh_duplicate_suggestions(link.review_id)
    assert DuplicateLink.objects.get().status == "rejected"
    # A changed description withdraws an open suggestion.
    DuplicateLink.objects.filter(pk=link.pk).update(status="suggested")
    apply_submission(
        information_request=hospital,
        entries=[entry("H-1", day, organisation="HAIGLA-01", description="Täiesti teine sündmus: vereanalüüs.")],
        channel="upload",
    )
    assert not DuplicateLink.objects.exists()


def test_entry_refs_must_be_unique_within_a_submission(requests):
    municipality, _hospital = requests
    with pytest.raises(ValueError):
        apply_submission(
            information_request=municipality,
            entries=[entry("A-1", dt.date(2023, 1, 5)), entry("A-1", dt.date(2023, 1, 6))],
            channel="upload",
        )
    assert not ChronologyEntry.objects.exists()
