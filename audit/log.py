"""Writing audit events. Call `record` from access helpers and services, never from signals."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from core.middleware import current_request_id

from .models import Action, AuditChainHead, AuditEvent, Purpose

GENESIS_HASH = "0" * 64


def event_hash(fields: dict[str, Any], previous_hash: str) -> str:
    """The hash of an event: SHA-256 over its canonical JSON and the previous event's hash."""
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256((previous_hash + "\n" + payload).encode("utf-8")).hexdigest()


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_ids": event.object_ids,
        "purpose": event.purpose,
        "review_id": event.review_id,
        "request_id": event.request_id,
        "path": event.path,
        "detail": event.detail,
    }


def _object_type(obj: models.Model | type[models.Model] | str | None) -> str:
    if obj is None:
        return ""
    if isinstance(obj, str):
        return obj
    return obj._meta.label_lower


def record(
    *,
    actor: Any,
    action: str | Action,
    purpose: str | Purpose,
    obj: models.Model | None = None,
    object_type: str | type[models.Model] | None = None,
    object_ids: Iterable[Any] = (),
    review_id: int | None = None,
    path: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction when there is one."""
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        user = actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None
        event = AuditEvent(
            sequence=head.sequence + 1,
            # Microseconds dropped so that the stored value hashes the same on every database.
            at=timezone.now().replace(microsecond=0),
            actor=user,
            actor_label=(str(user) + (f" ({user.username})" if user else "")) if user else "",
            action=str(action),
            object_type=_object_type(object_type if object_type is not None else obj),
            object_id=str(obj.pk) if obj is not None else "",
            object_ids=[str(pk) for pk in object_ids],
            purpose=str(purpose),
            review_id=review_id,
            request_id=current_request_id(),
            path=path[:500],
            detail=detail or {},
            previous_hash=head.hash,
        )
        event.hash = event_hash(hashed_fields(event), head.hash)
        event.save(force_insert=True)
        head.sequence = event.sequence
        head.hash = event.hash
        head.save(update_fields=["sequence", "hash"])
    return event


def record_request(request: Any, **kwargs: Any) -> AuditEvent:
    """`record` for a view: the actor and path come from the request."""
    kwargs.setdefault("path", request.get_full_path())
    return record(actor=request.user, **kwargs)
