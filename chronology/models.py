"""The integrated chronology as stored (stage 6): every agency's entries, their history, the
duplicates reviewers merged and the contradictions they marked.

The domain modules (`chronology.entry`, `merge`, `patterns`, `timeline`, `export`) work on plain
`Entry` values; `ChronologyEntry.to_entry()` and `chronology.store` convert between the two.
An entry's identity is its information request (the agency's submission) and its `entry_ref`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .entry import Entry, Precision, UncertainDate, YesNo


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


# The fields an agency supplies; a resubmission compares and replaces exactly these.
ENTRY_FIELDS = (
    "organisation",
    "date_earliest",
    "date_latest",
    "date_precision",
    "date_approximate",
    "time",
    "practitioner_role",
    "event_type",
    "addressee",
    "concern",
    "description",
    "source_document",
    "child_seen",
    "child_views_recorded",
    "shared_with",
    "key_event",
)


class ChronologyEntryQuerySet(models.QuerySet["ChronologyEntry"]):
    def integrated(self) -> ChronologyEntryQuerySet:
        """The entries the integrated chronology shows: present in their agency's latest submission."""
        return self.filter(is_active=True)

    def in_order(self) -> ChronologyEntryQuerySet:
        """Date order as `chronology.merge.sort_key`: as intervals, timed entries of a day first."""
        return self.order_by(
            "date_earliest", "date_latest", models.F("time").asc(nulls_last=True), "organisation", "request_id", "pk"
        )


