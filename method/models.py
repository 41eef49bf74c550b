"""Versions of the method: criteria, stages, deadlines, vocabularies, pattern rules, templates.

The content of a version is one JSON document (see `method/content.py` for its shape). Version 1 is
seeded from the YAML files in `method/seed/`. A published version is never changed in place: a
method editor drafts the next version from the latest one and publishes it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .content import OPTIONAL_SECTIONS, MethodContent


class MethodVersionQuerySet(models.QuerySet["MethodVersion"]):
    def published(self) -> MethodVersionQuerySet:
        return self.filter(status=MethodVersion.Status.PUBLISHED)

    def current(self) -> MethodVersion:
        """The newest published version: the one new notifications and reviews use."""
        version = self.published().order_by("-number").first()
        if version is None:
            raise MethodVersion.DoesNotExist("No published method version: run `manage.py load_method`.")
        return version


class MethodVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    number = models.PositiveIntegerField(_("version"), unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(_("content"))
    based_on = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    change_note = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Optimistic locking: a save names the revision it started from (see method.services).
    revision = models.PositiveIntegerField(default=1)

    objects = MethodVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=models.Q(status="draft"), name="method_single_draft")
        ]

    def __str__(self) -> str:
        return f"{_('Method version')} {self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        # A published version is never changed in place.
        if self.pk is not None:
            stored = MethodVersion.objects.filter(pk=self.pk).values("status", "content").first()
            if (
                stored
                and stored["status"] == self.Status.PUBLISHED
                and (stored["content"] != self.content or self.status != self.Status.PUBLISHED)
            ):
                raise ValidationError(_("A published method version cannot be changed."))
        self.__dict__.pop("_content_cache", None)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        if MethodVersion.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise ValidationError(_("A published method version cannot be deleted."))
        return super().delete(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def data(self) -> MethodContent:
        """The content to read. A section this published version lacks (one added by a later version)
        is read from the newest published version that has it; `data.origins` says which."""
        cached = getattr(self, "_content_cache", None)
        if cached is None:
            document, origins = self.content, {}
            missing = [section for section in OPTIONAL_SECTIONS if section not in document]
            if missing and self.is_published:
                document, origins = dict(document), self._fallbacks(missing)
                for section, (_number, value) in origins.items():
                    document[section] = value
            cached = self._content_cache = MethodContent(
                document, origins={section: number for section, (number, _value) in origins.items()}
            )
        return cached

    def _fallbacks(self, sections: list[str]) -> dict[str, tuple[int, Any]]:
        found: dict[str, tuple[int, Any]] = {}
        for newer in (
            MethodVersion.objects.published().exclude(pk=self.pk).order_by("-number").only("number", "content")
        ):
            for section in sections:
                if section not in found and section in newer.content:
                    found[section] = (newer.number, newer.content[section])
            if len(found) == len(sections):
                break
        return found


class MethodCorrection(models.Model):
    """A wording or translation correction applied to a published version in place (see
    method/corrections.py for what counts as one). Kept with the texts before and after, listed on the
    version's page and audited."""

    class Source(models.TextChoices):
        EDITOR = "editor", _("Method editor")
        SEED = "seed", _("Seed files")

    version = models.ForeignKey(MethodVersion, on_delete=models.PROTECT, related_name="corrections")
    sections = models.JSONField(_("sections"), default=list)
    # [{"path": "stages[2].label.ru", "old": "...", "new": "..."}]
    changes = models.JSONField(_("changed texts"), default=list)
    reason = models.TextField(_("reason"))
    source = models.CharField(_("made through"), max_length=10, choices=Source.choices, default=Source.EDITOR)
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["version", "made_at", "pk"]
        verbose_name = _("method correction")
        verbose_name_plural = _("method corrections")

    def __str__(self) -> str:
        return f"{self.version_id}: {self.made_at:%Y-%m-%d}"
