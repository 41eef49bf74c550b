"""Editing a notification with optimistic locking, and the confidential part kept apart."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from notifications.models import ChildIdentity, Notification

from .helpers import CHILD_CODE, english, record, screen, valid_post

pytestmark = pytest.mark.django_db


def edit_post(notification: Notification, **overrides):
    data = valid_post(
        **{
            "revision": str(notification.revision),
            "household-TOTAL_FORMS": "3",
            "household-INITIAL_FORMS": "1",
            "household-0-relationship": "father",
            "household-0-risk_factors": ["domestic_violence"],
            "household-1-relationship": "",
            "identity-personal_code": None,
            "identity-name": None,
        }
    )
    data.update(overrides)
    return data


def test_coordinator_edits_a_notification_and_the_change_is_audited(people, login):
    notification = record(people["koordinaator"])
    client = login(people["koordinaator"])
    url = reverse("notifications:edit", kwargs={"pk": notification.pk})
    assert client.get(url).status_code == 200

    response = client.post(url, edit_post(notification, summary="Corrected summary", outcome="hospitalisation"))

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.summary == "Corrected summary"
    assert notification.outcome == "hospitalisation"
    assert notification.revision == 2
    assert notification.child.pseudonym == "Laps T"
    assert [m.relationship for m in notification.child.household.all()] == ["father"]
    update = AuditEvent.objects.get(action=Action.UPDATE, object_id=str(notification.pk))
    assert update.actor == people["koordinaator"]
    assert "summary" in update.detail["changed"]
    assert "outcome" in update.detail["changed"]


def test_a_household_member_can_be_removed(people, login):
    notification = record(people["koordinaator"])
    client = login(people["koordinaator"])
    client.post(
        reverse("notifications:edit", kwargs={"pk": notification.pk}),
        edit_post(notification, **{"household-0-DELETE": "on"}),
    )
    assert notification.child.household.count() == 0


def test_a_concurrent_save_is_refused_and_nothing_is_overwritten(people, login):
    notification = record(people["koordinaator"])
    url = reverse("notifications:edit", kwargs={"pk": notification.pk})
    first = english(login(people["koordinaator"]))
    second = login(people["koordinaator"])
    started_from = edit_post(notification, summary="First person's change")

    assert second.post(url, edit_post(notification, summary="Second person's change")).status_code == 302
    response = first.post(url, started_from)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this notification after you opened it" in page
    rows = {row.label: row for row in response.context["conflict_rows"]}
    assert (rows["Short summary"].theirs, rows["Short summary"].yours) == (
        "Second person's change",
        "First person's change",
    )
    assert 'name="revision" value="2"' in page
    notification.refresh_from_db()
    assert notification.summary == "Second person's change"
    assert notification.revision == 2
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(notification.pk)).count() == 1


def test_invalid_edit_saves_nothing(people, login):
    notification = record(people["koordinaator"])
    response = login(people["koordinaator"]).post(
        reverse("notifications:edit", kwargs={"pk": notification.pk}),
        edit_post(notification, incident_date="32.01.2026", summary="Should not be saved"),
    )
    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.summary == ""
    assert notification.revision == 1


def test_personal_code_is_never_shown_in_lists_or_ordinary_pages(people, login):
    client = login(people["koordinaator"])
    client.post(reverse("notifications:create"), valid_post())
    notification = Notification.objects.get()
    screen(notification, people["koordinaator"])
    review = notification.reviews.get()
    ordinary = [
        reverse("notifications:list"),
        reverse("notifications:detail", kwargs={"pk": notification.pk}),
        reverse("notifications:edit", kwargs={"pk": notification.pk}),
        reverse("reviews:start"),
        reverse("reviews:list"),
        reverse("reviews:detail", kwargs={"pk": review.pk}),
        reverse("reviews:team", kwargs={"pk": review.pk}),
        reverse("reviews:figures"),
    ]
    for url in ordinary:
        html = client.get(url).content.decode()
        assert CHILD_CODE not in html, url
        assert "Test Laps" not in html, url

    confidential = client.get(reverse("notifications:confidential", kwargs={"pk": notification.pk}))
    assert CHILD_CODE in confidential.content.decode()
    assert "Test Laps" in confidential.content.decode()


def test_confidential_page_read_is_audited_apart(people, login):
    notification = record(people["koordinaator"], personal_code=CHILD_CODE)
    login(people["koordinaator"]).get(reverse("notifications:confidential", kwargs={"pk": notification.pk}))
    event = AuditEvent.objects.get(action=Action.READ, object_id=str(notification.pk))
    assert event.detail == {"part": "confidential"}
    assert event.purpose == "coordination"
    assert event.actor == people["koordinaator"]


def test_confidential_part_is_for_the_coordinator_only(people, login, demo_case, client):
    url = reverse("notifications:confidential", kwargs={"pk": demo_case["notification"].pk})
    for username in ("analyytik", "meeskonnaliige", "asutus", "juhtkond", "audiitor", "haldur"):
        assert login(people[username]).get(url).status_code == 403, username
    assert client.get(url).status_code == 302
    assert not AuditEvent.objects.filter(action=Action.READ).exists()


def test_coordinator_changes_the_confidential_part(people, login):
    notification = record(people["koordinaator"])
    client = english(login(people["koordinaator"]))
    url = reverse("notifications:confidential", kwargs={"pk": notification.pk})

    bad = client.post(url, {"identity-personal_code": "38001085719", "identity-name": "", "identity-revision": "0"})
    assert "not a valid Estonian personal identification code" in bad.content.decode()
    assert not ChildIdentity.objects.exists()

    saved = client.post(url, {"identity-personal_code": CHILD_CODE, "identity-name": "", "identity-revision": "0"})
    assert saved.status_code == 302
    assert ChildIdentity.objects.get().personal_code == CHILD_CODE
    assert AuditEvent.objects.filter(action=Action.UPDATE, detail__part="confidential").count() == 1

    # Removing empties the part (no code, no name) and keeps its revision.
    client.post(url, {"identity-personal_code": "", "identity-name": "", "identity-revision": "1"})
    identity = ChildIdentity.objects.get()
    assert (identity.personal_code, identity.name, identity.revision) == ("", "", 2)