class ChronologyEntry(models.Model):
    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="chronology_entries")
    request = models.ForeignKey("inquiries.InformationRequest", on_delete=models.PROTECT, related_name="entries")
    # The submission that last delivered this entry (set again by each resubmission that holds it).
    submission = models.ForeignKey("submissions.Submission", on_delete=models.PROTECT, related_name="entries")
    entry_ref = models.CharField(_("entry reference"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=50)
    date_earliest = models.DateField(_("earliest date"))
    date_latest = models.DateField(_("latest date"))
    date_precision = models.CharField(_("date precision"), max_length=10, choices=DatePrecision.choices)
    date_approximate = models.BooleanField(_("approximate date"), default=False)
    time = models.TimeField(_("time"), null=True, blank=True)
    practitioner_role = models.CharField(_("practitioner's role"), max_length=200, blank=True)
    event_type = models.CharField(_("event type"), max_length=60)
    addressee = models.CharField(_("addressee"), max_length=50, blank=True)
    concern = models.CharField(_("concern"), max_length=60, blank=True)
    description = models.TextField(_("description"))
    source_document = models.CharField(_("source document"), max_length=1000)
    child_seen = models.CharField(
        _("child seen"), max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    child_views_recorded = models.CharField(
        _("child's views recorded"), max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    shared_with = models.JSONField(_("information shared with"), default=list, blank=True)
    key_event = models.BooleanField(_("key event"), default=False)
    # False once the agency's latest submission no longer holds the entry (kept, with its history).
    is_active = models.BooleanField(default=True)
    removed_by = models.ForeignKey(
        "submissions.Submission", on_delete=models.PROTECT, null=True, blank=True, related_name="removed_entries"
    )
    # A confirmed duplicate: the entry is shown as a second source of `merged_into`.
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_entries"
    )
    revision = models.PositiveIntegerField(default=0)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ChronologyEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("chronology entry")
        verbose_name_plural = _("chronology entries")
        constraints = [
            models.UniqueConstraint(fields=["request", "entry_ref"], name="chronology_entry_ref_unique"),
            models.CheckConstraint(
                condition=models.Q(date_latest__gte=models.F("date_earliest")), name="chronology_entry_dates_in_order"
            ),
        ]
        indexes = [
            models.Index(
                fields=["review", "is_active", "date_earliest", "date_latest"], name="chronology_review_order_idx"
            ),
            models.Index(fields=["review", "is_active", "organisation"], name="chronology_review_org_idx"),
            models.Index(fields=["review", "is_active", "event_type"], name="chronology_review_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.entry_ref}"

    @property
    def source(self) -> str:
        """The identity's first half in the domain modules (`Entry.source`): the information request."""
        return str(self.request_id)

    @property
    def uncertain_date(self) -> UncertainDate:
        return UncertainDate(
            self.date_earliest, self.date_latest, Precision(self.date_precision), self.date_approximate
        )

    def to_entry(self) -> Entry:
        return Entry(
            entry_ref=self.entry_ref,
            date=self.uncertain_date,
            organisation=self.organisation,
            event_type=self.event_type,
            description=self.description,
            source_document=self.source_document,
            time=self.time,
            practitioner_role=self.practitioner_role,
            addressee=self.addressee,
            concern=self.concern,
            child_seen=YesNo(self.child_seen),
            child_views_recorded=YesNo(self.child_views_recorded),
            shared_with=tuple(self.shared_with),
            key_event=self.key_event,
            source=self.source,
        )

    def values(self) -> dict[str, Any]:
        """The agency-supplied fields, as stored (for comparing and for the history)."""
        return {name: getattr(self, name) for name in ENTRY_FIELDS}

    def snapshot(self) -> dict[str, Any]:
        """The agency-supplied fields as JSON, for `EntryRevision.values`."""
        data: dict[str, Any] = {"entry_ref": self.entry_ref}
        for name, value in self.values().items():
            if isinstance(value, dt.date | dt.time):
                value = value.isoformat()
            data[name] = value
        return data


def entry_field_values(entry: Entry) -> dict[str, Any]:
    """The model's field values for a domain Entry (the inverse of `ChronologyEntry.to_entry`)."""
    return {
        "organisation": entry.organisation,
        "date_earliest": entry.date.earliest,
        "date_latest": entry.date.latest,
        "date_precision": str(entry.date.precision),
        "date_approximate": entry.date.approximate,
        "time": entry.time,
        "practitioner_role": entry.practitioner_role,
        "event_type": entry.event_type,
        "addressee": entry.addressee,
        "concern": entry.concern,
        "description": entry.description,
        "source_document": entry.source_document,
        "child_seen": str(entry.child_seen),
        "child_views_recorded": str(entry.child_views_recorded),
        "shared_with": list(entry.shared_with),
        "key_event": entry.key_event,
    }


class EntryRevision(models.Model):
    """One version of an entry: what a submission delivered or a reviewer saved, and why it changed."""

    class Change(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RESUBMITTED = "resubmitted", _("Changed by a resubmission")
        EDITED = "edited", _("Edited by a reviewer")
        REMOVED = "removed", _("No longer in the agency's submission")
        RESTORED = "restored", _("Back in the agency's submission")

    entry = models.ForeignKey(ChronologyEntry, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    change = models.CharField(max_length=20, choices=Change.choices)
    values = models.JSONField()
    note = models.TextField(blank=True)
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["entry", "revision", "pk"]
        verbose_name = _("entry version")
        verbose_name_plural = _("entry versions")

    def __str__(self) -> str:
        return f"{self.entry_id} r{self.revision}"


class DuplicateLink(models.Model):
    """Two entries that probably record the same event: suggested by `chronology.merge`, then confirmed
    (the second is merged into the first, which keeps both sources) or rejected by a reviewer."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        CONFIRMED = "confirmed", _("Merged")
        REJECTED = "rejected", _("Not the same event")

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="duplicate_links")
    first = models.ForeignKey(ChronologyEntry, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(ChronologyEntry, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField(default=0)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    note = models.TextField(_("note"), blank=True)
    suggested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Optimistic locking: a decision names the revision it was taken on (core.concurrency).
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["review", "pk"]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="duplicate_link_pair_unique")]
        indexes = [models.Index(fields=["review", "status"], name="duplicate_review_status_idx")]

    def __str__(self) -> str:
        return f"{self.first_id}={self.second_id}"


class Dispute(models.Model):
    """Entries that contradict each other (the same event, different facts), marked by a reviewer."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", pgettext_lazy("dispute", "Resolved")

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="disputes")
    entries = models.ManyToManyField(ChronologyEntry, related_name="disputes")
    note = models.TextField(_("what contradicts what"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["review", "pk"]
        verbose_name = _("disputed entries")
        verbose_name_plural = _("disputed entries")

    def __str__(self) -> str:
        return f"{self.review_id}: {self.pk}"


class ChronologyExport(models.Model):
    """An export made in the background (the PDF of a long chronology takes tens of seconds); the file
    is kept through the storage API and fetched by the person who asked for it."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="chronology_exports")
    format = models.CharField(max_length=10, choices=Format.choices)
    language = models.CharField(max_length=2, default="et")
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True, max_length=300)
    entry_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("chronology export")
        verbose_name_plural = _("chronology exports")

    def __str__(self) -> str:
        return f"{self.review_id}: {self.format}"
