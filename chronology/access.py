"""The one place where access to a review's integrated chronology is decided and its reads audited.

The chronology is read and corrected by the people who read the review: the coordinator, its lead
reviewer and its team members (`reviews.models.READING_ROLES`). Anyone else — an agency contributor
above all — gets 404 for every entry, duplicate and dispute, so that not even their existence shows.
Review-level pages start from `reviews.access.get_review_for`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from accounts.models import SystemRole
from reviews.access import get_review_for, get_review_part_for, record_review_part_list
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
    return get_review_part_for(request, queryset, pk)


def get_duplicate_for(request: HttpRequest, pk: int) -> DuplicateLink:
    """A suggested or decided pair of entries of a review the person may read, else 404; audited."""
    return get_review_part_for(request, DuplicateLink.objects.select_related("first", "second"), pk)


def get_dispute_for(request: HttpRequest, pk: int) -> Dispute:
    """Disputed entries of a review the person may read, else 404; audited."""
    return get_review_part_for(request, Dispute.objects.all(), pk)


def record_list(request: HttpRequest, review: Review, model: type[Model], ids: Iterable[int]) -> None:
    """One LIST event naming every row a page of the review showed."""
    record_review_part_list(request, review, model, ids)
