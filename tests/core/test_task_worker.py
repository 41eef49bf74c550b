"""The background-task worker (`manage.py task_worker`) goes on with the next task when the database
fails one: the real worker loop runs over a real database, whose connection a task breaks."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from tests.file_database import file_database  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


@task()
def break_the_connection() -> None:
    """A task whose database goes away under it (a server restart, an ended connection): its own query
    fails, and so does recording the failure on the same connection."""
    connection.connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@task()
def count_entries() -> int:
    from chronology.models import ChronologyEntry

    return ChronologyEntry.objects.count()


@pytest.fixture
def database_tasks(settings, file_database):  # noqa: F811
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker(command: str) -> None:
    call_command(command, "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)


def status(result) -> str:
    return DBTaskResult.objects.get(id=result.id).status


def test_a_task_that_breaks_the_database_does_not_stop_the_worker(database_tasks):
    broken = break_the_connection.enqueue()
    after = count_entries.enqueue()
    run_worker("task_worker")
    assert status(broken) == "FAILED"
    assert status(after) == "SUCCESSFUL"
    failed = DBTaskResult.objects.get(id=broken.id)
    assert failed.exception_class_path.startswith("django.db")  # the database error, as it was raised


def test_django_tasks_db_own_worker_stops_there(database_tasks):
    """Why the project has its own command: db_worker lets the error out of its loop (and with --reload,
    the default with DEBUG on, its thread dies while the process lives on)."""
    break_the_connection.enqueue()
    after = count_entries.enqueue()
    with pytest.raises(Exception) as stopped:
        run_worker("db_worker")
    assert type(stopped.value).__module__.startswith("django.db")
    connection.close()
    assert status(after) == "READY"
