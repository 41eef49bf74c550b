"""Time-based work: deadlines that passed. Called every minute through `core.scheduler` (DUE_WORK_PRODUCERS).

Idempotent: each passed deadline gets one `DeadlineAlert` row (a unique constraint guards it), and the
task that e-mails the coordinators is queued only when new rows were made, after they are committed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.dates import today as local_today
from method.models import MethodVersion
from notifications.deadlines import STAGE_RAPID_REVIEW, stage_due
from notifications.models import Notification

from .models import DeadlineAlert, Milestone, Review


def overdue_alerts(on: dt.date) -> list[DeadlineAlert]:
    """Unsaved alerts for the deadlines that passed before `on` and were not announced yet."""
    alerts = [
        DeadlineAlert(kind=DeadlineAlert.Kind.MILESTONE, milestone_id=pk, due_on=due_on)
        for pk, due_on in Milestone.objects.filter(
            completed_on__isnull=True, due_on__lt=on, review__status=Review.Status.OPEN
        )
        .exclude(pk__in=DeadlineAlert.objects.filter(kind=DeadlineAlert.Kind.MILESTONE).values("milestone_id"))
        .values_list("pk", "due_on")
    ]
    waiting = list(
        Notification.objects.open()
        .exclude(pk__in=DeadlineAlert.objects.filter(kind=DeadlineAlert.Kind.RAPID_REVIEW).values("notification_id"))
        .values_list("pk", "method_version_id", "recorded_on")
    )
    versions = MethodVersion.objects.only("pk", "content").in_bulk({version_id for _pk, version_id, _on in waiting})
    due_cache: dict[tuple[int, dt.date], dt.date | None] = {}
    for pk, version_id, recorded_on in waiting:
        key = (version_id, recorded_on)
        if key not in due_cache:
            due_cache[key] = stage_due(
                versions[version_id].data, STAGE_RAPID_REVIEW, {"notification_recorded": recorded_on}
            )
        due = due_cache[key]
        if due is not None and due < on:
            alerts.append(DeadlineAlert(kind=DeadlineAlert.Kind.RAPID_REVIEW, notification_id=pk, due_on=due))
    return alerts


def enqueue_deadline_alerts(today: dt.date | None = None) -> int:
    """Record the deadlines that became overdue and queue one e-mail task for them. Returns how many."""
    from .tasks import send_deadline_alerts

    on = today or local_today()
    with transaction.atomic():
        alerts = overdue_alerts(on)
        if alerts:
            # A concurrent run may have recorded some of them already: those are skipped, not repeated.
            DeadlineAlert.objects.bulk_create(alerts, ignore_conflicts=True)
            transaction.on_commit(lambda: send_deadline_alerts.enqueue())
    return len(alerts)
