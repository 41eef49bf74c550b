"""The timeline page of a stored chronology of 5,000 entries from 20 organisations: seconds and SVG bytes.

Runs on a fresh database (a temporary SQLite file, or a test database next to DATABASE_URL's). A
synthetic review gets its chronology from `chronology.synthetic.seed_chronologies` (every agency's
entries submitted through `chronology.store.apply_submission`). Measured:

- the timeline page (`chronology:timeline`) opened by the coordinator with Django's test Client:
  median and p95 server time over --requests requests, SQL queries, the page's bytes and the bytes of
  the SVG it holds;
- for comparison, the parts without the page: reading the review's entries
  (`chronology.store.review_entries` + `domain_entries`) and `chronology.timeline.render_timeline_svg`
  over them (best of 3). When the page does not exist, only these are measured.

Prints a table and writes bench/results/timeline_stored.json.
Run: .venv/bin/python bench/bench_timeline_stored.py [--entries 5000] [--requests 10]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tagasivaade.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402
from support import percentile, throwaway_database  # noqa: E402

ORGANISATIONS = 20
WARM_UP = 2
SVG = re.compile(rb"<svg\b.*?</svg>", re.DOTALL)


def best_of(repeat: int, work):
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=10)
    arguments = parser.parse_args()

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    results: dict = {"database": connection.vendor}
    with throwaway_database():
        from accounts.demo import ensure_demo_people
        from chronology.store import domain_entries, review_entries
        from chronology.timeline import render_timeline_svg
        from inquiries.models import Involvement
        from method.seeds import ensure_seeded
        from reviews import synthetic
        from reviews.models import Review

        ensure_seeded()
        people = ensure_demo_people()
        started = time.perf_counter()
        synthetic.seed(
            reviews=1,
            open_notifications=0,
            closed=0,
            entries_per_review=arguments.entries,
            organisations_per_review=ORGANISATIONS,
        )
        results["seed_seconds"] = round(time.perf_counter() - started, 1)
        review = Review.objects.filter(reference__startswith=synthetic.PREFIX).get()
        organisations = [
            (involvement.code, involvement.organisation.name)
            for involvement in Involvement.objects.filter(review=review).select_related("organisation")
        ]
        results["organisations"] = len(organisations)

        read_seconds, entries = best_of(3, lambda: domain_entries(review_entries(review.pk)))
        render_seconds, svg = best_of(3, lambda: render_timeline_svg(entries, organisations=organisations))
        results["entries"] = len(entries)
        results["parts"] = {
            "read_entries_s": round(read_seconds, 3),
            "render_svg_s": round(render_seconds, 3),
            "svg_bytes": len(svg.encode("utf-8")),
        }

        try:
            url = reverse("chronology:timeline", kwargs={"pk": review.pk})
        except NoReverseMatch:
            url = None
        if url is not None:
            client = Client()
            client.force_login(people["koordinaator"], backend="accounts.backends.PasswordBackend")
            for _ in range(WARM_UP):
                assert client.get(url).status_code == 200, url
            timings = []
            for _ in range(arguments.requests):
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200, url
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            found = SVG.search(response.content)
            results["page"] = {
                "median_s": round(statistics.median(timings), 3),
                "p95_s": round(percentile(timings, 0.95), 3),
                "queries": len(queries.captured_queries),
                "page_bytes": len(response.content),
                "svg_bytes": len(found.group(0)) if found else 0,
                "requests": arguments.requests,
            }

    parts = results["parts"]
    print(
        f"Database: {results['database']}; {results['entries']:,} stored entries from {results['organisations']} "
        f"organisations (seeded through apply_submission in {results['seed_seconds']} s)"
    )
    page = results.get("page")
    if page:
        print(
            f"  timeline page    median {page['median_s']:.3f} s  p95 {page['p95_s']:.3f} s  "
            f"{page['queries']} queries  page {page['page_bytes']:,} bytes  SVG {page['svg_bytes']:,} bytes  "
            f"({page['requests']} requests)"
        )
    else:
        print("  timeline page    not there yet (chronology:timeline): only its parts measured")
    print(f"  read entries     {parts['read_entries_s']:.3f} s (best of 3)")
    print(f"  render SVG       {parts['render_svg_s']:.3f} s (best of 3), {parts['svg_bytes']:,} bytes")
    output = ROOT / "bench" / "results" / "timeline_stored.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Written to {output.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
