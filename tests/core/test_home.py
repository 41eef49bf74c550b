"""The start page sends each person on to their work; an agency contributor sees only their own requests."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from inquiries.models import InformationRequest

pytestmark = pytest.mark.django_db


def test_agency_contributor_sees_only_their_own_information_requests(people, login, demo_case):
    own = list(InformationRequest.objects.filter(contributors__user=people["asutus"]))
    assert own, "the demo case links asutus to a request"
    others = InformationRequest.objects.exclude(pk__in=[r.pk for r in own])
    page = login(people["asutus"]).get(reverse("core:home")).content.decode()
    for information_request in own:
        assert reverse("inquiries:request_detail", kwargs={"pk": information_request.pk}) in page
    for information_request in others:
        assert reverse("inquiries:request_detail", kwargs={"pk": information_request.pk}) not in page
    event = AuditEvent.objects.filter(action=Action.LIST, object_type="inquiries.informationrequest").latest("sequence")
    assert event.actor == people["asutus"]
    assert sorted(event.object_ids) == sorted(str(r.pk) for r in own)


def test_a_person_with_no_work_sees_the_plain_start_page(people, login, demo_case):
    page = login(people["haldur"]).get(reverse("core:home")).content.decode()
    assert "You have no reviews or tasks" in page
    assert not AuditEvent.objects.filter(action=Action.LIST, actor=people["haldur"]).exists()
