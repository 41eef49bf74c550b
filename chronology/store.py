"""The stored chronology's domain logic: taking in a submission, and reading a review's entries.

`apply_submission()` is the one way entries reach the integrated chronology, whatever channel they
came through (file upload, form, API). A submission replaces the agency's earlier one as a whole:

- an entry with an `entry_ref` already known for this information request is updated in place, so
  the reviewers' links and decisions on it (merges, disputes, detections, episodes) stay; an entry
  that comes back after having been left out is restored;
- an entry the new submission no longer holds leaves the integrated chronology (`is_active` false),
  keeps its history, and every decision that rested on it is listed on the submission
  (`affected_decisions`) so that the reviewers are told;
- new entries are added.

Every change writes an `EntryRevision`; the whole submission is one transaction, and the caller
has already checked every entry (nothing half-stored).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from audit.log import record
from audit.models import Action, Purpose

from .entry import Entry, Precision, UncertainDate, YesNo
from .merge import suggest_duplicates
from .models import ENTRY_FIELDS, ChronologyEntry, Dispute, DuplicateLink, EntryRevision, entry_field_values

BATCH = 1000
# Called (after commit) with each accepted submission; the detections app adds its run here.
AFTER_SUBMISSION: list[Callable[[Any], None]] = []


def _same(old: ChronologyEntry, values: dict[str, Any]) -> bool:
    return all(getattr(old, name) == values[name] for name in ENTRY_FIELDS)


def apply_submission(
    *,
    information_request: Any,
    entries: Sequence[Entry],
    channel: str,
    acting_user: Any = None,
    api_token: Any = None,
    filename: str = "",
    file: File[Any] | None = None,
) -> Any:
    """Store a whole, already checked chronology as the request's newest submission (see above)."""
    from inquiries.models import InformationRequest
    from submissions.models import Submission

    refs = [entry.entry_ref for entry in entries]
    if len(set(refs)) != len(refs):
        raise ValueError("entry_ref must be unique within a submission.")
    with transaction.atomic():
        locked = (
            InformationRequest.objects.select_for_update().select_related("involvement").get(pk=information_request.pk)
        )
        review_id = locked.involvement.review_id
        number = (locked.submissions.aggregate(last=Max("number"))["last"] or 0) + 1
        submission = Submission(
            request=locked,
            review_id=review_id,
            number=number,
            channel=channel,
            filename=filename[:255],
            entry_count=len(entries),
            submitted_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            api_token=api_token,
        )
        if file is not None:
            submission.file.save(filename or "chronology", file, save=False)
        submission.save()

        existing = {entry.entry_ref: entry for entry in ChronologyEntry.objects.filter(request=locked)}
        now = timezone.now()
        to_create: list[ChronologyEntry] = []
        to_update: list[ChronologyEntry] = []
        unchanged: list[int] = []
        revisions: list[EntryRevision] = []
        for entry in entries:
            values = entry_field_values(entry)
            old = existing.get(entry.entry_ref)
            if old is None:
                to_create.append(
                    ChronologyEntry(
                        review_id=review_id,
                        request=locked,
                        submission=submission,
                        entry_ref=entry.entry_ref,
                        revision=1,
                        **values,
                    )
                )
                continue
            if old.is_active and _same(old, values):
                unchanged.append(old.pk)
                continue
            change = EntryRevision.Change.RESUBMITTED if old.is_active else EntryRevision.Change.RESTORED
            for name, value in values.items():
                setattr(old, name, value)
            old.submission = submission
            old.is_active = True
            old.removed_by = None
            old.revision += 1
            to_update.append(old)
            revisions.append(_revision(old, change, submission, acting_user))

        present = set(refs)
        removed = [old for ref, old in existing.items() if ref not in present and old.is_active]
        for old in removed:
            old.is_active = False
            old.removed_by = submission
            old.revision += 1
            revisions.append(_revision(old, EntryRevision.Change.REMOVED, submission, acting_user))

        created = ChronologyEntry.objects.bulk_create(to_create, batch_size=BATCH)
        if not created or created[0].pk is None:  # a backend that does not return keys
            by_ref = dict(
                ChronologyEntry.objects.filter(request=locked, submission=submission).values_list("entry_ref", "pk")
            )
            for row in created:
                row.pk = by_ref[row.entry_ref]
        revisions.extend(_revision(row, EntryRevision.Change.SUBMITTED, submission, acting_user) for row in created)
        # One UPDATE per changed row: bulk_update's CASE over twenty fields took 7.8 s for 1,000 changed
        # entries on SQLite (building the SQL, mostly), single-row updates 0.4 s (bench_import_stored.py).
        changed_fields = [*ENTRY_FIELDS, "submission", "is_active", "removed_by", "revision"]
        for row in [*to_update, *removed]:
            row.save(update_fields=changed_fields)
        for start in range(0, len(unchanged), BATCH):
            ChronologyEntry.objects.filter(pk__in=unchanged[start : start + BATCH]).update(submission=submission)
        EntryRevision.objects.bulk_create(revisions, batch_size=BATCH)

        removed_ids = [old.pk for old in removed]
        if removed_ids:
            # A merged entry whose main entry left stands on its own again.
            ChronologyEntry.objects.filter(merged_into_id__in=removed_ids).update(merged_into=None)
        submission.added_count = len(created)
        submission.updated_count = len(to_update)
        submission.unchanged_count = len(unchanged)
        submission.removed_count = len(removed)
        submission.removed_refs = sorted(old.entry_ref for old in removed)
        submission.affected_decisions = decisions_resting_on(removed_ids)
        submission.save(
            update_fields=[
                "added_count",
                "updated_count",
                "unchanged_count",
                "removed_count",
                "removed_refs",
                "affected_decisions",
            ]
        )
        if locked.received_at is None:
            locked.received_at = now
            locked.save(update_fields=["received_at"])
        refresh_duplicate_suggestions(review_id)
        record(
            actor=submission.submitted_by,
            action=Action.CREATE,
            purpose=Purpose.INFORMATION_REQUEST,
            obj=submission,
            review_id=review_id,
            detail={
                "request": locked.pk,
                "number": number,
                "channel": channel,
                "entries": len(entries),
                "added": submission.added_count,
                "updated": submission.updated_count,
                "unchanged": submission.unchanged_count,
                "removed": submission.removed_count,
                **({"api_token": api_token.pk} if api_token is not None else {}),
            },
        )
        for hook in AFTER_SUBMISSION:
            transaction.on_commit(partial(hook, submission))
    return submission


