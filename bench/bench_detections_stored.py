"""The whole detection run on a stored 10,000-entry review, database included.

Builds a throwaway database (a temporary SQLite file, or a test database next to DATABASE_URL's, created
and dropped here), the demo people and review, 20 organisations involved with one information request
each, and stores bench_patterns.generate(10,000) (the fictional chronology of the in-memory benchmark,
fixed seed) through chronology.store.apply_submission, one submission per organisation. Then times
`detections.services.request_run` + `run_detections` twice: the first run (every detection new) and a
second one (every detection found again, its decision carried over), and prints seconds for

- loading: reading the integrated chronology, the sectors and the method's rules;
- detecting: the seven rules (one detect() call each, so that the page can show progress);
- storing: explaining each detection in et/en/ru, matching earlier detections, writing rows;
- total: request_run + run_detections.

Writes bench/results/detections_stored.json. Run: .venv/bin/python bench/bench_detections_stored.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tagasivaade.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402
from support import throwaway_database  # noqa: E402

SIZE = 10_000


def build_review(people: dict, review) -> int:
    """Store the generated chronology as 20 organisations' submissions; returns the entries stored."""
    from bench_patterns import ORGANISATIONS, generate
    from django.utils import timezone

    from accounts.models import Organisation
    from chronology import store
    from inquiries.models import InformationRequest, Involvement

    by_organisation = defaultdict(list)
    for entry in generate(SIZE):
        by_organisation[entry.organisation].append(entry)
    hooks = list(store.AFTER_SUBMISSION)
    store.AFTER_SUBMISSION.clear()  # the timed run below is the only one
    try:
        for number, (code, sector) in enumerate(ORGANISATIONS.items(), start=1):
            organisation = Organisation.objects.create(
                name=f"Jõudlustesti asutus {number}", registry_code=f"8{number:07}", sector=sector
            )
            involvement = Involvement.objects.create(
                review=review,
                organisation=organisation,
                code=code,
                contact_name="Väljamõeldud Kontakt",
                contact_email=f"kontakt{number}@example.com",
            )
            information_request = InformationRequest.objects.create(
                involvement=involvement,
                subject="Teabepäring",
                letter="Palume esitada kronoloogia.",
                created_by=people["koordinaator"],
                sent_at=timezone.now(),
            )
            store.apply_submission(
                information_request=information_request, entries=by_organisation[code], channel="upload"
            )
    finally:
        store.AFTER_SUBMISSION[:] = hooks
    return sum(len(entries) for entries in by_organisation.values())


def timed_run(review, people) -> dict[str, float | int]:
    from detections import services
    from detections.models import DetectionRun

    marks: dict[str, float] = {}
    original = services._progress

    def progress(run, value, step, **fields):
        marks.setdefault(step.split(":", 1)[0], time.perf_counter())
        original(run, value, step, **fields)

    services._progress = progress
    try:
        started = time.perf_counter()
        run = services.request_run(
            review=review, trigger=DetectionRun.Trigger.ON_DEMAND, acting_user=people["analyytik"]
        )
        services.run_detections(run)
        finished = time.perf_counter()
    finally:
        services._progress = original
    return {
        "request_seconds": round(marks["loading"] - started, 3),
        "loading_seconds": round(marks["detecting"] - marks["loading"], 3),
        "detecting_seconds": round(marks["storing"] - marks["detecting"], 3),
        "storing_seconds": round(marks["done"] - marks["storing"], 3),
        "total_seconds": round(finished - started, 3),
        "entries": run.entry_count,
        "detections": run.detection_count,
    }


def main() -> int:
    django.setup()
    from django.db import connection

    with throwaway_database():
        from accounts.demo import ensure_demo_people
        from detections.models import PatternDetection
        from method.seeds import ensure_seeded
        from reviews.demo import ensure_demo_case

        ensure_seeded()
        people = ensure_demo_people()
        demo = ensure_demo_case(people)["review"]
        from reviews.models import Review

        # A review of its own (the demo review already involves organisations with these codes).
        review = Review.objects.create(
            notification=demo.notification,
            review_type=demo.review_type,
            method_version=demo.method_version,
            reference="JT-10000",
            opened_by=people["koordinaator"],
        )
        started = time.perf_counter()
        stored = build_review(people, review)
        build_seconds = time.perf_counter() - started
        print(f"Stored {stored:,} entries from 20 organisations in {build_seconds:.1f} s ({connection.vendor})")
        runs = {}
        for name in ("first run", "second run"):
            runs[name] = timed_run(review, people)
            if name == "first run":
                # Some decisions to carry over, as on a review in progress.
                PatternDetection.objects.filter(
                    review=review, pk__in=PatternDetection.objects.filter(review=review).values("pk")[:200]
                ).update(status=PatternDetection.Status.CONFIRMED, reason="Väljamõeldud.")
        kept = PatternDetection.objects.filter(review=review, status=PatternDetection.Status.CONFIRMED).count()

    print(f"{'':<12}{'request':>9}{'loading':>9}{'detecting':>11}{'storing':>9}{'total':>8}{'detections':>12}")
    for name, row in runs.items():
        print(
            f"{name:<12}{row['request_seconds']:>9.3f}{row['loading_seconds']:>9.3f}{row['detecting_seconds']:>11.3f}"
            f"{row['storing_seconds']:>9.3f}{row['total_seconds']:>8.3f}{row['detections']:>12,}"
        )
    print(f"decisions kept by the second run: {kept} of 200")
    document = {
        "benchmark": "whole detection run on a stored review (request_run + run_detections), method version 1",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "entries": stored,
        "organisations": 20,
        "build_seconds": round(build_seconds, 1),
        "runs": runs,
        "decisions_kept": kept,
    }
    output = ROOT / "bench" / "results" / "detections_stored.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {output.relative_to(ROOT)}")
    return 0 if kept == 200 else 1


if __name__ == "__main__":
    raise SystemExit(main())
