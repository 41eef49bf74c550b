"""Organisations: administrators and coordinators list, register and edit them."""

from __future__ import annotations

import copy

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation
from audit.models import Action, AuditEvent, Purpose
from method.models import MethodVersion

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:organisation_list")
CREATE = reverse("accounts:organisation_create")

VALID = {
    "name": "Näidislinna Perearstikeskus OÜ",
    "registry_code": "12345678",
    "email": "info@perearst2.example",
    "region": "Tartu maakond",
    "sector": "health.primary_care",
}


@pytest.mark.parametrize("username", ["haldur", "koordinaator"])
def test_administrator_and_coordinator_see_the_organisation_list(people, login, username):
    response = login(people[username]).get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Näidisküla Perearstikeskus OÜ" in page
    # The sector is shown by its label from the method, not its code.
    assert "health.primary_care" not in page


@pytest.mark.parametrize("username", ["audiitor", "metoodik", "juhtkond", "asutus"])
def test_other_roles_may_not_see_organisations(people, login, username):
    client = login(people[username])
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, VALID).status_code == 403
    assert not Organisation.objects.filter(registry_code="12345678").exists()


def test_signed_out_visitor_is_sent_to_sign_in(db):
    response = Client().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_organisation_list_is_paginated(people, login):
    Organisation.objects.bulk_create(
        Organisation(name=f"Asutus {number:03d}", sector="education") for number in range(40)
    )
    client = login(people["koordinaator"])
    first = client.get(LIST)
    assert len(first.context["rows"]) == 25
    assert 'rel="next"' in first.content.decode()
    last = client.get(LIST, {"page": 2})
    assert len(last.context["rows"]) == Organisation.objects.count() - 25


def test_sector_select_is_built_from_the_current_method_version(people, login, settings):
    settings.LANGUAGE_CODE = "et"
    page = login(people["haldur"]).get(CREATE).content.decode()
    assert '<optgroup label="Tervishoid">' in page
    assert '<option value="health.primary_care">' in page
    assert '<option value="child_protection">' in page


def test_sector_select_follows_a_newer_published_version(people, login, method_v1):
    content = copy.deepcopy(method_v1.content)
    content["sectors"].append({"code": "sport", "label": {"et": "Sport", "en": "Sport", "ru": "Спорт"}, "children": []})
    MethodVersion.objects.create(number=method_v1.number + 1, status="published", content=content)
    page = login(people["haldur"]).get(CREATE).content.decode()
    assert '<option value="sport">Sport</option>' in page


def test_coordinator_registers_an_organisation(people, login):
    coordinator = people["koordinaator"]
    response = login(coordinator).post(CREATE, VALID)
    assert response.status_code == 302
    organisation = Organisation.objects.get(registry_code="12345678")
    assert organisation.name == VALID["name"]
    assert organisation.sector == "health.primary_care"
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="accounts.organisation")
    assert event.actor == coordinator
    assert event.purpose == Purpose.ADMINISTRATION
    assert event.object_id == str(organisation.pk)
    assert event.detail["values"]["sector"] == "health.primary_care"


def test_administrator_edits_an_organisation_and_the_change_is_audited(people, login):
    organisation = Organisation.objects.get(registry_code="75000004")
    data = {
        **VALID,
        "name": organisation.name,
        "registry_code": "75000004",
        "sector": "education",
        "email": "uus@naidiskool.example",
        "region": organisation.region,
        "revision": organisation.revision,
    }
    response = login(people["haldur"]).post(reverse("accounts:organisation_edit", args=[organisation.pk]), data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.email == "uus@naidiskool.example"
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="accounts.organisation")
    assert event.detail == {
        "changes": {"email": ["kool@naidiskool.example", "uus@naidiskool.example"]},
        "revision": 1,
    }


def test_duplicate_registry_code_is_refused_with_a_clear_message(people, login):
    response = login(people["haldur"]).post(CREATE, {**VALID, "registry_code": "70001975"})
    assert response.status_code == 200
    assert response.context["form"].errors["registry_code"] == [
        "An organisation with this registry code is already registered."
    ]
    assert Organisation.objects.filter(registry_code="70001975").count() == 1
    assert not AuditEvent.objects.filter(action=Action.CREATE).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "not-an-address"), ("registry_code", "1234"), ("sector", "astrology"), ("name", "")],
)
def test_bad_input_is_refused_naming_the_field(people, login, field, value):
    response = login(people["haldur"]).post(CREATE, {**VALID, field: value})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert "There is a problem" in response.content.decode()
    assert not Organisation.objects.filter(name=VALID["name"]).exists()


def test_editing_keeps_a_sector_the_current_method_no_longer_lists(people, login):
    organisation = Organisation.objects.create(name="Vana sektor", sector="retired_sector")
    client = login(people["haldur"])
    url = reverse("accounts:organisation_edit", args=[organisation.pk])
    assert '<option value="retired_sector" selected>' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "Vana sektor",
            "registry_code": "",
            "email": "",
            "region": "",
            "sector": "retired_sector",
            "revision": "0",
        },
    )
    assert response.status_code == 302


def test_unknown_organisation_is_404(people, login):
    assert login(people["haldur"]).get(reverse("accounts:organisation_edit", args=[999999])).status_code == 404
