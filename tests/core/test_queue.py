"""The task queue's own layer (core/queue.py, `manage.py task_worker`): a task that raises is tried again
with backoff and ends failed after its attempts; each worker keeps a heartbeat row; a task whose worker
was killed runs again, and its effect happens once. Time comes from injected clocks, never from waiting."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from core import queue
from core.management.commands.task_worker import Worker
from core.models import WorkerHeartbeat
from tests.file_database import file_database  # noqa: F401 - fixture
from tests.worker_process import kill, start_worker, until

pytestmark = pytest.mark.django_db(transaction=True)

# A fixed clock a day in the past: the worker schedules each retry from it, so the retry is already due
# by the real clock the queue is read with, and the next pass of the same worker takes it at once.
YESTERDAY = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)


class Broken(Exception):
    pass


@task()
def always_fails() -> None:
    raise Broken("the same every time")


@task()
def gives_up() -> None:
    raise queue.FinalFailure("nothing another attempt can change")


@task(takes_context=True)
def write_once_then_hang(context: TaskContext, marker: str) -> int:
    """Makes a user in a transaction; on its first attempt it then says so (the marker file) and hangs
    there, uncommitted, until the process is killed."""
    with transaction.atomic():
        User.objects.create(username=f"effect-{context.attempt}")
        if context.attempt == 1:
            Path(marker).write_text("inside")
            threading.Event().wait(600)
    return context.attempt


@pytest.fixture
def database_tasks(settings, file_database):  # noqa: F811
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_RETRY_ATTEMPTS = 3
    settings.TASK_RETRY_BASE_SECONDS = 30
    settings.TASK_RETRY_MAX_SECONDS = 600


def one_pass(worker_id: str = "test-worker", clock=lambda: YESTERDAY) -> None:
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id=worker_id,
        excluded_queue_names=[],
        clock=clock,
    ).run()


def row(result) -> DBTaskResult:
    return DBTaskResult.objects.get(id=result.id)


def test_a_failing_task_is_tried_again_with_backoff_then_ends_failed_and_logged(database_tasks, caplog):
    result = always_fails.enqueue()
    one_pass()
    first = row(result)
    assert (first.status, len(first.worker_ids)) == ("READY", 1)
    assert first.run_after == YESTERDAY + dt.timedelta(seconds=30)
    assert first.exception_class_path == "tests.core.test_queue.Broken"  # the last error stays visible
    one_pass()
    second = row(result)
    assert (second.status, len(second.worker_ids)) == ("READY", 2)
    assert second.run_after == YESTERDAY + dt.timedelta(seconds=60)
    with caplog.at_level(logging.ERROR, logger="core.queue"):
        one_pass()
    last = row(result)
    assert (last.status, len(last.worker_ids)) == ("FAILED", 3)
    assert "the same every time" in last.traceback
    assert f"Task id={result.id}" in caplog.text and "failed for good after 3 attempt(s)" in caplog.text
    one_pass()  # nothing left to run
    assert row(result).status == "FAILED"


def test_a_final_failure_is_not_tried_again(database_tasks):
    result = gives_up.enqueue()
    one_pass()
    assert (row(result).status, len(row(result).worker_ids)) == ("FAILED", 1)


def test_a_retry_is_not_run_before_its_time(database_tasks):
    result = always_fails.enqueue()
    one_pass(clock=timezone.now)  # the retry is 30 s after the real now
    one_pass(clock=timezone.now)
    assert (row(result).status, len(row(result).worker_ids)) == ("READY", 1)


def test_the_worker_keeps_a_heartbeat_row_and_marks_an_orderly_stop(database_tasks):
    one_pass(worker_id="beating", clock=lambda: YESTERDAY)
    heartbeat = WorkerHeartbeat.objects.get(worker_id="beating")
    assert heartbeat.started_at == YESTERDAY and heartbeat.beat_at == YESTERDAY
    assert heartbeat.stopped_at == YESTERDAY
    assert heartbeat.pid and heartbeat.hostname


def running_task(*, worker_id: str, started: dt.datetime, attempts: int = 1) -> DBTaskResult:
    result = always_fails.enqueue()
    DBTaskResult.objects.filter(id=result.id).update(
        status="RUNNING", started_at=started, worker_ids=[f"earlier-{n}" for n in range(attempts - 1)] + [worker_id]
    )
    return row(result)


def test_a_task_whose_worker_stopped_beating_is_queued_again_once(database_tasks):
    now = timezone.now()
    queue.beat("silent", now=now - dt.timedelta(seconds=61))
    queue.beat("alive", now=now - dt.timedelta(seconds=5))
    lost = running_task(worker_id="silent", started=now - dt.timedelta(minutes=5))
    busy = running_task(worker_id="alive", started=now - dt.timedelta(minutes=5))
    never_beat = running_task(worker_id="db-worker-without-heartbeat", started=now - dt.timedelta(minutes=5))
    just_started = running_task(worker_id="silent", started=now - dt.timedelta(seconds=10))

    done = queue.recover_abandoned_tasks(now=now)

    assert len(done) == 2 and all("queued again" in line for line in done)
    assert row(lost).status == "READY" and row(lost).exception_class_path == queue.WORKER_LOST
    assert "silent" in row(lost).traceback
    assert row(never_beat).status == "READY"
    assert row(busy).status == "RUNNING" and row(just_started).status == "RUNNING"
    assert queue.recover_abandoned_tasks(now=now) == []  # idempotent
    assert [w.worker_id for w in queue.live_workers(now=now)] == ["alive"]


def test_a_task_that_lost_its_worker_on_every_attempt_ends_failed(database_tasks):
    now = timezone.now()
    queue.beat("silent", now=now - dt.timedelta(minutes=2))
    result = running_task(worker_id="silent", started=now - dt.timedelta(minutes=5), attempts=3)
    (line,) = queue.recover_abandoned_tasks(now=now)
    assert "failed for good" in line
    assert row(result).status == "FAILED" and row(result).exception_class_path == queue.WORKER_LOST


def test_a_killed_worker_s_task_runs_again_and_its_effect_happens_once(database_tasks, tmp_path):
    marker = tmp_path / "inside"
    result = write_once_then_hang.enqueue(str(marker))
    process = start_worker("doomed")
    try:
        until(marker.exists, process=process)
        assert row(result).status == "RUNNING"
    finally:
        kill(process)
    connection.close()
    # The kill left the task RUNNING and rolled back its uncommitted work.
    assert row(result).status == "RUNNING" and row(result).worker_ids == ["doomed"]
    assert not User.objects.filter(username__startswith="effect-").exists()
    beat_at = WorkerHeartbeat.objects.get(worker_id="doomed").beat_at
    assert WorkerHeartbeat.objects.get(worker_id="doomed").stopped_at is None

    # Within the lost-after time nothing happens; after it (an injected clock), the task is queued again.
    assert queue.recover_abandoned_tasks(now=beat_at + dt.timedelta(seconds=59)) == []
    assert len(queue.recover_abandoned_tasks(now=beat_at + dt.timedelta(seconds=61))) == 1
    one_pass(worker_id="successor", clock=timezone.now)

    again = row(result)
    assert (again.status, again.worker_ids, again.return_value) == ("SUCCESSFUL", ["doomed", "successor"], 2)
    assert list(User.objects.filter(username__startswith="effect-").values_list("username", flat=True)) == ["effect-2"]


def test_a_heartbeat_the_database_refuses_is_skipped_not_fatal(database_tasks, monkeypatch, caplog):
    from django.db import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(queue, "beat", refuse)
    heartbeat = queue.Heartbeat("unlucky", interval=3600, clock=lambda: YESTERDAY)
    with caplog.at_level(logging.ERROR, logger="core.queue"):
        heartbeat.start()
        heartbeat.stop()
    assert "the heartbeat could not be written" in caplog.text
    monkeypatch.undo()
    heartbeat = queue.Heartbeat("lucky", interval=3600, clock=lambda: YESTERDAY)
    heartbeat.start()
    heartbeat.stop()
    assert WorkerHeartbeat.objects.filter(worker_id="lucky", stopped_at=YESTERDAY).exists()
