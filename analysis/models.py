"""The review team's analysis (stage 8). So far: key practice episodes, to which confirmed pattern
detections and chronology entries are linked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyPracticeEpisode(models.Model):
    class Appraisal(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        SHORTCOMING = "shortcoming", _("Shortcoming")
        MIXED = "mixed", _("Mixed")

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="episodes")
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("until"), null=True, blank=True)
    how_it_looked = models.TextField(_("how it looked at the time"), blank=True)
    appraisal = models.CharField(_("appraisal"), max_length=20, choices=Appraisal.choices, blank=True)
    entries = models.ManyToManyField("chronology.ChronologyEntry", blank=True, related_name="episodes")
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["review", "period_start", "pk"]
        verbose_name = _("key practice episode")
        verbose_name_plural = _("key practice episodes")

    def __str__(self) -> str:
        return self.title
