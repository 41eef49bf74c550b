"""Who sees which notification, and the audit event every read and every list writes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent, Purpose

pytestmark = pytest.mark.django_db

OUTSIDERS = ("asutus", "tooruhm", "metoodik", "audiitor", "juhtkond", "haldur")


def reads_of(notification):
    return AuditEvent.objects.filter(
        action=Action.READ, object_type="notifications.notification", object_id=str(notification.pk)
    )


def test_coordinator_reads_any_notification_for_coordination(people, login, demo_case):
    for notification in (demo_case["notification"], demo_case["open_notification"]):
        response = login(people["koordinaator"]).get(reverse("notifications:detail", kwargs={"pk": notification.pk}))
        assert response.status_code == 200
        assert response.context["case_data"] is True
        event = reads_of(notification).get()
        assert (event.actor, event.purpose, event.review_id) == (people["koordinaator"], Purpose.COORDINATION, None)


@pytest.mark.parametrize("username", ["analyytik", "meeskonnaliige"])
def test_review_members_read_the_notification_of_their_review_for_that_review(people, login, demo_case, username):
    notification, review = demo_case["notification"], demo_case["review"]
    response = login(people[username]).get(reverse("notifications:detail", kwargs={"pk": notification.pk}))
    assert response.status_code == 200
    event = reads_of(notification).get()
    assert (event.actor, event.purpose, event.review_id) == (people[username], Purpose.REVIEW, review.pk)
    # No coordinator's actions on their page.
    assert reverse("notifications:confidential", kwargs={"pk": notification.pk}) not in response.content.decode()


@pytest.mark.parametrize("username", ["analyytik", "meeskonnaliige"])
def test_review_members_do_not_see_other_notifications(people, login, demo_case, username):
    other = demo_case["open_notification"]
    assert login(people[username]).get(reverse("notifications:detail", kwargs={"pk": other.pk})).status_code == 404
    assert not reads_of(other).exists()


@pytest.mark.parametrize("username", OUTSIDERS)
def test_others_get_not_found_and_nothing_is_logged_as_read(people, login, demo_case, username):
    notification = demo_case["notification"]
    assert (
        login(people[username]).get(reverse("notifications:detail", kwargs={"pk": notification.pk})).status_code == 404
    )
    assert not reads_of(notification).exists()


def test_a_missing_notification_looks_the_same_as_a_hidden_one(people, login, demo_case):
    assert login(people["koordinaator"]).get(reverse("notifications:detail", kwargs={"pk": 999999})).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, demo_case):
    for name in ("notifications:detail", "notifications:edit", "notifications:screening", "notifications:confidential"):
        response = client.get(reverse(name, kwargs={"pk": demo_case["notification"].pk}))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("notifications:list")).status_code == 302
    assert not AuditEvent.objects.filter(action__in=[Action.READ, Action.LIST]).exists()


@pytest.mark.parametrize("username", ["analyytik", "meeskonnaliige", "asutus", "juhtkond"])
def test_only_the_coordinator_edits(people, login, demo_case, username):
    url = reverse("notifications:edit", kwargs={"pk": demo_case["notification"].pk})
    assert login(people[username]).get(url).status_code == 403


def test_list_writes_one_event_naming_the_notifications_shown(people, login, demo_case):
    response = login(people["koordinaator"]).get(reverse("notifications:list"))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=Action.LIST)
    shown = {demo_case["notification"].pk, demo_case["open_notification"].pk}
    assert set(event.object_ids) == {str(pk) for pk in shown}
    assert event.object_type == "notifications.notification"
    assert event.purpose == Purpose.COORDINATION
    assert not AuditEvent.objects.filter(action=Action.READ).exists()


def test_lead_reviewer_lists_only_the_notification_of_their_review(people, login, demo_case):
    response = login(people["analyytik"]).get(reverse("notifications:list"))
    html = response.content.decode()
    assert demo_case["notification"].reference in html
    assert demo_case["open_notification"].reference not in html
    event = AuditEvent.objects.get(action=Action.LIST)
    assert event.object_ids == [str(demo_case["notification"].pk)]
    assert event.purpose == Purpose.REVIEW


@pytest.mark.parametrize("username", OUTSIDERS)
def test_people_without_any_notification_are_refused_the_list(people, login, demo_case, username):
    assert login(people[username]).get(reverse("notifications:list")).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.LIST).exists()


def test_list_filters_by_status(people, login, demo_case):
    response = login(people["koordinaator"]).get(reverse("notifications:list") + "?status=open")
    assert [row["notification"] for row in response.context["rows"]] == [demo_case["open_notification"]]
    assert AuditEvent.objects.get(action=Action.LIST).object_ids == [str(demo_case["open_notification"].pk)]


def test_visible_to_is_the_one_rule(people, demo_case):
    from notifications.models import Notification

    assert set(Notification.objects.visible_to(people["koordinaator"])) == {
        demo_case["notification"],
        demo_case["open_notification"],
    }
    assert list(Notification.objects.visible_to(people["analyytik"])) == [demo_case["notification"]]
    assert list(Notification.objects.visible_to(people["asutus"])) == []
    inactive = people["koordinaator"]
    inactive.is_active = False
    assert list(Notification.objects.visible_to(inactive)) == []
