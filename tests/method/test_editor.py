"""The method editor: draft, edit a section, see the differences, publish; who may do what."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from method.models import MethodVersion
from method.seeds import load_seed
from method.services import (
    MethodDraftExists,
    MethodEditConflict,
    MethodVersionPublished,
    method_draft_create,
    method_publish,
    method_section_update,
    section_to_yaml,
)

OUTCOMES_WITH_ONE_MORE = """\
- code: death
  label: {et: Surm, en: Death, ru: Смерть}
- code: hospitalisation
  label: {et: Hospitaliseerimine, en: Hospitalisation, ru: Госпитализация}
- code: other_serious_harm
  label: {et: Muu raske kahju, en: Other serious harm, ru: Другой тяжкий вред}
- code: lasting_disability
  label: {et: Püsiv puue, en: Lasting disability, ru: Стойкая инвалидность}
"""


@pytest.fixture
def client_for(login):
    """A signed-in client that reads the pages in English."""

    def make(user):
        client = login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture
def editor(people):
    return people["metoodik"]


@pytest.fixture
def coordinator(people):
    return people["koordinaator"]


@pytest.fixture
def outsider(people):
    return people["audiitor"]


@pytest.fixture
def draft(editor):
    return method_draft_create(acting_user=editor)


def events(action, version):
    return AuditEvent.objects.filter(
        action=action, object_type="method.methodversion", object_id=str(version.pk), purpose="method"
    )


# --- Services ---------------------------------------------------------------------------------


def test_editor_creates_a_draft_copy_of_the_latest_published_version(method_v1, editor):
    draft = method_draft_create(acting_user=editor)
    assert draft.number == 2
    assert draft.status == MethodVersion.Status.DRAFT
    assert draft.based_on == method_v1
    assert draft.content == method_v1.content
    assert draft.created_by == editor
    assert events("create", draft).get().actor == editor


def test_only_one_draft_at_a_time(draft, editor):
    with pytest.raises(MethodDraftExists) as raised:
        method_draft_create(acting_user=editor)
    assert raised.value.draft == draft
    assert MethodVersion.objects.count() == 2


def test_editor_saves_a_valid_section(draft, editor):
    saved = method_section_update(
        version=draft, section="outcomes", text=OUTCOMES_WITH_ONE_MORE, revision=1, acting_user=editor
    )
    assert saved.revision == 2
    draft.refresh_from_db()
    assert [o["code"] for o in draft.content["outcomes"]][-1] == "lasting_disability"
    event = events("update", draft).get()
    assert event.detail == {"number": 2, "section": "outcomes", "revision": 2}


def test_an_invalid_section_is_not_saved(draft, editor):
    from method.loader import MethodContentError

    with pytest.raises(MethodContentError) as raised:
        method_section_update(version=draft, section="outcomes", text="- code: death\n", revision=1, acting_user=editor)
    assert "outcomes[1] (death): label is missing." in raised.value.errors
    draft.refresh_from_db()
    assert draft.revision == 1
    assert len(draft.content["outcomes"]) == 3
    assert not events("update", draft).exists()


def test_a_lost_update_is_refused(draft, editor, coordinator):
    # Two editors open revision 1; the first saves; the second's save must not overwrite it.
    method_section_update(
        version=draft, section="outcomes", text=OUTCOMES_WITH_ONE_MORE, revision=1, acting_user=editor
    )
    theirs = draft.content  # stale in memory
    with pytest.raises(MethodEditConflict) as raised:
        method_section_update(
            version=draft,
            section="outcomes",
            text=section_to_yaml(theirs["outcomes"][:2]),
            revision=1,
            acting_user=editor,
        )
    conflict = raised.value
    assert conflict.your_revision == 1
    assert conflict.version.revision == 2
    assert "lasting_disability" in conflict.their_text
    assert "metoodik" in conflict.saved_by
    draft.refresh_from_db()
    assert len(draft.content["outcomes"]) == 4
    assert events("update", draft).count() == 1


def test_publishing_needs_a_change_note_and_records_who(draft, editor):
    from method.services import MethodServiceError

    with pytest.raises(MethodServiceError):
        method_publish(version=draft, change_note="  ", acting_user=editor)
    published = method_publish(version=draft, change_note="Lisatud püsiv puue.", acting_user=editor)
    assert published.is_published
    assert published.published_by == editor
    assert published.published_at is not None
    assert MethodVersion.objects.current() == published
    assert events("update", published).get().detail["published"] is True


def test_publishing_a_stale_view_of_the_draft_is_refused(draft, editor):
    from method.services import MethodServiceError

    method_section_update(
        version=draft, section="outcomes", text=OUTCOMES_WITH_ONE_MORE, revision=1, acting_user=editor
    )
    with pytest.raises(MethodServiceError):
        method_publish(version=draft, change_note="Muudatus", revision=1, acting_user=editor)
    draft.refresh_from_db()
    assert not draft.is_published


def test_a_published_version_is_never_changed(method_v1, editor):
    with pytest.raises(MethodVersionPublished):
        method_section_update(
            version=method_v1, section="outcomes", text=OUTCOMES_WITH_ONE_MORE, revision=1, acting_user=editor
        )
    method_v1.status = MethodVersion.Status.DRAFT
    with pytest.raises(ValidationError):
        method_v1.save()
    method_v1.refresh_from_db()
    with pytest.raises(ValidationError):
        method_v1.delete()
    assert MethodVersion.objects.get(number=1).content == load_seed()


# --- Pages ------------------------------------------------------------------------------------


def test_editor_sees_the_versions_and_creates_a_draft(method_v1, editor, client_for):
    client = client_for(editor)
    response = client.get(reverse("method:list"))
    assert response.status_code == 200
    assert "Create a draft from version 1" in response.content.decode()
    assert "In use" in response.content.decode()
    listed = AuditEvent.objects.filter(action="list", purpose="method", actor=editor).get()
    assert listed.object_ids == [str(method_v1.pk)]

    response = client.post(reverse("method:draft_create"))
    draft = MethodVersion.objects.get(number=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("method:detail", kwargs={"number": 2})
    assert draft.status == MethodVersion.Status.DRAFT

    response = client.post(reverse("method:draft_create"), follow=True)
    assert "There can be only one draft at a time" in response.content.decode()
    assert MethodVersion.objects.count() == 2


def test_detail_shows_the_content_in_readable_tables(method_v1, coordinator, client_for):
    response = client_for(coordinator).get(reverse("method:detail", kwargs={"number": 1}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Method version 1</h1>" in page
    assert "Hooletusse jätmine" in page and "Пренебрежение нуждами ребёнка" in page
    assert "5 working days" in page and "15 working days" in page and "6 months" in page
    assert "the day the board became aware" in page
    assert "was_not_brought" in page and "180 calendar days" in page
    assert "health.primary_care" in page
    assert "Edit “" not in page  # coordinators read only
    assert "Publish version" not in page
    assert events("read", method_v1).filter(actor=coordinator).count() == 1


def test_editor_edits_a_section_of_a_draft(draft, editor, client_for):
    client = client_for(editor)
    url = reverse("method:edit_section", kwargs={"number": 2, "section": "outcomes"})
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="code"' in page
    assert 'name="revision" value="1"' in page
    assert "other_serious_harm" in page

    response = client.post(url, {"text": OUTCOMES_WITH_ONE_MORE, "revision": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.revision == 2
    assert draft.data.label("outcomes", "lasting_disability", "ru") == "Стойкая инвалидность"


def test_invalid_yaml_is_shown_in_the_error_summary_and_nothing_is_saved(draft, editor, client_for):
    url = reverse("method:edit_section", kwargs={"number": 2, "section": "stages"})
    response = client_for(editor).post(url, {"text": "- code: notification\n  label: [broken\n", "revision": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "stages, line" in page
    response = client_for(editor).post(
        url, {"text": section_to_yaml(draft.content["stages"]).replace("working_days", "weeks", 1), "revision": "1"}
    )
    assert "stages[1] (notification).time_limit.unit: weeks is not one of" in response.content.decode()
    draft.refresh_from_db()
    assert draft.revision == 1
    assert draft.content["stages"][0]["time_limit"]["unit"] == "working_days"


def test_a_concurrent_edit_is_refused_and_both_versions_are_shown(draft, editor, client_for):
    url = reverse("method:edit_section", kwargs={"number": 2, "section": "outcomes"})
    first, second = client_for(editor), client_for(editor)
    assert first.post(url, {"text": OUTCOMES_WITH_ONE_MORE, "revision": "1"}).status_code == 302
    mine = OUTCOMES_WITH_ONE_MORE.replace("Püsiv puue", "Püsiv tervisekahjustus")
    response = second.post(url, {"text": mine.replace("lasting_disability", "lasting_harm"), "revision": "1"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this draft after you opened it" in page
    assert "Their version (saved, revision 2)" in page
    assert "lasting_disability" in page and "lasting_harm" in page
    assert 'name="revision" value="2"' in page
    draft.refresh_from_db()
    assert draft.data.codes("outcomes")[-1] == "lasting_disability"
    assert draft.revision == 2


def test_a_published_version_has_no_edit_page(method_v1, editor, client_for):
    client = client_for(editor)
    url = reverse("method:edit_section", kwargs={"number": 1, "section": "outcomes"})
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": OUTCOMES_WITH_ONE_MORE, "revision": "1"}).status_code == 404
    method_v1.refresh_from_db()
    assert len(method_v1.content["outcomes"]) == 3


def test_an_unknown_section_is_not_found(draft, editor, client_for):
    url = reverse("method:edit_section", kwargs={"number": 2, "section": "no_such_section"})
    assert client_for(editor).get(url).status_code == 404


def test_diff_shows_added_codes_and_lines_with_text_markers(draft, editor, coordinator, client_for):
    method_section_update(
        version=draft, section="outcomes", text=OUTCOMES_WITH_ONE_MORE, revision=1, acting_user=editor
    )
    response = client_for(coordinator).get(reverse("method:diff", kwargs={"number": 2}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Differences of version 2 from version 1." in page
    assert "<code>+ lasting_disability</code>" in page
    assert '<span aria-hidden="true">+ </span>- code: lasting_disability' in page
    assert 'href="#diff-outcomes"' in page
    assert 'href="#diff-stages"' not in page
    assert events("read", draft).filter(actor=coordinator, detail__diff_from=1).count() == 1


def test_diff_of_the_first_version_says_there_is_nothing_to_compare(method_v1, editor, client_for):
    response = client_for(editor).get(reverse("method:diff", kwargs={"number": 1}))
    assert "This is the first version of the method" in response.content.decode()


def test_editor_publishes_a_draft(draft, editor, client_for):
    client = client_for(editor)
    url = reverse("method:publish", kwargs={"number": 2})
    response = client.post(url, {"change_note": "", "revision": "1"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published

    response = client.post(url, {"change_note": "Esimene täiendus.", "revision": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.published_by == editor
    assert draft.change_note == "Esimene täiendus."
    assert MethodVersion.objects.current().number == 2
    page = client.get(reverse("method:list")).content.decode()
    assert "Create a draft from version 2" in page


def test_publishing_twice_is_refused(method_v1, editor, client_for):
    response = client_for(editor).post(
        reverse("method:publish", kwargs={"number": 1}), {"change_note": "x", "revision": "1"}, follow=True
    )
    assert "Version 1 is already published." in response.content.decode()


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["audiitor", "juhtkond", "haldur", "analyytik", "asutus"])
def test_others_are_refused_every_method_page(draft, people, client_for, username):
    client = client_for(people[username])
    for name, kwargs in [
        ("method:list", {}),
        ("method:detail", {"number": 1}),
        ("method:diff", {"number": 2}),
        ("method:edit_section", {"number": 2, "section": "outcomes"}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name
    assert client.post(reverse("method:draft_create")).status_code == 403
    assert client.post(reverse("method:publish", kwargs={"number": 2}), {"change_note": "x"}).status_code == 403
    assert not AuditEvent.objects.filter(purpose="method", actor=people[username]).exists()


@pytest.mark.parametrize("reader", ["koordinaator", "tooruhm"])
def test_coordinator_and_working_group_read_but_cannot_change(draft, people, client_for, reader):
    client = client_for(people[reader])
    assert client.get(reverse("method:list")).status_code == 200
    assert client.get(reverse("method:detail", kwargs={"number": 2})).status_code == 200
    assert client.get(reverse("method:diff", kwargs={"number": 2})).status_code == 200
    assert "Create a draft" not in client.get(reverse("method:list")).content.decode()
    url = reverse("method:edit_section", kwargs={"number": 2, "section": "outcomes"})
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": OUTCOMES_WITH_ONE_MORE, "revision": "1"}).status_code == 403
    assert (
        client.post(reverse("method:publish", kwargs={"number": 2}), {"change_note": "x", "revision": "1"}).status_code
        == 403
    )
    draft.refresh_from_db()
    assert draft.revision == 1 and not draft.is_published


def test_signed_out_visitors_are_sent_to_sign_in(draft, client):
    for url in [
        reverse("method:list"),
        reverse("method:detail", kwargs={"number": 1}),
        reverse("method:diff", kwargs={"number": 2}),
        reverse("method:edit_section", kwargs={"number": 2, "section": "outcomes"}),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    response = client.post(reverse("method:draft_create"))
    assert response.status_code == 302
    assert MethodVersion.objects.count() == 2


def test_state_changes_need_post(draft, editor, client_for):
    client = client_for(editor)
    assert client.get(reverse("method:draft_create")).status_code == 405
    assert client.get(reverse("method:publish", kwargs={"number": 2})).status_code == 405
    assert client.post(reverse("method:list")).status_code == 405
    assert client.post(reverse("method:detail", kwargs={"number": 2})).status_code == 405
    assert client.put(reverse("method:edit_section", kwargs={"number": 2, "section": "outcomes"})).status_code == 405


def test_editor_discards_a_draft_and_the_published_versions_stay(draft, editor, client_for):
    response = client_for(editor).post(
        reverse("method:discard", kwargs={"number": draft.number}), {"revision": draft.revision}
    )
    assert response.status_code == 302
    assert not MethodVersion.objects.filter(number=draft.number).exists()
    assert MethodVersion.objects.current().number == 1
    event = AuditEvent.objects.filter(action="delete", object_type="method.methodversion").get()
    assert event.detail["number"] == draft.number and event.actor == editor
    # A new draft can be made afterwards.
    assert method_draft_create(acting_user=editor).status == MethodVersion.Status.DRAFT


def test_discarding_a_stale_view_of_the_draft_or_a_published_version_is_refused(draft, method_v1, editor, client_for):
    method_section_update(
        version=draft, section="outcomes", text=OUTCOMES_WITH_ONE_MORE, revision=draft.revision, acting_user=editor
    )
    client = client_for(editor)
    client.post(reverse("method:discard", kwargs={"number": draft.number}), {"revision": draft.revision})
    assert MethodVersion.objects.filter(number=draft.number).exists()
    client.post(reverse("method:discard", kwargs={"number": method_v1.number}), {"revision": method_v1.revision})
    assert MethodVersion.objects.filter(number=method_v1.number, status="published").exists()
    assert not AuditEvent.objects.filter(action="delete").exists()
