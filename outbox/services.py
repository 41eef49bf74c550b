"""Queueing and sending e-mail.

A service that changes something and must tell someone calls `message_queue` inside its transaction:
the message row is stored with the change (or not at all), and a task that sends it is queued on commit.
`message_send` (the task) claims the message, sends it with its fixed Message-ID and records the outcome.
A refused or failed attempt is queued again after a backoff (outbox.due, every minute), until
OUTBOX_MAX_ATTEMPTS; then the message is failed, and the page of what it is about shows it.

Delivery is at least once: when the mail server took the message but the answer was lost (or the worker
was killed just then), it is sent again with the same Message-ID, by which it can be recognised.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Iterable, Sequence
from email.mime.text import MIMEText
from functools import partial
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from audit.log import record
from audit.models import Action, Purpose
from core.backoff import backoff

from .models import OutboundMessage

logger = logging.getLogger(__name__)

Status = OutboundMessage.Status
ERROR_LENGTH = 300


class AttachmentGone(Exception):
    """An attachment was deleted before the message could be sent: no later attempt can send it."""


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)


def retry_wait(failed_attempts: int) -> dt.timedelta:
    return backoff(
        failed_attempts,
        base_seconds=settings.OUTBOX_RETRY_BASE_SECONDS,
        max_seconds=settings.OUTBOX_RETRY_MAX_SECONDS,
    )


def new_message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "tagasivaade.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


def attachment_ref(obj: models.Model) -> dict[str, Any]:
    """A reference to an object whose `email_attachment()` gives (name, data, content type) when sent."""
    return {"model": obj._meta.label_lower, "pk": obj.pk}


def message_queue(
    *,
    kind: str,
    to: Sequence[str],
    subject: str,
    body: str,
    about: models.Model | None = None,
    review_id: int | None = None,
    cc: Sequence[str] = (),
    reply_to: Sequence[str] = (),
    calendar: str = "",
    calendar_method: str = "",
    attachments: Iterable[models.Model] = (),
    now: dt.datetime | None = None,
) -> OutboundMessage:
    """Store an e-mail to send and queue its sending for when the caller's transaction commits.
    Call it inside the transaction that makes the change the e-mail is about."""
    now = now or timezone.now()
    message = OutboundMessage.objects.create(
        kind=kind,
        message_id=new_message_id(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(dict.fromkeys(to)),
        cc=list(dict.fromkeys(cc)),
        reply_to=list(reply_to),
        subject=subject,
        body=body,
        calendar=calendar,
        calendar_method=calendar_method,
        attachments=[attachment_ref(obj) for obj in attachments],
        about_type=ContentType.objects.get_for_model(about) if about is not None else None,
        about_id=about.pk if about is not None else None,
        review_id=review_id,
        created_at=now,
        # Should the task never be queued or never run, outbox.due queues it after the lease.
        next_attempt_at=now + lease(),
    )
    transaction.on_commit(partial(_enqueue, message.pk), robust=True)
    return message


def _enqueue(message_pk: int) -> None:
    from .tasks import send_message

    send_message.enqueue(message_pk)


def messages_about(obj: models.Model) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk)


# --- sending -------------------------------------------------------------------------------------------


def calendar_part(data: str, method: str) -> MIMEText:
    part = MIMEText(data, "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="meeting.ics")
    return part


def build_email(message: OutboundMessage) -> EmailMessage:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=message.to,
        cc=message.cc,
        reply_to=message.reply_to or None,
        headers={"Message-ID": message.message_id},
    )
    if message.calendar:
        email.attach(calendar_part(message.calendar, message.calendar_method))
    for ref in message.attachments:
        try:
            obj = apps.get_model(ref["model"])._default_manager.get(pk=ref["pk"])
        except (LookupError, ObjectDoesNotExist):
            raise AttachmentGone(ref["model"]) from None
        email.attach(*obj.email_attachment())
    return email


def describe(error: BaseException) -> str:
    """What went wrong, for the page and the audit log: the mail server's answer or the connection error.
    Never the message: only the parts of the exception that the server or the network produced."""
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = sorted({f"{code} {_text(text)}" for code, text in error.recipients.values()})
        text = f"{name}: {'; '.join(answers)}"
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{name}: {error.smtp_code} {_text(error.smtp_error)}"
    elif isinstance(error, OSError):
        text = f"{name}: {error.strerror}" if error.strerror else name
    elif isinstance(error, AttachmentGone):
        text = f"{name}: an attachment was deleted before the message was sent"
    else:
        text = name
    return text[:ERROR_LENGTH]


def _text(value: bytes | str) -> str:
    return (value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)).strip()


def message_send(*, message_pk: int, task_id: str, now: dt.datetime | None = None) -> str:
    """Send one message (the task). Returns the message's status afterwards. Never raises for a refusal
    or a failed connection: those are recorded on the message and tried again later."""
    now = now or timezone.now()
    claimed = (
        OutboundMessage.objects.filter(pk=message_pk)
        .filter(Q(status=Status.QUEUED) | Q(status=Status.SENDING, claimed_by=task_id))
        .update(
            status=Status.SENDING,
            claimed_by=task_id,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            next_attempt_at=now + lease(),
        )
    )
    if not claimed:
        # Sent, failed, or being sent by another task meanwhile: nothing to do.
        return OutboundMessage.objects.filter(pk=message_pk).values_list("status", flat=True).first() or ""
    message = OutboundMessage.objects.get(pk=message_pk)
    try:
        email = build_email(message)
        with get_connection(fail_silently=False) as mail_connection:
            mail_connection.send_messages([email])
    except AttachmentGone as error:
        return _attempt_failed(message, describe(error), now=now, final=True)
    except Exception as error:
        logger.warning("E-mail %s (attempt %s) not sent: %s", message.message_id, message.attempts, describe(error))
        return _attempt_failed(message, describe(error), now=now, final=False)
    return _sent(message, now=now)


def _mine(message: OutboundMessage) -> QuerySet[OutboundMessage]:
    """The message as long as this attempt still holds it (not taken up again after a lost lease)."""
    return OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING, claimed_by=message.claimed_by)


def _sent(message: OutboundMessage, *, now: dt.datetime) -> str:
    with transaction.atomic():
        updated = _mine(message).update(
            status=Status.SENT, sent_at=now, next_attempt_at=None, last_error="", body="", calendar=""
        )
        if updated:
            _audit(message, outcome="sent")
    return Status.SENT


def _attempt_failed(message: OutboundMessage, error: str, *, now: dt.datetime, final: bool) -> str:
    final = final or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    with transaction.atomic():
        if final:
            updated = _mine(message).update(status=Status.FAILED, next_attempt_at=None, last_error=error)
            if updated:
                logger.error(
                    "E-mail %s not delivered after %s attempt(s): %s", message.message_id, message.attempts, error
                )
                _audit(message, outcome="failed", error=error)
            return Status.FAILED
        _mine(message).update(
            status=Status.QUEUED, next_attempt_at=now + retry_wait(message.attempts), last_error=error
        )
    return Status.QUEUED


def _audit(message: OutboundMessage, *, outcome: str, error: str = "") -> None:
    detail: dict[str, Any] = {
        "outcome": outcome,
        "kind": message.kind,
        "message_id": message.message_id,
        "to": message.to,
        "cc": message.cc,
        "attempts": message.attempts,
    }
    if message.about_type_id:
        detail["about"] = f"{message.about_type.app_label}.{message.about_type.model}:{message.about_id}"  # type: ignore[union-attr]
    if error:
        detail["error"] = error
    record(
        actor=None,
        action=Action.DELIVER,
        purpose=Purpose.SYSTEM,
        obj=message,
        review_id=message.review_id,
        detail=detail,
    )
