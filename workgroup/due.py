"""Time-based work of the working group: materials go out a set number of working days before each
meeting. Called every minute through `core.scheduler` (settings.DUE_WORK_PRODUCERS).

Idempotent: the materials a run queues are marked (`enqueued_at`) with a conditional update, so a
second run, or two runs at once, queue nothing more; the task itself sends only what is not yet sent.
A queued material still unsent after `STALE_AFTER` (a worker lost it) is queued once more.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Material, Meeting

STALE_AFTER = dt.timedelta(hours=1)
# Far enough ahead for any reasonable number of working days before a meeting.
HORIZON = dt.timedelta(days=120)


def meetings_due(now: dt.datetime) -> list[Meeting]:
    """Planned meetings not yet begun whose materials are due out by `now` and have some unsent."""
    stale = now - STALE_AFTER
    waiting = Material.objects.filter(sent_at__isnull=True).filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale)
    )
    candidates = Meeting.objects.planned().filter(
        starts_at__gt=now, starts_at__lte=now + HORIZON, pk__in=waiting.values("meeting_id")
    )
    day = timezone.localdate(now)
    return [meeting for meeting in candidates if meeting.materials_due_on <= day]


def enqueue_materials(now: dt.datetime | None = None) -> int:
    """Queue one sending task per meeting whose materials are due. Returns how many were queued."""
    from .tasks import send_meeting_materials

    now = now or timezone.now()
    queued = 0
    for meeting in meetings_due(now):
        with transaction.atomic():
            claimed = (
                Material.objects.filter(meeting=meeting, sent_at__isnull=True)
                .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - STALE_AFTER))
                .update(enqueued_at=now)
            )
            if claimed:
                transaction.on_commit(partial(send_meeting_materials.enqueue, meeting.pk))
                queued += 1
    return queued
