"""Every e-mail the system sends, as a row written in the same transaction as the change it is about."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundMessage(models.Model):
    """One e-mail: who it goes to, its subject and text, what it is about, and how sending it went.

    It holds no more than the e-mail itself holds, and less once it is sent: the text and the calendar
    data are emptied then (the thing it is about keeps its own record). Attachments are referenced, not
    copied, and read when the message is sent. `last_error` holds the mail server's answer or the
    connection error, never the message's text."""

    class Kind(models.TextChoices):
        REQUEST_LETTER = "request_letter", _("Information request letter")
        REQUEST_REMINDER = "request_reminder", _("Reminder of an information request")
        MEMBERSHIP_LETTER = "membership_letter", _("Working-group invitation letter")
        MEETING_INVITATION = "meeting_invitation", _("Meeting invitation")
        MEETING_UPDATE = "meeting_update", _("Meeting change")
        MEETING_CANCELLATION = "meeting_cancellation", _("Meeting cancellation")
        MATERIALS = "materials", _("Meeting materials")
        DEADLINE_ALERT = "deadline_alert", _("Deadline alert")
        ADMINISTRATOR_NOTICE = "administrator_notice", _("Notice to the administrators")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not delivered")

    kind = models.CharField(max_length=30, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The same on every attempt, so that a message sent again after an unclear failure is recognisable.
    message_id = models.CharField(max_length=255, unique=True)
    from_email = models.CharField(max_length=254)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.TextField()
    body = models.TextField(blank=True)
    calendar = models.TextField(blank=True)
    calendar_method = models.CharField(max_length=10, blank=True)
    # [{"model": "app_label.model", "pk": 1}, ...]: each model has `email_attachment() -> (name, data, type)`.
    attachments = models.JSONField(default=list, blank=True)
    about_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    review = models.ForeignKey("reviews.Review", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # When the due-work producer queues the message (again) if it is still not sent: after the backoff
    # when an attempt failed, after the lease while it is being sent or waits for its first task.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The task (its result id) that is sending it: the same task run again after its worker was lost
    # takes it up; any other waits for the lease to end.
    claimed_by = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["about_type", "about_id"], name="outbox_about_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed"]), name="outbox_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.message_id}"

    @property
    def recipients(self) -> list[str]:
        return [*self.to, *self.cc]
