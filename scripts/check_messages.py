"""Checks the translation catalogues: every locale/*/LC_MESSAGES/*.po compiles with msgfmt, and the
committed .mo beside it holds exactly the translations of the .po (so nobody ships a stale .mo).

Usage: .venv/bin/python scripts/check_messages.py   (exit 1 and a list of problems when not)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def translations(catalogue: polib._BaseFile) -> dict[tuple[str | None, str, str | None], object]:
    """The messages that take effect at run time: translated, not fuzzy, not obsolete."""
    found: dict[tuple[str | None, str, str | None], object] = {}
    for entry in catalogue:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
            if any(forms):
                found[(entry.msgctxt, entry.msgid, entry.msgid_plural)] = forms
        elif entry.msgstr:
            found[(entry.msgctxt, entry.msgid, None)] = entry.msgstr
    return found


def check(po_path: Path) -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            ["msgfmt", "--check", "-o", str(Path(tmp) / "out.mo"), str(po_path)],
            capture_output=True,
            text=True,
        )
    if result.returncode != 0:
        problems.append(f"{po_path.relative_to(ROOT)} does not compile:\n{result.stderr.strip()}")
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        problems.append(f"{mo_path.relative_to(ROOT)} is missing: run manage.py compilemessages and commit it")
        return problems
    expected = translations(polib.pofile(str(po_path)))
    compiled = translations(polib.mofile(str(mo_path)))
    if expected != compiled:
        stale = sorted(str(key[1]) for key in expected.keys() ^ compiled.keys())
        changed = sorted(str(key[1]) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key])
        detail = ", ".join(repr(m) for m in (stale + changed)[:5])
        problems.append(
            f"{mo_path.relative_to(ROOT)} is not current with its .po (e.g. {detail}): "
            "run manage.py compilemessages and commit the .mo"
        )
    return problems


def main() -> int:
    catalogues = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
    problems = [problem for po_path in catalogues for problem in check(po_path)]
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"Checked {len(catalogues)} catalogue(s): {'FAILED' if problems else 'ok'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
