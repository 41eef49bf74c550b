"""E-mail through a real SMTP server started by the test (aiosmtpd on a loopback port): while the server
refuses or is down, the person's action still succeeds; the message is tried again (an injected clock
says when) and delivered once when the server is back; the page shows it not delivered, then sent. A
worker killed while sending leaves the message to be sent again, once, with the same Message-ID."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core import queue
from core.management.commands.task_worker import Worker
from core.models import WorkerHeartbeat
from inquiries.models import InformationRequest
from outbox.due import enqueue_due_messages
from outbox.models import OutboundMessage
from outbox.services import message_queue, messages_about
from tests.file_database import file_database  # noqa: F401 - fixture
from tests.inquiries.conftest import inquiries  # noqa: F401 - fixture
from tests.outbox.smtp import smtp_server  # noqa: F401 - fixture
from tests.worker_process import kill, start_worker, until
from tests.workgroup.conftest import group  # noqa: F401 - fixture
from workgroup.meeting_services import meeting_send_invitations

Status = OutboundMessage.Status


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


@pytest.mark.django_db
def test_a_request_sent_while_the_mail_server_refuses_is_delivered_once_when_it_accepts_again(
    smtp_server,  # noqa: F811
    inquiries,  # noqa: F811
    people,
    login,
    django_capture_on_commit_callbacks,
):
    draft: InformationRequest = inquiries["draft_request"]
    client = login(people["koordinaator"])
    detail = reverse("inquiries:request_detail", args=[draft.pk])
    smtp_server.refuse = True

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("inquiries:request_send", args=[draft.pk]), {"revision": str(draft.revision)})

    # The person's action succeeded: the request is sent, and the page says so, not a server error.
    assert response.status_code == 302 and response["Location"] == detail
    draft.refresh_from_db()
    assert draft.sent_at is not None
    (message,) = messages_about(draft)
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert message.last_error == "SMTPRecipientsRefused: 451 4.3.0 Mailbox busy, try again later"
    assert smtp_server.received == []
    page = page_text(client, detail)
    assert "Not delivered yet" in page and "Attempt 1 failed; trying again at" in page
    assert "451 4.3.0 Mailbox busy" in page

    # The server accepts again; the producer, a minute later by its clock, queues the next attempt.
    smtp_server.refuse = False
    assert enqueue_due_messages(now=message.next_attempt_at - dt.timedelta(seconds=1)) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert len(enqueue_due_messages(now=message.next_attempt_at)) == 1
    (delivered,) = smtp_server.received
    assert delivered["Message-ID"] == message.message_id
    assert delivered["To"] == "info@lastehaigla.example"
    assert f"/reviews/requests/{draft.pk}/" in delivered.get_payload(decode=True).decode()
    sent = OutboundMessage.objects.get(pk=message.pk)
    assert (sent.status, sent.attempts) == (Status.SENT, 2)
    page = page_text(client, detail)
    assert "Sent" in page and "Not delivered yet" not in page

    # Later runs send nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_due_messages(now=timezone.now() + dt.timedelta(days=1)) == []
    assert len(smtp_server.received) == 1


@pytest.mark.django_db
def test_while_the_server_is_down_the_message_fails_after_its_attempts_and_the_page_says_so(
    smtp_server,  # noqa: F811
    inquiries,  # noqa: F811
    people,
    login,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    draft = inquiries["draft_request"]
    smtp_server.stop()
    client = login(people["koordinaator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("inquiries:request_send", args=[draft.pk]), {"revision": str(draft.revision)})
    assert response.status_code == 302
    (message,) = messages_about(draft)
    assert message.last_error == "ConnectionRefusedError: Connection refused"
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_due_messages(now=message.next_attempt_at)
    failed = OutboundMessage.objects.get(pk=message.pk)
    assert (failed.status, failed.attempts) == (Status.FAILED, 2)
    page = page_text(client, reverse("inquiries:request_detail", args=[draft.pk]))
    assert "Not delivered" in page and "Failed after 2 attempts." in page
    # The agency's contributor, who can open its own request, does not see how the e-mail went.
    sent = inquiries["sent_request"]
    assert "<h2>E-mail</h2>" in page_text(client, reverse("inquiries:request_detail", args=[sent.pk]))
    assert "<h2>E-mail</h2>" not in page_text(
        login(people["asutus"]), reverse("inquiries:request_detail", args=[sent.pk])
    )


@pytest.mark.django_db
def test_a_meeting_invitation_refused_for_one_member_reaches_every_other_member_and_then_them(
    smtp_server,  # noqa: F811
    group,  # noqa: F811
    people,
    login,
    django_capture_on_commit_callbacks,
):
    meeting = group["meeting"]
    smtp_server.refuse_only = {"tooruhm@demo.example"}
    with django_capture_on_commit_callbacks(execute=True):
        members = meeting_send_invitations(meeting=meeting, acting_user=people["koordinaator"])
    assert len(members) > 1
    others = sorted(m.email for m in members if m.email != "tooruhm@demo.example")
    assert sorted(address for envelope in smtp_server.envelopes for address in envelope) == others
    waiting = OutboundMessage.objects.get(to=["tooruhm@demo.example"])
    assert (waiting.status, waiting.kind) == (Status.QUEUED, OutboundMessage.Kind.MEETING_INVITATION)
    client = login(people["koordinaator"])
    page = page_text(client, reverse("workgroup:meeting_detail", args=[meeting.pk]))
    assert "Not delivered yet" in page and page.count("Meeting invitation") == len(members)

    smtp_server.refuse_only = set()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_due_messages(now=waiting.next_attempt_at)
    assert len(smtp_server.received) == len(members)
    assert len(set(smtp_server.message_ids())) == len(members)
    assert set(messages_about(meeting).values_list("status", flat=True)) == {Status.SENT}
    assert "Not delivered yet" not in page_text(client, reverse("workgroup:meeting_detail", args=[meeting.pk]))
    # The working-group member opens the meeting page but not the e-mail log.
    assert "E-mail to the members" not in page_text(
        login(people["tooruhm"]), reverse("workgroup:meeting_detail", args=[meeting.pk])
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_leaves_the_message_to_be_sent_again_once(
    smtp_server,  # noqa: F811
    file_database,  # noqa: F811
    settings,
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    message = message_queue(
        kind=OutboundMessage.Kind.ADMINISTRATOR_NOTICE, to=["ops@example.org"], subject="Teade", body="Tekst"
    )  # outside a transaction: its task is queued at once, in the database
    smtp_server.hold = True
    process = start_worker(
        "killed-while-sending",
        EMAIL_BACKEND=settings.EMAIL_BACKEND,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port),
    )
    try:
        until(smtp_server.holding.is_set, process=process)
    finally:
        kill(process)
    connection.close()
    smtp_server.hold = False
    assert smtp_server.received == []
    held = OutboundMessage.objects.get(pk=message.pk)
    assert (held.status, held.attempts) == (Status.SENDING, 1)

    # The queue's recovery (an injected clock past the lost-after time) runs the same task again, which
    # takes up the message it held; the outbox's own lease has not run out, so it queues nothing twice.
    beat_at = WorkerHeartbeat.objects.get(worker_id="killed-while-sending").beat_at
    recovery_time = beat_at + dt.timedelta(seconds=settings.TASK_WORKER_LOST_AFTER_SECONDS + 1)
    assert len(queue.recover_abandoned_tasks(now=recovery_time)) == 1
    assert enqueue_due_messages(now=recovery_time) == []
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="successor",
        excluded_queue_names=[],
    ).run()

    assert smtp_server.message_ids() == [message.message_id]
    sent = OutboundMessage.objects.get(pk=message.pk)
    assert (sent.status, sent.attempts) == (Status.SENT, 2)
