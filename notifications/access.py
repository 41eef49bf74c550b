"""The one place where access to notifications is decided and every read of one is audited.

Views never fetch a notification themselves: `get_notification_for` returns it (or raises Http404, so
that its existence is not revealed) and writes the READ event with the purpose the person had access
for; list pages call `record_notification_list` once with the rows they show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.models import SystemRole
from audit.log import record_request
from audit.models import Action, Purpose

from .models import Notification


@dataclass(frozen=True)
class Grant:
    """Why a person may see a notification: coordination, or a review they work on."""

    purpose: str
    review_id: int | None = None


def grant_for(user: Any, notification: Notification) -> Grant | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.has_system_role(SystemRole.COORDINATOR):
        return Grant(Purpose.COORDINATION)
    from reviews.models import Review

    review_id = (
        Review.objects.visible_to(user).filter(notification=notification).order_by("pk").values_list("pk", flat=True)
    ).first()
    return Grant(Purpose.REVIEW, review_id) if review_id else None


def list_purpose(user: Any) -> str:
    return Purpose.COORDINATION if user.has_system_role(SystemRole.COORDINATOR) else Purpose.REVIEW


def get_notification_for(request: HttpRequest, pk: int) -> Notification:
    """The notification if the signed-in person may see it (else Http404), its read audited."""
    user = request.user
    try:
        notification = (
            Notification.objects.visible_to(user)
            .select_related("method_version", "recorded_by", "notifying_organisation", "child")
            .get(pk=pk)
        )
    except Notification.DoesNotExist:
        raise Http404 from None
    grant = grant_for(user, notification)
    if grant is None:
        raise Http404
    record_request(request, action=Action.READ, purpose=grant.purpose, obj=notification, review_id=grant.review_id)
    return notification


def get_confidential_part_for(request: HttpRequest, pk: int) -> Notification:
    """The notification for its confidential part (the child's identity): coordinators only, audited apart."""
    user = request.user
    if not user.is_authenticated or not user.has_system_role(SystemRole.COORDINATOR):  # type: ignore[union-attr]
        raise PermissionDenied
    try:
        notification = Notification.objects.select_related("method_version", "child").get(pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    record_request(
        request,
        action=Action.READ,
        purpose=Purpose.COORDINATION,
        obj=notification,
        detail={"part": "confidential"},
    )
    return notification


def check_may_list(user: Any) -> None:
    """The list is for the coordinator and review readers; others are refused rather than shown an empty list."""
    if user.has_system_role(SystemRole.COORDINATOR):
        return
    from reviews.models import READING_ROLES

    if not user.review_memberships.filter(role__in=READING_ROLES).exists():
        raise PermissionDenied


def record_notification_list(request: HttpRequest, notifications: Iterable[Notification]) -> None:
    """One LIST event naming every notification a page showed."""
    record_request(
        request,
        action=Action.LIST,
        purpose=list_purpose(request.user),
        object_type=Notification,
        object_ids=[notification.pk for notification in notifications],
    )
