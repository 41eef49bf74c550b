"""seed_synthetic --entries-per-review: fictional chronologies submitted the way agencies submit them."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation
from audit.models import AuditEvent
from chronology.exchange import entry_values, read_chronology, write_csv
from chronology.fields import ADDRESSEE_REQUIRED_FOR, Vocabularies
from chronology.models import ChronologyEntry, EntryRevision
from chronology.store import domain_entries, review_entries
from chronology.synthetic import ORGANISATION_PREFIX
from inquiries.models import InformationRequest, Involvement
from reviews import synthetic
from reviews.models import Review
from submissions.models import Submission


def synthetic_reviews():
    return Review.objects.filter(reference__startswith=synthetic.PREFIX).order_by("reference")


def exchange_rows(review):
    """The review's integrated chronology as exchange-format cells, in a stable order."""
    rows = [entry_values(entry) for entry in domain_entries(review_entries(review.pk))]
    return sorted(rows, key=lambda row: (row["organisation"], row["entry_ref"]))


def test_seed_synthetic_gives_each_new_review_organisations_requests_and_its_entries(people, capsys):
    call_command("seed_synthetic", "--reviews", "3", "--entries-per-review", "40", "--organisations-per-review", "5")

    reviews = list(synthetic_reviews())
    assert len(reviews) == 3
    for review in reviews:
        involvements = Involvement.objects.filter(review=review)
        assert involvements.count() == 5
        assert len({involvement.code for involvement in involvements}) == 5
        requests = InformationRequest.objects.filter(involvement__review=review)
        assert requests.count() == 5
        assert all(request.sent_at and request.received_at and request.status() == "received" for request in requests)
        submissions = Submission.objects.filter(review=review)
        assert submissions.count() == 5
        assert sum(submission.entry_count for submission in submissions) == 40
        assert ChronologyEntry.objects.filter(review=review, is_active=True).count() == 40
        # Each organisation submitted its own entries, coded as the review knows it.
        for request in requests:
            assert set(request.entries.values_list("organisation", flat=True)) <= {request.involvement.code}
    # Five synthetic organisations, reused by every review.
    assert Organisation.objects.filter(registry_code__startswith=ORGANISATION_PREFIX).count() == 5
    # Stored the one way entries are stored: history and an audit event per submission.
    assert EntryRevision.objects.filter(entry__review__in=reviews, change="submitted").count() == 120
    assert AuditEvent.objects.filter(object_type="submissions.submission", action="create").count() == 15
    out = capsys.readouterr().out
    assert "Made 4 notifications, 3 reviews" in out
    assert "Gave 3 reviews chronologies: 15 organisations involved, 15 requests, 120 entries submitted in" in out
    assert "ms per entry" in out


def test_synthetic_entries_read_back_whole_through_the_exchange_format_with_the_variety_of_real_ones(people):
    synthetic.seed(reviews=1, entries_per_review=600, organisations_per_review=8)
    review = synthetic_reviews().get()
    codes = list(Involvement.objects.filter(review=review).values_list("code", flat=True))
    entries = domain_entries(review_entries(review.pk))
    assert len(entries) == 600

    text = write_csv(entries)
    result = read_chronology(
        io.BytesIO(text.encode("utf-8")),
        vocabularies=Vocabularies.from_method(review.method_version.data, organisations=codes),
        filename="synthetic.csv",
    )
    assert result.ok, [str(problem) for problem in result.errors[:5]]

    def cells(items):
        return sorted((entry_values(entry) for entry in items), key=lambda row: row["entry_ref"])

    assert cells(result.entries) == cells(entries)
    # Each agency's share is a valid submission of its own.
    for code in codes:
        own = [entry for entry in entries if entry.organisation == code]
        vocabularies = Vocabularies.from_method(review.method_version.data, organisations=codes, own_organisation=code)
        result = read_chronology(write_csv(own).encode("utf-8"), vocabularies=vocabularies, filename=f"{code}.csv")
        assert result.ok and len(result.entries) == len(own) > 0, code

    content = review.method_version.data
    assert {entry.event_type for entry in entries} <= set(content.codes("event_types"))
    assert {entry.concern for entry in entries} - {""} <= set(content.codes("concerns"))
    precisions = Counter((entry.date.precision.value, entry.date.approximate) for entry in entries)
    assert precisions[("day", False)] > 500
    assert {"month", "year"} <= {precision for precision, _approximate in precisions}
    assert any(approximate for _precision, approximate in precisions)
    assert any(entry.time is not None for entry in entries)
    assert all(entry.time is None for entry in entries if not entry.date.is_exact)
    assert 0 < sum(entry.key_event for entry in entries) < 60
    assert {entry.child_seen.value for entry in entries} == {"yes", "no", "unknown"}
    assert {entry.child_views_recorded.value for entry in entries} == {"yes", "no", "unknown"}
    assert {entry.concern for entry in entries} - {""}
    for entry in entries:
        if entry.event_type in ADDRESSEE_REQUIRED_FOR:
            assert entry.addressee in codes and entry.addressee != entry.organisation
        assert set(entry.shared_with) <= set(codes) - {entry.organisation}
    assert any(entry.shared_with for entry in entries)


