"""Information requests (stage 5): drafting from the method's letter, sending with a due date, the grid,
and who may open a request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent, Purpose
from core.workdays import add_working_days
from inquiries import services
from inquiries.models import InformationRequest, Involvement, RequestContributor, RequestStatus

pytestmark = pytest.mark.django_db


def detail_url(item) -> str:
    return reverse("inquiries:request_detail", kwargs={"pk": item.pk})


def test_coordinator_drafts_a_request_from_the_methods_template(people, login, inquiries):
    involvement = inquiries["involvement"]
    client = login(people["koordinaator"])
    response = client.post(reverse("inquiries:request_create", kwargs={"pk": involvement.pk}), {"language": "en"})
    item = InformationRequest.objects.filter(involvement=involvement).latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("inquiries:request_edit", args=[item.pk])
    assert item.language == "en" and item.status() == RequestStatus.DRAFT
    assert item.subject == "Information request: case review TV-DEMO-0001-R1"
    assert "Dear Näidisvalla Vallavalitsus" in item.letter and "pseudonym Laps A" in item.letter
    assert "Kadri Koordinaator" in item.letter
    # Filled in when the letter is sent.
    assert "{due_date}" in item.letter and "{submission_link}" in item.letter
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"Dear N\xc3\xa4idisvalla Vallavalitsus" in page.content
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(item.pk), review_id=involvement.review_id)


def test_draft_is_in_estonian_by_default(people, inquiries):
    draft = inquiries["draft_request"]
    assert draft.language == "et" and draft.letter.startswith("Lugupeetud Näidislinna Lastehaigla SA")


def test_coordinator_edits_the_letter_and_sends_it(people, login, inquiries, django_capture_on_commit_callbacks):
    draft = inquiries["draft_request"]
    client = login(people["koordinaator"])
    edit = reverse("inquiries:request_edit", kwargs={"pk": draft.pk})
    letter = draft.letter.replace("Lugupeetud", "Hea")
    assert client.post(edit, {"subject": draft.subject, "letter": letter, "revision": "0"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("inquiries:request_send", kwargs={"pk": draft.pk}), {"revision": "1"})
    assert response.status_code == 302 and response["Location"] == detail_url(draft)
    draft.refresh_from_db()
    assert draft.sent_at is not None and draft.status() == RequestStatus.SENT
    assert draft.due_on == add_working_days(timezone.localdate(), 10)
    assert "{due_date}" not in draft.letter and draft.due_on.strftime("%d.%m.%Y") in draft.letter
    link = f"http://127.0.0.1:8000/reviews/requests/{draft.pk}/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["info@lastehaigla.example"]
    assert message.subject == "Teabenõue: juhtumi tagantjärele analüüs TV-DEMO-0001-R1"
    assert message.body.startswith("Hea Näidislinna Lastehaigla SA") and link in message.body
    event = AuditEvent.objects.get(action=Action.SEND, object_id=str(draft.pk))
    assert event.actor == people["koordinaator"] and event.detail["to"] == "info@lastehaigla.example"
    # A sent letter can no longer be changed or sent again.
    assert client.get(edit)["Location"] == detail_url(draft)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inquiries:request_send", kwargs={"pk": draft.pk}), {"revision": "2"})
    assert len(mail.outbox) == 1


def test_link_uses_the_site_url_setting(settings, people, inquiries, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://tagasivaade.example"
    draft = inquiries["draft_request"]
    with django_capture_on_commit_callbacks(execute=True):
        services.request_send(information_request=draft, revision=draft.revision, acting_user=people["koordinaator"])
    assert f"https://tagasivaade.example/reviews/requests/{draft.pk}/" in mail.outbox[0].body


def test_no_e_mail_leaves_when_sending_fails(people, inquiries, django_capture_on_commit_callbacks):
    sent = inquiries["sent_request"]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="already been sent"):
        services.request_send(information_request=sent, revision=sent.revision, acting_user=people["koordinaator"])
    assert mail.outbox == []


def test_empty_letter_is_refused_and_nothing_saved(people, login, inquiries):
    draft = inquiries["draft_request"]
    response = login(people["koordinaator"]).post(
        reverse("inquiries:request_edit", kwargs={"pk": draft.pk}), {"subject": "", "letter": ""}
    )
    assert response.status_code == 200 and b"Enter the text of the letter." in response.content
    assert InformationRequest.objects.get(pk=draft.pk).letter == draft.letter


def test_status_follows_the_request(people, inquiries):
    item = inquiries["sent_request"]
    due = item.due_on
    assert item.status(due) == RequestStatus.SENT
    assert item.status(due + dt.timedelta(days=1)) == RequestStatus.OVERDUE
    item.reminded_at = timezone.now()
    assert item.status(due) == RequestStatus.REMINDED
    item.received_at = timezone.now()
    assert item.status(due + dt.timedelta(days=30)) == RequestStatus.RECEIVED
    assert inquiries["draft_request"].status() == RequestStatus.DRAFT


def test_grid_shows_every_request_overdue_first_with_its_status_in_words(people, login, inquiries):
    review = inquiries["review"]
    school = Involvement.objects.create(
        review=review,
        organisation=people["tooruhm"].organisation,
        code="KOOL-01",
        contact_name="Kati Kool",
        contact_email="kati@naidiskool.example",
    )
    overdue = InformationRequest.objects.create(
        involvement=school,
        subject="s",
        letter="l",
        created_by=people["koordinaator"],
        sent_at=timezone.now() - dt.timedelta(days=30),
        due_on=timezone.localdate() - dt.timedelta(days=5),
    )
    response = login(people["koordinaator"]).get(reverse("inquiries:request_grid", kwargs={"pk": review.pk}))
    assert response.status_code == 200
    rows = response.content.decode().split("<tbody>")[1]
    assert rows.index("KOOL-01") < rows.index("VALD-LK") < rows.index("HAIGLA-01")
    assert "tag--overdue" in rows and ">Overdue<" in rows and ">Sent<" in rows and ">Draft<" in rows
    event = AuditEvent.objects.get(actor=people["koordinaator"], action=Action.LIST)
    assert set(event.object_ids) == {
        str(overdue.pk),
        str(inquiries["sent_request"].pk),
        str(inquiries["draft_request"].pk),
    }
    assert event.purpose == Purpose.COORDINATION and event.review_id == review.pk


def test_contributor_reads_their_own_request_only(people, login, inquiries):
    client = login(people["asutus"])
    sent = inquiries["sent_request"]
    page = client.get(detail_url(sent))
    assert page.status_code == 200
    assert b"Lugupeetud N\xc3\xa4idisvalla Vallavalitsus" in page.content
    assert reverse("submissions:request", kwargs={"pk": sent.pk}).encode() in page.content
    # Nothing else of the review: no links to its pages, nobody else's contact details.
    for name in ("inquiries:request_grid", "inquiries:involvement_list", "reviews:detail"):
        assert reverse(name, kwargs={"pk": sent.involvement.review_id}).encode() not in page.content
    event = AuditEvent.objects.get(actor=people["asutus"], action=Action.READ)
    assert event.purpose == Purpose.INFORMATION_REQUEST and event.object_id == str(sent.pk)
    assert event.review_id == sent.involvement.review_id


def test_contributor_cannot_reach_another_agencys_request_nor_any_review_page(people, login, inquiries):
    client = login(people["asutus"])
    review = inquiries["review"]
    other = inquiries["draft_request"]
    for url in (
        detail_url(other),
        reverse("inquiries:request_edit", kwargs={"pk": other.pk}),
        reverse("inquiries:contributor_add", kwargs={"pk": other.pk}),
        reverse("inquiries:terms", kwargs={"pk": review.pk}),
        reverse("inquiries:involvement_list", kwargs={"pk": review.pk}),
        reverse("inquiries:involvement_create", kwargs={"pk": review.pk}),
        reverse("inquiries:request_grid", kwargs={"pk": review.pk}),
        reverse("inquiries:involvement_edit", kwargs={"pk": other.involvement_id}),
        reverse("reviews:detail", kwargs={"pk": review.pk}),
        reverse("notifications:detail", kwargs={"pk": review.notification_id}),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("inquiries:request_send", kwargs={"pk": other.pk})).status_code == 404
    assert InformationRequest.objects.get(pk=other.pk).sent_at is None
    # The coordinator's team page does not reveal the review to someone who cannot read it.
    assert client.get(reverse("reviews:team", kwargs={"pk": review.pk})).status_code == 404
    # Their own request's management pages are the coordinator's.
    own = inquiries["sent_request"]
    assert client.get(reverse("inquiries:contributor_add", kwargs={"pk": own.pk})).status_code == 403
    assert not AuditEvent.objects.filter(actor=people["asutus"]).exists()


def test_team_member_reads_a_request_but_cannot_send_it(people, login, inquiries):
    client = login(people["meeskonnaliige"])
    draft = inquiries["draft_request"]
    assert client.get(detail_url(draft)).status_code == 200
    assert client.post(reverse("inquiries:request_send", kwargs={"pk": draft.pk})).status_code == 403
    assert InformationRequest.objects.get(pk=draft.pk).sent_at is None
    event = AuditEvent.objects.filter(actor=people["meeskonnaliige"], action=Action.READ).first()
    assert event is not None and event.purpose == Purpose.REVIEW


@pytest.mark.parametrize("username", ["tooruhm", "juhtkond", "audiitor"])
def test_outsiders_get_not_found(people, login, inquiries, username):
    assert login(people[username]).get(detail_url(inquiries["sent_request"])).status_code == 404


def test_signed_out_visitor_following_the_e_mail_link_is_sent_to_sign_in(client, inquiries):
    url = detail_url(inquiries["sent_request"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login")) and "next=" in response["Location"]


def test_demo_contributor_is_linked_to_the_demo_request(people, inquiries):
    assert RequestContributor.objects.filter(request=inquiries["sent_request"], user=people["asutus"]).exists()
