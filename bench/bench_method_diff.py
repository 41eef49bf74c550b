"""The method's pages at the editor's limits: every section of a draft grown to just under its 100 KB
cap through the editor's own service, then the draft's page and its diff page timed; and the few
hundred bytes of YAML aliases that once grew a draft to megabytes, sent to the editor.

Runs on a fresh database (see support.py). Prints a table and writes bench/results/method_diff.json.
Run: .venv/bin/python bench/bench_method_diff.py [--requests 10]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tagasivaade.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402
from support import measure_page, throwaway_database  # noqa: E402

LANGUAGE_KEYS = ("et", "en", "ru")
FILLER = "Pikk selgitav tekst metoodika kohta. "

ALIASES = """\
contributory_factors: &a
  - code: patient
    label: {et: Laps, en: Child, ru: Ребёнок}
cdr_domains: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
cdr_levels: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
welfare_triangle: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
finding_categories: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
"""


def texts(value: Any, found: list[tuple[dict[str, Any], str]]) -> list[tuple[dict[str, Any], str]]:
    """Every (dict, language) whose value is a text in one of the method's languages."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in LANGUAGE_KEYS and isinstance(inner, str):
                found.append((value, key))
            else:
                texts(inner, found)
    elif isinstance(value, list):
        for inner in value:
            texts(inner, found)
    return found


def grown(value: Any, target: int) -> Any:
    """The section with its texts lengthened until its stored size is just under `target` bytes."""
    from method.section_input import utf8_size

    value = copy.deepcopy(value)
    places = texts(value, [])
    size = utf8_size(json.dumps(value, ensure_ascii=False))
    per_text = max((target - size) // max(len(places), 1) - 8, 0)
    for holder, language in places:
        holder[language] += " " + (FILLER * (per_text // len(FILLER) + 1))[:per_text]
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=10)
    arguments = parser.parse_args()

    django.setup()
    from django.test import Client
    from django.urls import reverse

    with throwaway_database():
        from accounts.demo import ensure_demo_people
        from method.loader import SECTION_ORDER
        from method.models import MethodVersion
        from method.section_input import MAX_SECTION_BYTES, utf8_size
        from method.seeds import ensure_seeded
        from method.services import method_draft_create, method_section_update, section_to_yaml

        ensure_seeded()
        people = ensure_demo_people()
        editor = people["metoodik"]
        draft = method_draft_create(acting_user=editor)
        client = Client()
        client.force_login(editor, backend="accounts.backends.PasswordBackend")

        url = reverse("method:edit_section", kwargs={"number": draft.number, "section": "vocabularies"})
        started = time.perf_counter()
        response = client.post(url, {"text": ALIASES, "revision": str(draft.revision)})
        aliases = {
            "sent_bytes": len(ALIASES.encode()),
            "status": response.status_code,
            "response_kib": round(len(response.content) / 1024, 1),
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "saved": MethodVersion.objects.get(pk=draft.pk).revision != draft.revision,
        }

        for section in SECTION_ORDER:
            draft.refresh_from_db()
            target = MAX_SECTION_BYTES
            text = ""
            while not text or utf8_size(text) > MAX_SECTION_BYTES - 500:
                target -= 2_000  # the YAML (indented, wrapped) is a little larger than the JSON
                text = section_to_yaml(grown(draft.content[section], target))
            method_section_update(
                version=draft,
                section=section,
                text=text,
                revision=draft.revision,
                acting_user=editor,
            )
        draft.refresh_from_db()
        stored = len(json.dumps(draft.content, ensure_ascii=False).encode())
        pages = {
            "draft page": reverse("method:detail", kwargs={"number": draft.number}),
            "diff page": reverse("method:diff", kwargs={"number": draft.number}),
        }
        results = {name: measure_page(client, path, arguments.requests) for name, path in pages.items()}

    print(
        f"aliases: {aliases['sent_bytes']} bytes sent -> HTTP {aliases['status']}, "
        f"{aliases['response_kib']} KiB answer, {aliases['ms']} ms, saved: {aliases['saved']}"
    )
    print(f"draft at every section's cap: {stored / 1024:.0f} KiB stored")
    print(f"{'page':<12} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KiB':>8}")
    for name, numbers in results.items():
        median, p95, queries, kib = (numbers[key] for key in ("median_ms", "p95_ms", "queries", "kib"))
        print(f"{name:<12} {median:>10} {p95:>8} {queries:>8} {kib:>8}")
    out = ROOT / "bench" / "results" / "method_diff.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"aliases": aliases, "stored_bytes": stored, "pages": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
