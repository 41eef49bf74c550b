"""Saves from the same revision at the same moment (SQLite and PostgreSQL): exactly one goes through, every
other is refused with the record as the winner left it, and nothing of the refused ones is stored."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from accounts.models import Organisation, User
from accounts.services import organisation_update
from audit.models import Action, AuditEvent
from core.concurrency import EditConflict
from tests.audit.test_concurrency import file_backed_sqlite

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_only_one_of_simultaneous_saves_from_the_same_revision_is_stored(tmp_path):
    administrator = User.objects.create(username="haldur-kiirus")
    organisation = Organisation.objects.create(name="Näidisvalla Vallavalitsus", sector="local_government")
    saved: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def save(number: int) -> None:
        data = {"name": organisation.name, "registry_code": "", "email": "", "region": f"Maakond {number}"}
        try:
            start.wait(timeout=30)
            organisation_update(
                organisation=organisation,
                data={**data, "sector": "local_government"},
                revision=0,
                acting_user=administrator,
            )
            saved.append(number)
        except EditConflict as conflict:
            refused.append(conflict.current.region)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    with file_backed_sqlite(tmp_path):
        threads = [threading.Thread(target=save, args=(number,)) for number in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
        assert not errors, errors
        assert len(saved) == 1 and len(refused) == THREADS - 1
        organisation.refresh_from_db()
        assert (organisation.region, organisation.revision) == (f"Maakond {saved[0]}", 1)
        # Each refusal showed the winner's version, and only the winner's save was audited.
        assert set(refused) == {organisation.region}
        assert AuditEvent.objects.filter(action=Action.UPDATE, object_type="accounts.organisation").count() == 1
