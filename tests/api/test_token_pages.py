"""The coordinator's token pages: list, make (shown once, kept only as a digest), revoke. The review's
readers get 403, everyone else 404; every read and change audited."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from api.models import ApiToken
from audit.models import Action, AuditEvent

from .conftest import get_status


def test_coordinator_lists_the_tokens_of_a_request(sent_request, token, people, login):
    api_token, raw = token

    response = login(people["koordinaator"]).get(reverse("api_tokens:list", args=[sent_request.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert api_token.prefix in page
    assert "STAR" in page
    assert raw not in page
    assert 'class="restricted-banner"' in page
    assert reverse("api:submit_chronology", kwargs={"id": sent_request.pk}) in page
    listed = AuditEvent.objects.get(action=Action.LIST, object_type="api.apitoken")
    assert listed.actor == people["koordinaator"]
    assert listed.object_ids == [str(api_token.pk)]


def test_coordinator_makes_a_token_that_is_shown_once_and_kept_only_as_its_digest(sent_request, people, login):
    client = login(people["koordinaator"])
    assert client.get(reverse("api_tokens:create", args=[sent_request.pk])).status_code == 200

    response = client.post(reverse("api_tokens:create", args=[sent_request.pk]), {"label": "STAR"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    made = ApiToken.objects.get(request=sent_request)
    raw = response.context["raw"]
    assert raw.startswith("tv_") and len(raw) > 40
    assert raw in response.content.decode()
    assert made.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert made.prefix == raw[:11]
    assert made.label == "STAR"
    assert made.created_by == people["koordinaator"]
    assert all(raw not in str(value) for value in ApiToken.objects.values_list().get())
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="api.apitoken")
    assert event.actor == people["koordinaator"]
    assert raw not in str(event.detail)
    # It works at once, and the list never shows it again.
    assert get_status(raw, sent_request.pk).status_code == 200
    assert raw not in client.get(reverse("api_tokens:list", args=[sent_request.pk])).content.decode()


def test_a_token_needs_the_name_of_its_system(sent_request, people, login):
    response = login(people["koordinaator"]).post(reverse("api_tokens:create", args=[sent_request.pk]), {"label": ""})

    assert response.status_code == 200
    assert "Enter the name of the system" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_coordinator_revokes_a_token_and_the_api_refuses_it(sent_request, token, people, login):
    api_token, raw = token
    client = login(people["koordinaator"])

    response = client.post(reverse("api_tokens:revoke", args=[sent_request.pk, api_token.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("api_tokens:list", args=[sent_request.pk])
    api_token.refresh_from_db()
    assert api_token.revoked_at is not None
    assert api_token.revoked_by == people["koordinaator"]
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="api.apitoken")
    assert event.actor == people["koordinaator"]
    assert event.object_id == str(api_token.pk)
    assert get_status(raw, sent_request.pk).status_code == 401
    # Revoking again changes nothing.
    client.post(reverse("api_tokens:revoke", args=[sent_request.pk, api_token.pk]))
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_type="api.apitoken").count() == 1


def test_a_token_is_revoked_only_through_its_own_request(requests, token, people, login):
    api_token, _raw = token
    url = reverse("api_tokens:revoke", args=[requests["draft_request"].pk, api_token.pk])

    assert login(people["koordinaator"]).post(url).status_code == 404
    api_token.refresh_from_db()
    assert api_token.revoked_at is None


@pytest.mark.parametrize("persona", ["analyytik", "meeskonnaliige"])
def test_the_reviews_readers_get_403(persona, sent_request, token, people, login):
    api_token, _raw = token
    client = login(people[persona])

    assert client.get(reverse("api_tokens:list", args=[sent_request.pk])).status_code == 403
    assert client.get(reverse("api_tokens:create", args=[sent_request.pk])).status_code == 403
    assert client.post(reverse("api_tokens:create", args=[sent_request.pk]), {"label": "X"}).status_code == 403
    assert client.post(reverse("api_tokens:revoke", args=[sent_request.pk, api_token.pk])).status_code == 403
    assert ApiToken.objects.count() == 1
    api_token.refresh_from_db()
    assert api_token.revoked_at is None


def test_an_agency_contributor_gets_404_for_another_agencys_request_and_403_for_its_own(
    requests, sent_request, token, people, login
):
    api_token, _raw = token
    client = login(people["asutus"])
    other = requests["draft_request"]

    assert client.get(reverse("api_tokens:list", args=[other.pk])).status_code == 404
    assert client.post(reverse("api_tokens:create", args=[other.pk]), {"label": "X"}).status_code == 404
    assert client.get(reverse("api_tokens:list", args=[sent_request.pk])).status_code == 403
    assert client.post(reverse("api_tokens:revoke", args=[sent_request.pk, api_token.pk])).status_code == 403
    api_token.refresh_from_db()
    assert api_token.revoked_at is None
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("persona", ["tooruhm", "audiitor", "haldur"])
def test_everyone_else_gets_404(persona, sent_request, token, people, login):
    api_token, _raw = token
    client = login(people[persona])

    assert client.get(reverse("api_tokens:list", args=[sent_request.pk])).status_code == 404
    assert client.post(reverse("api_tokens:revoke", args=[sent_request.pk, api_token.pk])).status_code == 404


def test_the_request_page_links_to_the_tokens_for_the_coordinator_only(sent_request, people, login):
    url = reverse("inquiries:request_detail", args=[sent_request.pk])
    link = reverse("api_tokens:list", args=[sent_request.pk])

    assert link in login(people["koordinaator"]).get(url).content.decode()
    assert link not in login(people["asutus"]).get(url).content.decode()
