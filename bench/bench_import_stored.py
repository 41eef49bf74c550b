"""Storing a 10,000-row XLSX chronology the way the upload page does: seconds and peak memory.

An agency's submission goes through the same two steps as the upload page's "submit": the file is read
and checked whole by `chronology.exchange.read_chronology` (against the review's organisations, the
agency's own code required), then stored by `chronology.store.apply_submission` (entries, history,
duplicate suggestions, audit event, the file kept through the storage API). Measured on a fresh
database (a temporary SQLite file, or a test database next to DATABASE_URL's), with the file made by
`chronology.synthetic.synthetic_entries` (fixed seed) and written by the format's own writer:

- first submission: a fresh review and information request each run, median of --repeat runs;
- resubmission of the same file (nothing changed: every entry compared, none written), median;
- resubmission with 10% of the entries changed (updated in place, each with a new history row), median;
- peak memory of one more first submission: tracemalloc's peak (Python objects), and the process's
  ru_maxrss before and after all imports.

Prints a table and writes bench/results/import_stored.json.
Run: .venv/bin/python bench/bench_import_stored.py [--rows 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tagasivaade.settings")
os.environ.setdefault("DEBUG", "false")
MEDIA = tempfile.TemporaryDirectory()
# Stored files (the submission keeps the agency's file) go to a throwaway folder, not the checkout's.
os.environ["MEDIA_ROOT"] = MEDIA.name

import django  # noqa: E402
from support import throwaway_database  # noqa: E402

SEED = 20260401
CODE = "HAIGLA-01"
OTHERS = {"KOV-01": "child_protection", "PEREARST-01": "health.primary_care", "KOOL-01": "education"}


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind; the median counts (default 3)")
    arguments = parser.parse_args()

    django.setup()

    with throwaway_database():
        results = run(arguments)
        MEDIA.cleanup()

    print(f"Database: {results['database']}; {arguments.rows:,} rows, XLSX of {results['bytes']:,} bytes")
    print(f"{'submission':<28}{'median s':>10}{'read s':>9}{'store s':>9}{'runs':>6}")
    for name, row in results["timings"].items():
        print(f"{name:<28}{row['median_s']:>10.2f}{row['read_s']:>9.2f}{row['store_s']:>9.2f}{row['runs']:>6}")
    memory = results["memory"]
    print(
        f"Peak memory of one first submission: tracemalloc {memory['tracemalloc_peak_mib']} MiB; "
        f"process ru_maxrss {memory['ru_maxrss_before_mib']} MiB before the imports, "
        f"{memory['ru_maxrss_after_mib']} MiB after"
    )
    output = ROOT / "bench" / "results" / "import_stored.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Written to {output.relative_to(ROOT)}")
    return 0


def run(arguments: argparse.Namespace) -> dict:
    from django.core.files.base import ContentFile
    from django.db import connection
    from django.utils import timezone

    from accounts.demo import ensure_demo_people
    from chronology import synthetic as chronologies
    from chronology.exchange import read_chronology, write_xlsx
    from chronology.fields import Vocabularies
    from chronology.models import ChronologyEntry
    from chronology.store import apply_submission
    from inquiries.models import InformationRequest, Involvement
    from method.seeds import ensure_seeded
    from reviews import synthetic
    from reviews.models import Review

    content = ensure_seeded().data
    people = ensure_demo_people()
    contributor = people["asutus"]
    rss_before = rss_mib()
    sectors = {CODE: "health.hospital", **OTHERS}
    organisations = chronologies.synthetic_organisations(len(sectors), content)

    def fresh_request() -> tuple:
        """A new review with the four organisations involved and a sent request to the hospital."""
        synthetic.seed(reviews=1, open_notifications=0, closed=0)
        review = Review.objects.latest("pk")
        involvements = {
            code: Involvement.objects.create(
                review=review,
                organisation=organisation,
                code=code,
                contact_name="Sünteetiline Kontakt",
                contact_email="kontakt@synthetic.example",
            )
            for code, organisation in zip(sectors, organisations, strict=True)
        }
        information_request = InformationRequest.objects.create(
            involvement=involvements[CODE],
            subject="Teabepäring",
            letter="Väljamõeldud teabepäring.",
            created_by=people["koordinaator"],
            sent_at=timezone.now(),
        )
        vocabularies = Vocabularies.from_method(
            review.method_version.data, organisations=sectors, own_organisation=CODE
        )
        return information_request, vocabularies

    codes_by_sector: dict[str, list[str]] = {}
    for code, sector in sectors.items():
        codes_by_sector.setdefault(sector.split(".")[0], []).append(code)
    entries = chronologies.synthetic_entries(
        rng=random.Random(SEED),
        code=CODE,
        sector=sectors[CODE],
        count=arguments.rows,
        codes_by_sector=codes_by_sector,
        period=(dt.date(2018, 1, 1), dt.date(2024, 12, 31)),
        event_types=content.codes("event_types"),
        concerns=content.codes("concerns"),
    )
    original = xlsx_bytes(entries, write_xlsx)
    rng = random.Random(SEED + 1)
    changed_refs = set(rng.sample([entry.entry_ref for entry in entries], len(entries) // 10))
    changed = xlsx_bytes(
        [
            dataclasses.replace(entry, description=entry.description + " Täpsustatud.")
            if entry.entry_ref in changed_refs
            else entry
            for entry in entries
        ],
        write_xlsx,
    )

    def submit(information_request, vocabularies, data: bytes) -> tuple[float, float, Any]:
        started = time.perf_counter()
        result = read_chronology(io.BytesIO(data), vocabularies=vocabularies, filename="haigla.xlsx")
        read = time.perf_counter() - started
        if not result.ok or len(result.entries) != arguments.rows:
            raise SystemExit(f"The generated file did not read back whole: {[str(p) for p in result.errors[:3]]}")
        started = time.perf_counter()
        submission = apply_submission(
            information_request=information_request,
            entries=result.entries,
            channel="upload",
            acting_user=contributor,
            filename="haigla.xlsx",
            file=ContentFile(data, name="haigla.xlsx"),
        )
        return read, time.perf_counter() - started, submission

    timings: dict[str, list[tuple[float, float]]] = {"first": [], "unchanged": [], "changed": []}
    for _run in range(arguments.repeat):
        information_request, vocabularies = fresh_request()
        read, store, submission = submit(information_request, vocabularies, original)
        assert submission.added_count == arguments.rows, submission.added_count
        timings["first"].append((read, store))
        read, store, submission = submit(information_request, vocabularies, original)
        assert submission.unchanged_count == arguments.rows, submission.unchanged_count
        timings["unchanged"].append((read, store))
        read, store, submission = submit(information_request, vocabularies, changed)
        assert submission.updated_count == len(changed_refs), submission.updated_count
        timings["changed"].append((read, store))
    assert ChronologyEntry.objects.filter(request=information_request, is_active=True).count() == arguments.rows

    information_request, vocabularies = fresh_request()
    tracemalloc.start()
    submit(information_request, vocabularies, original)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    labels = {
        "first": "first submission",
        "unchanged": "resubmission, unchanged",
        "changed": "resubmission, 10% changed",
    }
    return {
        "database": connection.vendor,
        "rows": arguments.rows,
        "bytes": len(original),
        "timings": {
            labels[kind]: {
                "median_s": round(statistics.median(read + store for read, store in runs), 3),
                "read_s": round(statistics.median(read for read, _store in runs), 3),
                "store_s": round(statistics.median(store for _read, store in runs), 3),
                "runs": len(runs),
            }
            for kind, runs in timings.items()
        },
        "memory": {
            "tracemalloc_peak_mib": round(peak / 2**20, 1),
            "ru_maxrss_before_mib": round(rss_before, 1),
            "ru_maxrss_after_mib": round(rss_mib(), 1),
        },
    }


def xlsx_bytes(entries: list, write_xlsx) -> bytes:
    target = io.BytesIO()
    write_xlsx(entries, target)
    return target.getvalue()


if __name__ == "__main__":
    sys.exit(main())
