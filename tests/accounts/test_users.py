"""Users: only administrators list, create and edit accounts; personal codes are masked in lists."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.demo import personal_code
from accounts.models import Organisation, RoleGrant, SystemRole, User
from audit.models import Action, AuditEvent, Purpose

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:user_list")
CREATE = reverse("accounts:user_create")
NEW_CODE = personal_code(4, "920417", 55)


@pytest.fixture
def valid(people):
    return {
        "first_name": "Kati",
        "last_name": "Karu",
        "username": "kati.karu",
        "email": "kati.karu@naidisvald.example",
        "personal_code": NEW_CODE,
        "organisation": Organisation.objects.get(registry_code="75000001").pk,
        "roles": [SystemRole.WORKING_GROUP],
        "is_active": "on",
    }


def test_administrator_sees_users_with_masked_personal_codes(people, login):
    administrator = people["haldur"]
    response = login(administrator).get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "380010*****" in page
    assert "38001085718" not in page
    for user in people.values():
        assert user.personal_code not in page
    event = AuditEvent.objects.get(action=Action.LIST, object_type="accounts.user")
    assert event.actor == administrator
    assert event.purpose == Purpose.ADMINISTRATION
    assert set(event.object_ids) == {str(user.pk) for user in people.values()}


@pytest.mark.parametrize("username", ["koordinaator", "audiitor", "metoodik", "analyytik"])
def test_people_who_are_not_administrators_may_not_manage_users(people, login, username, valid):
    client = login(people[username])
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, valid).status_code == 403
    assert client.get(reverse("accounts:user_edit", args=[people["haldur"].pk])).status_code == 403
    assert not User.objects.filter(username="kati.karu").exists()
    assert not AuditEvent.objects.filter(object_type="accounts.user").exists()


def test_signed_out_visitor_is_sent_to_sign_in(db):
    response = Client().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_user_list_is_paginated(people, login):
    User.objects.bulk_create(User(username=f"kasutaja{number}", last_name=f"Z{number:03d}") for number in range(30))
    client = login(people["haldur"])
    assert len(client.get(LIST).context["rows"]) == 25
    assert len(client.get(LIST, {"page": 2}).context["rows"]) == User.objects.count() - 25


def test_administrator_creates_an_account_for_tara_sign_in(people, login, valid):
    administrator = people["haldur"]
    response = login(administrator).post(CREATE, valid)
    assert response.status_code == 302
    user = User.objects.get(username="kati.karu")
    assert user.personal_code == NEW_CODE
    assert user.tara_sub == "EE" + NEW_CODE
    assert user.organisation.registry_code == "75000001"
    assert user.is_active and not user.is_break_glass and not user.is_demo
    assert not user.has_usable_password()
    assert user.has_system_role(SystemRole.WORKING_GROUP)
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="accounts.user")
    assert event.actor == administrator
    assert event.purpose == Purpose.ADMINISTRATION
    assert event.detail["roles"] == ["working_group"]
    # The audit log keeps only the masked code.
    assert event.detail["values"]["personal_code"] == NEW_CODE[:6] + "*****"
    assert NEW_CODE not in str(event.detail)


def test_invalid_personal_code_is_refused_naming_the_field(people, login, valid):
    response = login(people["haldur"]).post(CREATE, {**valid, "personal_code": "38001085719"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["personal_code"]
    assert "not a valid Estonian personal identification code" in response.content.decode()
    assert not User.objects.filter(username="kati.karu").exists()


def test_personal_code_already_in_use_is_refused(people, login, valid):
    response = login(people["haldur"]).post(CREATE, {**valid, "personal_code": "38001085718"})
    assert list(response.context["form"].errors) == ["personal_code"]


def test_account_without_personal_code_is_allowed_and_stored_as_empty(people, login, valid):
    login(people["haldur"]).post(CREATE, {**valid, "personal_code": ""})
    assert User.objects.get(username="kati.karu").personal_code is None


def test_bad_e_mail_and_missing_name_are_refused(people, login, valid):
    response = login(people["haldur"]).post(CREATE, {**valid, "email": "kati@", "last_name": ""})
    assert set(response.context["form"].errors) == {"email", "last_name"}
    assert not User.objects.filter(username="kati.karu").exists()


def test_administrator_edits_roles_and_deactivates_an_account(people, login):
    administrator = people["haldur"]
    person = people["metoodik"]
    url = reverse("accounts:user_edit", args=[person.pk])
    client = login(administrator)
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert AuditEvent.objects.filter(action=Action.READ, object_id=str(person.pk)).exists()
    response = client.post(
        url,
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "username": person.username,
            "email": person.email,
            "personal_code": person.personal_code,
            "organisation": person.organisation_id,
            "roles": [SystemRole.AUDITOR],
            "revision": person.revision,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    assert set(RoleGrant.objects.filter(user=person).values_list("role", flat=True)) == {"auditor"}
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="accounts.user")
    assert event.actor == administrator
    assert event.detail == {
        "changes": {"is_active": [True, False]},
        "roles_added": ["auditor"],
        "roles_removed": ["method_editor"],
        "revision": 1,
    }


def test_edit_form_shows_current_roles_checked(people, login):
    page = login(people["haldur"]).get(reverse("accounts:user_edit", args=[people["audiitor"].pk]))
    assert page.context["form"]["roles"].initial == ["auditor"]


def test_administrator_cannot_remove_their_own_administrator_role(people, login):
    administrator = people["haldur"]
    response = login(administrator).post(
        reverse("accounts:user_edit", args=[administrator.pk]),
        {"first_name": "Rein", "last_name": "Haldur", "username": "haldur", "is_active": "on", "roles": []},
    )
    assert response.status_code == 200
    assert "You cannot remove your own administrator role." in response.content.decode()
    assert administrator.role_grants.filter(role=SystemRole.ADMINISTRATOR).exists()


def test_break_glass_flag_is_set_by_the_administrator(people, login, valid):
    login(people["haldur"]).post(CREATE, {**valid, "is_break_glass": "on", "roles": ["administrator"]})
    user = User.objects.get(username="kati.karu")
    assert user.is_break_glass
    assert user.has_system_role(SystemRole.ADMINISTRATOR)
