"""Shared set-up for the timeline and export page tests: the demo chronology, a detection made by hand,
and a second review the demo team does not belong to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chronology.models import ChronologyEntry
from reviews.models import Review

DEMO_AGENCIES = ("HAIGLA-01", "KOOL-01", "PERE-01", "POLITSEI-01", "VALD-LK")


def demo_chronology(people: dict[str, Any], review: Review) -> dict[str, Any]:
    """The demo review's involvements and the five agencies' submitted chronologies."""
    from chronology.demo import ensure_demo_chronology
    from inquiries.demo import ensure_demo_inquiries

    ensure_demo_inquiries(people, review)
    return ensure_demo_chronology(people, review)


def make_detection(review: Review, entry_refs: list[str], *, rule: str = "was_not_brought") -> Any:
    """A pattern detection resting on these entries, stored by hand (as detections.services would)."""
    from detections.models import DetectionEntry, DetectionRun, PatternDetection

    rows = list(ChronologyEntry.objects.filter(review=review, entry_ref__in=entry_refs).order_by("date_earliest"))
    run = DetectionRun.objects.create(
        review=review, method_version=review.method_version, trigger=DetectionRun.Trigger.ON_DEMAND, status="done"
    )
    detection = PatternDetection.objects.create(
        review=review,
        rule=rule,
        start=rows[0].date_earliest if rows else dt.date(2024, 1, 1),
        end=rows[-1].date_latest if rows else dt.date(2024, 12, 31),
        organisations=sorted({row.organisation for row in rows}),
        explanations={
            "et": "3 vahelejäänud vastuvõttu asutuses HAIGLA-01; järeltegevust ei olnud.",
            "en": "3 missed appointments at HAIGLA-01; no follow-up contact and no notification afterwards.",
            "ru": "3 пропущенных приёма в HAIGLA-01.",
        },
        first_run=run,
        last_run=run,
    )
    DetectionEntry.objects.bulk_create(
        DetectionEntry(detection=detection, entry=row, position=index) for index, row in enumerate(rows)
    )
    return detection


def other_review(demo_case: dict[str, Any], people: dict[str, Any]) -> Review:
    """A second review of the demo notification that the demo lead reviewer and team are not on."""
    return Review.objects.create(
        notification=demo_case["notification"],
        review_type="full",
        method_version=demo_case["review"].method_version,
        reference="TV-DEMO-0001-X9",
        opened_by=people["koordinaator"],
    )
