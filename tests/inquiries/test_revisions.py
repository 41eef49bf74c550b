"""No silent overwrite in information gathering: an organisation's involvement and the draft letter of an
information request. The second of two saves from the same version is refused, nothing of it is stored,
and the page shows both versions; a letter changed meanwhile is not sent unseen."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from tests.concurrency import assert_both_versions, changed, page_form


def test_an_involvement(people, login, inquiries):
    first, second = login(people["koordinaator"]), login(people["koordinaator"])
    involvement = inquiries["involvement"]
    url = reverse("inquiries:involvement_edit", kwargs={"pk": involvement.pk})
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, contact_name="Esimene Kontakt")).status_code == 302
    refused = second.post(url, changed(theirs, contact_name="Teine Kontakt"))
    involvement.refresh_from_db()
    assert (involvement.contact_name, involvement.revision) == ("Esimene Kontakt", 1)
    assert_both_versions(refused, "Contact person", theirs="Esimene Kontakt", yours="Teine Kontakt", revision=1)
    assert second.post(url, page_form(refused)).status_code == 302
    involvement.refresh_from_db()
    assert (involvement.contact_name, involvement.revision) == ("Teine Kontakt", 2)


def test_the_request_letter(people, login, inquiries):
    first, second = login(people["koordinaator"]), login(people["koordinaator"])
    draft = inquiries["draft_request"]
    url = reverse("inquiries:request_edit", kwargs={"pk": draft.pk})
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, subject="Esimese teema")).status_code == 302
    refused = second.post(url, changed(theirs, subject="Teise teema"))
    draft.refresh_from_db()
    assert (draft.subject, draft.revision) == ("Esimese teema", 1)
    assert_both_versions(refused, "Subject", theirs="Esimese teema", yours="Teise teema", revision=1)
    assert second.post(url, page_form(refused)).status_code == 302
    draft.refresh_from_db()
    assert (draft.subject, draft.revision) == ("Teise teema", 2)


def test_a_letter_changed_meanwhile_is_not_sent_unseen(people, login, inquiries, django_capture_on_commit_callbacks):
    first, second = login(people["koordinaator"]), login(people["koordinaator"])
    draft = inquiries["draft_request"]
    edit, send = (reverse(f"inquiries:{name}", kwargs={"pk": draft.pk}) for name in ("request_edit", "request_send"))
    sending = page_form(second.get(edit), action=send)
    assert first.post(edit, changed(page_form(first.get(edit)), subject="Muudetud teema")).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        refused = second.post(send, sending, follow=True)
    draft.refresh_from_db()
    assert draft.sent_at is None and mail.outbox == []
    page = refused.content.decode()
    assert 'role="alert"' in page and "Someone else changed this after you opened the page" in page
    assert "Muudetud teema" in page  # the letter page, showing the letter as it is now
    with django_capture_on_commit_callbacks(execute=True):
        assert second.post(send, page_form(refused, action=send)).status_code == 302
    draft.refresh_from_db()
    assert draft.sent_at is not None and mail.outbox[0].subject == "Muudetud teema"


def test_a_letter_sent_meanwhile_is_not_changed(people, login, inquiries):
    first, second = login(people["koordinaator"]), login(people["koordinaator"])
    draft = inquiries["draft_request"]
    edit, send = (reverse(f"inquiries:{name}", kwargs={"pk": draft.pk}) for name in ("request_edit", "request_send"))
    theirs = page_form(second.get(edit))
    assert first.post(send, page_form(first.get(edit), action=send)).status_code == 302
    response = second.post(edit, changed(theirs, subject="Liiga hilja"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.subject != "Liiga hilja" and draft.sent_at is not None
