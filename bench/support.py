"""What the benchmarks share: a throwaway database, and timing a page the way a reader would meet it.

Benchmarks run as scripts (`make bench`: `python bench/bench_*.py`), so this module sits beside them.
"""

from __future__ import annotations

import gc
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

WARM_UP = 3


@contextmanager
def throwaway_database() -> Iterator[None]:
    """A fresh, migrated database for one benchmark, removed afterwards: a temporary SQLite file, or a
    test database next to DATABASE_URL's (PostgreSQL). Call after django.setup()."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    temporary = tempfile.TemporaryDirectory()
    if connection.vendor == "sqlite":
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(Path(temporary.name) / "bench.sqlite3")
    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        temporary.cleanup()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure_page(client: Any, path: str, requests: int) -> dict[str, float | int]:
    """Median and p95 server time of `requests` GETs after WARM_UP, the SQL queries of one more, and
    its size. What is on the heap before timing (seeded data, warm caches) is frozen out of the garbage
    collector's full scans, as tagasivaade/wsgi.py does for a server after start-up; otherwise p95 shows
    collections of the benchmark's own seeding leftovers, which a server does not hold."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        assert client.get(path).status_code == 200, path
    gc.collect()
    gc.freeze()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "queries": len(queries.captured_queries),
        "kib": round(len(response.content) / 1024, 1),
        "requests": requests,
    }
