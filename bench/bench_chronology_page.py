"""Server time and SQL queries of the integrated chronology page, at 1,000 and 5,000 entries from 20 organisations.

Runs on a fresh database (a temporary SQLite file, or a test database next to DATABASE_URL's). Two
synthetic reviews get their chronologies from `chronology.synthetic.seed_chronologies` — 20 organisations
each, every agency's entries submitted through `chronology.store.apply_submission` as an upload is.
The coordinator (signed in with Django's test Client, as bench_pages.py does) then opens, for each
review, the page's first page, its second page and a filtered request (one organisation, one event
type); each is requested --requests times after a few warm-up requests. Prints median and p95 server
time, the SQL query count and the response's size, and whether the query count is the same at both
sizes (it must not depend on the number of entries). Writes bench/results/chronology_page.json.

Run: .venv/bin/python bench/bench_chronology_page.py [--requests 30]
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

SCALES = (1000, 5000)
ORGANISATIONS = 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=30)
    arguments = parser.parse_args()

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    results = []
    with throwaway_database():
        from accounts.demo import ensure_demo_people
        from chronology.models import ChronologyEntry
        from inquiries.models import Involvement
        from method.seeds import ensure_seeded
        from reviews import synthetic
        from reviews.models import Review

        ensure_seeded()
        people = ensure_demo_people()
        client = Client()
        client.force_login(people["koordinaator"], backend="accounts.backends.PasswordBackend")
        for scale in SCALES:
            started = time.perf_counter()
            synthetic.seed(
                reviews=1,
                open_notifications=0,
                closed=0,
                entries_per_review=scale,
                organisations_per_review=ORGANISATIONS,
                seed=scale,
            )
            seed_seconds = time.perf_counter() - started
            review = Review.objects.filter(reference__startswith=synthetic.PREFIX).latest("pk")
            entries = ChronologyEntry.objects.filter(review=review).integrated()
            organisation = Involvement.objects.filter(review=review).order_by("code")[0].code
            try:
                url = reverse("chronology:integrated", kwargs={"pk": review.pk})
            except NoReverseMatch:
                print("The integrated chronology page (chronology:integrated) does not exist yet.", file=sys.stderr)
                return 1
            filtered = entries.filter(organisation=organisation, event_type="contact").count()
            pages = {
                "page 1": url,
                "page 2": f"{url}?page=2",
                f"filtered ({filtered} rows)": f"{url}?organisation={organisation}&event_type=contact",
            }
            for page, path in pages.items():
                results.append(
                    {
                        "page": page.split(" (")[0],
                        "label": page,
                        "entries": entries.count(),
                        "organisations": Involvement.objects.filter(review=review).count(),
                        "seed_seconds": round(seed_seconds, 1),
                        **measure_page(client, path, arguments.requests),
                    }
                )

    print(f"Database: {connection.vendor}; {arguments.requests} requests per page after {WARM_UP} warm-up requests")
    print(f"{'page':<22}{'entries':>9}{'orgs':>6}{'median ms':>11}{'p95 ms':>9}{'queries':>9}{'KiB':>8}")
    for row in results:
        print(
            f"{row['label']:<22}{row['entries']:>9}{row['organisations']:>6}{row['median_ms']:>11}"
            f"{row['p95_ms']:>9}{row['queries']:>9}{row['kib']:>8}"
        )
    seeded = [f"{row['entries']} entries in {row['seed_seconds']} s" for row in results if row["page"] == "page 1"]
    print("Seeded through apply_submission:", "; ".join(seeded))
    constant = all(
        len({row["queries"] for row in results if row["page"] == page}) == 1 for page in {r["page"] for r in results}
    )
    print("Query count independent of the number of entries:", "yes" if constant else "NO")
    output = ROOT / "bench" / "results" / "chronology_page.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps({"database": connection.vendor, "results": results, "queries_constant": constant}, indent=2) + "\n"
    )
    print(f"Written to {output.relative_to(ROOT)}")
    return 0 if constant else 1


if __name__ == "__main__":
    sys.exit(main())
