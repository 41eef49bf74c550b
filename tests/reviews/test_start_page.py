"""The coordinator's start page: open notifications and reviews by their next deadline, overdue first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action, AuditEvent
from core.dates import today
from reviews import synthetic
from reviews.models import Milestone, Review
from tests.notifications.helpers import english, record, screen

pytestmark = pytest.mark.django_db


def open_review(user, pending_due: dt.date | None):
    notification = record(user)
    screen(notification, user)
    review = Review.objects.get(notification=notification)
    pending = Milestone.objects.filter(review=review, completed_on__isnull=True)
    if pending_due is None:
        pending.update(completed_on=dt.date(2026, 2, 1))
    else:
        pending.update(due_on=pending_due)
    return review


def test_overdue_first_then_by_date_and_without_deadline_last(people, login):
    coordinator = people["koordinaator"]
    on = today()
    old_notification = record(coordinator)  # rapid review due 30.1.2026: overdue
    overdue_review = open_review(coordinator, dt.date(2026, 3, 2))
    new_notification = record(coordinator, incident=on, aware=on, recorded=on)  # due in about three weeks
    later_review = open_review(coordinator, on + dt.timedelta(days=60))
    done_review = open_review(coordinator, None)
    closed = open_review(coordinator, dt.date(2026, 2, 2))
    closed.status = Review.Status.CLOSED
    closed.save(update_fields=["status"])

    response = english(login(coordinator)).get(reverse("reviews:start"))

    assert response.status_code == 200
    assert response.context["case_data"] is True
    rows = response.context["page"].rows
    assert [row.reference for row in rows] == [
        old_notification.reference,
        overdue_review.reference,
        new_notification.reference,
        later_review.reference,
        done_review.reference,
    ]
    assert [row.overdue for row in rows] == [True, True, False, False, False]
    assert rows[0].due_on == dt.date(2026, 1, 30)
    assert rows[0].what == "Rapid review"
    assert rows[1].due_on == dt.date(2026, 3, 2)
    assert rows[4].due_on is None
    html = response.content.decode()
    assert html.count('<strong class="tag tag--overdue">Overdue</strong>') == 2
    assert response.context["page"].overdue == 2


def test_start_page_logs_the_records_it_shows(people, login, demo_case):
    login(people["koordinaator"]).get(reverse("reviews:start"))
    events = AuditEvent.objects.filter(action=Action.LIST)
    assert {(e.object_type, tuple(e.object_ids)) for e in events} == {
        ("notifications.notification", (str(demo_case["open_notification"].pk),)),
        ("reviews.review", (str(demo_case["review"].pk),)),
    }


def test_query_count_does_not_grow_with_the_data(people, login, demo_case):
    client = login(people["koordinaator"])
    client.get(reverse("reviews:start"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reviews:start"))
    synthetic.seed(reviews=80, open_notifications=15)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("reviews:start"))
    assert len(response.context["page"].rows) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_review_page_query_count_does_not_grow_with_the_data(people, login, demo_case):
    client = login(people["koordinaator"])
    url = reverse("reviews:detail", kwargs={"pk": demo_case["review"].pk})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    synthetic.seed(reviews=30)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_with_many_open_the_page_shows_the_fifty_most_urgent_and_says_so(people, login, demo_case):
    synthetic.seed(reviews=60, open_notifications=10)
    response = english(login(people["koordinaator"])).get(reverse("reviews:start"))
    page = response.context["page"]
    assert len(page.rows) == 50
    assert page.limited
    assert "This page shows the 50 most urgent." in response.content.decode()
    dates = [row.due_on for row in page.rows if row.due_on is not None]
    assert dates == sorted(dates)
    shown = sum(len(e.object_ids) for e in AuditEvent.objects.filter(action=Action.LIST))
    assert shown == 50
