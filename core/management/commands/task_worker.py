"""`manage.py task_worker`: the background-task worker (django-tasks-db's `db_worker`, same options),
which goes on with the next task when the database fails it.

`db_worker` catches what a task raises and records the task as failed, but recording is itself a
database write: when the database is locked for longer than its retries wait (SQLite), or the
connection broke (PostgreSQL: the server restarted, the connection was ended), the error escapes the
worker's loop. Without `--reload` the process ends; with it (the default when DEBUG is on) the loop's
thread dies while the process lives on, and no task runs again until a restart. The same happens when
asking for the next task fails with anything but "database is locked".

This worker catches such database errors around each pass of the loop: it closes the connections (a
broken one is opened again on the next query), records the task as failed once the database answers
again, and goes on with the next task.

It also adds what core/queue.py describes: a task that raises is queued again with backoff until it has
had its attempts, and a heartbeat row says that the worker is alive, so that the task it was running when
killed is run again (`core.queue.recover_abandoned_tasks`, every minute through `run_due`).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from core import queue

logger = logging.getLogger("django_tasks_db")

RETRY_SECONDS = 1.0


class Worker(db_worker.Worker):
    def __init__(self, *, clock: queue.Clock = timezone.now, **kwargs: Any):
        super().__init__(**kwargs)
        self.clock = clock
        self.unrecorded: list[tuple[DBTaskResult, BaseException]] = []

    def run(self) -> None:
        heartbeat = queue.Heartbeat(self.worker_id, interval=settings.TASK_WORKER_HEARTBEAT_SECONDS, clock=self.clock)
        heartbeat.start()
        try:
            self._run_loop()
        finally:
            heartbeat.stop()

    def _run_loop(self) -> None:
        while True:
            try:
                super().run()
                return
            except DatabaseError:
                logger.exception("The database failed the worker's loop; going on with the next task.")
                self._reset_connections()
                if not self.running:
                    return
                time.sleep(RETRY_SECONDS)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self._record_unrecorded()
        try:
            super().run_task(db_task_result)
        except DatabaseError as error:
            logger.exception("Task id=%s: its result could not be recorded; it is recorded later.", db_task_result.id)
            self._reset_connections()
            self.unrecorded.append((db_task_result, error))
            self._record_unrecorded()
            return
        if db_task_result.status == queue.FAILED:
            try:
                queue.retry_or_fail(db_task_result, now=self.clock())
            except DatabaseError:
                # It stays failed: better than a worker that stops.
                logger.exception("Task id=%s: could not be queued again.", db_task_result.id)
                self._reset_connections()

    def _record_unrecorded(self) -> None:
        """Record the tasks whose outcome the database refused earlier as failed (they did not finish
        cleanly: at least their result was lost)."""
        while self.unrecorded:
            db_task_result, error = self.unrecorded[0]
            try:
                db_task_result.set_failed(error)
            except DatabaseError:
                self._reset_connections()
                return
            self.unrecorded.pop(0)

    @staticmethod
    def _reset_connections() -> None:
        for connection in connections.all(initialized_only=True):
            try:
                connection.close()
            except DatabaseError:
                connection.connection = None  # a connection that cannot even be closed is dropped
        close_old_connections()


class Command(db_worker.Command):
    help = (
        "Run the background-task worker (the options of django-tasks-db's db_worker); a database error "
        "while running or recording a task does not stop it."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("Warning: --reload and --batch cannot be specified together. Disabling autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise db_worker.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
