"""One chronology entry: its page with history, sources, duplicates and disputes; correcting it, and the
refusal of a save that would overwrite someone else's change made in the meantime."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from chronology.models import ChronologyEntry, EntryRevision
from chronology.services import dispute_create
from chronology.store import apply_submission
from tests.chronology.pages import entry_of, world_fixture  # noqa: F401 (fixture)


def entry_url(row) -> str:
    return reverse("chronology:entry", kwargs={"pk": row.pk})


def edit_url(row) -> str:
    return reverse("chronology:entry_edit", kwargs={"pk": row.pk})


def form_data(row, **changes) -> dict:
    """The edit form as it arrives for the entry unchanged; keyword arguments replace fields."""
    data = {
        "revision": str(row.revision),
        "date": row.date_earliest.strftime("%d.%m.%Y"),
        "time": row.time.strftime("%H:%M") if row.time else "",
        "organisation": row.organisation,
        "practitioner_role": row.practitioner_role,
        "event_type": row.event_type,
        "addressee": row.addressee,
        "concern": row.concern,
        "description": row.description,
        "source_document": row.source_document,
        "child_seen": row.child_seen,
        "child_views_recorded": row.child_views_recorded,
        "shared_with": list(row.shared_with),
        "note": "Allikas ütleb teisiti.",
    }
    if row.key_event:
        data["key_event"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_team_member_reads_an_entry_with_its_details_and_history(world, login):
    row = entry_of(world, "VALD-006")
    before = AuditEvent.objects.count()
    response = login(world.people["meeskonnaliige"]).get(entry_url(row))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kodukülastus kooli teatise peale" in html
    assert "04.11.2024 15:00" in html
    assert "Version 1: Submitted" in html
    assert "POL-001" in html  # the suggested duplicate
    assert 'class="restricted-banner"' in html
    read = AuditEvent.objects.filter(sequence__gt=before, action="read", object_type="chronology.chronologyentry")
    assert read.get().object_id == str(row.pk)
    assert read.get().actor == world.people["meeskonnaliige"]


@pytest.mark.parametrize("persona", ["asutus", "tooruhm", "audiitor"])
def test_an_entry_is_not_found_for_the_contributor_and_others_without_a_role_in_the_review(world, login, persona):
    row = entry_of(world, "VALD-006")
    client = login(world.people[persona])
    assert client.get(entry_url(row)).status_code == 404
    assert client.get(edit_url(row)).status_code == 404
    assert client.post(edit_url(row), form_data(row, description="x")).status_code == 404
    row.refresh_from_db()
    assert row.revision == 1


def test_lead_reviewer_corrects_an_entry_and_the_history_shows_what_changed(world, login):
    row = entry_of(world, "VALD-006")
    client = login(world.people["analyytik"])
    assert client.get(edit_url(row)).context["form"]["date"].value() == "04.11.2024"
    response = client.post(
        edit_url(row),
        form_data(row, description="Kodukülastus; last ei nähtud, ema sõnul oli laps vanaema juures.", key_event="on"),
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revision == 2
    assert row.key_event is True
    assert row.description.startswith("Kodukülastus; last ei nähtud")
    assert row.edited_by == world.people["analyytik"]
    revision = EntryRevision.objects.get(entry=row, revision=2)
    assert revision.change == EntryRevision.Change.EDITED
    assert revision.note == "Allikas ütleb teisiti."
    assert revision.changed_by == world.people["analyytik"]
    assert revision.values["key_event"] is True
    event = AuditEvent.objects.filter(action="update", object_type="chronology.chronologyentry").get()
    assert event.object_id == str(row.pk)
    assert event.actor == world.people["analyytik"]
    assert sorted(event.detail["fields"]) == ["description", "key_event"]
    html = client.get(entry_url(row)).content.decode()
    assert "Version 2: Edited by a reviewer" in html
    assert "Reason: Allikas ütleb teisiti." in html
    assert "Kodukülastus kooli teatise peale; last kodus ei olnud." in html  # before
    assert "ema sõnul oli laps vanaema juures" in html  # after


def test_a_month_date_made_approximate_is_stored_as_its_widened_interval(world, login):
    row = entry_of(world, "VALD-008")  # 2025-09
    response = login(world.people["koordinaator"]).post(edit_url(row), form_data(row, date="09.2025", approximate="on"))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.date_earliest, row.date_latest, row.date_precision, row.date_approximate) == (
        dt.date(2025, 8, 1),
        dt.date(2025, 10, 31),
        "month",
        True,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": "31.02.2024"}, "date", "is not a real date"),
        ({"date": "11.2024", "time": "15:00"}, "time", "A time is allowed only with an exact day"),
        ({"event_type": "referral", "addressee": ""}, "addressee", "needs the code of the organisation"),
        ({"description": ""}, "description", "required"),
        ({"note": ""}, "note", "required"),
    ],
)
def test_a_bad_correction_is_refused_naming_the_field_and_nothing_is_saved(world, login, changes, field, message):
    row = entry_of(world, "VALD-006")
    response = login(world.people["analyytik"]).post(edit_url(row), form_data(row, **changes))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert "There is a problem" in response.content.decode()
    row.refresh_from_db()
    assert row.revision == 1
    assert not EntryRevision.objects.filter(entry=row, change=EntryRevision.Change.EDITED).exists()


def test_saving_an_unchanged_entry_is_refused_as_nothing_changed(world, login):
    row = entry_of(world, "VALD-006")
    response = login(world.people["analyytik"]).post(edit_url(row), form_data(row))
    assert response.status_code == 200
    assert "Nothing was changed" in response.content.decode()


def test_the_second_of_two_concurrent_saves_is_refused_and_the_first_stays(world, login):
    row = entry_of(world, "VALD-006")
    lead, member = login(world.people["analyytik"]), login(world.people["meeskonnaliige"])
    # Both open the form at revision 1.
    lead_form = lead.get(edit_url(row)).context["form"]
    member_form = member.get(edit_url(row)).context["form"]
    assert lead_form["revision"].value() == member_form["revision"].value() == 1
    first = lead.post(edit_url(row), form_data(row, description="Lead: last ei nähtud.", revision="1"))
    assert first.status_code == 302
    second = member.post(
        edit_url(row), form_data(row, description="Member: laps oli kodus.", child_seen="yes", revision="1")
    )
    assert second.status_code == 200
    html = second.content.decode()
    assert "Someone else changed this entry after you opened it. Nothing was saved" in html
    # Both versions side by side: theirs as saved now and the one just sent.
    conflict = second.context["conflict"]
    by_label = {item["label"]: item for item in conflict["rows"]}
    assert by_label["description"]["theirs"] == "Lead: last ei nähtud."
    assert by_label["description"]["yours"] == "Member: laps oli kodus."
    assert by_label["description"]["differs"] and by_label["child seen"]["differs"]
    assert "Lead: last ei nähtud." in html and "Member: laps oli kodus." in html
    # Nothing overwritten: the first save stands, with one edit in the history.
    row.refresh_from_db()
    assert row.revision == 2
    assert row.description == "Lead: last ei nähtud."
    assert row.child_seen == "no"
    assert EntryRevision.objects.filter(entry=row, change=EntryRevision.Change.EDITED).count() == 1
    assert AuditEvent.objects.filter(action="update", object_type="chronology.chronologyentry").count() == 1
    # The refused form now compares against the version shown: saving again on purpose goes through.
    assert second.context["form"]["revision"].value() == "2"
    again = member.post(edit_url(row), form_data(row, description="Member: laps oli kodus.", revision="2"))
    assert again.status_code == 302
    row.refresh_from_db()
    assert (row.revision, row.description) == (3, "Member: laps oli kodus.")


def test_a_resubmission_in_the_meantime_also_refuses_the_save(world, login):
    row = entry_of(world, "VALD-006")
    client = login(world.people["analyytik"])
    client.get(edit_url(row))
    request = row.request
    entries = [
        other.to_entry()
        if other.entry_ref != "VALD-006"
        else other.to_entry().__class__(**{**other.to_entry().__dict__, "description": "Agentuur parandas."})
        for other in ChronologyEntry.objects.filter(request=request)
    ]
    apply_submission(information_request=request, entries=entries, channel="upload")
    response = client.post(edit_url(row), form_data(row, description="Minu parandus.", revision="1"))
    assert response.status_code == 200
    assert response.context["conflict"]["current"].description == "Agentuur parandas."
    row.refresh_from_db()
    assert row.description == "Agentuur parandas."


def test_an_entry_a_resubmission_removed_is_still_shown_marked_and_cannot_be_corrected(world, login):
    row = entry_of(world, "KOOL-003")
    request = row.request
    kept = [other.to_entry() for other in ChronologyEntry.objects.filter(request=request).exclude(pk=row.pk)]
    apply_submission(information_request=request, entries=kept, channel="upload")
    client = login(world.people["analyytik"])
    response = client.get(entry_url(row))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This entry is no longer in its agency's submission" in html
    assert "No longer in the agency&#x27;s submission" in html  # the history's last version
    assert edit_url(row) not in html
    response = client.get(edit_url(row))
    assert response.status_code == 302


def test_the_entry_page_lists_its_disputes(world, login):
    row = entry_of(world, "VALD-006")
    dispute_create(
        review=world.review,
        entries=[row, entry_of(world, "POL-001")],
        note="Kas laps oli kodus?",
        acting_user=world.people["analyytik"],
    )
    html = login(world.people["analyytik"]).get(entry_url(row)).content.decode()
    assert "Kas laps oli kodus?" in html
    assert reverse("chronology:entry", kwargs={"pk": entry_of(world, "POL-001").pk}) in html
