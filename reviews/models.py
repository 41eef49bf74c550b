"""Reviews, their milestones and their teams.

Who may see a review is decided in one place: `Review.objects.visible_to(user)`, used by
`reviews.access`, which also writes the audit event for every read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import SystemRole
from core.dates import today


class ReviewRole(models.TextChoices):
    LEAD_REVIEWER = "lead_reviewer", _("Lead reviewer")
    TEAM_MEMBER = "team_member", _("Team member")
    AGENCY_CONTRIBUTOR = "agency_contributor", _("Agency contributor")


# Review roles that open the review's pages. Agency contributors see only their own information requests.
READING_ROLES = (ReviewRole.LEAD_REVIEWER, ReviewRole.TEAM_MEMBER)


class ReviewQuerySet(models.QuerySet["Review"]):
    def visible_to(self, user: Any) -> ReviewQuerySet:
        """Coordinators see every review; lead reviewers and team members the reviews they belong to."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.has_system_role(SystemRole.COORDINATOR):
            return self
        member_of = ReviewMembership.objects.filter(user=user, role__in=READING_ROLES).values("review_id")
        return self.filter(pk__in=member_of)

    def open(self) -> ReviewQuerySet:
        return self.filter(status=Review.Status.OPEN)


class Review(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    notification = models.ForeignKey(
        "notifications.Notification", verbose_name=_("notification"), on_delete=models.PROTECT, related_name="reviews"
    )
    # A code from the method's `review_types`: rapid, full, thematic, pilot.
    review_type = models.CharField(_("type of review"), max_length=30)
    # Pinned when the review opens: the review keeps using this version after newer ones are published.
    method_version = models.ForeignKey(
        "method.MethodVersion", verbose_name=_("method version"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("opened on"), default=today)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [models.Index(fields=["status", "opened_on"], name="review_status_opened_idx")]

    def __str__(self) -> str:
        return self.reference


class Milestone(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="milestones")
    stage_code = models.CharField(_("stage"), max_length=60)
    stage_number = models.PositiveSmallIntegerField(_("stage number"))
    due_on = models.DateField(_("due on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # Optimistic locking: a save names the revision it started from (core.concurrency).
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["stage_number", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["review", "stage_code"], name="milestone_review_stage_unique"),
        ]
        indexes = [models.Index(fields=["completed_on", "due_on"], name="milestone_open_due_idx")]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.stage_code}"

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return self.completed_on is None and (on or today()) > self.due_on


class ReviewMembership(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="review_memberships"
    )
    role = models.CharField(_("role in the review"), max_length=30, choices=ReviewRole.choices)
    # A code from the method's two-level sector list, e.g. "health.hospital".
    sector = models.CharField(_("sector"), max_length=60, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = _("review team membership")
        verbose_name_plural = _("review team memberships")
        constraints = [
            models.UniqueConstraint(fields=["review", "user", "role"], name="membership_review_user_role_unique"),
        ]
        indexes = [models.Index(fields=["user", "role"], name="membership_user_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class DeadlineAlert(models.Model):
    """One row per deadline that passed and was announced, so that each is announced once."""

    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("Milestone")
        RAPID_REVIEW = "rapid_review", _("Rapid review")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    notification = models.ForeignKey(
        "notifications.Notification", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The e-mails that announced it (one per coordinator), with how sending each went.
    messages = models.ManyToManyField("outbox.OutboundMessage", blank=True, related_name="deadline_alerts")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["milestone"], condition=models.Q(kind="milestone"), name="deadline_alert_milestone_once"
            ),
            models.UniqueConstraint(
                fields=["notification"],
                condition=models.Q(kind="rapid_review"),
                name="deadline_alert_rapid_review_once",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="milestone", milestone__isnull=False, notification__isnull=True)
                    | models.Q(kind="rapid_review", milestone__isnull=True, notification__isnull=False)
                ),
                name="deadline_alert_kind_matches_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.milestone_id or self.notification_id}"
