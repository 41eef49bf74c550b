"""Concurrent writers get a gapless sequence and an intact chain (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, connections, transaction

from audit.log import record
from audit.models import Action, AuditChainHead, AuditEvent, Purpose
from audit.verify import check_chain

THREADS = 6
EVENTS_EACH = 15


@contextmanager
def file_backed_sqlite(tmp_path) -> Iterator[None]:
    """On SQLite, run on a copy of the test database in a file, as the product does.

    The in-memory test database is shared between threads through SQLite's shared cache, whose table
    locks fail at once ("database table is locked") instead of waiting out the busy timeout; that is a
    property of the test set-up, not of the product, which runs on a file. PostgreSQL needs nothing.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = tmp_path / "concurrency.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])
    memory_settings = connections.settings["default"]
    memory_connection = connections["default"]
    connections.settings["default"] = {**memory_settings, "NAME": str(path)}
    file_connection = connections.create_connection("default")
    connections["default"] = file_connection
    try:
        yield
    finally:
        file_connection.close()
        connections["default"] = memory_connection
        connections.settings["default"] = memory_settings


def write_events(number: int) -> None:
    for index in range(EVENTS_EACH):
        detail = {"writer": number, "index": index}
        if index % 3 == 0:
            # Inside a longer transaction of the caller's, as services do.
            with transaction.atomic():
                record(actor=None, action=Action.UPDATE, purpose=Purpose.SYSTEM, detail=detail)
        else:
            record(actor=None, action=Action.READ, purpose=Purpose.SYSTEM, object_ids=[number, index], detail=detail)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_a_gapless_sequence_and_an_intact_chain(tmp_path):
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def writer(number: int) -> None:
        try:
            start.wait(timeout=30)
            write_events(number)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    with file_backed_sqlite(tmp_path):
        threads = [threading.Thread(target=writer, args=(number,)) for number in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
        assert not errors, errors

        total = THREADS * EVENTS_EACH
        sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
        assert sequences == list(range(1, total + 1))
        # Every writer's every event is there exactly once.
        written = sorted((d["writer"], d["index"]) for d in AuditEvent.objects.values_list("detail", flat=True))
        assert written == sorted((w, i) for w in range(THREADS) for i in range(EVENTS_EACH))
        assert AuditChainHead.objects.get(pk=1).sequence == total
        check = check_chain()
        assert check.problem is None
        assert check.events == total
