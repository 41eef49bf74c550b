"""No silent overwrite of a notification or of the child's confidential identity: the second of two saves
from the same version is refused, nothing of it is stored, and the page shows both versions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from notifications.models import ChildIdentity
from tests.concurrency import assert_both_versions, changed, page_form

from .helpers import CHILD_CODE, record

pytestmark = pytest.mark.django_db

IDENTITY = "identity-revision"


def test_the_childs_confidential_identity(people, login):
    notification = record(people["koordinaator"], personal_code=CHILD_CODE)
    first, second = login(people["koordinaator"]), login(people["koordinaator"])
    url = reverse("notifications:confidential", kwargs={"pk": notification.pk})
    mine, theirs = page_form(first.get(url), field=IDENTITY), page_form(second.get(url), field=IDENTITY)
    assert mine[IDENTITY] == ["0"]
    assert first.post(url, changed(mine, **{"identity-name": "Esimene Nimi"})).status_code == 302
    refused = second.post(url, changed(theirs, **{"identity-name": "Teine Nimi"}))
    identity = ChildIdentity.objects.get(child=notification.child)
    assert (identity.name, identity.revision) == ("Esimene Nimi", 1)
    assert AuditEvent.objects.filter(action=Action.UPDATE, detail__part="confidential").count() == 1
    assert_both_versions(
        refused, "Name", theirs="Esimene Nimi", yours="Teine Nimi", revision=1, revision_field=IDENTITY
    )
    assert second.post(url, page_form(refused, field=IDENTITY)).status_code == 302
    identity.refresh_from_db()
    assert (identity.name, identity.revision) == ("Teine Nimi", 2)


def test_a_first_confidential_part_entered_twice(people, login):
    notification = record(people["koordinaator"])
    first, second = login(people["koordinaator"]), login(people["koordinaator"])
    url = reverse("notifications:confidential", kwargs={"pk": notification.pk})
    mine, theirs = page_form(first.get(url), field=IDENTITY), page_form(second.get(url), field=IDENTITY)
    assert first.post(url, changed(mine, **{"identity-personal_code": CHILD_CODE})).status_code == 302
    refused = second.post(url, changed(theirs, **{"identity-name": "Teine Nimi"}))
    identity = ChildIdentity.objects.get(child=notification.child)
    assert (identity.personal_code, identity.name) == (CHILD_CODE, "")
    assert_both_versions(
        refused, "Personal identification code", theirs=CHILD_CODE, yours="–", revision=1, revision_field=IDENTITY
    )


def test_a_removal_from_an_old_page_does_not_remove_a_later_entry(people, login):
    notification = record(people["koordinaator"], personal_code=CHILD_CODE)
    first, second = login(people["koordinaator"]), login(people["koordinaator"])
    url = reverse("notifications:confidential", kwargs={"pk": notification.pk})
    old = page_form(second.get(url), field=IDENTITY)
    blank = {"identity-personal_code": "", "identity-name": ""}
    first.post(url, changed(page_form(first.get(url), field=IDENTITY), **blank))
    first.post(url, changed(page_form(first.get(url), field=IDENTITY), **{"identity-name": "Hilisem Nimi"}))
    refused = second.post(url, changed(old, **blank))
    assert refused.status_code == 200
    identity = ChildIdentity.objects.get(child=notification.child)
    assert (identity.name, identity.revision) == ("Hilisem Nimi", 2)


def test_a_notification_shows_both_versions(people, login):
    notification = record(people["koordinaator"])
    first, second = login(people["koordinaator"]), login(people["koordinaator"])
    url = reverse("notifications:edit", kwargs={"pk": notification.pk})
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, **{"child-pseudonym": "Laps E"})).status_code == 302
    refused = second.post(url, changed(theirs, **{"child-pseudonym": "Laps T2", "household-0-note": "Teine"}))
    notification.refresh_from_db()
    assert notification.child.pseudonym == "Laps E"
    assert [m.note for m in notification.child.household.all()] == [""]
    assert_both_versions(
        refused,
        "Pseudonym",
        theirs="Laps E",
        yours="Laps T2",
        revision=notification.revision,
        status=409,
        refusal="Someone else saved this notification after you opened it",
    )
    rows = {row.label: row for row in refused.context["conflict_rows"]}
    assert rows["Household members"].differs and "Teine" in rows["Household members"].yours
    assert second.post(url, page_form(refused)).status_code == 302
    notification.refresh_from_db()
    assert notification.child.pseudonym == "Laps T2"
