"""Hostile workbooks through the reader an upload uses (`read_chronology`), each in its own process:
seconds and peak RSS above the process's resting size, beside a real 10,000-row workbook read and
checked. The goal (issue 10): every hostile workbook refused with its message within 2 s and 200 MB
above the resting size; the real workbook read and checked in at most 0.3 s.

The workbooks are those of the tests (tests/chronology/builders.py, HOSTILE_WORKBOOKS). Each child
process sets Django up, reads a small workbook once (so that lazy imports and caches are in place),
measures its resting RSS, resets the peak (/proc/self/clear_refs), then reads the file and reports the time, its
peak RSS (VmHWM) above the resting size and the first message. Writes bench/results/hostile_workbooks.json.

Run: .venv/bin/python bench/bench_hostile_workbooks.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tagasivaade.settings")
os.environ.setdefault("DEBUG", "false")

CHILD = r"""
import json, sys, time
import django
django.setup()
from django.utils import translation
translation.activate("en")
from chronology.exchange import read_chronology
from chronology.fields import Vocabularies
from method.seeds import load_seed
from tests.chronology.builders import rows_of, xlsx_of

vocabularies = Vocabularies.from_method(load_seed())
read_chronology(xlsx_of(rows_of(20)), vocabularies=vocabularies, filename="warm.xlsx")
data = open(sys.argv[1], "rb").read()


def kib(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])


resting = kib("VmRSS")
with open("/proc/self/clear_refs", "w") as reset:
    reset.write("5")  # the peak (VmHWM) starts again from the resting size
times = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    result = read_chronology(data, vocabularies=vocabularies, filename="kronoloogia.xlsx")
    times.append(time.perf_counter() - started)
peak = kib("VmHWM")
print(json.dumps({
    "seconds": round(min(times), 3),
    "rss_above_resting_mib": round((peak - resting) / 1024, 1),
    "entries": len(result.entries),
    "message": str(result.errors[0])[:90] if result.errors else "",
}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import django

    django.setup()
    from bench_patterns import generate

    from chronology.exchange import write_xlsx
    from tests.chronology.builders import HOSTILE_WORKBOOKS

    real = io.BytesIO()
    write_xlsx(generate(10_000), real)
    files = {"real workbook, 10,000 rows (read and checked)": real.getvalue()}
    files.update({name: build() for name, (build, _message) in HOSTILE_WORKBOOKS.items()})
    results = {}
    print(f"{'workbook':<50} {'KiB':>7} {'best s':>7} {'RSS+ MiB':>9}  message")
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            path = Path(folder) / "kronoloogia.xlsx"
            path.write_bytes(data)
            child = subprocess.run(
                [sys.executable, "-c", CHILD, str(path), str(args.repeat)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if child.returncode != 0:
                print(f"{name}: the reader failed\n{child.stderr[-2000:]}", file=sys.stderr)
                return 1
            measured = json.loads(child.stdout.strip().splitlines()[-1])
            results[name] = {"kib": round(len(data) / 1024, 1), **measured}
            print(
                f"{name:<50} {len(data) / 1024:>7.1f} {measured['seconds']:>7.3f} "
                f"{measured['rss_above_resting_mib']:>9.1f}  {measured['message'] or measured['entries']}"
            )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "hostile_workbooks.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
