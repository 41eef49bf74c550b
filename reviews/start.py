"""The coordinator's start page: open notifications and open reviews, the next deadline of each,
overdue ones first, then by date.

The query count does not depend on how many there are: reviews are ordered by their next open
milestone in the database and only the most urgent are fetched; open notifications are read as bare
tuples and their rapid-review due dates computed in Python, cached per (method version, date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Min, Prefetch, Q

from method.models import MethodVersion
from notifications.deadlines import STAGE_NOTIFICATION, STAGE_RAPID_REVIEW, stage_due
from notifications.models import Notification

from .models import Milestone, Review

START_PAGE_LIMIT = 50


@dataclass(frozen=True)
class Row:
    kind: str  # "notification" or "review"
    obj: Any
    reference: str
    pseudonym: str
    what: str  # what is due: the stage's label
    due_on: dt.date | None
    overdue: bool
    recorded_late: bool = False


@dataclass(frozen=True)
class StartPage:
    rows: list[Row]
    open_notifications: int
    open_reviews: int
    overdue: int
    limit: int

    @property
    def limited(self) -> bool:
        return self.open_notifications + self.open_reviews > len(self.rows)

    @property
    def notification_ids(self) -> list[int]:
        return [row.obj.pk for row in self.rows if row.kind == "notification"]

    @property
    def review_ids(self) -> list[int]:
        return [row.obj.pk for row in self.rows if row.kind == "review"]


def _cached(function: Callable[..., Any]) -> Callable[..., Any]:
    cache: dict[Any, Any] = {}

    def wrapper(*args: Any) -> Any:
        if args not in cache:
            cache[args] = function(*args)
        return cache[args]

    return wrapper


def start_page(*, today: dt.date, language: str, limit: int = START_PAGE_LIMIT) -> StartPage:
    pending = Milestone.objects.filter(completed_on__isnull=True).order_by("due_on", "stage_number")
    # Rank on the bare review ids first (a narrow GROUP BY), then fetch only the most urgent in full.
    urgent_review_ids = list(
        Review.objects.open()
        .annotate(next_due=Min("milestones__due_on", filter=Q(milestones__completed_on__isnull=True)))
        .order_by(F("next_due").asc(nulls_last=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )
    fetched = (
        Review.objects.filter(pk__in=urgent_review_ids)
        .select_related("notification__child")
        .prefetch_related(Prefetch("milestones", queryset=pending, to_attr="pending_milestones"))
        .in_bulk()
    )
    reviews = [fetched[pk] for pk in urgent_review_ids]
    open_reviews = Review.objects.open().count()
    # From the milestones' (completed_on, due_on) index rather than a correlated subquery per review.
    overdue_reviews = (
        Milestone.objects.filter(completed_on__isnull=True, due_on__lt=today, review__status=Review.Status.OPEN)
        .values("review_id")
        .distinct()
        .count()
    )
    open_rows = list(Notification.objects.open().values_list("pk", "method_version_id", "recorded_on"))
    version_ids = {version_id for _pk, version_id, _recorded in open_rows} | {r.method_version_id for r in reviews}
    versions = MethodVersion.objects.only("pk", "number", "content").in_bulk(version_ids)

    @_cached
    def rapid_due(version_id: int, recorded_on: dt.date) -> dt.date | None:
        return stage_due(versions[version_id].data, STAGE_RAPID_REVIEW, {"notification_recorded": recorded_on})

    dated = sorted(
        ((rapid_due(version_id, recorded_on), pk) for pk, version_id, recorded_on in open_rows),
        key=lambda pair: (pair[0] is None, pair[0] or dt.date.max, pair[1]),
    )
    overdue_notifications = sum(1 for due, _pk in dated if due is not None and due < today)
    urgent_ids = [pk for _due, pk in dated[:limit]]
    notifications = Notification.objects.select_related("child").in_bulk(urgent_ids)

    rows = []
    for pk in urgent_ids:
        notification = notifications[pk]
        content = versions[notification.method_version_id].data
        due = rapid_due(notification.method_version_id, notification.recorded_on)
        recording_due = stage_due(content, STAGE_NOTIFICATION, {"became_aware": notification.became_aware_on})
        rows.append(
            Row(
                kind="notification",
                obj=notification,
                reference=notification.reference,
                pseudonym=_pseudonym(notification),
                what=content.label("stages", STAGE_RAPID_REVIEW, language),
                due_on=due,
                overdue=due is not None and due < today,
                recorded_late=recording_due is not None and notification.recorded_on > recording_due,
            )
        )
    for review in reviews:
        content = versions[review.method_version_id].data
        milestone = review.pending_milestones[0] if review.pending_milestones else None
        rows.append(
            Row(
                kind="review",
                obj=review,
                reference=review.reference,
                pseudonym=_pseudonym(review.notification),
                what=content.label("stages", milestone.stage_code, language) if milestone else "",
                due_on=milestone.due_on if milestone else None,
                overdue=milestone is not None and milestone.due_on < today,
            )
        )
    rows.sort(key=lambda row: (row.due_on is None, row.due_on or dt.date.max, row.kind, row.reference))
    return StartPage(
        rows=rows[:limit],
        open_notifications=len(open_rows),
        open_reviews=open_reviews,
        overdue=overdue_notifications + overdue_reviews,
        limit=limit,
    )


def _pseudonym(notification: Notification) -> str:
    child = getattr(notification, "child", None)
    return child.pseudonym if child else ""
