"""The one place where access to terms of reference, involvements and information requests is decided,
and every read of them is audited.

- The coordinator sees and changes everything; the review's lead reviewer also keeps its terms of
  reference; its lead reviewer and team members read the rest.
- An agency contributor reaches only the information requests they are linked to
  (`RequestContributor`), never the review itself: anything else answers 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest

from accounts.models import SystemRole
from audit.log import record_request
from audit.models import Action, Purpose
from reviews.access import get_review_for, may_manage_milestones, record_review_part_list
from reviews.models import READING_ROLES, Review, ReviewMembership

from .models import InformationRequest, Involvement, RequestContributor


def is_coordinator(user: Any) -> bool:
    return bool(user.has_system_role(SystemRole.COORDINATOR))


def may_edit_terms(user: Any, review: Review) -> bool:
    """The coordinator and the review's lead reviewer, as for its milestones."""
    return may_manage_milestones(user, review)


def require_coordinator(request: HttpRequest) -> None:
    if not is_coordinator(request.user):
        raise PermissionDenied


def get_managed_review_for(request: HttpRequest, pk: int) -> Review:
    """The review, for the coordinator's pages that change its involvements and requests (else 403/404)."""
    review = get_review_for(request, pk)
    require_coordinator(request)
    return review


def get_involvement_for(request: HttpRequest, pk: int) -> Involvement:
    """An involvement the coordinator changes (others who read the review get 403, the rest 404);
    its read audited."""
    try:
        involvement = Involvement.objects.select_related("review", "organisation").get(pk=pk)
    except Involvement.DoesNotExist:
        raise Http404 from None
    if not is_coordinator(request.user):
        if Review.objects.visible_to(request.user).filter(pk=involvement.review_id).exists():
            raise PermissionDenied
        raise Http404
    record_request(
        request, action=Action.READ, purpose=Purpose.COORDINATION, obj=involvement, review_id=involvement.review_id
    )
    return involvement


def request_purpose(user: Any, information_request: InformationRequest) -> str | None:
    """Why this person may read the request, or None when they may not."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if is_coordinator(user):
        return Purpose.COORDINATION
    if RequestContributor.objects.filter(request=information_request, user=user).exists():
        return Purpose.INFORMATION_REQUEST
    if ReviewMembership.objects.filter(
        review_id=information_request.involvement.review_id, user=user, role__in=READING_ROLES
    ).exists():
        return Purpose.REVIEW
    return None


def get_information_request_for(request: HttpRequest, pk: int, *, manage: bool = False) -> InformationRequest:
    """The request if the signed-in person may see it (else 404, so its existence is not revealed);
    with `manage`, only the coordinator (others who may see it get 403). The read is audited."""
    try:
        information_request = InformationRequest.objects.select_related(
            "involvement__organisation", "involvement__review__notification__child", "created_by"
        ).get(pk=pk)
    except InformationRequest.DoesNotExist:
        raise Http404 from None
    purpose = request_purpose(request.user, information_request)
    if purpose is None:
        raise Http404
    if manage and purpose != Purpose.COORDINATION:
        raise PermissionDenied
    record_request(
        request,
        action=Action.READ,
        purpose=purpose,
        obj=information_request,
        review_id=information_request.involvement.review_id,
    )
    return information_request


def record_list(request: HttpRequest, review: Review, model: type[Model], rows: Iterable[Model]) -> None:
    """One LIST event naming every row a page of the review showed."""
    record_review_part_list(request, review, model, [row.pk for row in rows])


def contributor_requests(request: HttpRequest) -> list[InformationRequest]:
    """The information requests the signed-in person answers (their own only), the list read audited."""
    if not request.user.is_authenticated:
        return []
    rows = list(
        InformationRequest.objects.filter(contributors__user=request.user)
        .select_related("involvement__organisation")
        .order_by("-pk")
    )
    if rows:
        record_request(
            request,
            action=Action.LIST,
            purpose=Purpose.INFORMATION_REQUEST,
            object_type=InformationRequest,
            object_ids=[row.pk for row in rows],
        )
    return rows
