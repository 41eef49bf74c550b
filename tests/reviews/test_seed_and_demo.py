"""Synthetic data at scale and the demo case."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.demo import ensure_demo_people
from notifications.models import Child, ChildIdentity, Notification, ScreeningDecision
from reviews.demo import ensure_demo_case
from reviews.models import Milestone, Review, ReviewMembership

pytestmark = pytest.mark.django_db


def test_seed_synthetic_makes_reviews_with_milestones_and_clear_removes_only_them(people, demo_case, capsys):
    call_command("seed_synthetic", "--reviews", "40")

    synthetic = Review.objects.filter(reference__startswith="SYN-")
    assert synthetic.count() == 40
    assert Notification.objects.filter(reference__startswith="SYN-", status="open").count() == 4
    assert Notification.objects.filter(reference__startswith="SYN-", status="closed").count() == 2
    assert Child.objects.filter(notification__reference__startswith="SYN-").count() == 46
    assert ScreeningDecision.objects.filter(notification__reference__startswith="SYN-").count() == 42
    assert not ChildIdentity.objects.filter(child__notification__reference__startswith="SYN-").exists()
    for review in synthetic.prefetch_related("milestones"):
        codes = {m.stage_code for m in review.milestones.all()}
        assert {"notification", "rapid_review"} <= codes
        assert review.method_version_id == review.notification.method_version_id
    assert "Made 46 notifications, 40 reviews" in capsys.readouterr().out

    call_command("seed_synthetic", "--reviews", "10")
    assert Review.objects.filter(reference__startswith="SYN-").count() == 50
    assert Notification.objects.filter(reference="SYN-000047").exists()

    call_command("seed_synthetic", "--clear")
    assert not Notification.objects.filter(reference__startswith="SYN-").exists()
    assert not Milestone.objects.filter(review__reference__startswith="SYN-").exists()
    assert Review.objects.get() == demo_case["review"]
    assert Notification.objects.count() == 2


def test_demo_case_is_made_once(people):
    first = ensure_demo_case(people)
    counts = (Notification.objects.count(), Review.objects.count(), Milestone.objects.count())
    second = ensure_demo_case(ensure_demo_people())
    assert (Notification.objects.count(), Review.objects.count(), Milestone.objects.count()) == counts
    assert first == second
    assert counts[:2] == (2, 1)


def test_demo_case_has_the_described_team_and_a_passed_deadline(people, demo_case):
    review = demo_case["review"]
    assert review.review_type == "full"
    assert demo_case["notification"].screening.decision == "full_review"
    assert demo_case["notification"].child.pseudonym == "Laps A"
    assert demo_case["notification"].child.age_at_incident == 13
    assert "medical_neglect" in demo_case["notification"].causes
    assert demo_case["notification"].child.known_to.count() == 4
    assert demo_case["open_notification"].status == "open"
    assert not hasattr(demo_case["open_notification"], "screening")
    team = {(m.user.username, m.role, m.sector) for m in ReviewMembership.objects.filter(review=review)}
    assert team == {
        ("analyytik", "lead_reviewer", "ska_services"),
        ("meeskonnaliige", "team_member", "health.hospital"),
        ("asutus", "agency_contributor", "child_protection"),
    }
    assert [m.stage_code for m in review.milestones.all() if m.is_overdue()] == ["information_gathering"]


def test_load_demo_command_is_idempotent(db, capsys):
    call_command("load_demo")
    call_command("load_demo")
    assert Notification.objects.filter(reference__startswith="TV-DEMO-").count() == 2
    assert Review.objects.count() == 1
    assert "Demo data ready" in capsys.readouterr().out


def test_load_demo_does_nothing_when_demo_mode_is_off(db, settings, capsys):
    settings.DEMO_MODE = False
    call_command("load_demo")
    assert not Notification.objects.exists()
    assert "Demo mode is off" in capsys.readouterr().out
