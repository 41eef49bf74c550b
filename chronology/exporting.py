"""A review's stored integrated chronology, made ready for the pure renderers and exporters
(`chronology.timeline`, `chronology.export`), and the export requests that go through the background.

`chronology_data(review, language=...)` reads the integrated chronology once and returns everything
the timeline page, the XLSX download and the PDF task need: the entries in date order, one lane per
organisation involved, event-type labels from the review's method version, each entry's provenance,
the merges the reviewers confirmed and the disputes they marked.

Merged entries: a confirmed duplicate stays in the chronology as the second source of the entry it
was merged into. Every active entry is exported, the merged ones included, so that the first sheet
of the workbook loses nothing and the offline checker takes it as it is; the second sheet says which
entries were merged into which.

An `entry_ref` is unique only within one agency's submission. Where two agencies used the same one,
the exported sheet writes it as `ORGANISATION/entry_ref` (the exchange format allows one entry per
`entry_ref` in a file), and the provenance sheet keeps the agency's own reference.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from audit.log import record, record_request
from audit.models import Action, Purpose
from core.dates import format_date

from .entry import Entry
from .export import export_xlsx
from .fields import MAX_LENGTHS
from .models import ChronologyEntry, ChronologyExport, Dispute, DuplicateLink

# Above this many entries the timeline page shows the picture only and sends readers to the
# integrated chronology's paginated table for the text (a page of thousands of rows is unusable).
TABLE_LIMIT = 500


@dataclass
class ChronologyData:
    """A review's integrated chronology, ready for the renderers (see the module docstring)."""

    rows: list[ChronologyEntry]
    # The domain entries as stored (identity: request id and entry_ref), for the timeline.
    entries: list[Entry]
    # The same entries for the exchange-format sheet: `source` is the organisation's code and
    # `entry_ref` unique within the file.
    exported: list[Entry]
    provenance: list[dict[str, Any]]
    merges: list[dict[str, Any]]
    disputes: list[dict[str, Any]]
    organisations: list[tuple[str, str]]  # (code, "CODE — organisation name"), a lane each
    event_type_labels: dict[str, str]
    names: dict[str, str] = field(default_factory=dict)  # code -> organisation name

    @property
    def entry_ids(self) -> list[int]:
        return [row.pk for row in self.rows]


def organisation_names(review: Any) -> dict[str, str]:
    """Code -> organisation name for every organisation involved in the review, in code order."""
    from inquiries.models import Involvement

    involvements = Involvement.objects.filter(review=review).select_related("organisation").order_by("code", "pk")
    return {involvement.code: involvement.organisation.name for involvement in involvements}


def organisation_lanes(names: dict[str, str]) -> list[tuple[str, str]]:
    """One timeline lane per organisation involved, labelled "code — organisation name"."""
    return [(code, f"{code} — {name}") for code, name in names.items()]


def event_type_labels(review: Any, language: str) -> dict[str, str]:
    """Event-type code -> label in `language`, from the review's method version."""
    return dict(review.method_version.data.choices("event_types", language))


def exported_refs(rows: list[ChronologyEntry]) -> dict[int, str]:
    """Entry pk -> the `entry_ref` written to the exported sheet: the agency's own where it is unique
    in the review, else qualified with the organisation's code (and, failing that, the entry's id)."""
    counts = Counter(row.entry_ref for row in rows)
    refs: dict[int, str] = {}
    used: set[str] = set()
    limit = MAX_LENGTHS["entry_ref"]
    for row in rows:
        ref = row.entry_ref
        if counts[ref] > 1:
            ref = f"{row.organisation}/{row.entry_ref}"
        if ref in used or len(ref) > limit:
            ref = f"{row.organisation}/#{row.pk}"
        used.add(ref)
        refs[row.pk] = ref
    return refs


def _person(user: Any) -> str:
    return str(user) if user is not None else ""


