"""No silent overwrite in administration: organisations and user accounts (with their system roles).
The second of two saves from the same version is refused, nothing of it is stored, and the page shows
both versions."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Organisation, RoleGrant
from accounts.services import break_glass_admin_save
from audit.models import Action, AuditEvent
from tests.concurrency import assert_both_versions, changed, page_form


def test_an_organisation(people, login):
    first, second = login(people["haldur"]), login(people["koordinaator"])
    organisation = Organisation.objects.get(registry_code="75000004")
    url = reverse("accounts:organisation_edit", args=[organisation.pk])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, region="Tartu maakond")).status_code == 302
    refused = second.post(url, changed(theirs, region="Pärnu maakond"))
    organisation.refresh_from_db()
    assert (organisation.region, organisation.revision) == ("Tartu maakond", 1)
    assert_both_versions(refused, "Region", theirs="Tartu maakond", yours="Pärnu maakond", revision=1)
    assert second.post(url, page_form(refused)).status_code == 302
    organisation.refresh_from_db()
    assert (organisation.region, organisation.revision) == ("Pärnu maakond", 2)


def test_a_user_and_their_roles(people, login):
    first, second = login(people["haldur"]), login(people["haldur"])
    person = people["audiitor"]
    url = reverse("accounts:user_edit", args=[person.pk])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, changed(mine, roles=["auditor", "management"])).status_code == 302
    reads = AuditEvent.objects.filter(action=Action.READ, object_id=str(person.pk)).count()
    refused = second.post(url, changed(theirs, roles=["auditor", "method_editor"], last_name="Teine"))
    # The comparison shows the account as saved now (the whole personal code): a read, audited.
    assert AuditEvent.objects.filter(action=Action.READ, object_id=str(person.pk)).count() == reads + 1
    person.refresh_from_db()
    assert set(RoleGrant.objects.filter(user=person).values_list("role", flat=True)) == {"auditor", "management"}
    assert person.last_name != "Teine" and person.revision == 1
    assert_both_versions(
        refused, "System roles", theirs="Auditor, Management", yours="Auditor, Method editor", revision=1
    )
    assert second.post(url, page_form(refused)).status_code == 302
    person.refresh_from_db()
    assert person.last_name == "Teine"
    assert set(RoleGrant.objects.filter(user=person).values_list("role", flat=True)) == {"auditor", "method_editor"}


def test_a_break_glass_change_makes_an_open_user_page_stale(people, login):
    client = login(people["haldur"])
    person = people["audiitor"]
    url = reverse("accounts:user_edit", args=[person.pk])
    opened = page_form(client.get(url))
    break_glass_admin_save(username=person.username, password="Pikk-ja-keeruline-1")
    refused = client.post(url, changed(opened, is_break_glass=[]))
    person.refresh_from_db()
    assert person.is_break_glass
    assert "Someone else saved a change here" in refused.content.decode()
