"""The timeline SVG and the PDF export of an integrated chronology of 5,000 entries from 20 organisations.

Uses bench_patterns.generate() (fixed seed: six years, a sector-shaped mix of event types, some
uncertain dates), merged into chronological order. Times chronology.timeline.render_timeline_svg()
(best of 3) and reports the SVG's bytes and how many marks the entries became (marks of one lane in the
same half-millimetre column are drawn as one, see chronology/timeline.py); times
chronology.export.export_pdf() (best of --pdf-repeat, default 1: it takes tens of seconds) and
reports its bytes and pages. Prints a table and writes bench/results/timeline.json. Issue 4's target:
the SVG well under a second.

Run: .venv/bin/python bench/bench_timeline.py [--repeat 3] [--pdf-repeat 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tagasivaade.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

ENTRIES = 5_000
SVG_TARGET_SECONDS = 1.0


def best_of(repeat: int, work):
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def _pages(pdf: bytes) -> int | None:
    """The PDF's page count, read by poppler's pdfinfo (None without it)."""
    if shutil.which("pdfinfo") is None:
        return None
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(match.group(1)) if match else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="SVG runs; the best counts (default 3)")
    parser.add_argument("--pdf-repeat", type=int, default=1, help="PDF runs; the best counts (default 1)")
    arguments = parser.parse_args()
    django.setup()
    from bench_patterns import ORGANISATIONS, generate

    from chronology.export import export_pdf
    from chronology.merge import merge
    from chronology.timeline import render_timeline_svg

    entries = merge([generate(ENTRIES)])
    organisations = [(code, code) for code in ORGANISATIONS]
    svg_seconds, svg = best_of(
        arguments.repeat, lambda: render_timeline_svg(entries, organisations=organisations, language="et")
    )
    svg_bytes = len(svg.encode("utf-8"))
    marks_group = ElementTree.fromstring(svg).find("{http://www.w3.org/2000/svg}g[@class='marks']")
    marks = len(marks_group) if marks_group is not None else 0
    pdf_seconds, pdf = best_of(
        arguments.pdf_repeat,
        lambda: export_pdf(entries, title="Väljamõeldud kronoloogia", language="et", organisations=organisations),
    )
    pages = _pages(pdf)

    rows = [
        ("timeline SVG", f"{svg_seconds:.3f} s", f"{svg_bytes:,} bytes", f"{marks:,} marks"),
        (
            "PDF export",
            f"{pdf_seconds:.1f} s",
            f"{len(pdf):,} bytes",
            f"{pages:,} pages" if pages is not None else "pages ?",
        ),
    ]
    print(f"{ENTRIES:,} entries, {len(ORGANISATIONS)} organisations")
    for row in rows:
        print(f"  {row[0]:<14}{row[1]:>10}{row[2]:>18}{row[3]:>14}")
    passed = svg_seconds < SVG_TARGET_SECONDS
    print("target met (SVG under 1 s)" if passed else "TARGET MISSED (SVG under 1 s)")
    document = {
        "benchmark": "timeline SVG and PDF export of an integrated chronology (chronology.timeline, chronology.export)",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "entries": ENTRIES,
        "organisations": len(ORGANISATIONS),
        "svg": {"seconds": round(svg_seconds, 4), "bytes": svg_bytes, "marks": marks, "repeat": arguments.repeat},
        "pdf": {"seconds": round(pdf_seconds, 2), "bytes": len(pdf), "pages": pages, "repeat": arguments.pdf_repeat},
        "targets": {"svg_under_seconds": SVG_TARGET_SECONDS},
        "targets_met": passed,
    }
    output = ROOT / "bench" / "results" / "timeline.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {output.relative_to(ROOT)}")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
