"""Who may see and change the working group, and the audit events its pages write.

The access matrix (tests/test_access_matrix.py) checks every page for every persona; these tests follow
the three personas of a feature through what they see and do: the coordinator (manages), the
working-group member (reads), an outsider (refused), and the signed-out visitor (sent to sign-in).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from accounts.models import SystemRole
from audit.models import Action, AuditEvent, Purpose
from core.dates import today
from workgroup import access
from workgroup.models import Membership, Seat


def events(user, **filters):
    return AuditEvent.objects.filter(actor=user, purpose=Purpose.WORKING_GROUP, **filters)


def test_the_working_group_member_lands_on_the_group_page(group, people, login):
    response = login(people["tooruhm"]).get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("workgroup:home")


def test_the_coordinator_and_members_see_the_working_group_in_the_menu(group, people, login):
    for username in ("koordinaator", "tooruhm"):
        page = login(people[username]).get(reverse("workgroup:meetings")).content.decode()
        assert f'href="{reverse("workgroup:home")}"' in page
    page = login(people["metoodik"]).get(reverse("workgroup:feedback")).content.decode()
    assert f'href="{reverse("workgroup:feedback")}"' in page


def test_the_coordinator_sees_the_coverage_and_the_list_read_is_audited(group, people, login):
    coordinator = people["koordinaator"]
    response = login(coordinator).get(reverse("workgroup:seats"))
    assert response.status_code == 200
    assert b'class="restricted-banner"' in response.content
    event = events(coordinator, action=Action.LIST, object_type="workgroup.membership").get()
    shown = set(Membership.objects.occupying(today()).values_list("pk", flat=True))
    assert shown <= {int(pk) for pk in event.object_ids}


@pytest.mark.parametrize(
    "name", ["workgroup:seats", "workgroup:invitations", "workgroup:seat_create", "workgroup:schedule"]
)
def test_a_member_cannot_open_the_management_pages(group, people, login, name):
    assert login(people["tooruhm"]).get(reverse(name)).status_code == 403


def test_a_member_sees_the_meetings_agenda_and_materials(group, people, login):
    member = people["tooruhm"]
    meeting = group["meeting"]
    client = login(member)
    assert client.get(reverse("workgroup:meetings"), {"year": meeting.local_date.year}).status_code == 200
    page = client.get(reverse("workgroup:meeting_detail", args=[meeting.pk])).content.decode()
    assert group["agenda_item"].title in page
    assert group["material"].title in page
    # Read-only: no management buttons.
    assert reverse("workgroup:meeting_edit", args=[meeting.pk]) not in page
    assert events(member, action=Action.READ, object_type="workgroup.meeting", object_id=str(meeting.pk)).exists()
    assert events(member, action=Action.LIST, object_type="workgroup.meeting").exists()


def test_a_member_sees_their_own_letter_but_not_anyone_elses(group, people, login):
    client = login(people["tooruhm"])
    own = client.get(reverse("workgroup:invitation_detail", args=[group["accepted_invitation"].pk]))
    assert own.status_code == 200
    other = client.get(reverse("workgroup:invitation_detail", args=[group["invitation"].pk]))
    assert other.status_code == 403
    home = client.get(reverse("workgroup:home")).content.decode()
    assert group["accepted_invitation"].subject in home
    assert group["invitation"].subject not in home
    assert events(people["tooruhm"], action=Action.READ, object_type="workgroup.invitation").count() == 1


def test_a_member_cannot_change_the_group(group, people, login):
    client = login(people["tooruhm"])
    seat = group["seat"]
    response = client.post(reverse("workgroup:seat_edit", args=[seat.pk]), {"sector": "health", "size": 9})
    assert response.status_code == 403
    seat.refresh_from_db()
    assert seat.size == 2
    assert client.post(reverse("workgroup:meeting_cancel", args=[group["meeting"].pk])).status_code == 403
    group["meeting"].refresh_from_db()
    assert not group["meeting"].is_cancelled


@pytest.mark.parametrize("username", ["analyytik", "asutus", "audiitor", "juhtkond", "haldur", "metoodik"])
def test_outsiders_are_refused_the_group_pages(group, people, login, username):
    client = login(people[username])
    for url in (
        reverse("workgroup:home"),
        reverse("workgroup:meetings"),
        reverse("workgroup:meeting_detail", args=[group["meeting"].pk]),
        reverse("workgroup:material_download", args=[group["material"].pk]),
        reverse("workgroup:meeting_calendar", args=[group["meeting"].pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert not AuditEvent.objects.filter(actor=people[username], purpose=Purpose.WORKING_GROUP).exists()


def test_signed_out_visitors_are_sent_to_sign_in(group):
    for url in (reverse("workgroup:home"), reverse("workgroup:meeting_detail", args=[group["meeting"].pk])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].split("?")[0] == resolve_url(settings.LOGIN_URL)


def test_a_person_with_a_current_membership_but_no_role_is_a_member(group, people, login):
    person = people["meeskonnaliige"]
    assert not access.is_member(person)
    Membership.objects.create(
        seat=Seat.objects.get(sector="health"),
        person_name=str(person),
        email=person.email,
        user=person,
        organisation=person.organisation,
        sector="health.hospital",
        term_start=today() - dt.timedelta(days=10),
    )
    person = type(person).objects.get(pk=person.pk)
    assert not person.has_system_role(SystemRole.WORKING_GROUP)
    assert login(person).get(reverse("workgroup:home")).status_code == 200
    # ... and the main menu leads there.
    page = login(person).get(reverse("core:accessibility")).content.decode()
    assert f'href="{reverse("workgroup:home")}"' in page


def test_a_former_member_without_the_role_is_refused(group, people, login):
    person = people["meeskonnaliige"]
    Membership.objects.create(
        seat=Seat.objects.get(sector="health"),
        person_name=str(person),
        email=person.email,
        user=person,
        organisation=person.organisation,
        sector="health.hospital",
        term_start=today() - dt.timedelta(days=100),
        term_end=today() - dt.timedelta(days=1),
        status=Membership.Status.LEFT,
    )
    assert login(person).get(reverse("workgroup:home")).status_code == 403
    page = login(person).get(reverse("core:accessibility")).content.decode()
    assert f'href="{reverse("workgroup:home")}"' not in page


def test_the_method_editor_reads_feedback_and_pilots_but_cannot_add_feedback(group, people, login):
    client = login(people["metoodik"])
    assert client.get(reverse("workgroup:feedback")).status_code == 200
    pilot = group["pilot"]
    assert client.get(reverse("workgroup:pilot_detail", args=[pilot.pk])).status_code == 200
    response = client.post(
        reverse("workgroup:pilot_detail", args=[pilot.pk]), {"part": "stage:notification", "text": "x"}
    )
    assert response.status_code == 403
    assert pilot.feedback.count() == 1
    assert events(people["metoodik"], action=Action.LIST, object_type="workgroup.feedback").exists()
