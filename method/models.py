"""Versions of the method: criteria, stages, deadlines, vocabularies, pattern rules, templates.

The content of a version is one JSON document (see `method/content.py` for its shape). Version 1 is
seeded from the YAML files in `method/seed/`. A published version is never changed in place: a
method editor drafts the next version from the latest one and publishes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .content import MethodContent


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
        from .content import MethodContent

        cached = getattr(self, "_content_cache", None)
        if cached is None:
            cached = self._content_cache = MethodContent(self.content)
        return cached
