"""Where each e-mail's outcome is shown, and to whom: the coordinator sees it on the page of what it was
about; the other people who may open those pages do not see the e-mail log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from core.dates import today
from inquiries.due import enqueue_reminders
from outbox.models import OutboundMessage
from reviews.due import enqueue_deadline_alerts
from tests.inquiries.conftest import inquiries  # noqa: F401 - fixture
from tests.notifications.helpers import record
from tests.workgroup.conftest import group  # noqa: F401 - fixture
from workgroup.services import invitation_send

pytestmark = pytest.mark.django_db


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_deadline_alerts_show_on_the_review_and_the_notification_for_the_coordinator(
    people, demo_case, login, django_capture_on_commit_callbacks
):
    late = record(people["koordinaator"])  # its rapid review is overdue
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_deadline_alerts() == 2
    (message,) = OutboundMessage.objects.filter(kind=OutboundMessage.Kind.DEADLINE_ALERT)
    assert message.status == OutboundMessage.Status.SENT and len(mail.outbox) == 1
    coordinator = login(people["koordinaator"])
    review_page = page_text(coordinator, reverse("reviews:detail", args=[demo_case["review"].pk]))
    assert "Deadline alerts by e-mail" in review_page and "Sent" in review_page
    assert people["koordinaator"].email in review_page
    notification_page = page_text(coordinator, reverse("notifications:detail", args=[late.pk]))
    assert "Deadline alerts by e-mail" in notification_page
    # The lead reviewer opens the review but not the coordinators' e-mail.
    lead = page_text(login(people["analyytik"]), reverse("reviews:detail", args=[demo_case["review"].pk]))
    assert "Deadline alerts by e-mail" not in lead


def test_reminders_show_on_the_request_page(inquiries, people, login, django_capture_on_commit_callbacks):  # noqa: F811
    item = inquiries["sent_request"]
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_reminders(today=item.due_on + dt.timedelta(days=1)) == 1
    page = page_text(login(people["koordinaator"]), reverse("inquiries:request_detail", args=[item.pk]))
    assert "Reminder of an information request" in page and "vald@naidisvald.example" in page


def test_a_working_group_letter_shows_its_delivery_to_the_coordinator_only(
    group,  # noqa: F811
    people,
    login,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        letter = invitation_send(
            data={
                "seat": group["seat"],
                "to_email": "haigla@naidis.example",
                "cc_name": "Mari Maasikas",
                "cc_email": "mari@naidis.example",
                "language": "et",
                "subject": "Kutse töörühma",
                "body": "Tekst.",
                "reply_by": today() + dt.timedelta(days=14),
            },
            acting_user=people["koordinaator"],
        )
    url = reverse("workgroup:invitation_detail", args=[letter.pk])
    page = page_text(login(people["koordinaator"]), url)
    assert "The letter as sent by e-mail" in page and "copy to mari@naidis.example" in page and "Sent" in page
    accepted = reverse("workgroup:invitation_detail", args=[group["accepted_invitation"].pk])
    assert "<h2>E-mail</h2>" not in page_text(login(people["tooruhm"]), accepted)
