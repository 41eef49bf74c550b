"""Server time and SQL queries of the coordinator's start page and a review page, at 200 and 2,000 reviews.

Runs on a fresh database: a temporary SQLite file, or a test database next to DATABASE_URL's (created
and dropped here, the named database itself is not touched). Prints a table and writes
bench/results/pages.json. Run: .venv/bin/python bench/bench_pages.py [--requests 30]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tagasivaade.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402
from support import WARM_UP, measure_page, throwaway_database  # noqa: E402

SCALES = (200, 2000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=30)
    arguments = parser.parse_args()

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    with throwaway_database():
        from accounts.demo import ensure_demo_people
        from method.seeds import ensure_seeded
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
                        **measure_page(client, path, arguments.requests),
                    }
                )

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
