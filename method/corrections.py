"""Whether a change to published method content is a wording correction, and what it changes.

A published version is never changed in what it means: codes, numbers, parameters, keys, the order and
number of items, and every text that code reads (units, event-type lists, a meeting rule) stay as they
are. Only what people read may be corrected in place — the texts in a language map (`{et, en, ru}`:
labels, help, descriptions, stage outputs, templates) — and a template's placeholders must stay the
same, because code fills them in. Adding a missing translation is a correction too; removing one is not.

Pure: no database. `wording_changes(old, new)` returns every changed text or raises `NotWording` naming
each place where the change is more than wording.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .content import LANGUAGES


@dataclass(frozen=True)
class WordingChange:
    """One text changed by a correction: where it is (`pattern_rules.silence.label.ru`), before and after."""

    path: str
    old: str
    new: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "old": self.old, "new": self.new}


class NotWording(ValueError):
    """The change is more than a wording correction; `problems` names each place."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _is_language_map(value: object) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= set(LANGUAGES)


def _placeholders(text: str) -> set[str]:
    found = set()
    for _literal, field, _spec, _conversion in string.Formatter().parse(text):
        if field is not None:
            found.add(field)
    return found


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _walk(old: Any, new: Any, path: str) -> Iterator[WordingChange | str]:
    """Changes (WordingChange) and problems (str) between two values at `path`."""
    if _is_language_map(old) and _is_language_map(new):
        for language in old:
            if language not in new:
                yield _("%(path)s: the %(language)s text would be removed.") % {"path": path, "language": language}
        for language, text in new.items():
            before = old.get(language, "")
            if not isinstance(text, str) or not isinstance(before, str):
                yield _("%(path)s.%(language)s: only text may change.") % {"path": path, "language": language}
            elif text != before:
                try:
                    same = not before or _placeholders(text) == _placeholders(before)
                except ValueError:
                    same = False
                if not same:
                    yield _(
                        "%(path)s.%(language)s: the placeholders in braces must stay as they are, because the "
                        "system fills them in."
                    ) % {"path": path, "language": language}
                else:
                    yield WordingChange(_join(path, language), before, text)
        return
    if type(old) is not type(new):
        yield _("%(path)s: the kind of value would change.") % {"path": path or "/"}
    elif isinstance(old, dict):
        if set(old) != set(new):
            added, removed = sorted(map(str, set(new) - set(old))), sorted(map(str, set(old) - set(new)))
            yield _("%(path)s: keys would be added or removed (%(keys)s).") % {
                "path": path or "/",
                "keys": ", ".join(added + removed),
            }
        for key in old:
            if key in new:
                yield from _walk(old[key], new[key], _join(path, key))
    elif isinstance(old, list):
        if len(old) != len(new):
            yield _("%(path)s: the number of items would change.") % {"path": path or "/"}
        for index, (before, after) in enumerate(zip(old, new, strict=False)):
            yield from _walk(before, after, f"{path}[{index}]")
    elif old != new:
        yield _("%(path)s: “%(old)s” would become “%(new)s”; only texts in a language may be corrected.") % {
            "path": path or "/",
            "old": str(old)[:60],
            "new": str(new)[:60],
        }


def wording_changes(old: Any, new: Any, *, path: str = "") -> list[WordingChange]:
    """The texts `new` changes in `old`, when the change is a wording correction; else NotWording."""
    changes: list[WordingChange] = []
    problems: list[str] = []
    for found in _walk(old, new, path):
        if isinstance(found, WordingChange):
            changes.append(found)
        else:
            problems.append(found)
    if problems:
        raise NotWording(problems)
    return changes
