"""Disputed entries: the same event with different facts, marked from the chronology and resolved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from chronology.models import Dispute
from tests.chronology.pages import entry_of, world_fixture  # noqa: F401 (fixture)


def create_url(world) -> str:
    return reverse("chronology:dispute_create", kwargs={"pk": world.review.pk})


def list_url(world) -> str:
    return reverse("chronology:disputes", kwargs={"pk": world.review.pk})


def test_entries_chosen_on_the_chronology_page_are_marked_as_disputed(world, login):
    first, second = entry_of(world, "VALD-006"), entry_of(world, "POL-001")
    client = login(world.people["analyytik"])
    # The chronology page's checkboxes send the chosen entries to the dispute form.
    integrated = client.get(reverse("chronology:integrated", kwargs={"pk": world.review.pk})).content.decode()
    assert f'action="{create_url(world)}"' in integrated
    assert f'name="entry" value="{first.pk}"' in integrated
    form_page = client.get(create_url(world), {"entry": [first.pk, second.pk]})
    assert form_page.status_code == 200
    assert sorted(form_page.context["form"].initial["entry"]) == sorted([first.pk, second.pk])
    assert "VALD-006" in form_page.content.decode()
    response = client.post(
        create_url(world), {"entry": [first.pk, second.pk], "note": "Politsei: laps kodus. Vald: last ei olnud."}
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get(review=world.review)
    assert set(dispute.entries.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert dispute.status == Dispute.Status.OPEN
    assert dispute.created_by == world.people["analyytik"]
    event = AuditEvent.objects.filter(action="create", object_type="chronology.dispute").get()
    assert event.detail["entries"] == sorted([first.pk, second.pk])
    listing = client.get(list_url(world))
    assert "Politsei: laps kodus. Vald: last ei olnud." in listing.content.decode()
    assert [row.pk for row in listing.context["open"]] == [dispute.pk]


def test_a_dispute_needs_entries_and_a_note(world, login):
    client = login(world.people["analyytik"])
    row = entry_of(world, "VALD-006")
    response = client.post(create_url(world), {"entry": [row.pk], "note": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    response = client.post(create_url(world), {"note": "Midagi ei klapi."})
    assert response.status_code == 200
    assert "Choose the entries that contradict each other." in response.content.decode()
    assert not Dispute.objects.exists()


def test_only_entries_of_the_review_can_be_chosen(world, login):
    missing = max(row.pk for row in [entry_of(world, "VALD-006"), entry_of(world, "POL-001")]) + 10_000
    response = login(world.people["analyytik"]).post(create_url(world), {"entry": [missing], "note": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["entry"]
    assert not Dispute.objects.exists()


def test_a_dispute_is_resolved_with_the_teams_conclusion(world, login):
    client = login(world.people["meeskonnaliige"])
    rows = [entry_of(world, "VALD-006"), entry_of(world, "POL-001")]
    client.post(create_url(world), {"entry": [row.pk for row in rows], "note": "Vastuolu."})
    dispute = Dispute.objects.get()
    resolve = reverse("chronology:dispute_resolve", kwargs={"pk": dispute.pk})
    response = client.post(resolve, {"resolution": ""}, follow=True)
    assert "Say how the contradiction was resolved." in response.content.decode()
    response = client.post(resolve, {"resolution": "Politsei raport on täpsem: laps oli kodus, kuid magas."})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.RESOLVED
    assert dispute.resolved_by == world.people["meeskonnaliige"]
    assert AuditEvent.objects.filter(action="update", object_type="chronology.dispute", object_id=str(dispute.pk))
    listing = client.get(list_url(world))
    assert [row.pk for row in listing.context["resolved"]] == [dispute.pk]
    assert "Politsei raport on täpsem" in listing.content.decode()
    again = client.post(resolve, {"resolution": "Uuesti."}, follow=True)
    assert "already been resolved" in again.content.decode()


def test_the_disputes_list_read_is_audited(world, login):
    before = AuditEvent.objects.count()
    login(world.people["koordinaator"]).get(list_url(world))
    event = AuditEvent.objects.filter(sequence__gt=before, action="list").get()
    assert event.object_type == "chronology.dispute"
    assert event.review_id == world.review.pk


@pytest.mark.parametrize("persona", ["asutus", "tooruhm"])
def test_people_without_a_role_in_the_review_cannot_see_or_mark_disputes(world, login, persona):
    row = entry_of(world, "VALD-006")
    client = login(world.people[persona])
    assert client.get(list_url(world)).status_code == 404
    assert client.get(create_url(world), {"entry": [row.pk]}).status_code == 404
    assert client.post(create_url(world), {"entry": [row.pk], "note": "x"}).status_code == 404
    assert not Dispute.objects.exists()
