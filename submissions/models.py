"""An agency's answer to an information request (stage 5): its chronology submissions and its report.

A submission is one whole delivery of the agency's chronology — a file, the entries typed into the
form, or a body posted to the API. Its entries land in `chronology.ChronologyEntry` through
`chronology.store.apply_submission`; a later submission replaces the earlier one as a whole.
Who may see what is decided in `submissions.access`; changes go through `submissions.services`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    class Channel(models.TextChoices):
        UPLOAD = "upload", _("File upload")
        FORM = "form", _("Form")
        API = "api", _("Agency system (API)")

    request = models.ForeignKey("inquiries.InformationRequest", on_delete=models.PROTECT, related_name="submissions")
    review = models.ForeignKey("reviews.Review", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("submission number"))  # 1, 2, ... within the request
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    # The file as the agency sent it, kept through Django's storage API (object storage in production).
    file = models.FileField(upload_to="submissions/%Y/%m/", blank=True, max_length=300)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    added_count = models.PositiveIntegerField(_("added"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    removed_count = models.PositiveIntegerField(_("removed"), default=0)
    # The entry_refs this submission no longer holds, and the reviewers' decisions that rested on them:
    # [{"kind": "merge"|"dispute"|"detection"|"episode", "id": .., "entry_refs": [..], "text": ..}]
    removed_refs = models.JSONField(default=list, blank=True)
    affected_decisions = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    api_token = models.ForeignKey("api.ApiToken", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["request", "-number"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [models.UniqueConstraint(fields=["request", "number"], name="submission_number_unique")]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.number}"


class AgencyReport(models.Model):
    """The agency's own account of its work with the child, with the context of the time."""

    request = models.OneToOneField("inquiries.InformationRequest", on_delete=models.CASCADE, related_name="report")
    summary = models.TextField(_("what the agency did and why"), blank=True)
    reflection = models.TextField(_("what went well and what could have gone better"), blank=True)
    workload = models.TextField(_("workload at the time"), blank=True)
    supervision = models.TextField(_("supervision and support at the time"), blank=True)
    staff_turnover = models.TextField(_("staff turnover and vacancies at the time"), blank=True)
    other_context = models.TextField(_("other context"), blank=True)
    revision = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("agency report")
        verbose_name_plural = _("agency reports")

    def __str__(self) -> str:
        return f"{self.request_id}"


class DraftEntry(models.Model):
    """An entry typed into the form, kept until the contributor submits the whole chronology.

    `values` holds the exchange format's keys as text, exactly as typed (checked on submission)."""

    request = models.ForeignKey("inquiries.InformationRequest", on_delete=models.CASCADE, related_name="draft_entries")
    values = models.JSONField(default=dict)
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["request", "pk"]
        verbose_name = _("draft entry")
        verbose_name_plural = _("draft entries")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.values.get('entry_ref', '')}"


class UploadPreview(models.Model):
    """An uploaded file waiting for the contributor to look at the preview and submit it.

    The file and its checked result are kept through the storage API (not on the app node) so that any
    node can show the preview and accept it; nothing reaches the chronology until it is submitted."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey("inquiries.InformationRequest", on_delete=models.CASCADE, related_name="previews")
    # The file as sent, kept only when it is valid (it goes on to the submission).
    file = models.FileField(upload_to="previews/%Y/%m/", max_length=300, blank=True)
    filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    # The file is read and checked once, at upload: its entries or its problems are kept here (gzipped
    # JSON, see submissions.checking), so that the preview and the confirmation never read it again.
    result = models.FileField(upload_to="previews/%Y/%m/", max_length=300, blank=True)
    valid = models.BooleanField(default=False)
    entry_count = models.PositiveIntegerField(default=0)
    # What the file was checked against (submissions.checking.vocabulary_key): when the review's
    # organisations or the method change before it is submitted, it must be uploaded again.
    checked_against = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("upload preview")
        verbose_name_plural = _("upload previews")

    def __str__(self) -> str:
        return self.filename
