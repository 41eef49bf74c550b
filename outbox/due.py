"""E-mail to try again. Called every minute through `core.scheduler` (settings.DUE_WORK_PRODUCERS).

Queues a sending task for each message whose next attempt is due: one whose last attempt failed and whose
backoff has passed, one whose first task never ran, and one whose sending attempt outlived its lease (its
worker was lost while sending: it is sent again with the same Message-ID). Idempotent: each message is
claimed by a conditional update that moves its next attempt a lease ahead before its task is queued.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboundMessage
from .services import _audit, _enqueue, lease

Status = OutboundMessage.Status


def enqueue_due_messages(now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    done = []
    due = OutboundMessage.objects.filter(status__in=[Status.QUEUED, Status.SENDING], next_attempt_at__lte=now).order_by(
        "next_attempt_at", "pk"
    )
    for message in due:
        same = OutboundMessage.objects.filter(pk=message.pk, status=message.status, next_attempt_at__lte=now)
        with transaction.atomic():
            if message.status == Status.SENDING and message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                error = "The last attempt was interrupted (the worker sending it was lost)."
                if same.update(status=Status.FAILED, next_attempt_at=None, last_error=error):
                    _audit(message, outcome="failed", error=error)
                    done.append(f"e-mail {message.pk} failed: its last attempt was interrupted")
                continue
            if same.update(status=Status.QUEUED, claimed_by="", next_attempt_at=now + lease()):
                transaction.on_commit(partial(_enqueue, message.pk), robust=True)
                done.append(f"e-mail {message.pk} attempt {message.attempts + 1}")
    return done
