"""The Estonian and Russian catalogues are complete, and the compiled .mo files match them."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("et", "ru")


def catalogue_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def load_catalogue(language: str) -> polib.POFile:
    path = catalogue_path(language)
    assert path.exists(), f"{path} is missing"
    return polib.pofile(str(path))


def live_entries(catalogue: polib._BaseFile) -> list[polib._BaseEntry]:
    return [entry for entry in catalogue if not entry.obsolete and entry.msgid]


def runtime_translations(catalogue: polib._BaseFile) -> dict[tuple[str | None, str, str | None], object]:
    """What gettext uses at run time: translated, not fuzzy, not obsolete (header excluded)."""
    found: dict[tuple[str | None, str, str | None], object] = {}
    for entry in live_entries(catalogue):
        if "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
            if all(forms):
                found[(entry.msgctxt, entry.msgid, entry.msgid_plural)] = forms
        elif entry.msgstr:
            found[(entry.msgctxt, entry.msgid, None)] = entry.msgstr
    return found


def plural_forms(catalogue: polib.POFile) -> int:
    """nplurals from the catalogue's Plural-Forms header (Estonian 2, Russian 4 in Django's catalogues)."""
    match = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    assert match, "the catalogue has no Plural-Forms header"
    return int(match.group(1))


def describe(entry: polib._BaseEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r}" + (f" ({where})" if where else "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_exists(language):
    assert catalogue_path(language).exists(), f"{catalogue_path(language)} is missing"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    catalogue = load_catalogue(language)
    untranslated = [e for e in live_entries(catalogue) if not e.translated() and "fuzzy" not in e.flags]
    fuzzy = [entry for entry in live_entries(catalogue) if "fuzzy" in entry.flags]
    forms = plural_forms(catalogue)
    missing_forms = [
        entry
        for entry in live_entries(catalogue)
        if entry.msgid_plural and entry.translated() and sum(1 for form in entry.msgstr_plural.values() if form) < forms
    ]
    problems = [f"untranslated: {describe(entry)}" for entry in untranslated]
    problems += [f"fuzzy: {describe(entry)}" for entry in fuzzy]
    problems += [f"fewer than the language's {forms} plural forms: {describe(entry)}" for entry in missing_forms]
    assert live_entries(catalogue), f"{language}: the catalogue holds no messages"
    assert not problems, f"{language}: {len(problems)} message(s) need work:\n  " + "\n  ".join(problems[:50])


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language, tmp_path):
    po_path = catalogue_path(language)
    mo_path = po_path.with_suffix(".mo")
    catalogue = load_catalogue(language)
    assert mo_path.exists(), f"{mo_path} is missing: run manage.py compilemessages"
    fresh = tmp_path / "fresh.mo"
    catalogue.save_as_mofile(str(fresh))
    expected = runtime_translations(polib.mofile(str(fresh)))
    committed = runtime_translations(polib.mofile(str(mo_path)))
    assert expected == runtime_translations(catalogue)
    missing = sorted(str(key[1]) for key in expected.keys() - committed.keys())
    extra = sorted(str(key[1]) for key in committed.keys() - expected.keys())
    changed = sorted(str(key[1]) for key in expected.keys() & committed.keys() if expected[key] != committed[key])
    assert not (missing or extra or changed), (
        f"{mo_path} is out of date with its .po: run manage.py compilemessages "
        f"(missing {missing[:5]}, extra {extra[:5]}, changed {changed[:5]})"
    )
