"""Notifications of serious incidents (stage 1), the pseudonymised child and the screening decision (stage 2).

Who may see a notification is decided in one place: `Notification.objects.visible_to(user)`, used by
`notifications.access`, which also writes the audit event for every read. The child's identity (personal
code, name) is kept apart in `ChildIdentity` and shown only on the audited confidential page.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, SystemRole, validate_personal_code
from core.dates import today

from . import deadlines

if TYPE_CHECKING:
    from method.content import MethodContent


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        """Coordinators see every notification; lead reviewers and team members those of their reviews."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.has_system_role(SystemRole.COORDINATOR):
            return self
        from reviews.models import Review

        return self.filter(pk__in=Review.objects.visible_to(user).values("notification_id"))

    def open(self) -> NotificationQuerySet:
        return self.filter(status=Notification.Status.OPEN)


class Notification(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open – not screened")
        SCREENED = "screened", _("Screened – review opened")
        CLOSED = "closed", _("Closed")

    method_version = models.ForeignKey(
        "method.MethodVersion", verbose_name=_("method version"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    incident_date = models.DateField(_("date of the incident"))
    became_aware_on = models.DateField(_("date the board became aware"))
    recorded_on = models.DateField(_("date recorded"), default=today)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    notifying_body = models.CharField(_("notifying body"), max_length=200)
    notifying_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("notifying organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Codes from the method version's `outcomes`, `causes` and `parallel_proceedings`.
    outcome = models.CharField(_("outcome"), max_length=60)
    causes = models.JSONField(_("causes"), default=list)
    parallel_proceedings = models.JSONField(_("parallel proceedings"), default=list, blank=True)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    # Optimistic locking: an edit names the revision it started from (see notifications.services).
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["status", "recorded_on"], name="notification_status_rec_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(became_aware_on__gte=models.F("incident_date")),
                name="notification_aware_not_before_incident",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def content(self) -> MethodContent:
        return self.method_version.data

    def events(self) -> dict[str, dt.date]:
        return {"became_aware": self.became_aware_on, "notification_recorded": self.recorded_on}

    @property
    def recording_due(self) -> dt.date | None:
        """Recording was due this many working days (stage `notification`) after the board became aware."""
        return deadlines.stage_due(self.content, deadlines.STAGE_NOTIFICATION, self.events())

    @property
    def recorded_late(self) -> bool:
        due = self.recording_due
        return due is not None and self.recorded_on > due

    @property
    def rapid_review_due(self) -> dt.date | None:
        return deadlines.stage_due(self.content, deadlines.STAGE_RAPID_REVIEW, self.events())

    @property
    def rapid_review_overdue(self) -> bool:
        """Overdue while the notification is still waiting for its screening decision."""
        due = self.rapid_review_due
        return self.status == self.Status.OPEN and due is not None and today() > due


class Child(models.Model):
    """The child, pseudonymised. Codes come from the method vocabularies of the same names."""

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="child")
    pseudonym = models.CharField(_("pseudonym"), max_length=60)
    age_at_incident = models.PositiveSmallIntegerField(
        _("age at the incident"), validators=[MinValueValidator(0), MaxValueValidator(17)]
    )
    sex = models.CharField(_("sex"), max_length=30)
    health_needs = models.TextField(_("health needs or chronic conditions"), max_length=1000, blank=True)
    school_attendance = models.CharField(_("school attendance"), max_length=60, blank=True)
    legal_status = models.CharField(_("legal status"), max_length=60, blank=True)
    known_to = models.ManyToManyField(
        Organisation, verbose_name=_("agencies that knew the child"), blank=True, related_name="+"
    )
    known_to_other = models.TextField(_("other agencies that knew the child"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            models.CheckConstraint(condition=models.Q(age_at_incident__lte=17), name="child_age_under_18"),
        ]

    def __str__(self) -> str:
        return self.pseudonym


class ChildIdentity(models.Model):
    """The confidential part: shown only on the audited confidential page, never in lists."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="identity")
    personal_code = models.CharField(
        _("personal identification code"), max_length=11, blank=True, validators=[validate_personal_code]
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    # Optimistic locking: a save names the revision it started from (core.concurrency).
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("child's identity")
        verbose_name_plural = _("children's identities")

    def __str__(self) -> str:
        # Never the code or the name: this may end up in logs.
        return f"{_('Identity')} #{self.pk}"


class HouseholdMember(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="household")
    relationship = models.CharField(_("relationship to the child"), max_length=60)
    risk_factors = models.JSONField(_("risk factors"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self) -> str:
        return self.relationship


class ScreeningDecision(models.Model):
    """The checklist against the case definition and the decision, recorded also for cases not reviewed."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNKNOWN = "unknown", _("Unknown")

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="screening")
    # {checklist code: yes / no / unknown}, every item of the method's checklist answered.
    answers = models.JSONField(_("answers"), default=dict)
    # A code from the method's `screening_decisions`: rapid_review, full_review or no_review.
    decision = models.CharField(_("decision"), max_length=30)
    reasons = models.TextField(_("reasons"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("screening decision")
        verbose_name_plural = _("screening decisions")

    def __str__(self) -> str:
        return f"{self.notification_id}: {self.decision}"
