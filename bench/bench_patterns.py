"""Pattern detection (chronology.patterns.detect) over 10,000 and 100,000 entries in memory.

Generates a fictional chronology (fixed random seed): 20 organisations of several sectors over six
years, a realistic mix of event types per sector, concerns, some dates known only to the month or
year or approximately. Times detect() with method version 1's pattern rules (best of 3), prints both
times and their ratio (the cost should grow about linearly: a ratio near 10, not 100), and writes
bench/results/patterns.json. Issue 5's targets: under 1 s for 10,000 entries, under 10 times that
(10 s) for 100,000.

For scale, it also times a bare pass that reads every entry's dates, organisation and event type: on
a machine whose caches hold 10,000 entries but not 100,000, even that pass grows more than tenfold,
and detect()'s ratio should be read against it.

Run: .venv/bin/python bench/bench_patterns.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tagasivaade.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

SIZES = (10_000, 100_000)
SEED = 20190304
FIRST_DAY = dt.date(2014, 1, 1)
YEARS = 6

ORGANISATIONS = {
    "KOV-01": "child_protection",
    "KOV-02": "child_protection",
    "KOV-03": "child_protection",
    "PEREARST-01": "health.primary_care",
    "PEREARST-02": "health.primary_care",
    "HAIGLA-01": "health.hospital",
    "HAIGLA-02": "health.hospital",
    "ERIARST-01": "health.specialist_care",
    "PSYH-01": "health.psychiatry",
    "KOOLIODE-01": "health.school_health",
    "KOOL-01": "education",
    "KOOL-02": "education",
    "LASTEAED-01": "education",
    "POLITSEI-01": "police",
    "PROKURATUUR-01": "prosecution",
    "OHVRIABI-01": "ska_services",
    "LASTEMAJA-01": "ska_services",
    "MTU-01": "ngo",
    "MTU-02": "ngo",
    "NOORTEKESKUS-01": "other",
}

CONCERNS = ("medical_neglect", "physical_neglect", "emotional_abuse", "domestic_violence", "school_attendance")
CONTACT_TYPES = {
    "contact",
    "home_visit",
    "appointment_attended",
    "appointment_missed",
    "assessment",
    "emergency_visit",
    "hospital_admission",
}


def generate(count: int, seed: int = SEED) -> list:
    """`count` fictional chronology entries, the same for the same seed."""
    from chronology.entry import Entry, Precision, UncertainDate, YesNo

    # The event-type mix per sector is the synthetic data's, so that every benchmark draws the same kind.
    from chronology.synthetic import COMMON_EVENTS, EVENTS_BY_SECTOR

    rng = random.Random(seed)
    codes = list(ORGANISATIONS)
    child_protection = [code for code, sector in ORGANISATIONS.items() if sector == "child_protection"]
    weights = {}
    for code, sector in ORGANISATIONS.items():
        table = EVENTS_BY_SECTOR.get(sector.split(".")[0], COMMON_EVENTS)
        weights[code] = (list(table), list(table.values()))
    span = (dt.date(FIRST_DAY.year + YEARS, 1, 1) - FIRST_DAY).days
    entries = []
    for number in range(count):
        organisation = rng.choice(codes)
        types, type_weights = weights[organisation]
        event_type = rng.choices(types, type_weights)[0]
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(span))
        form = rng.random()
        if form < 0.90:
            date = UncertainDate(day, day, Precision.DAY)
        elif form < 0.96:
            first = day.replace(day=1)
            last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            date = UncertainDate(first, last, Precision.MONTH)
        elif form < 0.99:
            week = dt.timedelta(days=7)
            date = UncertainDate(day - week, day + week, Precision.DAY, approximate=True)
        else:
            date = UncertainDate(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31), Precision.YEAR)
        addressee = ""
        if event_type == "notification":
            addressee = rng.choice(child_protection)
        elif event_type in ("referral", "information_shared"):
            addressee = rng.choice([code for code in codes if code != organisation])
        seen = YesNo.UNKNOWN
        if event_type in CONTACT_TYPES:
            seen = rng.choices((YesNo.YES, YesNo.NO, YesNo.UNKNOWN), (60, 20, 20))[0]
        if event_type == "appointment_missed":
            seen = YesNo.NO
        concern = ""
        if event_type == "concern_recorded" or rng.random() < 0.08:
            concern = rng.choice(CONCERNS)
        entries.append(
            Entry(
                entry_ref=f"B-{number:06}",
                date=date,
                organisation=organisation,
                event_type=event_type,
                description="Väljamõeldud sissekanne jõudlustesti jaoks.",
                source_document=f"Väljamõeldud dokument {number}",
                addressee=addressee,
                concern=concern,
                child_seen=seen,
                child_views_recorded=YesNo.YES if rng.random() < 0.12 else YesNo.UNKNOWN,
                shared_with=(rng.choice(codes),) if rng.random() < 0.05 else (),
                source=f"{organisation}.csv",
            )
        )
    return entries


def measure(entries: list, rules: dict, repeat: int) -> tuple[float, list]:
    from chronology.patterns import detect

    best = float("inf")
    detections: list = []
    for _ in range(repeat):
        started = time.perf_counter()
        detections = detect(entries, rules, sectors=ORGANISATIONS)
        best = min(best, time.perf_counter() - started)
    return best, detections


def bare_pass(entries: list, repeat: int) -> float:
    best = float("inf")
    for _ in range(max(repeat, 5)):
        started = time.perf_counter()
        [(entry.date.earliest, entry.date.latest, entry.organisation, entry.event_type) for entry in entries]
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best counts (default 3)")
    arguments = parser.parse_args()
    django.setup()
    from method.seeds import load_seed

    rules = load_seed()["pattern_rules"]
    results = {}
    baseline = {}
    for size in SIZES:
        entries = generate(size)
        seconds, detections = measure(entries, rules, arguments.repeat)
        baseline[size] = bare_pass(entries, arguments.repeat)
        results[size] = {
            "entries": size,
            "seconds": round(seconds, 3),
            "bare_pass_seconds": round(baseline[size], 5),
            "detections": len(detections),
            "uncertain": sum(detection.uncertain for detection in detections),
            "by_rule": dict(sorted(Counter(detection.rule for detection in detections).items())),
        }
        print(f"{size:>7,} entries: {seconds:6.3f} s  ({len(detections):,} detections)")
    small, large = (results[size]["seconds"] for size in SIZES)
    ratio = large / small if small else float("inf")
    bare_ratio = baseline[SIZES[1]] / baseline[SIZES[0]]
    print(f"ratio 100,000 / 10,000: {ratio:.1f}  (linear would be 10; a bare pass over the entries: {bare_ratio:.1f})")
    targets = {"10000_under_seconds": 1.0, "100000_under_seconds": 10.0}
    passed = small < targets["10000_under_seconds"] and large < targets["100000_under_seconds"]
    print("targets met" if passed else "TARGETS MISSED")
    document = {
        "benchmark": "pattern detection in memory (chronology.patterns.detect), method version 1",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "repeat": arguments.repeat,
        "organisations": len(ORGANISATIONS),
        "years": YEARS,
        "sizes": [results[size] for size in SIZES],
        "ratio": round(ratio, 2),
        "bare_pass_ratio": round(bare_ratio, 2),
        "targets": targets,
        "targets_met": passed,
    }
    output = ROOT / "bench" / "results" / "patterns.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {output.relative_to(ROOT)}")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
