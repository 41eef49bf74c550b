"""Exported files are not kept for long: a PDF made in the background stays downloadable for a week,
then the file is deleted from storage and the export forgotten (whoever needs it again makes a new
one; both the request and every download are in the audit log). Called every minute through
`core.scheduler` (DUE_WORK_PRODUCERS); idempotent.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone

from audit.log import record
from audit.models import Action, Purpose

from .models import ChronologyExport

KEEP_EXPORTS = dt.timedelta(days=7)


def purge_old_exports(now: dt.datetime | None = None) -> int:
    """Remove exports requested more than a week ago, with their files. Returns how many."""
    cutoff = (now or timezone.now()) - KEEP_EXPORTS
    old = list(ChronologyExport.objects.filter(requested_at__lt=cutoff).order_by("pk")[:500])
    for export in old:
        with transaction.atomic():
            name, storage = export.file.name, export.file.storage
            ChronologyExport.objects.filter(pk=export.pk).delete()
            record(
                actor=None,
                action=Action.DELETE,
                purpose=Purpose.SYSTEM,
                object_type=ChronologyExport,
                object_ids=[export.pk],
                review_id=export.review_id,
                detail={"format": export.format, "reason": "kept a week"},
            )
            if name:
                transaction.on_commit(partial(storage.delete, name))
    return len(old)
