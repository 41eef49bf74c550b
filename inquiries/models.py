"""Setting a review up and gathering information (stages 4 and 5): the terms of reference, the
organisations involved, and the information requests sent to them.

Who may see what is decided in `inquiries.access`; every change goes through `inquiries.services`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import validate_personal_code
from core.dates import today

# The organisation's code in the chronology's `organisation` column (formats/chronology.md).
INVOLVEMENT_CODE_PATTERN = r"^[A-Z0-9]+(-[A-Z0-9]+)*$"
validate_involvement_code = RegexValidator(
    INVOLVEMENT_CODE_PATTERN,
    _("Use capital letters, digits and hyphens only, for example HAIGLA-01."),
    code="invalid_code",
)


class TermsOfReference(models.Model):
    """What the review looks at. `revision` guards against one person's save overwriting another's."""

    review = models.OneToOneField("reviews.Review", on_delete=models.CASCADE, related_name="terms")
    scope_start = models.DateField(_("start of the period reviewed"), null=True, blank=True)
    scope_end = models.DateField(_("end of the period reviewed"), null=True, blank=True)
    lines_of_enquiry = models.TextField(_("key lines of enquiry"), blank=True)
    family_informed = models.BooleanField(_("the family has been informed"), default=False)
    family_informed_on = models.DateField(_("date the family was informed"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("terms of reference")
        verbose_name_plural = _("terms of reference")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope_start__isnull=True)
                | models.Q(scope_end__isnull=True)
                | models.Q(scope_end__gte=models.F("scope_start")),
                name="terms_scope_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}"


class Involvement(models.Model):
    """An organisation that worked with the child or family, as the review records it."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="involvements")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("code in the chronology"), max_length=50, validators=[validate_involvement_code])
    period_start = models.DateField(_("involved from"), null=True, blank=True)
    period_end = models.DateField(_("involved until"), null=True, blank=True)
    services = models.TextField(_("services provided"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact person's e-mail address"))
    # Optimistic locking: a save names the revision it started from (core.concurrency).
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "pk"]
        verbose_name = _("organisation involved")
        verbose_name_plural = _("organisations involved")
        constraints = [
            models.UniqueConstraint(fields=["review", "code"], name="involvement_review_code_unique"),
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True)
                | models.Q(period_end__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="involvement_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def sector_group(self) -> str:
        """The top-level sector of the organisation (`health` for `health.hospital`)."""
        return self.organisation.sector.split(".")[0]


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    REMINDED = "reminded", _("Reminded")
    RECEIVED = "received", _("Received")
    OVERDUE = "overdue", _("Overdue")


class InformationRequest(models.Model):
    """A letter to an involved organisation's contact asking for its chronology and report."""

    involvement = models.ForeignKey(Involvement, on_delete=models.CASCADE, related_name="requests")
    language = models.CharField(_("language of the letter"), max_length=2, default="et")
    subject = models.CharField(_("subject"), max_length=300)
    letter = models.TextField(_("letter"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    # Optimistic locking: a save names the revision it started from (core.concurrency).
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        indexes = [models.Index(fields=["received_at", "due_on"], name="request_open_due_idx")]

    def __str__(self) -> str:
        return f"{self.involvement_id}: {self.pk}"

    def status(self, on: dt.date | None = None) -> str:
        if self.received_at:
            return RequestStatus.RECEIVED
        if not self.sent_at:
            return RequestStatus.DRAFT
        if self.due_on and (on or today()) > self.due_on:
            return RequestStatus.OVERDUE
        if self.reminded_at:
            return RequestStatus.REMINDED
        return RequestStatus.SENT

    def status_label(self, on: dt.date | None = None) -> str:
        return str(RequestStatus(self.status(on)).label)


class PendingContributor(models.Model):
    """A contact without an account, entered by the coordinator. Their first TARA sign-in (matched on
    the personal code) makes their account and binds it to this request only."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="pending_contributors")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    personal_code = models.CharField(
        _("personal identification code"), max_length=11, validators=[validate_personal_code]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    bound_at = models.DateTimeField(null=True, blank=True)
    bound_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invited contributor")
        verbose_name_plural = _("invited contributors")
        constraints = [
            models.UniqueConstraint(fields=["request", "personal_code"], name="pending_contributor_once"),
        ]
        indexes = [models.Index(fields=["personal_code", "bound_at"], name="pending_contributor_code_idx")]

    def __str__(self) -> str:
        return self.name


class RequestContributor(models.Model):
    """A person who answers one information request for their organisation: they see that request only."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="contributors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="request_links")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="request_contributor_once")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.user_id}"


class RequestReminder(models.Model):
    """One row per reminder of a request, so that each kind is sent once."""

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", _("Before the due date")
        AFTER_DUE = "after_due", _("After the due date")

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "kind"], name="request_reminder_once")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.kind}"
