"""What the background-task queue needs beyond django-tasks-db 0.13, which has no retry policy, no
heartbeat, and never picks up a task left running by a worker that was killed:

- retries with backoff: a task that raises is run again after TASK_RETRY_BASE_SECONDS, doubling up to
  TASK_RETRY_MAX_SECONDS, until it has been tried TASK_RETRY_ATTEMPTS times; then it stays FAILED (and is
  logged as an error). A task that raises `FinalFailure` is not tried again.
- a worker heartbeat: each `manage.py task_worker` process keeps one `WorkerHeartbeat` row, written every
  TASK_WORKER_HEARTBEAT_SECONDS by a thread of its own (so a long task does not look like a dead worker).
- recovery: `recover_abandoned_tasks`, a due-work producer run every minute, puts a task back in the
  queue when it is RUNNING and its worker's last beat is older than TASK_WORKER_LOST_AFTER_SECONDS. A
  task that lost its worker as many times as it may be tried ends FAILED.

Delivery is therefore at least once: a task must be safe to run again (claim its work in the database,
as the outbox and the due-work producers do). Every clock is injectable (`now=`, `clock=`) for tests.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from .backoff import backoff
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]

READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"
WORKER_LOST = "core.queue.WorkerLost"


class FinalFailure(Exception):
    """Raised by a task that failed for a reason another attempt cannot change (and that has told whom it
    must): the worker records it as failed at once instead of trying again."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int
    base_seconds: float
    max_seconds: float

    def wait(self, failed_attempts: int) -> dt.timedelta:
        return backoff(failed_attempts, base_seconds=self.base_seconds, max_seconds=self.max_seconds)


def retry_policy() -> RetryPolicy:
    return RetryPolicy(
        attempts=settings.TASK_RETRY_ATTEMPTS,
        base_seconds=settings.TASK_RETRY_BASE_SECONDS,
        max_seconds=settings.TASK_RETRY_MAX_SECONDS,
    )


def attempts_of(result: DBTaskResult) -> int:
    """How many times the task was started: each start (claim) adds the worker's id."""
    return len(result.worker_ids)


def _is_final(exception_class_path: str) -> bool:
    try:
        raised = import_string(exception_class_path)
    except ImportError:
        return False
    return isinstance(raised, type) and issubclass(raised, FinalFailure)


def retry_or_fail(result: DBTaskResult, *, now: dt.datetime) -> bool:
    """For a task the worker has just recorded as FAILED: put it back in the queue after the policy's
    wait, unless it raised FinalFailure or has had all its attempts. Returns whether it will be tried again.
    The error of the failed attempt stays on the row (exception_class_path, traceback) meanwhile."""
    policy = retry_policy()
    attempts = attempts_of(result)
    if attempts >= policy.attempts or _is_final(result.exception_class_path):
        logger.error(
            "Task id=%s (%s) failed for good after %s attempt(s): %s",
            result.id,
            result.task_path,
            attempts,
            result.exception_class_path,
        )
        return False
    run_after = now + policy.wait(attempts)
    retried = DBTaskResult.objects.filter(pk=result.pk, status=FAILED).update(
        status=READY, run_after=run_after, finished_at=None
    )
    if retried:
        result.status, result.run_after, result.finished_at = READY, run_after, None
        logger.warning(
            "Task id=%s (%s) failed (attempt %s of %s, %s); tried again after %s",
            result.id,
            result.task_path,
            attempts,
            policy.attempts,
            result.exception_class_path,
            run_after.isoformat(),
        )
    return bool(retried)


# --- heartbeat ---------------------------------------------------------------------------------------


def beat(worker_id: str, *, now: dt.datetime, stopped: bool = False) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "beat_at": now,
            "stopped_at": now if stopped else None,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
        create_defaults={
            "beat_at": now,
            "started_at": now,
            "stopped_at": now if stopped else None,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


class Heartbeat:
    """Beats for one worker from a thread of its own until stopped. A database error skips one beat."""

    def __init__(self, worker_id: str, *, interval: float, clock: Clock = timezone.now):
        self.worker_id = worker_id
        self.interval = interval
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        # The first beat before any task is claimed, so a task never runs under a worker with no beat.
        self._beat()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{self.worker_id}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._beat(stopped=True)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                self._beat()
        finally:
            connection.close()  # this thread's own connection

    def _beat(self, *, stopped: bool = False) -> None:
        try:
            close_old_connections()
            beat(self.worker_id, now=self.clock(), stopped=stopped)
        except DatabaseError:
            logger.exception("Worker %s: the heartbeat could not be written; trying again later.", self.worker_id)
            connection.close()


def live_workers(*, now: dt.datetime | None = None) -> list[WorkerHeartbeat]:
    """The workers that beat within TASK_WORKER_LOST_AFTER_SECONDS and have not stopped (for health checks)."""
    now = now or timezone.now()
    return list(
        WorkerHeartbeat.objects.filter(beat_at__gte=now - lost_after(), stopped_at__isnull=True).order_by("worker_id")
    )


def lost_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.TASK_WORKER_LOST_AFTER_SECONDS)


# --- recovery ----------------------------------------------------------------------------------------


def abandoned_tasks(*, now: dt.datetime) -> list[DBTaskResult]:
    """Tasks RUNNING for longer than the lost-after time whose worker has not beaten within it (or stopped,
    or never beat: a worker without the heartbeat, such as django-tasks-db's own db_worker)."""
    since = now - lost_after()
    alive = set(
        WorkerHeartbeat.objects.filter(beat_at__gte=since, stopped_at__isnull=True).values_list("worker_id", flat=True)
    )
    running = DBTaskResult.objects.filter(status=RUNNING, started_at__lt=since).order_by("started_at")
    return [result for result in running if not (result.worker_ids and result.worker_ids[-1] in alive)]


def recover_abandoned_tasks(now: dt.datetime | None = None) -> list[str]:
    """Due-work producer: put each abandoned task back in the queue, or record it as failed when it has had
    all its attempts. Idempotent: each change is a conditional update on the row as it was read."""
    now = now or timezone.now()
    policy = retry_policy()
    done = []
    for result in abandoned_tasks(now=now):
        worker = result.worker_ids[-1] if result.worker_ids else "?"
        note = f"The worker {worker} running this task stopped answering (no heartbeat since {now - lost_after()})."
        same_row = DBTaskResult.objects.filter(pk=result.pk, status=RUNNING, started_at=result.started_at)
        if attempts_of(result) >= policy.attempts:
            changed = same_row.update(
                status=FAILED, finished_at=now, exception_class_path=WORKER_LOST, traceback=note, return_value=None
            )
            outcome = "failed for good"
            logger.error("Task id=%s (%s): %s It had all its attempts.", result.id, result.task_path, note)
        else:
            # Its run_after is left as it was: it was due already, so it is ready at once.
            changed = same_row.update(status=READY, exception_class_path=WORKER_LOST, traceback=note)
            outcome = "queued again"
            logger.warning("Task id=%s (%s): %s Queued again.", result.id, result.task_path, note)
        if changed:
            done.append(f"task {result.id} ({result.task_path}) {outcome}: its worker {worker} was lost")
    return done
