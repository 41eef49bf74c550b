"""A detection: one episode of one pattern, with the entries that support it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..entry import Entry
from . import explain as _explain


class EntryRef(NamedTuple):
    """An entry's identity across files: `entry_ref` is unique only within its source (file or submission)."""

    source: str
    entry_ref: str


@dataclass(frozen=True)
class Detection:
    """One episode of a rule.

    `start` and `end` bound the episode (for silence and the child's views: the silent span itself);
    `organisations` are the codes involved, sorted; `entries` the supporting entries in chronological
    order; `uncertain` is true when the pattern holds for some but not every reading of the uncertain
    dates it rests on. Equality ignores the explanation language and the facts behind the wording.
    """

    rule: str
    start: dt.date
    end: dt.date
    organisations: tuple[str, ...]
    entries: tuple[EntryRef, ...]
    uncertain: bool
    language: str = field(default="et", compare=False)
    supporting: tuple[Entry, ...] = field(default=(), compare=False, repr=False)
    parts: tuple[Mapping[str, Any], ...] = field(default=(), compare=False, repr=False)
    concern_labels: Mapping[str, Mapping[str, str]] | None = field(default=None, compare=False, repr=False)

    def explain(self, language: str | None = None) -> str:
        """A plain-language explanation in Estonian (et), English (en) or Russian (ru); others read Estonian."""
        return _explain.render(self, language or self.language)

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "organisations": list(self.organisations),
            "entries": [ref.entry_ref for ref in self.entries],
            "entry_sources": [{"source": ref.source, "entry_ref": ref.entry_ref} for ref in self.entries],
            "uncertain": self.uncertain,
            "explanation": self.explain(),
        }