def chronology_data(review: Any, *, language: str) -> ChronologyData:
    """Read the review's integrated chronology for the timeline and the exports (a fixed number of
    queries, whatever the number of entries)."""
    rows = list(
        ChronologyEntry.objects.filter(review=review)
        .integrated()
        .in_order()
        .select_related("submission", "merged_into")
    )
    by_pk = {row.pk: row for row in rows}
    position = {row.pk: index for index, row in enumerate(rows)}
    names = organisation_names(review)
    refs = exported_refs(rows)

    def identity(row: ChronologyEntry) -> tuple[str, str]:
        return (row.organisation, refs[row.pk])

    def written(row: ChronologyEntry) -> str:
        return f"{row.organisation} / {refs[row.pk]}"

    entries = [row.to_entry() for row in rows]
    exported = [
        dataclasses.replace(entry, source=row.organisation, entry_ref=refs[row.pk])
        for row, entry in zip(rows, entries, strict=True)
    ]

    merged_from: dict[int, list[ChronologyEntry]] = defaultdict(list)
    for row in rows:
        if row.merged_into_id in by_pk:
            merged_from[row.merged_into_id].append(row)

    provenance: list[dict[str, Any]] = []
    for row in rows:
        merged = ""
        if row.merged_into_id in by_pk:
            merged = _("merged into %(entry)s") % {"entry": written(by_pk[row.merged_into_id])}
        elif merged_from.get(row.pk):
            merged = _("other sources: %(entries)s") % {
                "entries": "; ".join(written(other) for other in merged_from[row.pk])
            }
        provenance.append(
            {
                "submission": _("Submission %(number)s, received %(date)s")
                % {"number": row.submission.number, "date": format_date(row.submission.submitted_at)},
                _("Organisation name"): names.get(row.organisation, ""),
                _("Agency's entry_ref"): row.entry_ref,
                _("Merged sources"): merged,
            }
        )

    merges = []
    links = (
        DuplicateLink.objects.filter(review=review, status=DuplicateLink.Status.CONFIRMED)
        .select_related("decided_by")
        .order_by("decided_at", "pk")
    )
    for link in links:
        first, second = by_pk.get(link.first_id), by_pk.get(link.second_id)
        if first is None or second is None:
            continue  # one of the two has left the integrated chronology
        merges.append(
            {
                "entries": [identity(first), identity(second)],
                "note": link.note,
                "recorded_by": _person(link.decided_by),
                "recorded_at": format_date(link.decided_at),
            }
        )

    disputes = []
    for dispute in (
        Dispute.objects.filter(review=review)
        .select_related("created_by", "resolved_by")
        .prefetch_related(Prefetch("entries", queryset=ChronologyEntry.objects.only("pk")))
        .order_by("created_at", "pk")
    ):
        members = [by_pk[entry.pk] for entry in dispute.entries.all() if entry.pk in by_pk]
        if not members:
            continue
        note = dispute.note
        if dispute.status == Dispute.Status.RESOLVED:
            note = _("%(note)s (resolved: %(resolution)s)") % {"note": dispute.note, "resolution": dispute.resolution}
        disputes.append(
            {
                "entries": [identity(row) for row in sorted(members, key=lambda row: position[row.pk])],
                "note": note,
                "recorded_by": _person(dispute.created_by),
                "recorded_at": format_date(dispute.created_at),
            }
        )

    return ChronologyData(
        rows=rows,
        entries=entries,
        exported=exported,
        provenance=provenance,
        merges=merges,
        disputes=disputes,
        organisations=organisation_lanes(names),
        event_type_labels=event_type_labels(review, language),
        names=names,
    )


def export_title(review: Any) -> str:
    return _("Integrated chronology of review %(reference)s") % {"reference": review.reference}


def export_filename(review: Any, extension: str, *, on: dt.date | dt.datetime | None = None) -> str:
    """chronology-<review reference>-<yyyy-mm-dd>.<extension>, safe as a file name."""
    if isinstance(on, dt.datetime):
        on = timezone.localtime(on).date()
    day = on or timezone.localdate()
    return get_valid_filename(f"chronology-{review.reference}-{day:%Y-%m-%d}.{extension}")


def xlsx_export(
    *, review: Any, target: str | os.PathLike[str] | BinaryIO, language: str, acting_user: Any, path: str = ""
) -> ChronologyData:
    """Write the review's integrated chronology as the XLSX workbook (`chronology.export.export_xlsx`:
    the exchange format first, provenance, merges and disputes second) and record the export."""
    with translation.override(language):
        data = chronology_data(review, language=language)
        export_xlsx(
            data.exported,
            target,
            provenance=data.provenance,
            merges=data.merges,
            disputes=data.disputes,
            title=export_title(review),
            language=language,
        )
    record(
        actor=acting_user,
        action=Action.EXPORT,
        purpose=_purpose(acting_user),
        object_type=ChronologyEntry,
        object_ids=data.entry_ids,
        review_id=review.pk,
        path=path,
        detail={"format": "xlsx", "entries": len(data.rows)},
    )
    return data


def get_export_for(request: HttpRequest, pk: int, *, download: bool = False, audit: bool = True) -> ChronologyExport:
    """An export of a review the person may read (else 404), its read audited. With `download` the
    export must be ready (else 404) and the event is an EXPORT: the file leaves the system. Without
    `audit` (the status fragment the page polls every two seconds: a status and a count, no case data)
    nothing is recorded; opening the export's page and downloading it are."""
    from reviews.models import Review

    export = (
        ChronologyExport.objects.select_related("review", "requested_by")
        .filter(review__in=Review.objects.visible_to(request.user))
        .filter(pk=pk)
        .first()
    )
    if export is None:
        raise Http404
    if download and (export.status != ChronologyExport.Status.DONE or not export.file):
        raise Http404
    if not audit and not download:
        return export
    record_request(
        request,
        action=Action.EXPORT if download else Action.READ,
        purpose=_purpose(request.user),
        obj=export,
        review_id=export.review_id,
        detail={"format": export.format, "entries": export.entry_count, "step": "downloaded"} if download else {},
    )
    return export


def pdf_export_request(*, review: Any, language: str, acting_user: Any, path: str = "") -> ChronologyExport:
    """Ask for the review's chronology as a PDF: the export is queued and made in the background
    (`chronology.tasks.make_chronology_export`, enqueued once the transaction commits)."""
    from .tasks import make_chronology_export

    with transaction.atomic():
        entry_ids = list(
            ChronologyEntry.objects.filter(review=review).integrated().in_order().values_list("pk", flat=True)
        )
        export = ChronologyExport.objects.create(
            review=review,
            format=ChronologyExport.Format.PDF,
            language=language,
            status=ChronologyExport.Status.QUEUED,
            entry_count=len(entry_ids),
            requested_by=acting_user,
        )
        record(
            actor=acting_user,
            action=Action.EXPORT,
            purpose=_purpose(acting_user),
            object_type=ChronologyEntry,
            object_ids=entry_ids,
            review_id=review.pk,
            path=path,
            detail={"format": "pdf", "export": export.pk, "entries": len(entry_ids), "step": "requested"},
        )
        transaction.on_commit(lambda: make_chronology_export.enqueue(export.pk))
    return export


def _purpose(user: Any) -> str:
    from reviews.access import review_purpose

    return review_purpose(user) if user is not None else Purpose.SYSTEM
