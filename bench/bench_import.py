"""Reading a 10,000-row XLSX (and CSV) chronology in the exchange format: seconds and peak memory.

Generates a fictional chronology with the pattern benchmark's generator (fixed seed), writes it as
XLSX and CSV with the format's own writer, then reads each back through `read_chronology` — the
parser and validator an upload goes through — best of 3, with the peak memory traced by tracemalloc
during one extra read. Writes bench/results/import.json.

Storing the entries in the database comes with the submission pages (issue 4); this measures the
part that decides all-or-nothing before anything is stored.

Run: .venv/bin/python bench/bench_import.py [--rows 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tagasivaade.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    django.setup()

    from bench_patterns import generate

    from chronology.exchange import read_chronology, write_csv, write_xlsx
    from chronology.fields import Vocabularies
    from method.seeds import load_seed

    vocabularies = Vocabularies.from_method(load_seed())
    entries = generate(args.rows)
    files = {}
    xlsx = io.BytesIO()
    write_xlsx(entries, xlsx)
    files["xlsx"] = ("chronology.xlsx", xlsx.getvalue())
    csv_text = io.StringIO()
    write_csv(entries, csv_text)
    files["csv"] = ("chronology.csv", csv_text.getvalue().encode("utf-8"))

    results = {"rows": args.rows}
    print(f"{'format':<6} {'rows':>7} {'bytes':>10} {'best s':>8} {'peak MiB':>9}")
    for kind, (name, data) in files.items():
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = read_chronology(data, vocabularies=vocabularies, filename=name)
            times.append(time.perf_counter() - started)
            if not result.ok or len(result.entries) != args.rows:
                print(f"{kind}: the generated file did not read back whole: {result.errors[:3]}", file=sys.stderr)
                return 1
        tracemalloc.start()
        read_chronology(data, vocabularies=vocabularies, filename=name)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[kind] = {"bytes": len(data), "best_seconds": round(min(times), 3), "peak_mib": round(peak / 2**20, 1)}
        print(f"{kind:<6} {args.rows:>7} {len(data):>10} {min(times):>8.3f} {peak / 2**20:>9.1f}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "import.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
