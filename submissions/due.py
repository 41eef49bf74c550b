"""Uploaded files that were looked at but never submitted are not kept: a preview not used within a
day is removed, its file and checked result deleted from storage (both may hold case data of the agency's
chronology).
Called every minute through `core.scheduler` (DUE_WORK_PRODUCERS); idempotent.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone

from audit.log import record
from audit.models import Action, Purpose

from .models import UploadPreview

KEEP_UNUSED = dt.timedelta(days=1)


def purge_stale_previews(now: dt.datetime | None = None) -> int:
    """Remove previews older than a day that were never submitted (and the files of used ones, which
    the submission keeps a copy of). Returns how many were removed."""
    cutoff = (now or timezone.now()) - KEEP_UNUSED
    stale = list(UploadPreview.objects.filter(created_at__lt=cutoff).select_related("request__involvement")[:500])
    for preview in stale:
        with transaction.atomic():
            kept = [(field.name, field.storage) for field in (preview.file, preview.result) if field.name]
            UploadPreview.objects.filter(pk=preview.pk).delete()
            record(
                actor=None,
                action=Action.DELETE,
                purpose=Purpose.SYSTEM,
                object_type=UploadPreview,
                object_ids=[preview.pk],
                review_id=preview.request.involvement.review_id,
                detail={"request": preview.request_id, "used": preview.used_at is not None, "reason": "stale preview"},
            )
            for name, storage in kept:
                transaction.on_commit(partial(storage.delete, name))
    return len(stale)
