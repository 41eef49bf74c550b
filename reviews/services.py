"""State changes of reviews: opening one from a screening decision, its team and its milestones.

Each function runs in one transaction and writes its audit event inside it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import SystemRole
from audit.log import record
from audit.models import Action, Purpose
from core.concurrency import advance_revision
from core.dates import today
from method.content import MethodContent
from notifications.deadlines import plan_milestones
from notifications.models import ScreeningDecision

from .models import Milestone, Review, ReviewMembership, ReviewRole

# Screening decisions that open a review, and the type of review they open, unless the method's
# decision item names its own `review_type`.
DECISION_REVIEW_TYPES = {"rapid_review": "rapid", "full_review": "full"}


def review_type_for_decision(content: MethodContent, decision: str) -> str | None:
    item = content.item("screening_decisions", decision) or {}
    if "review_type" in item:
        return item["review_type"] or None
    return DECISION_REVIEW_TYPES.get(decision)


def review_open(
    *, screening: ScreeningDecision, acting_user: Any, review_type: str | None = None, opened_on: Any = None
) -> Review:
    """Open a review of the screened notification, pinned to the notification's method version,
    with milestones due as the version's stages say."""
    notification = screening.notification
    version = notification.method_version
    content = version.data
    review_type = review_type or review_type_for_decision(content, screening.decision)
    if review_type not in content.codes("review_types"):
        raise ValidationError({"review_type": [_("%(value)s is not in the method's list.") % {"value": review_type}]})
    opened_on = opened_on or today()
    with transaction.atomic():
        count = Review.objects.filter(notification=notification).count()
        review = Review.objects.create(
            notification=notification,
            review_type=review_type,
            method_version=version,
            reference=f"{notification.reference}-R{count + 1}",
            opened_on=opened_on,
            opened_by=acting_user,
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
                completed_on=planned.completed_on,
            )
            for planned in plan_milestones(content, review_type, events)
        )
        record(
            actor=acting_user,
            action=Action.CREATE,
            purpose=Purpose.COORDINATION,
            obj=review,
            review_id=review.pk,
            detail={"notification": notification.pk, "type": review_type, "method_version": version.number},
        )
    return review


def membership_add(*, review: Review, user: Any, role: str, sector: str, acting_user: Any) -> ReviewMembership:
    if role not in ReviewRole.values:
        raise ValidationError({"role": [_("Choose a role from the list.")]})
    if sector and sector not in review.method_version.data.sector_codes():
        raise ValidationError({"sector": [_("%(value)s is not in the method's list.") % {"value": sector}]})
    try:
        with transaction.atomic():
            membership = ReviewMembership.objects.create(review=review, user=user, role=role, sector=sector)
            record(
                actor=acting_user,
                action=Action.CREATE,
                purpose=Purpose.COORDINATION,
                obj=membership,
                review_id=review.pk,
                detail={"user": user.pk, "role": role, "sector": sector},
            )
    except IntegrityError:
        raise ValidationError({"user": [_("This person already has this role in the review.")]}) from None
    return membership


def membership_remove(*, membership: ReviewMembership, acting_user: Any) -> None:
    with transaction.atomic():
        record(
            actor=acting_user,
            action=Action.DELETE,
            purpose=Purpose.COORDINATION,
            obj=membership,
            review_id=membership.review_id,
            detail={"user": membership.user_id, "role": membership.role},
        )
        membership.delete()


def milestone_set_completed(
    *, milestone: Milestone, completed_on: dt.date | None, revision: int | None, acting_user: Any
) -> Milestone:
    """Mark a milestone done on `completed_on`, or not done (None). The next deadline moves on. Refused
    (EditConflict) when someone marked it since `revision` was read, so that a stale page cannot undo it."""
    if completed_on is not None and completed_on > today():
        raise ValidationError({"completed_on": [_("The date cannot be in the future.")]})
    with transaction.atomic():
        milestone.revision = advance_revision(Milestone, pk=milestone.pk, revision=revision, completed_on=completed_on)
        milestone.completed_on = completed_on
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=Purpose.COORDINATION if acting_user.has_system_role(SystemRole.COORDINATOR) else Purpose.REVIEW,
            obj=milestone,
            review_id=milestone.review_id,
            detail={
                "stage": milestone.stage_code,
                "completed_on": completed_on.isoformat() if completed_on else None,
                "revision": milestone.revision,
            },
        )
    return milestone
