"""`file_database`: for a test marked `django_db(transaction=True)` that needs several connections to
meet as they do in production. On SQLite the test database is in memory, where one connection's write
lock cannot be seen by another; this fixture copies it (with the rows the test's fixtures made) to a
file and points every new connection at that file for the test, with a short lock timeout, so that a
lock held too long shows as "database is locked" within a second. On PostgreSQL it changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections

LOCK_TIMEOUT = 1  # seconds a connection waits for SQLite's write lock (20 in the settings)


@pytest.fixture
def file_database(tmp_path: Path) -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    path = tmp_path / "database.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = connection.settings_dict
    saved = dict(settings_dict), dict(settings_dict.get("OPTIONS", {}))
    in_memory = connection.connection  # keeps the in-memory database alive meanwhile
    connection.connection = None
    settings_dict["NAME"] = str(path)
    settings_dict.setdefault("OPTIONS", {})["timeout"] = LOCK_TIMEOUT
    try:
        yield
    finally:
        for other in connections.all(initialized_only=True):
            other.close()
        settings_dict.clear()
        settings_dict.update(saved[0])
        settings_dict["OPTIONS"] = saved[1]
        connection.connection = in_memory
