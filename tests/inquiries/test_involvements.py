"""Organisations involved in a review: the coordinator adds and changes them; the team reads the list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Organisation
from audit.models import Action, AuditEvent, Purpose
from inquiries.models import Involvement

pytestmark = pytest.mark.django_db


def school() -> Organisation:
    return Organisation.objects.get(registry_code="75000004")


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "organisation": str(school().pk),
        "code": "KOOL-01",
        "period_start": "01.09.2022",
        "period_end": "31.05.2025",
        "services": "Basic education, school nurse",
        "contact_name": "Kati Kool",
        "contact_email": "kati@naidiskool.example",
    }
    data.update(overrides)
    return data


def add_url(review) -> str:
    return reverse("inquiries:involvement_create", kwargs={"pk": review.pk})


def test_coordinator_adds_an_organisation_with_its_code(people, login, inquiries):
    review = inquiries["review"]
    response = login(people["koordinaator"]).post(add_url(review), form_data())
    assert response.status_code == 302
    involvement = Involvement.objects.get(review=review, code="KOOL-01")
    assert involvement.organisation == school() and involvement.contact_email == "kati@naidiskool.example"
    event = AuditEvent.objects.get(action=Action.CREATE, object_id=str(involvement.pk))
    assert event.actor == people["koordinaator"] and event.purpose == Purpose.COORDINATION
    assert event.review_id == review.pk


def test_coordinator_changes_an_involvement(people, login, inquiries):
    involvement = inquiries["involvement"]
    url = reverse("inquiries:involvement_edit", kwargs={"pk": involvement.pk})
    client = login(people["koordinaator"])
    assert client.get(url).status_code == 200
    data = form_data(organisation=str(involvement.organisation_id), code="VALD-LK-2", revision="0")
    assert client.post(url, data).status_code == 302
    involvement.refresh_from_db()
    assert involvement.code == "VALD-LK-2" and involvement.contact_name == "Kati Kool"
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(involvement.pk)).exists()


def test_team_reads_the_list_and_cannot_add(people, login, inquiries):
    review = inquiries["review"]
    member = login(people["meeskonnaliige"])
    page = member.get(reverse("inquiries:involvement_list", kwargs={"pk": review.pk}))
    assert page.status_code == 200
    assert b"VALD-LK" in page.content and b"Add an organisation" not in page.content
    event = AuditEvent.objects.get(actor=people["meeskonnaliige"], action=Action.LIST)
    assert set(event.object_ids) == {
        str(inquiries["involvement"].pk),
        str(Involvement.objects.get(code="HAIGLA-01").pk),
    }
    assert member.get(add_url(review)).status_code == 403
    assert member.post(add_url(review), form_data()).status_code == 403
    edit = reverse("inquiries:involvement_edit", kwargs={"pk": inquiries["involvement"].pk})
    assert member.post(edit, form_data()).status_code == 403
    assert not Involvement.objects.filter(code="KOOL-01").exists()


@pytest.mark.parametrize("username", ["asutus", "tooruhm", "haldur"])
def test_outsiders_and_the_agency_contributor_get_not_found(people, login, inquiries, username):
    client = login(people[username])
    review = inquiries["review"]
    assert client.get(reverse("inquiries:involvement_list", kwargs={"pk": review.pk})).status_code == 404
    assert client.get(add_url(review)).status_code == 404
    edit = reverse("inquiries:involvement_edit", kwargs={"pk": inquiries["involvement"].pk})
    assert client.get(edit).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, inquiries):
    response = client.get(reverse("inquiries:involvement_list", kwargs={"pk": inquiries["review"].pk}))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": "haigla 01"}, "code", b"Use capital letters, digits and hyphens only"),
        ({"code": "KOOL--01"}, "code", b"Use capital letters, digits and hyphens only"),
        ({"code": "VALD-LK"}, "code", b"already has this code"),
        ({"contact_email": "not-an-address"}, "contact_email", b"Enter an e-mail address like"),
        ({"period_end": "31.08.2022"}, "period_end", b"cannot be before its start"),
        ({"contact_name": ""}, "contact_name", b"Enter the contact person"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    people, login, inquiries, overrides, field, message
):
    review = inquiries["review"]
    before = Involvement.objects.count()
    response = login(people["koordinaator"]).post(add_url(review), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content
    assert f'href="#id_{field}"'.encode() in response.content
    assert Involvement.objects.count() == before
    assert not AuditEvent.objects.filter(action=Action.CREATE, object_type__icontains="involvement").exists()
