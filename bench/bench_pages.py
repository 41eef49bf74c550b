"""Server time and SQL queries of the coordinator's start page and a review page, at 200 and 2,000 reviews.

Runs on a fresh database: a temporary SQLite file, or a test database next to DATABASE_URL's (created
and dropped here, the named database itself is not touched). Prints a table and writes
bench/results/pages.json. Run: .venv/bin/python bench/bench_pages.py [--requests 30]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tagasivaade.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

SCALES = (200, 2000)
WARM_UP = 3


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(client, path: str, requests: int) -> dict[str, float | int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        assert client.get(path).status_code == 200, path
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "queries": len(queries.captured_queries),
        "requests": requests,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=30)
    arguments = parser.parse_args()

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    temporary = tempfile.TemporaryDirectory()
    if connection.vendor == "sqlite":
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(Path(temporary.name) / "bench.sqlite3")
    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from accounts.demo import ensure_demo_people
        from method.loader import ensure_seeded
        from reviews import synthetic
        from reviews.demo import ensure_demo_case
        from reviews.models import Review

        ensure_seeded()
        people = ensure_demo_people()
        case = ensure_demo_case(people)
        client = Client()
        client.force_login(people["koordinaator"], backend="accounts.backends.PasswordBackend")
        pages = {
            "start page": reverse("reviews:start"),
            "review page": reverse("reviews:detail", kwargs={"pk": case["review"].pk}),
            "review list": reverse("reviews:list"),
        }
        results = []
        seeded = 0
        for scale in SCALES:
            started = time.perf_counter()
            synthetic.seed(reviews=scale - seeded, seed=scale)
            seed_seconds = time.perf_counter() - started
            seeded = scale
            total = Review.objects.count()
            for page, path in pages.items():
                results.append(
                    {
                        "page": page,
                        "reviews": total,
                        "seed_seconds": round(seed_seconds, 2),
                        **measure(client, path, arguments.requests),
                    }
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        temporary.cleanup()

    print(f"Database: {connection.vendor}; {arguments.requests} requests per page after {WARM_UP} warm-up requests")
    print(f"{'page':<14}{'reviews':>9}{'median ms':>11}{'p95 ms':>9}{'queries':>9}")
    for row in results:
        print(f"{row['page']:<14}{row['reviews']:>9}{row['median_ms']:>11}{row['p95_ms']:>9}{row['queries']:>9}")
    constant = all(
        len({row["queries"] for row in results if row["page"] == page}) == 1 for page in {r["page"] for r in results}
    )
    print("Query count independent of the number of reviews:", "yes" if constant else "NO")
    output = ROOT / "bench" / "results" / "pages.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps({"database": connection.vendor, "results": results, "queries_constant": constant}, indent=2) + "\n"
    )
    print(f"Written to {output.relative_to(ROOT)}")
    return 0 if constant else 1


if __name__ == "__main__":
    sys.exit(main())
