"""Contributors without an account: entered by the coordinator, bound on their first TARA sign-in to the
request they were invited to, and to nothing else."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.demo import personal_code
from accounts.models import User
from audit.models import Action, AuditEvent, Purpose
from inquiries.models import PendingContributor, RequestContributor
from tests.accounts.conftest import tara_sign_in

pytestmark = pytest.mark.django_db

NEW_CODE = personal_code(4, "880214", 17)


def add_url(item) -> str:
    return reverse("inquiries:contributor_add", kwargs={"pk": item.pk})


def invite(people, login, item, **overrides: str):
    data = {"name": "Anne Uus", "email": "anne@naidisvald.example", "personal_code": NEW_CODE}
    data.update(overrides)
    return login(people["koordinaator"]).post(add_url(item), data)


def test_coordinator_enters_a_contact_without_an_account(people, login, inquiries):
    item = inquiries["sent_request"]
    response = invite(people, login, item)
    assert response.status_code == 302
    pending = PendingContributor.objects.get(request=item)
    assert (pending.name, pending.personal_code, pending.bound_at) == ("Anne Uus", NEW_CODE, None)
    assert not User.objects.filter(personal_code=NEW_CODE).exists()
    event = AuditEvent.objects.get(action=Action.CREATE, object_id=str(pending.pk))
    assert event.actor == people["koordinaator"] and event.review_id == item.involvement.review_id


def test_a_contact_entered_after_sending_gets_the_letter_with_the_link(
    people, login, inquiries, django_capture_on_commit_callbacks
):
    item = inquiries["sent_request"]
    with django_capture_on_commit_callbacks(execute=True):
        invite(people, login, item)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anne@naidisvald.example"]
    assert f"/reviews/requests/{item.pk}/" in mail.outbox[0].body


def test_a_contact_entered_before_sending_gets_the_letter_when_it_is_sent(
    people, login, inquiries, django_capture_on_commit_callbacks
):
    from inquiries import services

    draft = inquiries["draft_request"]
    with django_capture_on_commit_callbacks(execute=True):
        invite(people, login, draft)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.request_send(information_request=draft, revision=draft.revision, acting_user=people["koordinaator"])
    assert mail.outbox[0].to == ["info@lastehaigla.example", "anne@naidisvald.example"]


def test_a_person_with_an_account_is_linked_at_once(people, login, inquiries):
    item = inquiries["draft_request"]
    assert invite(people, login, item, personal_code=people["asutus"].personal_code).status_code == 302
    assert RequestContributor.objects.filter(request=item, user=people["asutus"]).exists()
    assert not PendingContributor.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"personal_code": "38001085719"}, "personal_code", b"Enter a valid Estonian personal identification code"),
        ({"personal_code": "123"}, "personal_code", b"Enter a valid Estonian personal identification code"),
        ({"email": "anne@"}, "email", b"Enter an e-mail address like"),
        ({"name": ""}, "name", b"Enter the person"),
    ],
)
def test_bad_contributor_details_are_refused_and_nothing_saved(people, login, inquiries, overrides, field, message):
    response = invite(people, login, inquiries["sent_request"], **overrides)
    assert response.status_code == 200
    assert message in response.content and f'href="#id_{field}"'.encode() in response.content
    assert not PendingContributor.objects.exists()


def test_the_same_person_cannot_be_entered_twice(people, login, inquiries):
    item = inquiries["sent_request"]
    invite(people, login, item)
    response = invite(people, login, item)
    assert response.status_code == 200 and b"can already answer this request" in response.content
    assert PendingContributor.objects.count() == 1


@pytest.mark.parametrize("username", ["meeskonnaliige", "asutus"])
def test_only_the_coordinator_enters_contributors(people, login, inquiries, username):
    client = login(people[username])
    data = {"name": "Anne Uus", "email": "anne@naidisvald.example", "personal_code": NEW_CODE}
    assert client.post(add_url(inquiries["sent_request"]), data).status_code == 403
    assert not PendingContributor.objects.exists()


def test_first_tara_sign_in_binds_the_invited_contact_to_that_request_only(people, login, inquiries, tara):
    item = inquiries["sent_request"]
    invite(people, login, item)
    tara.sub = f"EE{NEW_CODE}"
    client = Client()
    response = tara_sign_in(client)
    assert response.status_code == 302
    user = User.objects.get(personal_code=NEW_CODE)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert (user.first_name, user.last_name, user.email) == ("Anne", "Uus", "anne@naidisvald.example")
    assert user.organisation == item.involvement.organisation
    assert not user.has_usable_password() and user.system_roles() == frozenset()
    assert not user.review_memberships.exists()
    assert list(RequestContributor.objects.filter(user=user).values_list("request_id", flat=True)) == [item.pk]
    pending = PendingContributor.objects.get(request=item)
    assert pending.bound_user == user and pending.bound_at is not None
    bind = AuditEvent.objects.get(action=Action.CREATE, object_id=str(pending.pk), actor=user)
    assert bind.purpose == Purpose.INFORMATION_REQUEST
    assert AuditEvent.objects.filter(action=Action.SIGN_IN, actor=user).exists()
    # Their request opens; the other agency's request and the review do not.
    assert client.get(reverse("inquiries:request_detail", kwargs={"pk": item.pk})).status_code == 200
    other = inquiries["draft_request"]
    assert client.get(reverse("inquiries:request_detail", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("reviews:detail", kwargs={"pk": item.involvement.review_id})).status_code == 404
    assert client.get(reverse("inquiries:terms", kwargs={"pk": item.involvement.review_id})).status_code == 404


def test_second_sign_in_uses_the_account_made_the_first_time(people, login, inquiries, tara):
    invite(people, login, inquiries["sent_request"])
    tara.sub = f"EE{NEW_CODE}"
    tara_sign_in(Client())
    tara_sign_in(Client())
    assert User.objects.filter(personal_code=NEW_CODE).count() == 1
    assert RequestContributor.objects.filter(user__personal_code=NEW_CODE).count() == 1


def test_a_person_nobody_invited_is_still_refused(people, inquiries, tara):
    tara.sub = f"EE{NEW_CODE}"
    client = Client()
    response = tara_sign_in(client)
    assert response["Location"] == reverse("accounts:refused")
    assert not User.objects.filter(personal_code=NEW_CODE).exists()
    assert AuditEvent.objects.get(action=Action.SIGN_IN_REFUSED).detail["reason"] == "no_account"
