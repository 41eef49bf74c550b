"""The method pilot: members record feedback on a stage, rule, vocabulary or template of the method
version under test; the method editor sees the open feedback and tracks each item to the version that
resolves it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.demo import personal_code
from audit.models import Action, AuditEvent, Purpose
from method.services import method_draft_create
from reviews.models import Review
from workgroup.models import Feedback, Pilot
from workgroup.services import feedback_add, feedback_resolve, pilot_create


@pytest.fixture
def pilot_review(demo_case, people, method_v1):
    return Review.objects.create(
        notification=demo_case["notification"],
        review_type="pilot",
        method_version=method_v1,
        reference="TV-DEMO-0001-P1",
        opened_by=people["koordinaator"],
    )


def test_the_coordinator_starts_a_pilot_on_a_pilot_review(group, people, login, method_v1, pilot_review):
    response = login(people["koordinaator"]).post(
        reverse("workgroup:pilot_create"),
        {"title": "Katsetus", "method_version": method_v1.pk, "review": pilot_review.pk, "started_on": "01.12.2026"},
    )
    assert response.status_code == 302
    pilot = Pilot.objects.get(title="Katsetus")
    assert (pilot.method_version, pilot.review) == (method_v1, pilot_review)
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="workgroup.pilot", object_id=str(pilot.pk)
    ).exists()


def test_only_a_review_of_the_type_pilot_can_carry_a_pilot(group, people, demo_case, method_v1):
    with pytest.raises(ValidationError) as error:
        pilot_create(
            data={"title": "Katsetus", "method_version": method_v1, "review": demo_case["review"]},
            acting_user=people["koordinaator"],
        )
    assert "review" in error.value.message_dict
    assert not Pilot.objects.filter(title="Katsetus").exists()


@pytest.mark.parametrize(
    ("part", "target", "code"),
    [
        ("stage:information_gathering", "stage", "information_gathering"),
        ("rule:silence", "rule", "silence"),
        ("vocabulary:practice_themes", "vocabulary", "practice_themes"),
        ("template:information_request", "template", "information_request"),
    ],
)
def test_a_member_records_feedback_on_a_part_of_the_method(group, people, login, part, target, code):
    pilot = group["pilot"]
    response = login(people["tooruhm"]).post(
        reverse("workgroup:pilot_detail", args=[pilot.pk]), {"part": part, "text": "Vajab täpsustamist."}
    )
    assert response.status_code == 302
    feedback = pilot.feedback.get(target=target, target_code=code)
    assert (feedback.author, feedback.status) == (people["tooruhm"], Feedback.Status.OPEN)
    assert AuditEvent.objects.filter(
        actor=people["tooruhm"], action=Action.CREATE, object_type="workgroup.feedback", purpose=Purpose.WORKING_GROUP
    ).exists()


def test_feedback_on_a_code_the_version_does_not_have_is_refused(group, people):
    with pytest.raises(ValidationError) as error:
        feedback_add(
            pilot=group["pilot"],
            data={"target": "stage", "target_code": "astrology", "text": "x"},
            acting_user=people["tooruhm"],
        )
    assert "target_code" in error.value.message_dict
    assert group["pilot"].feedback.count() == 1


def test_feedback_with_a_personal_code_is_refused(group, people, login):
    pilot = group["pilot"]
    response = login(people["tooruhm"]).post(
        reverse("workgroup:pilot_detail", args=[pilot.pk]),
        {"part": "stage:notification", "text": f"Laps {personal_code(5, '130614', 27)}"},
    )
    assert response.status_code == 200
    assert "Remove the personal identification code" in response.content.decode()
    assert pilot.feedback.count() == 1


def test_the_method_editor_sees_open_feedback_and_tracks_it_to_the_resolving_version(group, people, login):
    editor = people["metoodik"]
    feedback = group["feedback"]
    client = login(editor)
    page = client.get(reverse("workgroup:feedback")).content.decode()
    assert feedback.text in page and "rapid_review" in page
    draft = method_draft_create(acting_user=editor)
    response = client.post(
        reverse("workgroup:feedback_resolve", args=[feedback.pk]),
        {"status": "resolved", "resolved_in": draft.pk, "note": "Tähtaeg 20 tööpäeva.", "revision": feedback.revision},
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.status, feedback.resolved_in, feedback.resolved_by) == ("resolved", draft, editor)
    assert feedback.text not in client.get(reverse("workgroup:feedback")).content.decode()
    everything = client.get(reverse("workgroup:feedback"), {"status": "all"}).content.decode()
    assert feedback.text in everything and f"in version {draft.number}" in everything
    assert AuditEvent.objects.filter(
        actor=editor, action=Action.UPDATE, object_type="workgroup.feedback", object_id=str(feedback.pk)
    ).exists()


def test_feedback_cannot_be_resolved_by_the_version_it_was_given_on(group, people, method_v1):
    with pytest.raises(ValidationError) as error:
        feedback_resolve(
            feedback=group["feedback"],
            status="resolved",
            resolved_in=method_v1,
            note="",
            revision=group["feedback"].revision,
            acting_user=people["metoodik"],
        )
    assert "resolved_in" in error.value.message_dict
    group["feedback"].refresh_from_db()
    assert group["feedback"].status == Feedback.Status.OPEN


def test_feedback_not_taken_up_needs_a_reason(group, people):
    with pytest.raises(ValidationError) as error:
        feedback_resolve(
            feedback=group["feedback"],
            status="declined",
            resolved_in=None,
            note="",
            revision=group["feedback"].revision,
            acting_user=people["metoodik"],
        )
    assert "note" in error.value.message_dict
