"""Invitation letters: drafted from the method's template, e-mailed to the general address with a copy
to a named person, answered (accepted, declined, forwarded), kept with the seat, overdue when unanswered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Organisation
from audit.models import Action, AuditEvent, Purpose
from core.concurrency import EditConflict
from core.dates import today
from workgroup.content import group_settings
from workgroup.letters import coming_meeting_dates, membership_letter
from workgroup.models import Invitation, Membership, Seat
from workgroup.services import invitation_reply, invitation_send


@pytest.fixture
def municipality(group):
    return Organisation.objects.get(registry_code="75000001")


@pytest.fixture
def seat(group):
    return Seat.objects.get(sector="child_protection")


def letter_form(seat, organisation, **changes):
    data = {
        "seat": seat.pk,
        "organisation": organisation.pk,
        "to_email": organisation.email,
        "cc_name": "Mari Lastekaitse",
        "cc_email": "mari.lastekaitse@naidisvald.example",
        "language": "et",
        "reply_by": (today() + dt.timedelta(days=14)).strftime("%d.%m.%Y"),
        "subject": "",
        "body": "",
    }
    data.update(changes)
    return data


def test_the_letter_is_drafted_from_the_method_with_the_groups_data(seat, municipality, people, login):
    before = Invitation.objects.count()
    response = login(people["koordinaator"]).post(
        reverse("workgroup:invitation_create"), {**letter_form(seat, municipality), "action": "draft"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    reply_by = (today() + dt.timedelta(days=14)).strftime("%d.%m.%Y")
    assert "Lugupeetud Näidisvalla Vallavalitsus" in page
    assert "Töörühm arendab ja katsetab metoodikat" in page  # the purpose
    assert "loeb enne igat koosolekut läbi saadetud materjalid" in page  # what is expected
    assert "umbes 4–5 tundi kuus" in page
    assert "kell 11:00–13:00" in page
    assert "Sotsiaalkindlustusamet, Paldiski mnt 80, Tallinn" in page
    assert "veebis (MS Teams)" in page
    assert f"Palume vastata hiljemalt {reply_by}" in page
    next_meeting = coming_meeting_dates(today(), group_settings())[0]
    assert f"- {next_meeting:%d.%m.%Y}" in page
    assert "KOV lastekaitse" in page  # the sector in the subject
    assert Invitation.objects.count() == before
    assert mail.outbox == []


@pytest.mark.parametrize("language", ["et", "en", "ru"])
def test_every_placeholder_of_the_letter_is_filled_in_every_language(seat, people, language):
    letter = membership_letter(
        seat=seat,
        language=language,
        recipient="Näidisvalla Vallavalitsus",
        reply_by=dt.date(2027, 1, 15),
        coordinator=people["koordinaator"],
    )
    assert "{" not in letter.body and "}" not in letter.body
    assert "15.01.2027" in letter.body
    assert "Kadri Koordinaator" in letter.body
    assert "4–5" in letter.body
    assert letter.subject


def test_the_coordinator_sends_the_letter_to_the_general_address_with_a_copy(
    seat, municipality, people, login, django_capture_on_commit_callbacks
):
    client = login(people["koordinaator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workgroup:invitation_create"),
            {
                **letter_form(seat, municipality, subject="Kutse töörühma", body="Lugupeetud vald\n\nTekst."),
                "action": "send",
            },
        )
    invitation = Invitation.objects.get(subject="Kutse töörühma")
    assert response.status_code == 302
    assert response["Location"] == reverse("workgroup:invitation_detail", args=[invitation.pk])
    assert (invitation.status, invitation.to_email, invitation.cc_email) == (
        Invitation.Status.SENT,
        "vald@naidisvald.example",
        "mari.lastekaitse@naidisvald.example",
    )
    [message] = mail.outbox
    assert message.to == ["vald@naidisvald.example"]
    assert message.cc == ["mari.lastekaitse@naidisvald.example"]
    assert message.subject == "Kutse töörühma"
    assert "Tekst." in message.body
    event = AuditEvent.objects.get(action=Action.SEND, object_type="workgroup.invitation")
    assert (event.actor, event.purpose, event.object_id) == (
        people["koordinaator"],
        Purpose.WORKING_GROUP,
        str(invitation.pk),
    )
    # Kept with the seat's history.
    history = client.get(reverse("workgroup:seat_detail", args=[seat.pk])).content.decode()
    assert reverse("workgroup:invitation_detail", args=[invitation.pk]) in history


def test_a_letter_with_an_empty_body_is_drafted_for_checking_rather_than_sent(seat, municipality, people, login):
    before = Invitation.objects.count()
    response = login(people["koordinaator"]).post(
        reverse("workgroup:invitation_create"), {**letter_form(seat, municipality), "action": "send"}
    )
    assert response.status_code == 200
    assert "Check it, then send it" in response.content.decode()
    assert Invitation.objects.count() == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cc_email", "mari at naidisvald", "Enter an e-mail address like name@example.ee."),
        ("to_email", "vald@", "Enter an e-mail address like info@example.ee."),
        ("reply_by", "31.02.2027", "Enter a real date as dd.mm.yyyy"),
    ],
)
def test_bad_input_in_the_letter_is_refused_and_nothing_is_sent(
    seat, municipality, people, login, field, value, message, django_capture_on_commit_callbacks
):
    before = Invitation.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(people["koordinaator"]).post(
            reverse("workgroup:invitation_create"),
            {**letter_form(seat, municipality, subject="S", body="B"), field: value, "action": "send"},
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page and message in page
    assert Invitation.objects.count() == before
    assert mail.outbox == []


def test_a_reply_by_date_in_the_past_is_refused(seat, municipality, people):
    with pytest.raises(ValidationError) as error:
        invitation_send(
            data={
                "seat": seat,
                "organisation": municipality,
                "to_email": municipality.email,
                "subject": "S",
                "body": "B",
                "reply_by": today() - dt.timedelta(days=1),
            },
            acting_user=people["koordinaator"],
        )
    assert "reply_by" in error.value.message_dict


def test_an_unanswered_letter_past_its_reply_by_date_shows_overdue(group, people, login):
    waiting = group["invitation"]
    assert waiting.is_overdue()
    client = login(people["koordinaator"])
    assert "Overdue" in client.get(reverse("workgroup:invitations")).content.decode()
    assert "Overdue: reply was due" in client.get(reverse("workgroup:home")).content.decode()
    detail = client.get(reverse("workgroup:invitation_detail", args=[waiting.pk])).content.decode()
    assert "No answer was recorded by the reply-by date" in detail
    invitation_reply(
        invitation=waiting, outcome="declined", data={}, revision=waiting.revision, acting_user=people["koordinaator"]
    )
    waiting.refresh_from_db()
    assert not waiting.is_overdue()


def test_an_accepted_letter_puts_the_person_in_the_seat(group, municipality, people, login):
    waiting = group["invitation"]
    response = login(people["koordinaator"]).post(
        reverse("workgroup:invitation_reply", args=[waiting.pk]),
        {
            "revision": waiting.revision,
            "outcome": "accepted",
            "replied_on": today().strftime("%d.%m.%Y"),
            "person_name": "Mari Lastekaitse",
            "email": "mari.lastekaitse@naidisvald.example",
            "organisation": municipality.pk,
            "sector": "child_protection",
            "user": people["asutus"].pk,
            "term_start": today().strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Invitation.Status.ACCEPTED
    member = Membership.objects.get(invitation=waiting)
    assert (member.seat.sector, member.person_name, member.user) == (
        "child_protection",
        "Mari Lastekaitse",
        people["asutus"],
    )
    assert member.occupies(today())
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="workgroup.membership", object_id=str(member.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="workgroup.invitation", object_id=str(waiting.pk)
    ).exists()


def test_an_acceptance_into_a_full_seat_is_refused_and_the_letter_still_waits(group, people):
    police = Seat.objects.get(sector="police")
    prefecture = Organisation.objects.get(registry_code="70008747")
    letter = Invitation.objects.create(
        seat=police, to_email=prefecture.email, subject="S", body="B", reply_by=today(), sent_by=people["koordinaator"]
    )
    with pytest.raises(ValidationError) as error:
        invitation_reply(
            invitation=letter,
            outcome="accepted",
            data={
                "person_name": "Paul Politsei",
                "email": "paul@politsei.example",
                "organisation": prefecture,
                "sector": "police",
                "term_start": today(),
            },
            revision=letter.revision,
            acting_user=people["koordinaator"],
        )
    assert "seat" in error.value.message_dict
    letter.refresh_from_db()
    assert letter.status == Invitation.Status.SENT
    assert not Membership.objects.filter(email="paul@politsei.example").exists()


def test_a_forwarded_letter_sends_a_new_letter_to_that_person(group, people, django_capture_on_commit_callbacks):
    waiting = group["invitation"]
    with django_capture_on_commit_callbacks(execute=True):
        invitation_reply(
            invitation=waiting,
            outcome="forwarded",
            data={"forward_name": "Kalle Kolleeg", "forward_email": "kalle@naidisvald.example"},
            revision=waiting.revision,
            acting_user=people["koordinaator"],
        )
    waiting.refresh_from_db()
    assert waiting.status == Invitation.Status.FORWARDED
    forward = waiting.forwards.get()
    assert (forward.to_email, forward.status, forward.seat) == ("kalle@naidisvald.example", "sent", waiting.seat)
    assert "Lugupeetud Kalle Kolleeg" in forward.body
    assert forward.reply_by >= today()
    [message] = mail.outbox
    assert message.to == ["kalle@naidisvald.example"]


def test_a_forward_without_an_address_is_refused(group, people):
    with pytest.raises(ValidationError) as error:
        invitation_reply(
            invitation=group["invitation"],
            outcome="forwarded",
            data={"forward_name": "Kalle", "forward_email": "kalle"},
            revision=group["invitation"].revision,
            acting_user=people["koordinaator"],
        )
    assert "forward_email" in error.value.message_dict
    assert not group["invitation"].forwards.exists()


def test_a_letter_is_answered_once(group, people):
    waiting = group["invitation"]
    invitation_reply(invitation=waiting, outcome="declined", data={}, revision=0, acting_user=people["koordinaator"])
    # From a page opened before the answer: refused as a stale save, showing the answer recorded.
    with pytest.raises(EditConflict) as conflict:
        invitation_reply(
            invitation=waiting, outcome="accepted", data={}, revision=0, acting_user=people["koordinaator"]
        )
    assert conflict.value.current.status == Invitation.Status.DECLINED
    # From the page showing the answer: the letter is answered already.
    with pytest.raises(ValidationError) as error:
        invitation_reply(
            invitation=waiting, outcome="declined", data={}, revision=1, acting_user=people["koordinaator"]
        )
    assert "already recorded" in error.value.message_dict["outcome"][0]


def test_the_general_address_comes_from_the_register_when_left_empty(seat, municipality, people, login):
    response = login(people["koordinaator"]).post(
        reverse("workgroup:invitation_create"), {**letter_form(seat, municipality, to_email=""), "action": "draft"}
    )
    assert 'value="vald@naidisvald.example"' in response.content.decode()


def test_without_an_organisation_the_address_is_required(seat, municipality, people, login):
    data = {**letter_form(seat, municipality, to_email="", subject="S", body="B"), "action": "send"}
    del data["organisation"]
    response = login(people["koordinaator"]).post(reverse("workgroup:invitation_create"), data)
    assert "Enter the organisation&#x27;s general e-mail address." in response.content.decode()
    assert not Invitation.objects.filter(subject="S").exists()
