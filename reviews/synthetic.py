"""Fictional notifications, children, screenings and reviews at scale, for benchmarks and load tests.

Every synthetic notification's reference starts with "SYN-" (its reviews' too), so that they can be told
apart from real and demo records and removed with `clear()`. Rows are made with bulk_create; later
capabilities add their own records in `seed()` after the reviews exist.

With `entries_per_review`, `seed()` also gives each new review a chronology through
`chronology.synthetic.seed_chronologies` (organisations involved, requests, agencies' submissions).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Organisation
from chronology.synthetic import ORGANISATION_PREFIX, SeededChronologies, seed_chronologies
from core.dates import today
from method.models import MethodVersion
from notifications.deadlines import plan_milestones
from notifications.models import Child, HouseholdMember, Notification, ScreeningDecision

from .models import Milestone, Review, ReviewMembership, ReviewRole

PREFIX = "SYN-"
SYNTHETIC_USERNAME = "synthetic-data"
BATCH = 500


@dataclass
class Seeded:
    notifications: int = 0
    reviews: int = 0
    milestones: int = 0
    chronologies: SeededChronologies | None = None


def synthetic_user() -> Any:
    """The (inactive, password-less) account that synthetic records name as their recorder."""
    user, created = get_user_model().objects.get_or_create(
        username=SYNTHETIC_USERNAME,
        defaults={"first_name": "Synthetic", "last_name": "Data", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _next_number() -> int:
    numbers = [
        int(match.group(1))
        for reference in Notification.objects.filter(reference__startswith=PREFIX).values_list("reference", flat=True)
        if (match := re.match(r"^SYN-(\d+)$", reference))
    ]
    return max(numbers, default=0) + 1


@transaction.atomic
def clear() -> int:
    """Remove every synthetic record. Returns the number of notifications removed."""
    from chronology.models import ChronologyEntry
    from detections.models import PatternDetection
    from submissions.models import Submission

    reviews = Review.objects.filter(reference__startswith=PREFIX)
    # Submissions, entries and detections protect what they rest on: they go first, newest layer first.
    PatternDetection.objects.filter(review__in=reviews).delete()
    ChronologyEntry.objects.filter(review__in=reviews).delete()
    Submission.objects.filter(review__in=reviews).delete()
    reviews.delete()
    _total, removed = Notification.objects.filter(reference__startswith=PREFIX).delete()
    Organisation.objects.filter(registry_code__startswith=ORGANISATION_PREFIX, members__isnull=True).exclude(
        pk__in=_organisations_in_use()
    ).delete()
    return removed.get("notifications.Notification", 0)


def _organisations_in_use() -> Any:
    from inquiries.models import Involvement

    return Involvement.objects.values("organisation_id")


@transaction.atomic
def seed(
    *,
    reviews: int,
    open_notifications: int | None = None,
    closed: int | None = None,
    seed: int = 1,
    entries_per_review: int = 0,
    organisations_per_review: int | None = None,
) -> Seeded:
    """Make `reviews` screened notifications with a review each, plus open (unscreened) and closed
    (no review) notifications: a tenth and a twentieth of `reviews` unless given. With
    `entries_per_review`, each new review also gets a chronology (see `seed_chronologies`)."""
    rng = random.Random(seed)
    version = MethodVersion.objects.current()
    content = version.data
    user = synthetic_user()
    organisations = list(Organisation.objects.values_list("pk", flat=True))
    open_notifications = max(1, reviews // 10) if open_notifications is None else open_notifications
    closed = reviews // 20 if closed is None else closed
    on = today()
    vocab = {
        name: content.codes(name)
        for name in (
            "outcomes",
            "causes",
            "parallel_proceedings",
            "sex",
            "school_attendance",
            "legal_status",
            "relationship",
            "risk_factors",
            "screening_checklist",
        )
    }
    kinds = ["review"] * reviews + ["open"] * open_notifications + ["closed"] * closed
    first = _next_number()

    notifications = []
    for index, kind in enumerate(kinds):
        # Open notifications are recent; reviewed ones spread over two years.
        recorded = on - dt.timedelta(days=rng.randint(0, 30) if kind == "open" else rng.randint(20, 730))
        aware = recorded - dt.timedelta(days=rng.randint(0, 9))
        incident = aware - dt.timedelta(days=rng.randint(0, 30))
        notifications.append(
            Notification(
                method_version=version,
                reference=f"{PREFIX}{first + index:06d}",
                incident_date=incident,
                became_aware_on=aware,
                recorded_on=recorded,
                recorded_by=user,
                notifying_body="Synthetic notifying body",
                outcome=rng.choice(vocab["outcomes"]),
                causes=rng.sample(vocab["causes"], rng.randint(1, 2)),
                parallel_proceedings=rng.sample(vocab["parallel_proceedings"], rng.randint(0, 2)),
                summary="Synthetic record for benchmarks.",
                status={
                    "review": Notification.Status.SCREENED,
                    "open": Notification.Status.OPEN,
                    "closed": Notification.Status.CLOSED,
                }[kind],
            )
        )
    notifications = Notification.objects.bulk_create(notifications, batch_size=BATCH)

    children = Child.objects.bulk_create(
        (
            Child(
                notification=notification,
                pseudonym=f"Laps {notification.reference[len(PREFIX) :]}",
                age_at_incident=rng.randint(0, 17),
                sex=rng.choice(vocab["sex"]),
                school_attendance=rng.choice(vocab["school_attendance"]),
                legal_status=rng.choice(vocab["legal_status"]),
            )
            for notification in notifications
        ),
        batch_size=BATCH,
    )
    if organisations:
        through = Child.known_to.through
        through.objects.bulk_create(
            (
                through(child_id=child.pk, organisation_id=organisation)
                for child in children
                for organisation in rng.sample(organisations, min(len(organisations), rng.randint(1, 3)))
            ),
            batch_size=BATCH,
        )
    HouseholdMember.objects.bulk_create(
        (
            HouseholdMember(
                child=child,
                relationship=rng.choice(vocab["relationship"]),
                risk_factors=rng.sample(vocab["risk_factors"], rng.randint(0, 2)),
            )
            for child in children
            for _member in range(rng.randint(1, 3))
        ),
        batch_size=BATCH,
    )

    screened = [(n, kind) for n, kind in zip(notifications, kinds, strict=True) if kind != "open"]
    decided = {}
    screenings = []
    for notification, kind in screened:
        decision = "no_review" if kind == "closed" else rng.choice(["rapid_review", "full_review", "full_review"])
        decided_on = notification.recorded_on + dt.timedelta(days=rng.randint(0, 10))
        decided_on = min(decided_on, on)
        decided[notification.pk] = (decision, decided_on)
        screenings.append(
            ScreeningDecision(
                notification=notification,
                answers={code: rng.choice(["yes", "yes", "yes", "unknown"]) for code in vocab["screening_checklist"]},
                decision=decision,
                reasons="Synthetic screening decision.",
                decided_by=user,
                decided_at=dt.datetime.combine(decided_on, dt.time(12), tzinfo=dt.UTC),
            )
        )
    ScreeningDecision.objects.bulk_create(screenings, batch_size=BATCH)

    new_reviews = []
    for notification, kind in screened:
        decision, decided_on = decided[notification.pk]
        if kind != "review":
            continue
        new_reviews.append(
            Review(
                notification=notification,
                review_type="rapid" if decision == "rapid_review" else "full",
                method_version=version,
                reference=f"{notification.reference}-R1",
                status=Review.Status.CLOSED if rng.random() < 0.2 else Review.Status.OPEN,
                opened_on=decided_on,
                opened_by=user,
            )
        )
    new_reviews = Review.objects.bulk_create(new_reviews, batch_size=BATCH)

    by_pk = {n.pk: n for n in notifications}
    milestones = []
    for review in new_reviews:
        notification = by_pk[review.notification_id]
        events = {
            "became_aware": notification.became_aware_on,
            "notification_recorded": notification.recorded_on,
            "review_opened": review.opened_on,
        }
        for planned in plan_milestones(content, review.review_type, events):
            completed = planned.completed_on
            # Most deadlines that passed were met; some were not (those are the overdue ones).
            if completed is None and planned.due_on < on and rng.random() < 0.85:
                completed = planned.due_on - dt.timedelta(days=rng.randint(0, 5))
            milestones.append(
                Milestone(
                    review=review,
                    stage_code=planned.stage_code,
                    stage_number=planned.stage_number,
                    due_on=planned.due_on,
                    completed_on=completed,
                )
            )
    Milestone.objects.bulk_create(milestones, batch_size=BATCH)
    ReviewMembership.objects.bulk_create(
        (
            ReviewMembership(review=review, user=user, role=ReviewRole.LEAD_REVIEWER, sector="ska_services")
            for review in new_reviews
        ),
        batch_size=BATCH,
    )
    chronologies = None
    if entries_per_review:
        for review in new_reviews:
            review.notification = by_pk[review.notification_id]
        chronologies = seed_chronologies(
            reviews=new_reviews,
            entries_per_review=entries_per_review,
            organisations_per_review=organisations_per_review,
            seed=seed,
        )
    return Seeded(
        notifications=len(notifications),
        reviews=len(new_reviews),
        milestones=len(milestones),
        chronologies=chronologies,
    )
