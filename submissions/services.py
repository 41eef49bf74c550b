"""State changes of an agency's answer: upload previews, submissions, draft entries and the agency
report. Each function runs in one transaction and writes its audit event inside it. Entries reach the
chronology only through `chronology.store.apply_submission` (which audits the submission itself).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action, Purpose
from chronology.exchange import KEYS, MAX_FILE_BYTES, Problem, entry_values
from chronology.models import ChronologyEntry
from chronology.store import apply_submission
from core.concurrency import EditConflict
from inquiries.access import request_purpose
from inquiries.models import InformationRequest

from .checking import check_mappings, check_upload, preview_result, result_file
from .models import AgencyReport, DraftEntry, Submission, UploadPreview

REPORT_FIELDS = ("summary", "reflection", "workload", "supervision", "staff_turnover", "other_context")


class NotValid(Exception):
    """The chronology has errors; nothing was stored."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("chronology not valid")
        self.problems = tuple(problems)


def _purpose(user: Any, information_request: InformationRequest) -> str:
    return request_purpose(user, information_request) or Purpose.INFORMATION_REQUEST


def too_large_message(size: int) -> str:
    return _(
        "The file is %(size)s MB; at most %(max)s MB is accepted. "
        "Save it as CSV, which is smaller, or ask the review coordinator how to send it."
    ) % {
        "size": f"{size / 1024 / 1024:.1f}",
        "max": MAX_FILE_BYTES // 1024 // 1024,
    }


# --- upload and preview -------------------------------------------------------------------------------------


def preview_create(*, information_request: InformationRequest, upload: UploadedFile, acting_user: Any) -> UploadPreview:
    """Read and check an uploaded file, once, and keep its result (and the file, when it is valid) for
    its preview. A file over the size limit is refused before any of it is read. The reading happens
    before the transaction: a slow workbook holds no lock while it is read."""
    size = upload.size or 0
    if size > MAX_FILE_BYTES:
        raise ValidationError({"file": [too_large_message(size)]})
    filename = os.path.basename(upload.name or "chronology")[:255] or "chronology"
    result, checked_against = check_upload(information_request, upload, filename)
    preview = UploadPreview(
        request=information_request,
        filename=filename,
        size=size,
        created_by=acting_user,
        valid=result.ok,
        entry_count=len(result.entries),
        checked_against=checked_against,
    )
    # Files go to storage before the transaction too; they are removed again if it fails.
    if result.ok:  # an invalid file is never needed again: its problems are all the preview shows
        upload.seek(0)
        preview.file.save(filename, upload, save=False)
    preview.result.save(f"{filename}.json.gz", result_file(result), save=False)
    try:
        with transaction.atomic():
            preview.save()
            record(
                actor=acting_user,
                action=Action.CREATE,
                purpose=_purpose(acting_user, information_request),
                obj=preview,
                review_id=information_request.involvement.review_id,
                detail={
                    "request": information_request.pk,
                    "filename": filename,
                    "size": size,
                    "valid": result.ok,
                    "entries": len(result.entries),
                },
            )
    except BaseException:
        for kept in (preview.file, preview.result):
            if kept.name:
                kept.storage.delete(kept.name)
        raise
    return preview


def latest_submission_number(information_request: InformationRequest) -> int:
    """The number of the request's newest submission (0 before the first)."""
    return Submission.objects.filter(request=information_request).aggregate(last=Max("number"))["last"] or 0


def preview_submit(*, preview: UploadPreview, acting_user: Any, based_on: int | None = None) -> Submission:
    """Store the previewed file's chronology, as checked at upload, as the request's newest submission
    and mark the preview used; the file is not read again. Raises NotValid when the file has errors (or
    was checked against organisations that changed since), and EditConflict when `based_on` (the newest
    submission the contributor saw in the preview) is no longer the newest."""
    if preview.used_at is not None:
        raise ValidationError(_("This file has already been submitted."))
    result = preview_result(preview)  # from storage, before the transaction
    if not result.ok:
        raise NotValid(result.errors)
    with transaction.atomic():
        locked = (
            UploadPreview.objects.select_for_update().select_related("request__involvement__review").get(pk=preview.pk)
        )
        if locked.used_at is not None:
            raise ValidationError(_("This file has already been submitted."))
        request = InformationRequest.objects.select_for_update().get(pk=locked.request_id)
        if based_on is not None and latest_submission_number(request) != based_on:
            raise EditConflict(Submission.objects.filter(request=request).order_by("-number").first())
        with locked.file.open("rb") as handle:
            submission = apply_submission(
                information_request=locked.request,
                entries=result.entries,
                channel="upload",
                acting_user=acting_user,
                filename=locked.filename,
                file=File(handle, name=locked.filename),
            )
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        # The submission keeps its own copy of the file; the checked result is not needed any more.
        for kept in (locked.file, locked.result):
            name, storage = kept.name or "", kept.storage
            if name:
                transaction.on_commit(partial(storage.delete, name))
    return submission


# --- entries typed into the form ----------------------------------------------------------------------------


