"""Reviewers' changes to the integrated chronology: correcting an entry, deciding on suggested
duplicates, marking and resolving disputes. One transaction each, the audit event written inside.

Entries themselves arrive only through `chronology.store.apply_submission`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action
from core.concurrency import EditConflict, advance_revision
from reviews.access import review_purpose

from .models import ENTRY_FIELDS, ChronologyEntry, Dispute, DuplicateLink, EntryRevision
from .store import refresh_duplicate_suggestions


def changed_fields(entry: ChronologyEntry, data: dict[str, Any]) -> list[str]:
    return [name for name in ENTRY_FIELDS if name in data and getattr(entry, name) != data[name]]


def entry_update(
    *, entry: ChronologyEntry, data: dict[str, Any], base_revision: int, acting_user: Any
) -> ChronologyEntry:
    """Save a reviewer's correction of an entry's agency fields (`data`: model values of ENTRY_FIELDS,
    plus `note`, why it was corrected) if nobody changed the entry since `base_revision` was read;
    else raise EditConflict and change nothing. Keeps the earlier version in the history."""
    note = (data.get("note") or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say why the entry is corrected: the history keeps the reason.")]})
    with transaction.atomic():
        locked = ChronologyEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.revision != base_revision:
            raise EditConflict(locked)
        if not locked.is_active:
            raise ValidationError(_("The entry is no longer in its agency's submission and cannot be corrected."))
        changed = changed_fields(locked, data)
        if not changed:
            raise ValidationError(_("Nothing was changed: the entry is as it was."))
        for name in changed:
            setattr(locked, name, data[name])
        locked.revision += 1
        locked.edited_at = timezone.now()
        locked.edited_by = acting_user
        locked.save(update_fields=[*changed, "revision", "edited_at", "edited_by"])
        EntryRevision.objects.create(
            entry=locked,
            revision=locked.revision,
            change=EntryRevision.Change.EDITED,
            values=locked.snapshot(),
            note=note,
            changed_by=acting_user,
        )
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=review_purpose(acting_user),
            obj=locked,
            review_id=locked.review_id,
            detail={"revision": locked.revision, "fields": changed},
        )
        refresh_duplicate_suggestions(locked.review_id)
    return locked


# --- duplicates ---------------------------------------------------------------------------------------------

CONFIRM = "confirm"
REJECT = "reject"
UNDO = "undo"
DECISIONS = (CONFIRM, REJECT, UNDO)


def duplicate_decide(
    *, link: DuplicateLink, decision: str, note: str, revision: int | None, acting_user: Any
) -> DuplicateLink:
    """Confirm a suggested pair (the second entry is merged into the first, which keeps both sources),
    reject it (not the same event), or undo either decision (the pair is suggested again). Refused
    (EditConflict) when someone decided on the pair since `revision` was read, so that an undo from a
    stale page cannot throw away a decision its author never saw."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": [_("Choose whether the entries record the same event.")]})
    with transaction.atomic():
        advance_revision(DuplicateLink, pk=link.pk, revision=revision)
        locked = DuplicateLink.objects.get(pk=link.pk)
        entries = {
            row.pk: row
            for row in ChronologyEntry.objects.select_for_update().filter(pk__in=[locked.first_id, locked.second_id])
        }
        first, second = entries[locked.first_id], entries[locked.second_id]
        before = locked.status
        if decision == UNDO:
            if before == DuplicateLink.Status.SUGGESTED:
                raise ValidationError(_("Nobody has decided on these entries yet: there is nothing to undo."))
            if before == DuplicateLink.Status.CONFIRMED and second.merged_into_id == first.pk:
                second.merged_into = None
                second.save(update_fields=["merged_into"])
            locked.status = DuplicateLink.Status.SUGGESTED
            locked.decided_at = None
            locked.decided_by = None
        else:
            if before != DuplicateLink.Status.SUGGESTED:
                raise ValidationError(
                    _("Someone has already decided on these entries. Undo that decision first to change it.")
                )
            if decision == CONFIRM:
                if not (first.is_active and second.is_active):
                    raise ValidationError(
                        _("One of the entries is no longer in its agency's submission and cannot be merged.")
                    )
                if first.merged_into_id is not None or second.merged_into_id is not None:
                    raise ValidationError(
                        _("One of the entries is already merged into another entry. Undo that merge first.")
                    )
                second.merged_into = first
                second.save(update_fields=["merged_into"])
                # Entries merged into the second stay with the event: they now belong to the first.
                ChronologyEntry.objects.filter(merged_into=second).update(merged_into=first)
                locked.status = DuplicateLink.Status.CONFIRMED
            else:
                locked.status = DuplicateLink.Status.REJECTED
            locked.decided_at = timezone.now()
            locked.decided_by = acting_user
        locked.note = note.strip()
        locked.save(update_fields=["status", "decided_at", "decided_by", "note"])
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=review_purpose(acting_user),
            obj=locked,
            review_id=locked.review_id,
            detail={
                "decision": decision,
                "from": before,
                "to": locked.status,
                "first": first.pk,
                "second": second.pk,
                "revision": locked.revision,
            },
        )
        if decision == UNDO:
            refresh_duplicate_suggestions(locked.review_id)
    return locked


# --- disputes -----------------------------------------------------------------------------------------------


def dispute_create(*, review: Any, entries: Sequence[ChronologyEntry], note: str, acting_user: Any) -> Dispute:
    """Mark entries of the review as contradicting each other, saying what contradicts what."""
    problems: dict[str, list[str]] = {}
    if not entries:
        problems["entries"] = [_("Choose the entries that contradict each other.")]
    elif any(entry.review_id != review.pk for entry in entries):
        problems["entries"] = [_("Choose entries of this review only.")]
    if not note.strip():
        problems["note"] = [_("Say what contradicts what.")]
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        dispute = Dispute.objects.create(review=review, note=note.strip(), created_by=acting_user)
        dispute.entries.set(entries)
        record(
            actor=acting_user,
            action=Action.CREATE,
            purpose=review_purpose(acting_user),
            obj=dispute,
            review_id=review.pk,
            detail={"entries": sorted(entry.pk for entry in entries)},
        )
    return dispute


def dispute_resolve(*, dispute: Dispute, resolution: str, acting_user: Any) -> Dispute:
    """Close a dispute with what the review team concluded."""
    if not resolution.strip():
        raise ValidationError({"resolution": [_("Say how the contradiction was resolved.")]})
    with transaction.atomic():
        locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if locked.status != Dispute.Status.OPEN:
            raise ValidationError(_("The dispute has already been resolved."))
        locked.status = Dispute.Status.RESOLVED
        locked.resolution = resolution.strip()
        locked.resolved_at = timezone.now()
        locked.resolved_by = acting_user
        locked.save(update_fields=["status", "resolution", "resolved_at", "resolved_by"])
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=review_purpose(acting_user),
            obj=locked,
            review_id=locked.review_id,
            detail={"status": locked.status},
        )
    return locked
