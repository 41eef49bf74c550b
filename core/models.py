"""Rows the background-task layer keeps (core/queue.py)."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """The last sign of life of one task-worker process (`manage.py task_worker`), written every
    TASK_WORKER_HEARTBEAT_SECONDS. A task left running by a worker whose beat is older than
    TASK_WORKER_LOST_AFTER_SECONDS is run again (core.queue.recover_abandoned_tasks)."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()
    # Set when the worker stopped in an orderly way; a worker that was killed never sets it.
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["beat_at"], name="worker_heartbeat_beat_idx")]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
