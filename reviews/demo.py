"""A fictional demo case, created idempotently by its reference.

Everything here is invented: "Laps A", 13, medical neglect, known to the demo organisations of
`accounts/demo.py`; screened for a full review, which the demo lead reviewer leads. A second
notification is recorded and waits for screening. Dates are set relative to the day the demo is first
loaded, so that the demo shows one deadline already passed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.demo import personal_code
from accounts.models import Organisation
from core.dates import today
from method.models import MethodVersion
from notifications.deadlines import STAGE_RAPID_REVIEW, plan_milestones
from notifications.models import Child, ChildIdentity, HouseholdMember, Notification, ScreeningDecision

from .models import Milestone, Review, ReviewMembership, ReviewRole

DEMO_REFERENCE = "TV-DEMO-0001"
OPEN_DEMO_REFERENCE = "TV-DEMO-0002"
DEMO_REVIEW_REFERENCE = "TV-DEMO-0001-R1"

SKA, MUNICIPALITY, FAMILY_DOCTOR, HOSPITAL, SCHOOL, POLICE = (
    "70001975",
    "75000001",
    "90000002",
    "90000003",
    "75000004",
    "70008747",
)


def _organisations() -> dict[str, Organisation]:
    codes = [SKA, MUNICIPALITY, FAMILY_DOCTOR, HOSPITAL, SCHOOL, POLICE]
    return {o.registry_code: o for o in Organisation.objects.filter(registry_code__in=codes)}


def _notification(
    *,
    reference: str,
    version: MethodVersion,
    recorded_by: Any,
    days_ago: dict[str, int],
    notifying_body: str,
    notifying_organisation: Organisation | None,
    outcome: str,
    causes: list[str],
    parallel_proceedings: list[str],
    summary: str,
    child: dict[str, Any],
    known_to: list[Organisation],
    household: list[dict[str, Any]],
    identity: dict[str, str] | None = None,
) -> Notification:
    on = today()
    notification = Notification.objects.create(
        method_version=version,
        reference=reference,
        incident_date=on - dt.timedelta(days=days_ago["incident"]),
        became_aware_on=on - dt.timedelta(days=days_ago["aware"]),
        recorded_on=on - dt.timedelta(days=days_ago["recorded"]),
        recorded_by=recorded_by,
        notifying_body=notifying_body,
        notifying_organisation=notifying_organisation,
        outcome=outcome,
        causes=causes,
        parallel_proceedings=parallel_proceedings,
        summary=summary,
    )
    record = Child.objects.create(notification=notification, **child)
    record.known_to.set(known_to)
    HouseholdMember.objects.bulk_create(HouseholdMember(child=record, **member) for member in household)
    if identity:
        ChildIdentity.objects.create(child=record, **identity)
    return notification


@transaction.atomic
def ensure_demo_case(users: dict[str, Any]) -> dict[str, Any]:
    """Create (once) the demo notification, its screening and full review with team, and an open
    notification. Returns {"notification", "review", "open_notification"}."""
    version = MethodVersion.objects.current()
    organisations = _organisations()
    coordinator = users["koordinaator"]

    notification = Notification.objects.filter(reference=DEMO_REFERENCE).first()
    if notification is None:
        notification = _notification(
            reference=DEMO_REFERENCE,
            version=version,
            recorded_by=coordinator,
            days_ago={"incident": 40, "aware": 31, "recorded": 29},
            notifying_body="Näidislinna Lastehaigla, erakorralise meditsiini osakond",
            notifying_organisation=organisations.get(HOSPITAL),
            outcome="hospitalisation",
            causes=["medical_neglect"],
            parallel_proceedings=["police", "prosecution"],
            summary=(
                "A 13-year-old with a chronic condition was brought to hospital in a critical state after "
                "treatment had been interrupted for a long time. The school did not know of the condition."
            ),
            child={
                "pseudonym": "Laps A",
                "age_at_incident": 13,
                "sex": "female",
                "health_needs": "Chronic condition that needs regular specialist treatment.",
                "school_attendance": "irregular",
                "legal_status": "adopted",
                "known_to_other": "",
            },
            known_to=[
                organisations[code] for code in (FAMILY_DOCTOR, HOSPITAL, SCHOOL, MUNICIPALITY) if code in organisations
            ],
            household=[
                {
                    "relationship": "mother",
                    "risk_factors": ["mental_health"],
                    "note": "Missed the child's appointments.",
                },
                {"relationship": "sibling", "risk_factors": [], "note": ""},
            ],
            identity={"personal_code": personal_code(6, "120415", 27), "name": "Näidis Laps"},
        )
        screening = ScreeningDecision.objects.create(
            notification=notification,
            answers={
                code: "no" if code == "sexually_abused" else "yes" for code in version.data.codes("screening_checklist")
            },
            decision="full_review",
            reasons=(
                "Hospitalised as a result of medical neglect; health care, school and child protection were "
                "involved. There is much to learn about information passing between them."
            ),
            decided_by=coordinator,
            decided_at=timezone.now() - dt.timedelta(days=26),
        )
        notification.status = Notification.Status.SCREENED
        notification.save(update_fields=["status", "updated_at"])
        opened_on = screening.decided_at.date()
        review = Review.objects.create(
            notification=notification,
            review_type="full",
            method_version=version,
            reference=DEMO_REVIEW_REFERENCE,
            opened_on=opened_on,
            opened_by=coordinator,
        )
        events = {
            "became_aware": notification.became_aware_on,
            "notification_recorded": notification.recorded_on,
            "review_opened": opened_on,
        }
        Milestone.objects.bulk_create(
            Milestone(
                review=review,
                stage_code=planned.stage_code,
                stage_number=planned.stage_number,
                due_on=planned.due_on,
                # The rapid review was done on time; information gathering is the deadline that passed.
                completed_on=(
                    planned.due_on - dt.timedelta(days=2)
                    if planned.stage_code == STAGE_RAPID_REVIEW
                    else planned.completed_on
                ),
            )
            for planned in plan_milestones(version.data, "full", events)
        )
    review = Review.objects.get(reference=DEMO_REVIEW_REFERENCE)
    for username, role, sector in (
        ("analyytik", ReviewRole.LEAD_REVIEWER, "ska_services"),
        ("meeskonnaliige", ReviewRole.TEAM_MEMBER, "health.hospital"),
        ("asutus", ReviewRole.AGENCY_CONTRIBUTOR, "child_protection"),
    ):
        if username in users:
            ReviewMembership.objects.get_or_create(
                review=review, user=users[username], role=role, defaults={"sector": sector}
            )

    open_notification = Notification.objects.filter(reference=OPEN_DEMO_REFERENCE).first()
    if open_notification is None:
        open_notification = _notification(
            reference=OPEN_DEMO_REFERENCE,
            version=version,
            recorded_by=coordinator,
            days_ago={"incident": 6, "aware": 4, "recorded": 2},
            notifying_body="Näidisvalla Vallavalitsus, lastekaitse",
            notifying_organisation=organisations.get(MUNICIPALITY),
            outcome="hospitalisation",
            causes=["suicide_attempt"],
            parallel_proceedings=[],
            summary=(
                "A 15-year-old was hospitalised after a suicide attempt. Earlier self-harm was known to the school."
            ),
            child={
                "pseudonym": "Laps B",
                "age_at_incident": 15,
                "sex": "male",
                "health_needs": "",
                "school_attendance": "regular",
                "legal_status": "with_parents",
                "known_to_other": "School psychologist",
            },
            known_to=[organisations[code] for code in (SCHOOL, MUNICIPALITY) if code in organisations],
            household=[{"relationship": "father", "risk_factors": ["substance_use"], "note": ""}],
        )
    from inquiries.demo import ensure_demo_inquiries

    ensure_demo_inquiries(users, review)
    return {"notification": notification, "review": review, "open_notification": open_notification}
