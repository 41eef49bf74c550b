"""The one place where access to reviews is decided and every read of one is audited.

Views never fetch a review themselves: `get_review_for` returns it (or raises Http404, so that its
existence is not revealed) and writes the READ event; list pages call `record_review_list` once with the
rows they show.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from accounts.models import SystemRole
from audit.log import record_request
from audit.models import Action, Purpose

from .models import Review, ReviewRole


def review_purpose(user: object) -> str:
    return Purpose.COORDINATION if user.has_system_role(SystemRole.COORDINATOR) else Purpose.REVIEW  # type: ignore[attr-defined]


def get_review_for(request: HttpRequest, pk: int, queryset: QuerySet[Review] | None = None) -> Review:
    """The review if the signed-in person may see it (else Http404), its read audited.

    `queryset` may add select_related/prefetch_related; visibility is applied to it here.
    """
    base = queryset if queryset is not None else Review.objects.all()
    try:
        review = base.visible_to(request.user).get(pk=pk)  # type: ignore[attr-defined]
    except Review.DoesNotExist:
        raise Http404 from None
    record_request(request, action=Action.READ, purpose=review_purpose(request.user), obj=review, review_id=review.pk)
    return review


def record_review_list(request: HttpRequest, reviews: Iterable[Review]) -> None:
    """One LIST event naming every review a page showed."""
    record_request(
        request,
        action=Action.LIST,
        purpose=review_purpose(request.user),
        object_type=Review,
        object_ids=[review.pk for review in reviews],
    )


def may_manage_milestones(user: object, review: Review) -> bool:
    """The coordinator and the review's lead reviewer keep its milestones."""
    if user.has_system_role(SystemRole.COORDINATOR):  # type: ignore[attr-defined]
        return True
    return review.memberships.filter(user=user, role=ReviewRole.LEAD_REVIEWER).exists()  # type: ignore[misc]


def get_review_part_for(request: HttpRequest, queryset: QuerySet[Any], pk: int) -> Any:
    """A row that belongs to a review (it has `review_id`: an entry, a detection, an episode ...) if the
    signed-in person may read that review, else Http404 (its existence not revealed); the read audited."""
    row = queryset.select_related("review").filter(pk=pk).first()
    if row is None or not Review.objects.visible_to(request.user).filter(pk=row.review_id).exists():
        raise Http404
    record_request(request, action=Action.READ, purpose=review_purpose(request.user), obj=row, review_id=row.review_id)
    return row


def record_review_part_list(
    request: HttpRequest, review: Review, model: type[Model] | str, ids: Iterable[int], **kwargs: Any
) -> None:
    """One LIST event naming every row of the review a page showed."""
    record_request(
        request,
        action=Action.LIST,
        purpose=review_purpose(request.user),
        object_type=model,
        object_ids=list(ids),
        review_id=review.pk,
        **kwargs,
    )
