"""The one place where access to a review's integrated chronology is decided and its reads audited.

The chronology is read and corrected by the people who read the review: the coordinator, its lead
reviewer and its team members (`reviews.models.READING_ROLES`). Anyone else — an agency contributor
above all — gets 404 for every entry, duplicate and dispute, so that not even their existence shows.
Review-level pages start from `reviews.access.get_review_for`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from accounts.models import SystemRole
from audit.log import record_request
from audit.models import Action
from reviews.access import get_review_for, review_purpose
from reviews.models import READING_ROLES, Review

from .models import ChronologyEntry, Dispute, DuplicateLink

__all__ = [
    "get_dispute_for",
    "get_duplicate_for",
    "get_entry_for",
    "get_review_for",
    "may_edit_chronology",
    "record_list",
]


def may_edit_chronology(user: Any, review: Review) -> bool:
    """The coordinator, and the review's lead reviewer and team members, correct its chronology."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.has_system_role(SystemRole.COORDINATOR):
        return True
    return review.memberships.filter(user=user, role__in=READING_ROLES).exists()  # type: ignore[attr-defined]


def _get_for(request: HttpRequest, queryset: QuerySet[Any], pk: int) -> Any:
    """A row of a review the person may read (else 404), with its review, the read audited."""
    try:
        row = queryset.select_related("review").get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404 from None
    if not Review.objects.visible_to(request.user).filter(pk=row.review_id).exists():
        raise Http404
    record_request(request, action=Action.READ, purpose=review_purpose(request.user), obj=row, review_id=row.review_id)
    return row


def get_entry_for(request: HttpRequest, pk: int) -> ChronologyEntry:
    """An entry of a review the person may read (removed and merged ones too), else 404; audited."""
    queryset = ChronologyEntry.objects.select_related(
        "review__method_version",
        "request__involvement__organisation",
        "submission",
        "removed_by",
        "merged_into",
        "edited_by",
    )
    return _get_for(request, queryset, pk)


def get_duplicate_for(request: HttpRequest, pk: int) -> DuplicateLink:
    """A suggested or decided pair of entries of a review the person may read, else 404; audited."""
    return _get_for(request, DuplicateLink.objects.select_related("first", "second"), pk)


def get_dispute_for(request: HttpRequest, pk: int) -> Dispute:
    """Disputed entries of a review the person may read, else 404; audited."""
    return _get_for(request, Dispute.objects.all(), pk)


def record_list(request: HttpRequest, review: Review, model: type[Model], ids: Iterable[int]) -> None:
    """One LIST event naming every row a page of the review showed."""
    record_request(
        request,
        action=Action.LIST,
        purpose=review_purpose(request.user),
        object_type=model,
        object_ids=list(ids),
        review_id=review.pk,
    )