def test_the_same_seed_makes_the_same_chronology(people):
    synthetic.seed(reviews=1, entries_per_review=80, organisations_per_review=4, seed=7)
    first = exchange_rows(synthetic_reviews().get())
    synthetic.clear()
    synthetic.seed(reviews=1, entries_per_review=80, organisations_per_review=4, seed=7)
    assert exchange_rows(synthetic_reviews().get()) == first
    synthetic.clear()
    synthetic.seed(reviews=1, entries_per_review=80, organisations_per_review=4, seed=8)
    assert exchange_rows(synthetic_reviews().get()) != first


def test_entries_without_new_reviews_go_to_synthetic_reviews_that_have_none_and_a_rerun_adds_nothing(
    people, demo_case, capsys
):
    call_command("seed_synthetic", "--reviews", "2")
    assert not ChronologyEntry.objects.exists()

    call_command("seed_synthetic", "--entries-per-review", "12")
    for review in synthetic_reviews():
        assert ChronologyEntry.objects.filter(review=review).count() == 12
        # Default: as many organisations as entries allow, at most 20.
        assert Involvement.objects.filter(review=review).count() == 12
    assert not ChronologyEntry.objects.filter(review=demo_case["review"]).exists()
    counts = (ChronologyEntry.objects.count(), Submission.objects.count(), Involvement.objects.count())

    capsys.readouterr()
    call_command("seed_synthetic", "--entries-per-review", "12")
    assert (ChronologyEntry.objects.count(), Submission.objects.count(), Involvement.objects.count()) == counts
    assert "Gave 0 reviews chronologies" in capsys.readouterr().out


def test_default_is_twenty_organisations_per_review(people):
    chronologies = synthetic.seed(reviews=1, entries_per_review=50).chronologies
    assert chronologies.organisations == 20
    assert chronologies.entries == 50
    review = synthetic_reviews().get()
    assert Involvement.objects.filter(review=review).count() == 20
    assert all(share > 0 for share in Submission.objects.filter(review=review).values_list("entry_count", flat=True))


def test_clear_removes_the_chronologies_their_detections_and_the_synthetic_organisations_but_not_the_demo(
    people, demo_case, django_capture_on_commit_callbacks
):
    from chronology.demo import ensure_demo_chronology
    from detections.models import PatternDetection

    ensure_demo_chronology(people, demo_case["review"])
    demo_entries = ChronologyEntry.objects.filter(review=demo_case["review"]).count()
    with django_capture_on_commit_callbacks(execute=True):  # the detection run after the submissions
        call_command(
            "seed_synthetic", "--reviews", "2", "--entries-per-review", "300", "--organisations-per-review", "5"
        )
    assert PatternDetection.objects.filter(review__in=synthetic_reviews()).exists()

    call_command("seed_synthetic", "--clear")

    assert not synthetic_reviews().exists()
    assert ChronologyEntry.objects.count() == demo_entries
    assert not Submission.objects.exclude(review=demo_case["review"]).exists()
    assert not PatternDetection.objects.exclude(review=demo_case["review"]).exists()
    assert not Organisation.objects.filter(registry_code__startswith=ORGANISATION_PREFIX).exists()
    assert Review.objects.get() == demo_case["review"]


@pytest.mark.parametrize(
    "arguments",
    [
        ["--entries-per-review", "-1"],
        ["--reviews", "1", "--entries-per-review", "10", "--organisations-per-review", "0"],
        ["--reviews", "1", "--organisations-per-review", "3"],
    ],
)
def test_bad_chronology_arguments_are_refused_and_nothing_is_made(people, arguments):
    with pytest.raises(CommandError):
        call_command("seed_synthetic", *arguments)
    assert not synthetic_reviews().exists()
    assert not ChronologyEntry.objects.exists()
