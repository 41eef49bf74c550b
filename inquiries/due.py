"""Reminders of information requests, before and after their due date. Called every minute through
`core.scheduler` (DUE_WORK_PRODUCERS).

Idempotent: each reminder is one `RequestReminder` row (unique per request and kind), and the task that
e-mails them is queued only when new rows were made, after they are committed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.dates import today as local_today
from core.workdays import add_working_days

from .models import InformationRequest, RequestReminder

# The reminder before the due date goes out when this many working days are left.
REMIND_BEFORE_WORKING_DAYS = 2


def due_reminders(on: dt.date) -> list[RequestReminder]:
    """Unsaved reminders for the sent, unanswered requests that need one on `on` and have not had it."""
    reminders = []
    open_requests = InformationRequest.objects.filter(
        sent_at__isnull=False, received_at__isnull=True, due_on__isnull=False
    ).values_list("pk", "due_on")
    done = set(RequestReminder.objects.values_list("request_id", "kind"))
    soon = add_working_days(on, REMIND_BEFORE_WORKING_DAYS)
    for pk, due_on in open_requests:
        assert due_on is not None
        if due_on < on:
            kind = RequestReminder.Kind.AFTER_DUE
        elif due_on <= soon:
            kind = RequestReminder.Kind.BEFORE_DUE
        else:
            continue
        if (pk, kind) not in done:
            reminders.append(RequestReminder(request_id=pk, kind=kind))
    return reminders


def enqueue_reminders(today: dt.date | None = None) -> int:
    """Record the reminders that are due and queue one e-mail task for them. Returns how many."""
    from .tasks import send_request_reminders

    on = today or local_today()
    with transaction.atomic():
        reminders = due_reminders(on)
        if reminders:
            # A concurrent run may have recorded some already: those are skipped, not repeated.
            RequestReminder.objects.bulk_create(reminders, ignore_conflicts=True)
            transaction.on_commit(lambda: send_request_reminders.enqueue())
    return len(reminders)
