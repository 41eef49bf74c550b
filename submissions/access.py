"""The one place where access to an agency's submissions, drafts, previews and report is decided, and
every read of them is audited (one event per page; a list page one LIST event).

- The agency contributor linked to the request (`RequestContributor`) reads and submits.
- The coordinator reads and may also submit on the agency's behalf (a file that came by e-mail).
- The review's lead reviewer and team members read the submissions and the agency report, no more
  (submitting pages answer them 403).
- Everyone else gets 404, so that a request's existence is not revealed.
- An upload preview belongs to the person who uploaded it: anyone else, and anyone once it has been
  submitted, gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from audit.log import record_request
from audit.models import Action, Purpose
from inquiries.access import request_purpose
from inquiries.models import InformationRequest

from .models import DraftEntry, Submission, UploadPreview

SUBMITTING_PURPOSES = (Purpose.INFORMATION_REQUEST, Purpose.COORDINATION)


def reads_the_review(user: Any, information_request: InformationRequest) -> bool:
    """The coordinator and the review's readers, who may see the review's analysis (not the agency)."""
    return request_purpose(user, information_request) in (Purpose.COORDINATION, Purpose.REVIEW)


def may_submit(user: Any, information_request: InformationRequest) -> bool:
    """The contributor of the request, or the coordinator on the agency's behalf."""
    return request_purpose(user, information_request) in SUBMITTING_PURPOSES


def _request(pk: int) -> InformationRequest:
    try:
        return InformationRequest.objects.select_related(
            "involvement__organisation", "involvement__review__method_version"
        ).get(pk=pk)
    except InformationRequest.DoesNotExist:
        raise Http404 from None


def _purpose(request: HttpRequest, information_request: InformationRequest, *, submit: bool) -> str:
    purpose = request_purpose(request.user, information_request)
    if purpose is None:
        raise Http404
    if submit and purpose not in SUBMITTING_PURPOSES:
        raise PermissionDenied
    return purpose


def get_request_for(request: HttpRequest, pk: int, *, submit: bool = False) -> InformationRequest:
    """The information request for a submission page (404 for outsiders; with `submit`, 403 for the
    review's readers, who may only read). The read is audited."""
    information_request = _request(pk)
    purpose = _purpose(request, information_request, submit=submit)
    record_request(
        request,
        action=Action.READ,
        purpose=purpose,
        obj=information_request,
        review_id=information_request.involvement.review_id,
    )
    return information_request


def list_for_request(
    request: HttpRequest,
    pk: int,
    *,
    model: type[Model],
    rows: Callable[[InformationRequest], QuerySet[Any]],
    submit: bool = False,
) -> tuple[InformationRequest, list[Any]]:
    """The request and the rows a page of it lists (`rows(request)`), with one LIST event naming the
    rows shown and the request."""
    information_request = _request(pk)
    purpose = _purpose(request, information_request, submit=submit)
    shown = list(rows(information_request))
    record_request(
        request,
        action=Action.LIST,
        purpose=purpose,
        object_type=model,
        object_ids=[row.pk for row in shown],
        review_id=information_request.involvement.review_id,
        detail={"request": information_request.pk},
    )
    return information_request, shown


def get_submission_for(request: HttpRequest, pk: int, *, action: str = Action.READ) -> Submission:
    """A submission whose request the person may read (else 404); the read (or export) audited."""
    try:
        submission = Submission.objects.select_related(
            "request__involvement__organisation", "submitted_by", "review"
        ).get(pk=pk)
    except Submission.DoesNotExist:
        raise Http404 from None
    purpose = _purpose(request, submission.request, submit=False)
    record_request(request, action=action, purpose=purpose, obj=submission, review_id=submission.review_id)
    return submission


def get_preview_for(request: HttpRequest, key: UUID) -> UploadPreview:
    """The signed-in person's own unused upload preview (else 404); the read audited."""
    try:
        preview = UploadPreview.objects.select_related(
            "request__involvement__organisation", "request__involvement__review__method_version"
        ).get(key=key, used_at__isnull=True)
    except UploadPreview.DoesNotExist:
        raise Http404 from None
    if preview.created_by_id != request.user.pk:
        raise Http404
    purpose = request_purpose(request.user, preview.request)
    if purpose not in SUBMITTING_PURPOSES:
        raise Http404
    record_request(
        request,
        action=Action.READ,
        purpose=purpose,
        obj=preview,
        review_id=preview.request.involvement.review_id,
    )
    return preview


def get_draft_for(request: HttpRequest, pk: int) -> DraftEntry:
    """A draft entry of a request the person submits for (404 for outsiders, 403 for its readers);
    the read audited."""
    try:
        draft = DraftEntry.objects.select_related(
            "request__involvement__organisation", "request__involvement__review__method_version"
        ).get(pk=pk)
    except DraftEntry.DoesNotExist:
        raise Http404 from None
    purpose = _purpose(request, draft.request, submit=True)
    record_request(
        request, action=Action.READ, purpose=purpose, obj=draft, review_id=draft.request.involvement.review_id
    )
    return draft
