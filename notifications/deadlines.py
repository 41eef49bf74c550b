"""Deadlines from the method's stages: pure functions over a method version's content.

A stage's `time_limit` is `{amount, unit, from}` where `from` names the event the period counts from
(`became_aware`, `notification_recorded`, `review_opened`); the arithmetic is `core.workdays.deadline`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.workdays import deadline

if TYPE_CHECKING:
    from method.content import MethodContent

STAGE_NOTIFICATION = "notification"
STAGE_SCREENING = "screening"
STAGE_RAPID_REVIEW = "rapid_review"


def time_limit_due(time_limit: Mapping[str, Any] | None, events: Mapping[str, dt.date | None]) -> dt.date | None:
    """The due date of a `time_limit`, or None when there is no limit or its event has not happened."""
    if not time_limit:
        return None
    event = events.get(time_limit.get("from", ""))
    if event is None:
        return None
    return deadline(event, int(time_limit["amount"]), time_limit["unit"])


def stage_due(content: MethodContent, stage_code: str, events: Mapping[str, dt.date | None]) -> dt.date | None:
    stage = content.stage(stage_code)
    return time_limit_due(stage.get("time_limit") if stage else None, events)


@dataclass(frozen=True)
class PlannedMilestone:
    stage_code: str
    stage_number: int
    due_on: dt.date
    completed_on: dt.date | None = None


def plan_milestones(
    content: MethodContent, review_type: str, events: Mapping[str, dt.date | None]
) -> list[PlannedMilestone]:
    """The milestones of a new review: every stage with a time limit whose event is known.

    The notification stage is already done when the review opens (completed on the recording date); a
    rapid review ends with the rapid-review stage, so its later stages are left out.
    """
    planned = []
    rapid_stage = content.stage(STAGE_RAPID_REVIEW)
    last_number = rapid_stage["number"] if (review_type == "rapid" and rapid_stage) else None
    for stage in content.items("stages"):
        if last_number is not None and stage["number"] > last_number:
            continue
        due = time_limit_due(stage.get("time_limit"), events)
        if due is None:
            continue
        completed = events.get("notification_recorded") if stage["code"] == STAGE_NOTIFICATION else None
        planned.append(PlannedMilestone(stage["code"], int(stage["number"]), due, completed))
    return planned