def draft_values(data: Mapping[str, Any], *, organisation: str) -> dict[str, str]:
    """A draft's values: every exchange-format key as text, exactly as typed; the organisation is the
    request's own."""
    values: dict[str, str] = {}
    for key in KEYS:
        value = data.get(key, "")
        if isinstance(value, list | tuple):
            value = ";".join(str(part) for part in value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        values[key] = "" if value is None else str(value).strip()
    values["organisation"] = organisation
    return values


def draft_save(
    *,
    information_request: InformationRequest,
    data: Mapping[str, Any],
    acting_user: Any,
    draft: DraftEntry | None = None,
    revision: int = 0,
) -> DraftEntry:
    """Add a draft entry, or change one if nobody else changed it since `revision` (else EditConflict)."""
    values = draft_values(data, organisation=information_request.involvement.code)
    review_id = information_request.involvement.review_id
    with transaction.atomic():
        if draft is None:
            draft = DraftEntry.objects.create(
                request=information_request, values=values, revision=1, updated_by=acting_user
            )
            action = Action.CREATE
        else:
            updated = DraftEntry.objects.filter(pk=draft.pk, revision=revision).update(
                values=values, revision=F("revision") + 1, updated_by=acting_user, updated_at=timezone.now()
            )
            if not updated:
                raise EditConflict(DraftEntry.objects.filter(pk=draft.pk).first())
            draft.refresh_from_db()
            action = Action.UPDATE
        record(
            actor=acting_user,
            action=action,
            purpose=_purpose(acting_user, information_request),
            obj=draft,
            review_id=review_id,
            detail={"request": information_request.pk, "entry_ref": values["entry_ref"], "revision": draft.revision},
        )
    return draft


def draft_delete(*, draft: DraftEntry, revision: int, acting_user: Any) -> None:
    """Remove a draft entry unless someone changed it since `revision` (else EditConflict)."""
    information_request = draft.request
    with transaction.atomic():
        deleted, _detail = DraftEntry.objects.filter(pk=draft.pk, revision=revision).delete()
        if not deleted:
            raise EditConflict(DraftEntry.objects.filter(pk=draft.pk).first())
        record(
            actor=acting_user,
            action=Action.DELETE,
            purpose=_purpose(acting_user, information_request),
            object_type=DraftEntry,
            object_ids=[draft.pk],
            review_id=information_request.involvement.review_id,
            detail={"request": information_request.pk, "entry_ref": draft.values.get("entry_ref", "")},
        )


def drafts_from_current(*, information_request: InformationRequest, acting_user: Any) -> int:
    """Copy the request's stored entries into draft entries, so that the contributor can correct some
    and submit again. Entries whose entry_ref is already among the drafts are left as drafted.
    Returns how many were copied."""
    with transaction.atomic():
        drafted = {
            draft.values.get("entry_ref", "")
            for draft in DraftEntry.objects.select_for_update().filter(request=information_request)
        }
        rows = ChronologyEntry.objects.filter(request=information_request).integrated().in_order()
        made = DraftEntry.objects.bulk_create(
            [
                DraftEntry(
                    request=information_request, values=entry_values(row.to_entry()), revision=1, updated_by=acting_user
                )
                for row in rows
                if row.entry_ref not in drafted
            ]
        )
        made_ids = [draft.pk for draft in made if draft.pk is not None]
        record(
            actor=acting_user,
            action=Action.CREATE,
            purpose=_purpose(acting_user, information_request),
            object_type=DraftEntry,
            object_ids=sorted(made_ids),
            review_id=information_request.involvement.review_id,
            detail={"request": information_request.pk, "copied_from_current": len(made)},
        )
    return len(made)


def drafts_submit(*, information_request: InformationRequest, acting_user: Any) -> Submission:
    """Check every draft entry as one chronology; if all are valid store them as the request's newest
    submission and clear the drafts. Raises NotValid (problems carry the draft's position as `index`)."""
    with transaction.atomic():
        drafts = list(DraftEntry.objects.select_for_update().filter(request=information_request).order_by("pk"))
        if not drafts:
            raise ValidationError(_("There are no entries to submit. Add an entry first."))
        result = check_mappings(information_request, [draft.values for draft in drafts])
        if not result.ok:
            raise NotValid(result.errors)
        submission = apply_submission(
            information_request=information_request, entries=result.entries, channel="form", acting_user=acting_user
        )
        DraftEntry.objects.filter(pk__in=[draft.pk for draft in drafts]).delete()
    return submission


# --- the agency report --------------------------------------------------------------------------------------


def report_for(information_request: InformationRequest) -> AgencyReport:
    """The request's agency report; unsaved and empty (revision 0) when nobody has written it yet."""
    return AgencyReport.objects.filter(request=information_request).first() or AgencyReport(request=information_request)


def report_save(
    *,
    information_request: InformationRequest,
    data: Mapping[str, Any],
    revision: int,
    acting_user: Any,
    submit: bool = False,
) -> AgencyReport:
    """Save the agency report if nobody else saved it since `revision` (else EditConflict); with
    `submit`, also mark it submitted to the review."""
    values = {name: (data.get(name) or "").strip() for name in REPORT_FIELDS}
    if submit and not values["summary"]:
        raise ValidationError({"summary": [_("Write what the agency did and why before submitting the report.")]})
    with transaction.atomic():
        report, created = AgencyReport.objects.get_or_create(request=information_request)
        now = timezone.now()
        changes: dict[str, Any] = {
            **values,
            "revision": F("revision") + 1,
            "updated_by": acting_user,
            "updated_at": now,
        }
        if submit:
            changes["submitted_at"] = now
        updated = AgencyReport.objects.filter(pk=report.pk, revision=revision).update(**changes)
        report.refresh_from_db()
        if not updated:
            raise EditConflict(report)
        record(
            actor=acting_user,
            action=Action.CREATE if created else Action.UPDATE,
            purpose=_purpose(acting_user, information_request),
            obj=report,
            review_id=information_request.involvement.review_id,
            detail={"request": information_request.pk, "revision": report.revision, "submitted": submit},
        )
    return report
