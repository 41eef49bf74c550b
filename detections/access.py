"""The one place where access to stored pattern detections and detection runs is decided.

A detection is part of its review: the review's readers (the coordinator, its lead reviewer and team
members) read it, decide on it and run detection again; everyone else gets 404, so that its existence is
not revealed. Reading a detection is audited here; a run's progress (counts only, no case data, polled
every two seconds while it runs) is not.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from reviews.access import get_review_part_for, record_review_part_list
from reviews.models import Review

from .models import DetectionRun, PatternDetection


def _visible(request: HttpRequest, review_id: int) -> bool:
    return Review.objects.visible_to(request.user).filter(pk=review_id).exists()


def get_detection_for(request: HttpRequest, pk: int) -> PatternDetection:
    """The detection if the signed-in person may read its review (else Http404), its read audited."""
    queryset = PatternDetection.objects.select_related("review__method_version", "episode", "decided_by")
    return get_review_part_for(request, queryset, pk)


def get_run_for(request: HttpRequest, pk: int) -> DetectionRun:
    """The run if the signed-in person may read its review (else Http404); not audited (see above)."""
    run = DetectionRun.objects.filter(pk=pk).first()
    if run is None or not _visible(request, run.review_id):
        raise Http404
    return run


def record_detection_list(request: HttpRequest, review: Review, detections: list[PatternDetection]) -> None:
    """One LIST event naming every detection a page showed."""
    record_review_part_list(request, review, PatternDetection, [detection.pk for detection in detections])
