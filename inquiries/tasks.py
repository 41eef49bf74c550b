"""Background tasks of information gathering (django-tasks)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from audit.log import record
from audit.models import Action, Purpose
from outbox.models import OutboundMessage

from .models import InformationRequest, RequestReminder
from .services import request_email_queue


@task()
def send_request_reminders() -> int:
    """Queue an e-mail for every reminder not sent yet to its request's contact; each is queued once, in
    the transaction that marks it sent (the outbox sends it, and retries)."""
    with transaction.atomic():
        reminders = list(
            RequestReminder.objects.select_for_update(of=("self",))
            .filter(sent_at__isnull=True)
            .select_related("request__involvement")
            .order_by("pk")
        )
        now = timezone.now()
        for reminder in reminders:
            information_request = reminder.request
            with translation.override(information_request.language):
                prefix = (
                    _("Reminder")
                    if reminder.kind == RequestReminder.Kind.BEFORE_DUE
                    else _("Reminder: the due date has passed")
                )
                request_email_queue(information_request, kind=OutboundMessage.Kind.REQUEST_REMINDER, reminder=prefix)
            reminder.sent_at = now
            reminder.save(update_fields=["sent_at"])
            InformationRequest.objects.filter(pk=information_request.pk).update(
                reminded_at=now, reminder_count=F("reminder_count") + 1
            )
            record(
                actor=None,
                action=Action.SEND,
                purpose=Purpose.SYSTEM,
                obj=information_request,
                review_id=information_request.involvement.review_id,
                detail={"reminder": reminder.kind},
            )
    return len(reminders)
