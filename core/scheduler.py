"""Time-based work. django-tasks has no scheduler, so `manage.py run_due`, run every minute (by a timer
in production, by `make run` locally), calls each due-work producer named in
`settings.DUE_WORK_PRODUCERS`.

A producer is a function called with no arguments that enqueues django-tasks tasks for what is due
now and returns how many it enqueued (an int), or a list of short descriptions of them. It must be
idempotent: called again a minute later, or by two processes at once, it enqueues nothing twice (a
unique row or a conditional update claims the work in the database before the task is enqueued).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass
class ProducerRun:
    """What one producer did in one run."""

    producer: str
    enqueued: int = 0
    descriptions: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.error)


def producers(paths: Sequence[str] | None = None) -> list[tuple[str, Callable[[], Any]]]:
    """The producers by dotted path; a wrong path fails loudly (ImportError), not silently."""
    if paths is None:
        paths = getattr(settings, "DUE_WORK_PRODUCERS", [])
    return [(path, import_string(path)) for path in paths]


def _as_run(path: str, returned: Any) -> ProducerRun:
    if returned is None:
        return ProducerRun(path)
    if isinstance(returned, bool) or not isinstance(returned, int | Iterable) or isinstance(returned, str):
        raise TypeError(f"{path} returned {returned!r}; a producer returns an int or a list of descriptions")
    if isinstance(returned, int):
        return ProducerRun(path, enqueued=returned)
    descriptions = [str(item) for item in returned]
    return ProducerRun(path, enqueued=len(descriptions), descriptions=descriptions)


def run_due(paths: Sequence[str] | None = None) -> list[ProducerRun]:
    """Call every producer once. One failing producer is logged and does not stop the others."""
    runs = []
    for path, producer in producers(paths):
        try:
            run = _as_run(path, producer())
        except Exception as error:
            logger.exception("Due-work producer %s failed", path)
            run = ProducerRun(path, error=f"{type(error).__name__}: {error}")
        runs.append(run)
    return runs


def run_forever(
    interval: float,
    on_run: Callable[[list[ProducerRun]], None],
    stop: threading.Event,
    paths: Sequence[str] | None = None,
) -> int:
    """Run every `interval` seconds until `stop` is set. Returns how many runs were made."""
    runs = 0
    while not stop.is_set():
        started = time.monotonic()
        # A long-lived process: drop connections the database may have closed meanwhile.
        close_old_connections()
        try:
            on_run(run_due(paths))
        finally:
            close_old_connections()
        runs += 1
        stop.wait(max(interval - (time.monotonic() - started), 0))
    return runs
