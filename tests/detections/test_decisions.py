"""Confirming and dismissing detections: a reason each time, kept across runs, refused when stale."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from analysis.models import KeyPracticeEpisode
from audit.models import AuditEvent
from chronology.dates import day_date
from chronology.store import apply_submission
from detections import services
from detections.models import DetectionRun, PatternDetection
from tests.detections.helpers import changed, demo_entries, hospital_missed_appointments


def decide(client, detection, status="confirmed", reason="Kolm korda järjest, keegi ei reageerinud.", revision=None):
    return client.post(
        reverse("detections:decide", args=[detection.pk]),
        {"status": status, "reason": reason, "revision": detection.revision if revision is None else revision},
    )


def rerun(review) -> DetectionRun:
    run = services.request_run(review=review, trigger=DetectionRun.Trigger.ON_DEMAND)
    return services.run_detections(run)


def test_a_reviewer_confirms_a_detection_with_a_reason(demo, people, login):
    detection = hospital_missed_appointments(demo["review"])
    response = decide(login(people["analyytik"]), detection)
    assert response.status_code == 302
    detection.refresh_from_db()
    assert detection.status == PatternDetection.Status.CONFIRMED
    assert detection.reason == "Kolm korda järjest, keegi ei reageerinud."
    assert detection.decided_by == people["analyytik"]
    assert detection.decided_at is not None
    assert detection.revision == 1
    event = AuditEvent.objects.filter(object_type="detections.patterndetection", action="update").get()
    assert (event.actor, event.object_id, event.detail["status"]) == (
        people["analyytik"],
        str(detection.pk),
        "confirmed",
    )


def test_a_team_member_dismisses_a_detection(demo, people, login):
    detection = PatternDetection.objects.get(review=demo["review"], rule="closure_then_rereferral")
    assert (
        decide(login(people["meeskonnaliige"]), detection, "dismissed", "Perearst ei teadnud sulgemisest.").status_code
        == 302
    )
    detection.refresh_from_db()
    assert detection.status == PatternDetection.Status.DISMISSED


def test_a_decision_without_a_reason_is_refused_and_nothing_is_saved(demo, people, login):
    detection = hospital_missed_appointments(demo["review"])
    response = decide(login(people["analyytik"]), detection, reason="   ")
    assert response.status_code == 200
    assert "Enter the reason for your decision." in response.content.decode()
    assert 'class="error-summary"' in response.content.decode()
    detection.refresh_from_db()
    assert (detection.status, detection.revision) == (PatternDetection.Status.OPEN, 0)
    assert not AuditEvent.objects.filter(object_type="detections.patterndetection", action="update").exists()


def test_a_stale_decision_is_refused_showing_the_other_decision(demo, people, login):
    detection = hospital_missed_appointments(demo["review"])
    decide(login(people["analyytik"]), detection, "confirmed", "Analüütiku põhjendus.")
    response = decide(login(people["meeskonnaliige"]), detection, "dismissed", "Minu põhjendus.", revision=0)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this detection after you opened it" in page
    assert "The decision saved in the meantime" in page
    assert "Analüütiku põhjendus." in page
    assert 'name="revision" value="1"' in page
    detection.refresh_from_db()
    assert (detection.status, detection.reason, detection.decided_by) == (
        PatternDetection.Status.CONFIRMED,
        "Analüütiku põhjendus.",
        people["analyytik"],
    )


def test_decisions_survive_a_rerun(demo, people, login):
    review = demo["review"]
    detection = hospital_missed_appointments(review)
    decide(login(people["analyytik"]), detection, "confirmed", "Põhjendus.")
    dismissed = PatternDetection.objects.get(review=review, rule="unanswered_referral")
    decide(login(people["analyytik"]), dismissed, "dismissed", "Vastati telefoni teel.")
    before = set(PatternDetection.objects.filter(review=review).values_list("pk", flat=True))
    run = rerun(review)
    assert set(PatternDetection.objects.filter(review=review).values_list("pk", flat=True)) == before
    detection.refresh_from_db()
    dismissed.refresh_from_db()
    assert (detection.status, detection.reason, detection.last_run, detection.is_current) == (
        PatternDetection.Status.CONFIRMED,
        "Põhjendus.",
        run,
        True,
    )
    assert dismissed.status == PatternDetection.Status.DISMISSED
    assert detection.first_run != run


def test_decisions_survive_a_resubmission_that_changes_an_entry(
    demo, people, login, django_capture_on_commit_callbacks
):
    review = demo["review"]
    detection = hospital_missed_appointments(review)
    decide(login(people["analyytik"]), detection, "confirmed", "Põhjendus.")
    # The hospital moves its second missed appointment by a week and rewords it.
    entries = changed(
        demo_entries(review, "HAIGLA-01"),
        "HAIGLA-002",
        description="Kontrollvisiidile ei toodud (parandatud).",
        date=day_date(dt.date(2024, 4, 22)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        apply_submission(information_request=demo["requests"]["HAIGLA-01"], entries=entries, channel="upload")
    detection.refresh_from_db()
    assert detection.is_current
    assert detection.status == PatternDetection.Status.CONFIRMED
    assert detection.reason == "Põhjendus."
    assert (detection.start, detection.end) == (dt.date(2024, 2, 12), dt.date(2024, 6, 17))
    assert detection.supporting.get(entry__entry_ref="HAIGLA-002").entry.date_earliest == dt.date(2024, 4, 22)
    assert detection.last_run == DetectionRun.objects.filter(review=review).latest("pk")
    assert [s.entry.entry_ref for s in detection.supporting.select_related("entry")] == [
        "HAIGLA-001",
        "HAIGLA-002",
        "HAIGLA-003",
    ]


def test_a_detection_no_longer_found_keeps_its_decision_and_is_listed_as_such(
    demo, people, login, django_capture_on_commit_callbacks
):
    review = demo["review"]
    detection = hospital_missed_appointments(review)
    client = login(people["analyytik"])
    decide(client, detection, "confirmed", "Põhjendus.")
    # The hospital's corrected chronology: the second and third appointments were attended after all.
    entries = demo_entries(review, "HAIGLA-01")
    for ref in ("HAIGLA-002", "HAIGLA-003"):
        entries = changed(entries, ref, event_type="appointment_attended")
    with django_capture_on_commit_callbacks(execute=True):
        apply_submission(information_request=demo["requests"]["HAIGLA-01"], entries=entries, channel="upload")
    detection.refresh_from_db()
    assert detection.is_current is False
    assert (detection.status, detection.reason) == (PatternDetection.Status.CONFIRMED, "Põhjendus.")
    page = client.get(reverse("detections:list", args=[review.pk])).content.decode()
    gone_section = page.split("Decided detections no longer found", 1)[1]
    assert reverse("detections:detail", args=[detection.pk]) in gone_section
    detail = client.get(reverse("detections:detail", args=[detection.pk])).content.decode()
    assert "no longer finds this pattern" in detail
    # Found again when the hospital goes back to its first version: the same row, current again.
    with django_capture_on_commit_callbacks(execute=True):
        apply_submission(
            information_request=demo["requests"]["HAIGLA-01"],
            entries=demo_entries(review, "HAIGLA-01"),
            channel="upload",
        )
    assert hospital_missed_appointments(review).pk == detection.pk
    detection.refresh_from_db()
    assert detection.is_current and detection.status == PatternDetection.Status.CONFIRMED


def test_an_undecided_detection_no_longer_found_is_not_listed(demo, people, login):
    review = demo["review"]
    detection = hospital_missed_appointments(review)
    PatternDetection.objects.filter(pk=detection.pk).update(subject="HAIGLA-99")  # cannot be found again
    rerun(review)
    detection.refresh_from_db()
    assert detection.is_current is False
    page = login(people["analyytik"]).get(reverse("detections:list", args=[review.pk])).content.decode()
    assert reverse("detections:detail", args=[detection.pk]) not in page
    assert "Decided detections no longer found" not in page


def test_a_confirmed_detection_is_linked_to_a_new_episode_made_from_it(demo, people, login):
    review = demo["review"]
    detection = hospital_missed_appointments(review)
    client = login(people["analyytik"])
    decide(client, detection)
    detection.refresh_from_db()
    page = client.get(reverse("detections:detail", args=[detection.pk])).content.decode()
    assert reverse("detections:link_episode", args=[detection.pk]) in page
    response = client.post(
        reverse("detections:link_episode", args=[detection.pk]), {"episode": "new", "revision": detection.revision}
    )
    assert response.status_code == 302
    detection.refresh_from_db()
    episode = detection.episode
    assert episode is not None and episode.review == review
    assert episode.title == review.method_version.data.pattern_rule("was_not_brought")["label"]["et"]
    assert (episode.period_start, episode.period_end) == (detection.start, detection.end)
    assert sorted(episode.entries.values_list("entry_ref", flat=True)) == ["HAIGLA-001", "HAIGLA-002", "HAIGLA-003"]
    assert episode.created_by == people["analyytik"]
    assert AuditEvent.objects.filter(
        object_type="analysis.keypracticeepisode", object_id=str(episode.pk), action="create"
    ).exists()
    event = AuditEvent.objects.filter(object_type="detections.patterndetection", action="update").latest("sequence")
    assert event.detail["episode"] == episode.pk


def test_a_confirmed_detection_is_linked_to_an_existing_episode(demo, people, login):
    from analysis.services import episode_create

    review = demo["review"]
    episode = episode_create(review=review, data={"title": "Haigla 2024"}, acting_user=people["analyytik"])
    detection = hospital_missed_appointments(review)
    client = login(people["meeskonnaliige"])
    decide(client, detection)
    detection.refresh_from_db()
    response = client.post(
        reverse("detections:link_episode", args=[detection.pk]),
        {"episode": str(episode.pk), "revision": detection.revision},
    )
    assert response.status_code == 302
    detection.refresh_from_db()
    assert detection.episode == episode
    assert episode.entries.count() == 3
    assert KeyPracticeEpisode.objects.filter(review=review).count() == 1


def test_an_undecided_detection_cannot_be_linked_to_an_episode(demo, people, login):
    detection = hospital_missed_appointments(demo["review"])
    response = login(people["analyytik"]).post(
        reverse("detections:link_episode", args=[detection.pk]), {"episode": "new", "revision": 0}
    )
    assert response.status_code == 200
    assert "Only a confirmed detection can be linked" in response.content.decode()
    assert not KeyPracticeEpisode.objects.exists()
    detection.refresh_from_db()
    assert detection.episode is None


def test_the_agency_contributor_and_outsiders_get_404_and_change_nothing(demo, people, login):
    review = demo["review"]
    detection = hospital_missed_appointments(review)
    for username in ("asutus", "tooruhm", "juhtkond"):
        client = login(people[username])
        assert client.get(reverse("detections:list", args=[review.pk])).status_code == 404
        assert client.get(reverse("detections:detail", args=[detection.pk])).status_code == 404
        assert decide(client, detection).status_code == 404
        response = client.post(
            reverse("detections:link_episode", args=[detection.pk]), {"episode": "new", "revision": 0}
        )
        assert response.status_code == 404
    detection.refresh_from_db()
    assert (detection.status, detection.revision) == (PatternDetection.Status.OPEN, 0)
    assert not AuditEvent.objects.filter(
        actor__username__in=("asutus", "tooruhm", "juhtkond"), review_id=review.pk
    ).exists()


def test_a_detection_is_found_again_by_its_period_when_no_entry_is_shared(demo, people, login):
    review = demo["review"]
    detection = hospital_missed_appointments(review)
    decide(login(people["analyytik"]), detection, "dismissed", "Põhjendus.")
    detection.supporting.all().delete()  # as if every entry it rested on had been replaced
    rerun(review)
    again = hospital_missed_appointments(review)
    assert again.pk == detection.pk
    assert again.status == PatternDetection.Status.DISMISSED
    assert again.supporting.count() == 3
