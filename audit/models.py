"""The append-only, hash-chained audit log.

Each event carries a gapless sequence number and the hash of the event before it; the chain head
(the last sequence number and hash) is kept in its own row, so that removing the latest events is
detected too. Writers lock the head row, which serialises them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    READ = "read", _("Read")
    LIST = "list", _("List")
    EXPORT = "export", _("Export")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    SIGN_IN = "sign_in", _("Sign-in")
    SIGN_IN_REFUSED = "sign_in_refused", _("Sign-in refused")
    SIGN_OUT = "sign_out", _("Sign-out")
    SEND = "send", _("Send")
    # The outcome of sending one e-mail (outbox): sent, or failed after its attempts.
    DELIVER = "deliver", _("E-mail delivery")


class Purpose(models.TextChoices):
    """Why the person had access. A review purpose also names the review (`review_id`)."""

    REVIEW = "review", _("Review")
    COORDINATION = "coordination", _("Coordination")
    AUDIT = "audit", _("Audit")
    METHOD = "method", _("Method editing")
    ADMINISTRATION = "administration", _("Administration")
    MANAGEMENT = "management", _("Management")
    WORKING_GROUP = "working_group", _("Working group")
    INFORMATION_REQUEST = "information_request", _("Information request")
    AUTHENTICATION = "authentication", _("Authentication")
    SYSTEM = "system", _("System")


class AuditEvent(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Kept as text as well, so that the event reads the same after the account changes.
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    # A list page names every record it showed.
    object_ids = models.JSONField(default=list, blank=True)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    review_id = models.BigIntegerField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=500, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["at"], name="audit_at_idx"),
            models.Index(fields=["review_id"], name="audit_review_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """One row (pk=1): the sequence number and hash of the newest event."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.sequence}"


class AuditChainCheck(models.Model):
    """The scheduled verification of the chain, one a day (the unique day keeps `run_due` idempotent)."""

    day = models.DateField(unique=True)
    enqueued_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    intact = models.BooleanField(null=True)  # None until the check has run
    events = models.PositiveBigIntegerField(null=True, blank=True)
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"chain check {self.day.isoformat()}"
