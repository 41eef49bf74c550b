"""Possible duplicates: two agencies' reports of one event, side by side; merged, rejected or undone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from chronology.models import ChronologyEntry, DuplicateLink
from tests.chronology.pages import entry_of, world_fixture  # noqa: F401 (fixture)
from tests.concurrency import page_form


@pytest.fixture
def link(world) -> DuplicateLink:
    return DuplicateLink.objects.select_related("first", "second").get(review=world.review)


def list_url(world, decided: bool = False) -> str:
    url = reverse("chronology:duplicates", kwargs={"pk": world.review.pk})
    return url + ("?show=decided" if decided else "")


def decide_url(link) -> str:
    return reverse("chronology:duplicate_decide", kwargs={"pk": link.pk})


def test_the_suggested_pair_is_shown_side_by_side_with_the_reason(world, login, link):
    before = AuditEvent.objects.count()
    response = login(world.people["meeskonnaliige"]).get(list_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert {link.first.entry_ref, link.second.entry_ref} == {"POL-001", "VALD-006"}
    # The reason is said in the reader's language, with the event type's label.
    assert "Same event type (Home visit) on the same day, descriptions 62% alike." in html
    assert link.first.description in html and link.second.description in html
    assert link.first.source_document in html and link.second.source_document in html
    event = AuditEvent.objects.filter(sequence__gt=before, action="list").get()
    assert (event.object_type, event.object_ids) == ("chronology.duplicatelink", [str(link.pk)])


def test_the_reason_follows_the_readers_language_not_the_submitters(world, login, link):
    client = login(world.people["meeskonnaliige"])
    client.cookies["tagasivaade_language"] = "et"
    html = client.get(list_url(world)).content.decode()
    assert "Same event type" not in html
    assert "Kodukülastus" in html and "62%" in html


def test_confirming_merges_the_second_into_the_first_keeping_both_sources(world, login, link):
    client = login(world.people["analyytik"])
    response = client.post(decide_url(link), {"decision": "confirm", "note": "Ühine kodukülastus.", "revision": "0"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == DuplicateLink.Status.CONFIRMED
    assert link.note == "Ühine kodukülastus."
    assert link.decided_by == world.people["analyytik"]
    second = ChronologyEntry.objects.get(pk=link.second_id)
    assert second.merged_into_id == link.first_id
    event = AuditEvent.objects.filter(action="update", object_type="chronology.duplicatelink").get()
    assert event.detail["decision"] == "confirm"
    assert event.actor == world.people["analyytik"]
    # Both sources on the merged entry's page; the merged one says where it went.
    first_page = client.get(reverse("chronology:entry", kwargs={"pk": link.first_id})).content.decode()
    assert link.first.source_document in first_page and second.source_document in first_page
    second_page = client.get(reverse("chronology:entry", kwargs={"pk": second.pk})).content.decode()
    assert "is shown in the chronology as its second source" in second_page
    # No longer waiting for a decision; shown among the decided ones.
    assert not client.get(list_url(world)).context["links"]
    assert [item.pk for item in client.get(list_url(world, decided=True)).context["links"]] == [link.pk]


def test_rejecting_keeps_both_entries_apart(world, login, link):
    client = login(world.people["koordinaator"])
    client.post(decide_url(link), {"decision": "reject", "note": "Eri päevad tegelikult.", "revision": "0"})
    link.refresh_from_db()
    assert link.status == DuplicateLink.Status.REJECTED
    assert not ChronologyEntry.objects.filter(review=world.review, merged_into__isnull=False).exists()
    integrated = client.get(reverse("chronology:integrated", kwargs={"pk": world.review.pk}))
    assert len(integrated.context["rows"]) == 21


def test_undoing_a_merge_separates_the_entries_and_suggests_the_pair_again(world, login, link):
    client = login(world.people["analyytik"])
    client.post(decide_url(link), {"decision": "confirm", "revision": "0"})
    response = client.post(decide_url(link), {"decision": "undo", "revision": "1"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == DuplicateLink.Status.SUGGESTED
    assert link.decided_by is None
    assert ChronologyEntry.objects.get(pk=link.second_id).merged_into_id is None
    decisions = list(
        AuditEvent.objects.filter(action="update", object_type="chronology.duplicatelink")
        .order_by("sequence")
        .values_list("detail__decision", flat=True)
    )
    assert decisions == ["confirm", "undo"]
    assert [item.pk for item in client.get(list_url(world)).context["links"]] == [link.pk]


def test_a_decided_pair_cannot_be_decided_again_without_undoing(world, login, link):
    client = login(world.people["analyytik"])
    client.post(decide_url(link), {"decision": "reject", "revision": "0"})
    response = client.post(decide_url(link), {"decision": "confirm", "revision": "1"}, follow=True)
    assert "Someone has already decided on these entries" in response.content.decode()
    link.refresh_from_db()
    assert link.status == DuplicateLink.Status.REJECTED
    assert ChronologyEntry.objects.get(pk=link.second_id).merged_into_id is None


def test_undo_without_a_decision_and_an_empty_decision_are_refused(world, login, link):
    client = login(world.people["analyytik"])
    undone = client.post(decide_url(link), {"decision": "undo", "revision": "0"}, follow=True)
    assert "nothing to undo" in undone.content.decode()
    assert (
        "Choose whether the entries record the same event"
        in client.post(decide_url(link), {}, follow=True).content.decode()
    )
    link.refresh_from_db()
    assert link.status == DuplicateLink.Status.SUGGESTED


@pytest.mark.parametrize("persona", ["asutus", "tooruhm"])
def test_people_without_a_role_in_the_review_cannot_see_or_decide_duplicates(world, login, link, persona):
    client = login(world.people[persona])
    assert client.get(list_url(world)).status_code == 404
    assert client.post(decide_url(link), {"decision": "confirm"}).status_code == 404
    link.refresh_from_db()
    assert link.status == DuplicateLink.Status.SUGGESTED


def test_an_undo_from_a_page_shown_before_a_later_decision_is_refused(world, login, link):
    """One reviewer merges, undoes and then rejects the pair; another, on a page showing the merge, would
    undo the rejection without ever having seen it."""
    first, second = login(world.people["analyytik"]), login(world.people["koordinaator"])
    first.post(decide_url(link), {"decision": "confirm", "revision": "0"})
    decided = page_form(second.get(list_url(world, decided=True)), action=decide_url(link))
    first.post(decide_url(link), {"decision": "undo", "revision": "1"})
    first.post(decide_url(link), {"decision": "reject", "note": "Eri päevad.", "revision": "2"})
    refused = second.post(decide_url(link), {**decided, "decision": "undo"}, follow=True)
    link.refresh_from_db()
    assert (link.status, link.note, link.revision) == (DuplicateLink.Status.REJECTED, "Eri päevad.", 3)
    page = refused.content.decode()
    assert 'role="alert"' in page and "Someone else changed this after you opened the page" in page
    assert "Eri päevad." in page  # the decided list shows the rejection as it is now
    again = page_form(refused, action=decide_url(link))
    assert second.post(decide_url(link), {**again, "decision": "undo"}).status_code == 302
    link.refresh_from_db()
    assert link.status == DuplicateLink.Status.SUGGESTED
