"""Detection runs: after each accepted submission and on demand, in the background, with progress."""

from __future__ import annotations

from django.urls import reverse

from audit.models import AuditEvent
from chronology.store import apply_submission
from detections import services
from detections.models import DetectionRun, PatternDetection
from detections.tasks import run_detection_task
from tests.detections.helpers import changed, demo_entries


def test_an_accepted_submission_enqueues_a_run_that_runs(demo, people, django_capture_on_commit_callbacks):
    review = demo["review"]
    entries = changed(demo_entries(review, "HAIGLA-01"), "HAIGLA-004", description="Uus kirjeldus.")
    with django_capture_on_commit_callbacks(execute=True):
        apply_submission(
            information_request=demo["requests"]["HAIGLA-01"],
            entries=entries,
            channel="upload",
            acting_user=people["analyytik"],
        )
    run = DetectionRun.objects.filter(review=review).latest("pk")
    assert run.trigger == DetectionRun.Trigger.SUBMISSION
    assert (run.status, run.progress, run.step) == (DetectionRun.Status.DONE, 100, "done")
    assert run.started_at is not None and run.finished_at >= run.started_at
    assert run.entry_count == 21
    assert PatternDetection.objects.filter(review=review, is_current=True, last_run=run).count() == run.detection_count
    event = AuditEvent.objects.get(object_type="detections.detectionrun", object_id=str(run.pk))
    assert (event.action, event.purpose, event.actor) == ("create", "system", None)


def test_a_run_still_waiting_is_reused(demo, people):
    review = demo["review"]
    first = services.request_run(review=review, trigger=DetectionRun.Trigger.ON_DEMAND, acting_user=people["analyytik"])
    second = services.request_run(review=review, trigger=DetectionRun.Trigger.SUBMISSION)
    assert first.pk == second.pk
    assert DetectionRun.objects.filter(review=review, status=DetectionRun.Status.QUEUED).count() == 1


def test_progress_moves_from_reading_through_each_rule_to_done(demo, monkeypatch):
    review = demo["review"]
    seen: list[tuple[int, str, str]] = []
    original = services._progress

    def spy(run, progress, step, **fields):
        original(run, progress, step, **fields)
        stored = DetectionRun.objects.get(pk=run.pk)
        seen.append((stored.progress, stored.step, stored.status))

    monkeypatch.setattr(services, "_progress", spy)
    run = services.request_run(review=review, trigger=DetectionRun.Trigger.ON_DEMAND)
    run_detection_task.call(run.pk)
    progresses = [progress for progress, _step, _status in seen]
    assert progresses == sorted(progresses)
    assert progresses[0] == 0 and progresses[-1] == 100
    steps = [step for _progress, step, _status in seen]
    assert steps[0] == "loading" and steps[-2:] == ["storing", "done"]
    assert [step for step in steps if step.startswith("detecting:")] == [
        f"detecting:{code}" for code in services.RULE_CODES
    ]
    assert seen[0][2] == DetectionRun.Status.RUNNING and seen[-1][2] == DetectionRun.Status.DONE


def test_a_failing_run_is_marked_failed_with_the_error_and_stores_nothing(demo, monkeypatch):
    review = demo["review"]
    before = list(PatternDetection.objects.filter(review=review).values_list("pk", "last_run_id", "is_current"))

    def broken(*args, **kwargs):
        raise ValueError("pattern_rules.silence: max_gap is missing")

    monkeypatch.setattr(services, "detect", broken)
    run = services.request_run(review=review, trigger=DetectionRun.Trigger.ON_DEMAND)
    assert run_detection_task.call(run.pk) == "failed"
    run.refresh_from_db()
    assert run.status == DetectionRun.Status.FAILED
    assert "max_gap is missing" in run.error
    assert run.finished_at is not None
    after = list(PatternDetection.objects.filter(review=review).values_list("pk", "last_run_id", "is_current"))
    assert after == before


def test_a_run_already_finished_is_not_run_twice(demo):
    run = DetectionRun.objects.get(review=demo["review"])
    assert run_detection_task.call(run.pk) == "skipped"


def test_a_reviewer_runs_detection_again_from_the_list_page(demo, people, login, django_capture_on_commit_callbacks):
    review = demo["review"]
    client = login(people["meeskonnaliige"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("detections:run", args=[review.pk]))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("detections:list", args=[review.pk])
    run = DetectionRun.objects.filter(review=review).latest("pk")
    assert run.trigger == DetectionRun.Trigger.ON_DEMAND
    assert run.requested_by == people["meeskonnaliige"]
    assert run.status == DetectionRun.Status.DONE
    event = AuditEvent.objects.get(object_type="detections.detectionrun", object_id=str(run.pk))
    assert (event.action, event.actor, event.purpose) == ("create", people["meeskonnaliige"], "review")


def test_the_page_polls_the_progress_of_a_run_while_it_goes_on(demo, people, login):
    review = demo["review"]
    run = services.request_run(review=review, trigger=DetectionRun.Trigger.ON_DEMAND)  # not executed: waits
    DetectionRun.objects.filter(pk=run.pk).update(
        status=DetectionRun.Status.RUNNING, progress=40, step="detecting:silence"
    )
    client = login(people["analyytik"])
    status_url = reverse("detections:run_status", args=[run.pk])
    page = client.get(reverse("detections:list", args=[review.pk])).content.decode()
    assert f'hx-get="{status_url}"' in page
    assert 'hx-trigger="every 2s"' in page
    fragment = client.get(status_url).content.decode()
    assert '<progress id="detection-run-progress" max="100" value="40">' in fragment
    assert "Looking for patterns" in fragment
    assert "<html" not in fragment
    DetectionRun.objects.filter(pk=run.pk).update(status=DetectionRun.Status.DONE, progress=100, step="done")
    fragment = client.get(status_url).content.decode()
    assert "hx-get" not in fragment
    assert "<progress" not in fragment


def test_outsiders_and_the_agency_contributor_cannot_run_detection_or_see_a_run(demo, people, login):
    review = demo["review"]
    run = DetectionRun.objects.get(review=review)
    for username in ("asutus", "tooruhm", "audiitor"):
        client = login(people[username])
        assert client.post(reverse("detections:run", args=[review.pk])).status_code == 404
        assert client.get(reverse("detections:run_status", args=[run.pk])).status_code == 404
    assert DetectionRun.objects.filter(review=review).count() == 1
