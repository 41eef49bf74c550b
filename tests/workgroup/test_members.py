"""Seats and members: coverage, vacancy on the right day, the health-seat warning, and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Organisation
from audit.models import Action, AuditEvent, Purpose
from core.dates import today
from workgroup.coverage import coverage, vacancy_warnings
from workgroup.models import Membership, Seat
from workgroup.services import membership_add, membership_end, seat_save


@pytest.fixture
def police(group):
    return Seat.objects.get(sector="police")


@pytest.fixture
def prefecture(group):
    return Organisation.objects.get(registry_code="70008747")


def new_member(seat, organisation, **changes):
    data = {
        "seat": seat,
        "person_name": "Paul Politsei",
        "email": "paul.politsei@politsei.example",
        "user": None,
        "organisation": organisation,
        "sector": seat.sector,
        "term_start": today() + dt.timedelta(days=1),
        "term_end": None,
        "status": Membership.Status.ACTIVE,
    }
    data.update(changes)
    return data


def row(sector: str, on: dt.date):
    return next(r for r in coverage(on, "en") if r.seat.sector == sector)


def test_a_member_leaving_empties_the_seat_from_the_day_after_their_last_day(police, people):
    priit = police.memberships.get()
    last_day = today() + dt.timedelta(days=10)
    membership_end(membership=priit, last_day=last_day, revision=priit.revision, acting_user=people["koordinaator"])
    priit.refresh_from_db()
    assert (priit.status, priit.term_end, priit.vacant_from) == (
        Membership.Status.LEFT,
        last_day,
        last_day + dt.timedelta(days=1),
    )
    on_last_day = row("police", last_day)
    assert on_last_day.holders == [priit] and on_last_day.vacant == 0
    assert on_last_day.next_vacancy == last_day + dt.timedelta(days=1)
    after = row("police", last_day + dt.timedelta(days=1))
    assert after.holders == [] and after.vacant == 1
    assert after.vacant_since == last_day + dt.timedelta(days=1)
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="workgroup.membership", object_id=str(priit.pk), purpose=Purpose.WORKING_GROUP
    ).exists()


def test_a_replacement_may_start_the_day_after_the_last_day(police, prefecture, people):
    priit = police.memberships.get()
    last_day = today() + dt.timedelta(days=10)
    membership_end(membership=priit, last_day=last_day, revision=priit.revision, acting_user=people["koordinaator"])
    paul = membership_add(
        data=new_member(police, prefecture, term_start=last_day + dt.timedelta(days=1)),
        acting_user=people["koordinaator"],
    )
    assert row("police", last_day + dt.timedelta(days=1)).holders == [paul]


def test_the_health_seat_warning_comes_first(group):
    warnings = vacancy_warnings(coverage(today(), "en"))
    assert [w.seat.sector for w in warnings][0] == "health"
    assert {w.seat.sector for w in warnings} >= {"health", "child_protection", "prosecution", "ngo", "other"}
    assert "education" not in {w.seat.sector for w in warnings}


def test_the_coverage_page_warns_about_every_vacant_seat_health_first(group, people, login):
    page = login(people["koordinaator"]).get(reverse("workgroup:seats")).content.decode()
    warnings = page.split('class="warning-text"')[1:]
    assert len(warnings) == len(vacancy_warnings(coverage(today(), "en")))
    assert "Health care seat is vacant (1 place) – the model depends on this sector most." in warnings[0]
    assert "Local-government child protection seat is vacant" in page
    assert f"Vacant since {today() - dt.timedelta(days=29):%d.%m.%Y}" in page
    assert "<caption>" in page and "Sector coverage on" in page


def test_a_full_health_seat_gives_no_health_warning(group, people):
    membership_add(
        data=new_member(
            Seat.objects.get(sector="health"),
            Organisation.objects.get(registry_code="90000003"),
            person_name="Heli Haigla",
            email="heli@lastehaigla.example",
            sector="health.hospital",
            term_start=today(),
        ),
        acting_user=people["koordinaator"],
    )
    assert "health" not in {w.seat.sector for w in vacancy_warnings(coverage(today(), "en"))}


def test_the_coordinator_adds_a_member_through_the_form(police, prefecture, people, login):
    priit = police.memberships.get()
    membership_end(membership=priit, last_day=today(), revision=priit.revision, acting_user=people["koordinaator"])
    response = login(people["koordinaator"]).post(
        reverse("workgroup:member_create"),
        {
            "seat": police.pk,
            "person_name": "Paul Politsei",
            "email": "paul.politsei@politsei.example",
            "organisation": prefecture.pk,
            "sector": "police",
            "term_start": (today() + dt.timedelta(days=1)).strftime("%d.%m.%Y"),
            "status": "active",
        },
    )
    assert response.status_code == 302
    paul = Membership.objects.get(email="paul.politsei@politsei.example")
    assert (paul.seat, paul.term_start) == (police, today() + dt.timedelta(days=1))
    assert AuditEvent.objects.filter(
        actor=people["koordinaator"], action=Action.CREATE, object_type="workgroup.membership", object_id=str(paul.pk)
    ).exists()


def post_member(login, people, police, prefecture, **changes):
    data = {
        "seat": police.pk,
        "person_name": "Paul Politsei",
        "email": "paul.politsei@politsei.example",
        "organisation": prefecture.pk,
        "sector": "police",
        "term_start": "01.02.2027",
        "status": "active",
    }
    data.update(changes)
    return login(people["koordinaator"]).post(reverse("workgroup:member_create"), data)


def test_an_end_date_before_the_start_is_refused_and_nothing_is_saved(police, prefecture, people, login):
    before = Membership.objects.count()
    response = post_member(login, people, police, prefecture, term_end="31.01.2027")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert "The last day cannot be before the term starts." in page
    assert Membership.objects.count() == before


def test_a_second_active_member_in_a_one_person_seat_is_refused_and_nothing_is_saved(police, prefecture, people, login):
    before = Membership.objects.count()
    response = post_member(login, people, police, prefecture)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The seat has room for 1 member and Priit Politsei holds it on 01.02.2027." in page
    assert Membership.objects.count() == before
    assert not AuditEvent.objects.filter(action=Action.CREATE, object_type="workgroup.membership").exists()


def test_an_invited_member_does_not_take_the_place(police, prefecture, people):
    invited = membership_add(
        data=new_member(police, prefecture, status=Membership.Status.INVITED), acting_user=people["koordinaator"]
    )
    assert invited.status == Membership.Status.INVITED
    assert row("police", today() + dt.timedelta(days=2)).invited == [invited]


@pytest.mark.parametrize("email", ["paul.politsei", "paul@", "paul politsei@politsei.example"])
def test_an_email_address_that_is_not_one_is_refused_and_nothing_is_saved(police, prefecture, people, login, email):
    before = Membership.objects.count()
    response = post_member(login, people, police, prefecture, email=email, term_start="01.02.2030")
    assert response.status_code == 200
    assert "Enter an e-mail address like name@example.ee." in response.content.decode()
    assert Membership.objects.count() == before


def test_the_service_refuses_a_bad_email_too(police, prefecture, people):
    with pytest.raises(ValidationError) as error:
        membership_add(data=new_member(police, prefecture, email="not an address"), acting_user=people["koordinaator"])
    assert "is not an e-mail address" in error.value.message_dict["email"][0]


def test_the_service_refuses_an_end_before_the_start(police, prefecture, people):
    start = today() + dt.timedelta(days=400)
    with pytest.raises(ValidationError) as error:
        membership_add(
            data=new_member(police, prefecture, term_start=start, term_end=start - dt.timedelta(days=1)),
            acting_user=people["koordinaator"],
        )
    assert "cannot be before the term starts" in error.value.message_dict["term_end"][0]


def test_a_member_from_another_sector_cannot_take_the_seat(police, people):
    school = Organisation.objects.get(registry_code="75000004")
    with pytest.raises(ValidationError) as error:
        membership_add(
            data=new_member(police, school, sector="education", term_start=today() + dt.timedelta(days=400)),
            acting_user=people["koordinaator"],
        )
    assert "sector" in error.value.message_dict


def test_the_database_refuses_a_term_ending_before_it_starts(police, prefecture):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            seat=police,
            person_name="X",
            email="x@x.ee",
            organisation=prefecture,
            sector="police",
            term_start=dt.date(2027, 2, 1),
            term_end=dt.date(2027, 1, 1),
        )


def test_a_seat_cannot_shrink_below_its_members(group, people):
    education = Seat.objects.get(sector="education")
    with pytest.raises(ValidationError) as error:
        seat_save(
            data={"sector": "education", "size": 0},
            acting_user=people["koordinaator"],
            seat=education,
            revision=education.revision,
        )
    assert "size" in error.value.message_dict


def test_a_sector_gets_one_seat_and_must_be_a_method_sector(group, people):
    with pytest.raises(ValidationError) as duplicate:
        seat_save(data={"sector": "police", "size": 1}, acting_user=people["koordinaator"])
    assert "already has a seat" in duplicate.value.message_dict["sector"][0]
    with pytest.raises(ValidationError) as unknown:
        seat_save(data={"sector": "astrology", "size": 1}, acting_user=people["koordinaator"])
    assert "not a sector of the method" in unknown.value.message_dict["sector"][0]


def test_the_coordinator_records_a_last_day_through_the_form(police, people, login):
    priit = police.memberships.get()
    response = login(people["koordinaator"]).post(
        reverse("workgroup:member_end", args=[priit.pk]), {"last_day": "2099-12-31", "revision": priit.revision}
    )
    assert response.status_code == 302
    priit.refresh_from_db()
    assert priit.term_end == dt.date(2099, 12, 31)
    bad = login(people["koordinaator"]).post(reverse("workgroup:member_end", args=[priit.pk]), {"last_day": "1.1.1900"})
    assert "cannot be before the term starts" in bad.content.decode()
    priit.refresh_from_db()
    assert priit.term_end == dt.date(2099, 12, 31)
