"""The one place where access to stored pattern detections and detection runs is decided.

A detection is part of its review: the review's readers (the coordinator, its lead reviewer and team
members) read it, decide on it and run detection again; everyone else gets 404, so that its existence is
not revealed. Reading a detection is audited here; a run's progress (counts only, no case data, polled
every two seconds while it runs) is not.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from audit.log import record_request
from audit.models import Action
from reviews.access import review_purpose
from reviews.models import Review

from .models import DetectionRun, PatternDetection


def _visible(request: HttpRequest, review_id: int) -> bool:
    return Review.objects.visible_to(request.user).filter(pk=review_id).exists()


def get_detection_for(request: HttpRequest, pk: int) -> PatternDetection:
    """The detection if the signed-in person may read its review (else Http404), its read audited."""
    detection = (
        PatternDetection.objects.select_related("review__method_version", "episode", "decided_by").filter(pk=pk).first()
    )
    if detection is None or not _visible(request, detection.review_id):
        raise Http404
    record_request(
        request,
        action=Action.READ,
        purpose=review_purpose(request.user),
        obj=detection,
        review_id=detection.review_id,
    )
    return detection


def get_run_for(request: HttpRequest, pk: int) -> DetectionRun:
    """The run if the signed-in person may read its review (else Http404); not audited (see above)."""
    run = DetectionRun.objects.filter(pk=pk).first()
    if run is None or not _visible(request, run.review_id):
        raise Http404
    return run


def record_detection_list(request: HttpRequest, review: Review, detections: list[PatternDetection]) -> None:
    """One LIST event naming every detection a page showed."""
    record_request(
        request,
        action=Action.LIST,
        purpose=review_purpose(request.user),
        object_type=PatternDetection,
        object_ids=[detection.pk for detection in detections],
        review_id=review.pk,
    )
