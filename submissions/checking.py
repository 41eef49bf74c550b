"""Checking a chronology before it is stored, and telling the contributor what it would change.

Nothing here writes: the preview page and the services call these to read an uploaded file or the
draft entries against the review's method and organisations, and to compare a checked chronology
with the agency's current submission.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from chronology.entry import Entry
from chronology.exchange import ImportResult, Vocabularies, entries_from_mappings, read_chronology
from chronology.models import ChronologyEntry, entry_field_values
from chronology.store import decisions_resting_on
from inquiries.models import InformationRequest, Involvement

from .models import UploadPreview

PREVIEW_ROWS = 200


def vocabularies_for(information_request: InformationRequest) -> Vocabularies:
    """The review's method vocabularies and organisation codes; entries must be the request's own."""
    involvement = information_request.involvement
    review = involvement.review
    codes = Involvement.objects.filter(review_id=review.pk).values_list("code", flat=True)
    return Vocabularies.from_method(review.method_version.data, organisations=codes, own_organisation=involvement.code)


def read_preview(preview: UploadPreview) -> ImportResult:
    """The uploaded file read from storage (never from a local path) and checked whole."""
    with preview.file.open("rb") as handle:
        return read_chronology(
            handle, vocabularies=vocabularies_for(preview.request), filename=preview.filename, source=preview.filename
        )


def check_mappings(information_request: InformationRequest, items: Iterable[Mapping[str, object]]) -> ImportResult:
    """Draft entries (the exchange format's keys as text) checked as one chronology."""
    return entries_from_mappings(list(items), vocabularies=vocabularies_for(information_request))


@dataclass
class Changes:
    """What storing a chronology would do to the agency's current submission (by entry_ref)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    affected_decisions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def first_submission(self) -> bool:
        return not (self.updated or self.unchanged or self.removed)


def changes_against_current(information_request: InformationRequest, entries: Sequence[Entry]) -> Changes:
    """Classify entries as `chronology.store.apply_submission` would, without storing anything."""
    existing = {row.entry_ref: row for row in ChronologyEntry.objects.filter(request=information_request)}
    changes = Changes()
    present = set()
    for entry in entries:
        present.add(entry.entry_ref)
        old = existing.get(entry.entry_ref)
        if old is None:
            changes.added.append(entry.entry_ref)
        elif old.is_active and old.values() == entry_field_values(entry):
            changes.unchanged.append(entry.entry_ref)
        else:
            changes.updated.append(entry.entry_ref)
    removed = sorted((ref, row.pk) for ref, row in existing.items() if row.is_active and ref not in present)
    changes.removed = [ref for ref, _pk in removed]
    changes.affected_decisions = decisions_resting_on([pk for _ref, pk in removed])
    return changes


def period_of(entries: Sequence[Entry]) -> tuple[dt.date, dt.date] | None:
    """From the earliest date's start to the latest date's end."""
    if not entries:
        return None
    return min(entry.date.earliest for entry in entries), max(entry.date.latest for entry in entries)


def decision_text(decision: Mapping[str, Any], *, detailed: bool = True) -> str:
    """One of the reviewers' decisions that rested on removed entries, in words. Without `detailed`
    (for the agency, which does not see the review's analysis) the pattern and episode stay unnamed."""
    refs = ", ".join(decision.get("entry_refs", []))
    kind = decision.get("kind")
    if kind == "merge":
        return _("A merge of duplicate entries confirmed by the reviewers (entries %(refs)s).") % {"refs": refs}
    if kind == "not_duplicate":
        return _("The reviewers' decision that entries are not duplicates (entries %(refs)s).") % {"refs": refs}
    if kind == "dispute":
        return _("Entries the reviewers marked as contradicting each other (entries %(refs)s).") % {"refs": refs}
    if kind == "detection" and not detailed:
        return _("A pattern the reviewers found in the chronology (entries %(refs)s).") % {"refs": refs}
    if kind == "episode" and not detailed:
        return _("A key practice episode of the review (entries %(refs)s).") % {"refs": refs}
    if kind == "detection":
        return _("A pattern detection the reviewers decided on (%(rule)s; entries %(refs)s).") % {
            "rule": decision.get("rule", ""),
            "refs": refs,
        }
    if kind == "episode":
        return _("The key practice episode “%(title)s” (entries %(refs)s).") % {
            "title": decision.get("title", ""),
            "refs": refs,
        }
    return _("A decision of the reviewers (entries %(refs)s).") % {"refs": refs}
