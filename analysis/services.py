"""State changes of the review team's analysis: key practice episodes. One transaction each, audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.log import record
from audit.models import Action
from core.concurrency import EditConflict
from reviews.access import review_purpose

from .models import KeyPracticeEpisode

EPISODE_FIELDS = ("title", "period_start", "period_end", "how_it_looked", "appraisal")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) for name in EPISODE_FIELDS}
    values["title"] = (values["title"] or "").strip()
    values["how_it_looked"] = values["how_it_looked"] or ""
    values["appraisal"] = values["appraisal"] or ""
    errors: dict[str, list[Any]] = {}
    if not values["title"]:
        errors["title"] = [_("Enter the episode's title.")]
    if values["appraisal"] not in ("", *KeyPracticeEpisode.Appraisal.values):
        errors["appraisal"] = [_("Choose an appraisal from the list.")]
    start, end = values["period_start"], values["period_end"]
    if start and end and end < start:
        errors["period_end"] = [_("The end of the episode cannot be before its start.")]
    if errors:
        raise ValidationError(errors)
    return values


def episode_create(
    *, review: Any, data: dict[str, Any], acting_user: Any, entry_ids: Iterable[int] = ()
) -> KeyPracticeEpisode:
    """A new key practice episode of the review, linked to these chronology entries (of the same review)."""
    values = _clean(data)
    with transaction.atomic():
        episode = KeyPracticeEpisode.objects.create(review=review, created_by=acting_user, **values)
        ids = list(review.chronology_entries.filter(pk__in=list(entry_ids)).values_list("pk", flat=True))
        if ids:
            episode.entries.add(*ids)
        record(
            actor=acting_user,
            action=Action.CREATE,
            purpose=review_purpose(acting_user),
            obj=episode,
            review_id=review.pk,
            detail={"entries": len(ids)},
        )
    return episode


def episode_update(
    *, episode: KeyPracticeEpisode, data: dict[str, Any], revision: int, acting_user: Any
) -> KeyPracticeEpisode:
    """Save the episode if nobody else saved it since `revision` was read (else EditConflict)."""
    values = _clean(data)
    with transaction.atomic():
        current = KeyPracticeEpisode.objects.select_for_update().get(pk=episode.pk)
        if current.revision != revision:
            raise EditConflict(current)
        changed = sorted(name for name, value in values.items() if getattr(current, name) != value)
        for name, value in values.items():
            setattr(current, name, value)
        current.revision += 1
        current.save(update_fields=[*EPISODE_FIELDS, "revision"])
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=review_purpose(acting_user),
            obj=current,
            review_id=current.review_id,
            detail={"revision": current.revision, "fields": changed},
        )
    return current
