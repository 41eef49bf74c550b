"""Pattern detections stored for a review (issue 5): each run of the rules over the integrated
chronology, and the detections a reviewer confirms or dismisses.

The rules themselves are pure (`chronology.patterns.detect`); `detections.services` runs them over the
stored chronology and carries the reviewers' decisions over from one run to the next.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DetectionRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SUBMISSION = "submission", _("A submission was accepted")
        ON_DEMAND = "on_demand", _("Asked for by a reviewer")

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="detection_runs")
    method_version = models.ForeignKey("method.MethodVersion", on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=200, blank=True)
    entry_count = models.PositiveIntegerField(default=0)
    detection_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("detection run")
        verbose_name_plural = _("detection runs")

    def __str__(self) -> str:
        return f"{self.review_id}: {self.pk}"


class PatternDetection(models.Model):
    """One episode of one rule. `is_current` is false once a later run no longer finds it; its
    decision is kept and shown as resting on a finding that has gone."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not yet decided")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="detections")
    rule = models.CharField(_("pattern"), max_length=60)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    organisations = models.JSONField(default=list)
    # What the episode is about as the rule sees it (see detections.services.subject_of): the key that,
    # with the rule, finds this detection again in a later run.
    subject = models.CharField(max_length=300, blank=True)
    uncertain = models.BooleanField(_("rests on an uncertain date"), default=False)
    # The explanation in each interface language: {"et": .., "en": .., "ru": ..}.
    explanations = models.JSONField(default=dict)
    entries = models.ManyToManyField("chronology.ChronologyEntry", through="DetectionEntry", related_name="detections")
    first_run = models.ForeignKey(DetectionRun, on_delete=models.PROTECT, related_name="+")
    last_run = models.ForeignKey(DetectionRun, on_delete=models.PROTECT, related_name="+")
    is_current = models.BooleanField(default=True)
    status = models.CharField(_("decision"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    episode = models.ForeignKey(
        "analysis.KeyPracticeEpisode",
        verbose_name=_("key practice episode"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="detections",
    )
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["review", "start", "end", "rule", "pk"]
        verbose_name = _("pattern detection")
        verbose_name_plural = _("pattern detections")
        indexes = [models.Index(fields=["review", "is_current", "rule"], name="detection_review_rule_idx")]

    def __str__(self) -> str:
        return f"{self.rule} {self.start}–{self.end}"


class DetectionEntry(models.Model):
    detection = models.ForeignKey(PatternDetection, on_delete=models.CASCADE, related_name="supporting")
    entry = models.ForeignKey("chronology.ChronologyEntry", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["detection", "position"]
        constraints = [models.UniqueConstraint(fields=["detection", "entry"], name="detection_entry_once")]

    def __str__(self) -> str:
        return f"{self.detection_id}: {self.entry_id}"
