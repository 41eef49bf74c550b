"""The fictional demo case's detections: stored once its chronology is in, and shown on the pages."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from audit.models import AuditEvent
from chronology.patterns import RULE_CODES
from detections.models import DetectionRun, PatternDetection
from tests.detections.helpers import hospital_missed_appointments


def test_the_demo_chronology_yields_the_detections_a_reviewer_would_expect(demo):
    review = demo["review"]
    detections = PatternDetection.objects.filter(review=review, is_current=True)
    assert {detection.rule for detection in detections} == set(RULE_CODES)
    hospital = hospital_missed_appointments(review)
    assert (hospital.start, hospital.end) == (dt.date(2024, 2, 12), dt.date(2024, 6, 17))
    assert hospital.organisations == ["HAIGLA-01"]
    assert [s.entry.entry_ref for s in hospital.supporting.select_related("entry")] == [
        "HAIGLA-001",
        "HAIGLA-002",
        "HAIGLA-003",
    ]
    assert hospital.uncertain is False
    assert hospital.status == PatternDetection.Status.OPEN
    assert "3 missed appointments at HAIGLA-01" in hospital.explanations["en"]
    assert set(hospital.explanations) == {"et", "en", "ru"}
    # The school's notification answered only after six weeks; the municipality's closure and re-referral.
    referral = PatternDetection.objects.get(review=review, rule="unanswered_referral")
    assert referral.organisations == ["KOOL-01", "VALD-LK"]
    assert [s.entry.entry_ref for s in referral.supporting.select_related("entry")] == ["KOOL-002"]
    closure = PatternDetection.objects.get(review=review, rule="closure_then_rereferral")
    assert (closure.start, closure.end) == (dt.date(2023, 6, 30), dt.date(2023, 8, 21))
    run = DetectionRun.objects.get(review=review)
    assert (run.status, run.progress, run.step) == (DetectionRun.Status.DONE, 100, "done")
    assert run.entry_count == 21
    assert run.detection_count == detections.count()


def test_the_demo_concern_is_named_by_its_label_in_the_explanation(demo):
    detection = PatternDetection.objects.filter(review=demo["review"], rule="concern_without_escalation").first()
    assert "medical_neglect" not in detection.explanations["en"]
    assert "medical_neglect" not in detection.explanations["et"]


def test_the_list_page_shows_the_demo_detections_in_english(demo, people, login):
    review = demo["review"]
    client = login(people["analyytik"])
    response = client.get(reverse("detections:list", args=[review.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    hospital = hospital_missed_appointments(review)
    assert escape(hospital.explanations["en"]) in page
    assert "12.02.2024 – 17.06.2024" in page
    assert "Was not brought" in page or "was not brought" in page.lower()
    assert reverse("detections:detail", args=[hospital.pk]) in page
    assert "Not yet decided" in page
    assert 'class="restricted-banner"' in page
    shown = PatternDetection.objects.filter(review=review, is_current=True)
    event = AuditEvent.objects.filter(actor=people["analyytik"], action="list").latest("sequence")
    assert event.object_type == "detections.patterndetection"
    assert sorted(event.object_ids) == sorted(str(pk) for pk in shown.values_list("pk", flat=True))
    assert event.review_id == review.pk


def test_the_list_page_shows_the_demo_detections_in_estonian(demo, people, login):
    review = demo["review"]
    client = login(people["meeskonnaliige"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "et"
    page = client.get(reverse("detections:list", args=[review.pk])).content.decode()
    hospital = hospital_missed_appointments(review)
    label = review.method_version.data.pattern_rule("was_not_brought")["label"]["et"]
    assert escape(hospital.explanations["et"]) in page
    assert escape(label) in page
    assert escape(hospital.explanations["en"]) not in page


def test_the_detail_page_shows_the_supporting_entries_and_links_to_the_timeline(demo, people, login):
    review = demo["review"]
    hospital = hospital_missed_appointments(review)
    client = login(people["koordinaator"])
    response = client.get(reverse("detections:detail", args=[hospital.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for supporting in hospital.supporting.select_related("entry"):
        assert reverse("chronology:entry", args=[supporting.entry.pk]) in page
        assert supporting.entry.entry_ref in page
    assert f"{reverse('chronology:timeline', args=[review.pk])}?detection={hospital.pk}" in page
    assert escape(hospital.explanations["en"]) in page
    assert 'name="revision"' in page
    event = AuditEvent.objects.filter(actor=people["koordinaator"]).latest("sequence")
    assert (event.action, event.object_type, event.object_id) == (
        "read",
        "detections.patterndetection",
        str(hospital.pk),
    )


def test_the_review_page_links_to_the_detections_and_the_episodes(demo, people, login):
    review = demo["review"]
    page = login(people["analyytik"]).get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert reverse("detections:list", args=[review.pk]) in page
    assert reverse("analysis:episodes", args=[review.pk]) in page