def _revision(entry: ChronologyEntry, change: str, submission: Any, user: Any) -> EntryRevision:
    return EntryRevision(
        entry=entry,
        revision=entry.revision,
        change=change,
        values=entry.snapshot(),
        submission=submission,
        changed_by=user if getattr(user, "is_authenticated", False) else None,
    )


def decisions_resting_on(entry_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The reviewers' decisions that involve any of these entries, as the submission lists them:
    confirmed merges, disputes, decided detections and key practice episodes."""
    if not entry_ids:
        return []
    from analysis.models import KeyPracticeEpisode
    from detections.models import PatternDetection

    ids = set(entry_ids)
    refs = dict(ChronologyEntry.objects.filter(pk__in=ids).values_list("pk", "entry_ref"))
    found: list[dict[str, Any]] = []
    for link in DuplicateLink.objects.filter(Q(first_id__in=ids) | Q(second_id__in=ids)).exclude(
        status=DuplicateLink.Status.SUGGESTED
    ):
        found.append(
            {
                "kind": "merge" if link.status == DuplicateLink.Status.CONFIRMED else "not_duplicate",
                "id": link.pk,
                "entry_refs": sorted(refs[pk] for pk in (link.first_id, link.second_id) if pk in ids),
            }
        )
    for dispute in Dispute.objects.filter(entries__in=ids).distinct().prefetch_related("entries"):
        found.append(
            {
                "kind": "dispute",
                "id": dispute.pk,
                "entry_refs": sorted(refs[e.pk] for e in dispute.entries.all() if e.pk in ids),
            }
        )
    detections = (
        PatternDetection.objects.filter(entries__in=ids)
        .exclude(status=PatternDetection.Status.OPEN)
        .distinct()
        .prefetch_related("supporting")
    )
    for detection in detections:
        found.append(
            {
                "kind": "detection",
                "id": detection.pk,
                "rule": detection.rule,
                "status": detection.status,
                "entry_refs": sorted(refs[s.entry_id] for s in detection.supporting.all() if s.entry_id in ids),
            }
        )
    for episode in KeyPracticeEpisode.objects.filter(entries__in=ids).distinct().prefetch_related("entries"):
        found.append(
            {
                "kind": "episode",
                "id": episode.pk,
                "title": episode.title,
                "entry_refs": sorted(refs[e.pk] for e in episode.entries.all() if e.pk in ids),
            }
        )
    return found


def review_entries(review_id: int) -> list[ChronologyEntry]:
    """The review's integrated chronology (entries present in their agency's latest submission), in
    date order, merged entries included."""
    return list(ChronologyEntry.objects.filter(review_id=review_id).integrated().in_order())


def domain_entries(rows: Iterable[ChronologyEntry]) -> list[Entry]:
    return [row.to_entry() for row in rows]


def _unmerged_entries(review_id: int) -> list[tuple[int, Entry]]:
    """(pk, Entry) of the review's integrated entries not merged into another, read as plain values
    (model instances cost several times more, and this runs on every submission)."""
    names = ("pk", "request_id", "entry_ref", *ENTRY_FIELDS)
    rows = (
        ChronologyEntry.objects.filter(review_id=review_id, merged_into__isnull=True).integrated().values_list(*names)
    )
    found = []
    for pk, request_id, entry_ref, *values in rows:
        v = dict(zip(ENTRY_FIELDS, values, strict=True))
        found.append(
            (
                pk,
                Entry(
                    entry_ref=entry_ref,
                    date=UncertainDate(
                        v["date_earliest"], v["date_latest"], Precision(v["date_precision"]), v["date_approximate"]
                    ),
                    organisation=v["organisation"],
                    event_type=v["event_type"],
                    description=v["description"],
                    source_document=v["source_document"],
                    time=v["time"],
                    practitioner_role=v["practitioner_role"],
                    addressee=v["addressee"],
                    concern=v["concern"],
                    child_seen=YesNo(v["child_seen"]),
                    child_views_recorded=YesNo(v["child_views_recorded"]),
                    shared_with=tuple(v["shared_with"]),
                    key_event=v["key_event"],
                    source=str(request_id),
                ),
            )
        )
    return found


def refresh_duplicate_suggestions(review_id: int) -> int:
    """Suggest the likely duplicates among the review's entries (see `chronology.merge`), keeping
    every decision already taken; suggestions that no longer hold are withdrawn. Returns how many
    suggestions are open."""
    rows = _unmerged_entries(review_id)
    by_identity = {(entry.source, entry.entry_ref): pk for pk, entry in rows}
    wanted: dict[frozenset[int], tuple[int, int, Any]] = {}
    for suggestion in suggest_duplicates([entry for _pk, entry in rows]):
        first = by_identity[(suggestion.first.source, suggestion.first.entry_ref)]
        second = by_identity[(suggestion.second.source, suggestion.second.entry_ref)]
        wanted[frozenset((first, second))] = (first, second, suggestion)
    known = {
        frozenset((first, second)): (pk, status)
        for pk, first, second, status in DuplicateLink.objects.filter(review_id=review_id).values_list(
            "pk", "first_id", "second_id", "status"
        )
    }
    stale = [
        pk for pair, (pk, status) in known.items() if status == DuplicateLink.Status.SUGGESTED and pair not in wanted
    ]
    for start in range(0, len(stale), BATCH):
        DuplicateLink.objects.filter(pk__in=stale[start : start + BATCH]).delete()
    DuplicateLink.objects.bulk_create(
        [
            DuplicateLink(
                review_id=review_id,
                first_id=first,
                second_id=second,
                similarity=round(suggestion.similarity, 3),
                reason=suggestion.reason,
            )
            for pair, (first, second, suggestion) in wanted.items()
            if pair not in known
        ],
        batch_size=BATCH,
    )
    return DuplicateLink.objects.filter(review_id=review_id, status=DuplicateLink.Status.SUGGESTED).count()
