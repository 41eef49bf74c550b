"""Time-based work of the audit log: one verification of the chain a day. Called every minute through
`core.scheduler` (settings.DUE_WORK_PRODUCERS).

Idempotent: the day's `AuditChainCheck` row (unique per day) is created before the task is queued,
so a second run that day, or two runs at once, queue nothing more.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import AuditChainCheck
from .tasks import verify_audit_chain


def enqueue_chain_check(now: dt.datetime | None = None) -> list[str]:
    """Queue today's (Europe/Tallinn) chain verification unless it was queued already."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    with transaction.atomic():
        check, created = AuditChainCheck.objects.get_or_create(day=day, defaults={"enqueued_at": now})
        if not created:
            return []
        transaction.on_commit(partial(verify_audit_chain.enqueue, check.pk))
    return [f"audit chain check for {day.isoformat()}"]
