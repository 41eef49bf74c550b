"""A real `manage.py task_worker` process on the test's database, for tests that kill one.

SQLite: the test must use the `file_database` fixture, whose file the process opens. PostgreSQL: the
process connects to the test database the test runs in. Either way the test must be marked
`django_db(transaction=True)`, so that what it wrote is committed and the process sees it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def database_url() -> str:
    data = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{data['NAME']}"
    password = f":{data['PASSWORD']}" if data.get("PASSWORD") else ""
    return f"postgres://{data['USER']}{password}@{data['HOST']}:{data['PORT']}/{data['NAME']}"


def start_worker(worker_id: str, **env: str) -> subprocess.Popen[bytes]:
    """`manage.py task_worker` in its own process, polling every 0.1 s, with `env` added to its environment."""
    environment = {**os.environ, "DATABASE_URL": database_url(), "TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    environment.update(env)
    command = [sys.executable, "manage.py", "task_worker", "--no-reload", "--no-startup-delay"]
    command += ["--interval", "0.1", "--worker-id", worker_id, "-v", "0"]
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def until(condition: Callable[[], bool], *, process: subprocess.Popen[bytes] | None = None, limit: float = 60) -> None:
    """Return once `condition()` holds. `limit` only bounds a broken run; nothing is timed."""
    give_up = time.monotonic() + limit
    while not condition():
        if process is not None and process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise AssertionError(f"The worker ended (exit {process.returncode}) before that happened:\n{output}")
        if time.monotonic() > give_up:
            raise AssertionError("The condition did not come true")
        time.sleep(0.05)


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL: the process gets no chance to tidy up, as when a machine dies or the OOM killer strikes."""
    if process.poll() is None:
        process.kill()
    process.wait()
    if process.stdout:
        process.stdout.close()
