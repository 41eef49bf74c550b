"""Merging agencies' chronologies into one, and suggesting entries that record the same event.

Each submission (a file, or later a stored submission) is one agency's list of entries; `entry_ref` is
unique within a submission and may repeat across them, so an entry's identity is
`(entry.source, entry.entry_ref)`.

`merge()` orders the entries of all submissions by date — as intervals: earliest day, then latest day,
so a day sorts before the month that holds it — then by time (timed entries of a day first), then
organisation, source and entry_ref (natural order: PA-2 before PA-10). The order is total, so the
result does not depend on the order the submissions came in.

`suggest_duplicates()` proposes pairs that are probably the same event reported by two agencies, for
a reviewer to confirm; it never merges anything itself. A pair is suggested when

- the entries come from different organisations,
- their dates agree: two exact days at most `max_days_apart` (1) apart, or intervals that overlap
  when either date is uncertain (a month, a year, approximate),
- they have the same event type, and for a referral, notification or information shared the same
  recipient (each side's addressee). A referral from A to B and B's "case opened" are deliberately
  *not* paired: they are two events (the referral and the response to it), and the pattern rules
  need both,
- their descriptions are alike: the larger of two Dice coefficients, of word stems (the first five
  letters of each word of three or more letters, which copes with Estonian endings: perearst,
  perearstile) and of character trigrams (which copes with word order and compounds), is at least
  `min_similarity` (0.4). Both are set operations on values prepared once per entry, so a candidate
  pair costs microseconds; difflib's ratio was tried and was a hundred times slower.

Candidates are found through an index by event type, recipient, day and organisation, so 10,000
entries take a fraction of a second rather than comparing every pair; uncertain dates are found by
bisection and a sweep over intervals. The cost grows with the pairs the definition admits: hundreds
of entries of one event type by several agencies on the same day would all be compared.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .entry import Entry

ADDRESSED_EVENT_TYPES = frozenset({"referral", "notification", "information_shared"})
MAX_DAYS_APART = 1
MIN_SIMILARITY = 0.4
# Long texts are compared on their beginning: enough to recognise the same event.
_COMPARED_CHARACTERS = 600
_STEM_LENGTH = 5
_WORD = re.compile(r"\w+")
_NUMBER_PARTS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[Any, ...]:
    """A sort key that orders the numbers inside a text by value: PA-2 before PA-10."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in _NUMBER_PARTS.split(text))


def sort_key(entry: Entry) -> tuple[Any, ...]:
    time = entry.time if entry.time is not None else dt.time.max
    return (
        entry.date.earliest,
        entry.date.latest,
        entry.time is None,
        time,
        entry.organisation,
        entry.source,
        natural_key(entry.entry_ref),
        entry.entry_ref,
    )


def identity(entry: Entry) -> tuple[str, str]:
    return (entry.source, entry.entry_ref)


def merge(submissions: Iterable[Iterable[Entry]]) -> list[Entry]:
    """All entries of all submissions in chronological order (see the module docstring).

    Raises ValueError when two entries share an identity (the same entry_ref twice in one source)."""
    entries: list[Entry] = []
    seen: set[tuple[str, str]] = set()
    for submission in submissions:
        for entry in submission:
            key = identity(entry)
            if key in seen:
                raise ValueError(f"Entry {entry.entry_ref!r} appears twice in {entry.source!r}.")
            seen.add(key)
            entries.append(entry)
    entries.sort(key=sort_key)
    return entries


# ---------------------------------------------------------------------------------------------
# Duplicates


@dataclass(frozen=True)
class DuplicateSuggestion:
    """Two entries that probably record the same event; `first` sorts before `second`."""

    first: Entry
    second: Entry
    similarity: float  # 0..1, how alike the descriptions are
    days_apart: int | None  # between two exact days; None when a date is uncertain

    @property
    def reason(self) -> str:
        return describe_pair(self.first, self.second, self.similarity)

    def as_json(self) -> dict[str, Any]:
        return {
            "first": _entry_json(self.first),
            "second": _entry_json(self.second),
            "event_type": self.first.event_type,
            "similarity": round(self.similarity, 2),
            "days_apart": self.days_apart,
            "reason": self.reason,
        }


def describe_pair(first: Entry, second: Entry, similarity: float, event_type_label: str = "") -> str:
    """Why two entries look like one event, in the active language (the event type by its label when
    given, else its code)."""
    values = {
        "event_type": event_type_label or first.event_type,
        "similarity": round(similarity * 100),
        "day": first.date.earliest.isoformat(),
    }
    days_apart = (
        abs((second.date.earliest - first.date.earliest).days) if first.date.is_exact and second.date.is_exact else None
    )
    if days_apart == 0:
        return _("Same event type (%(event_type)s) on the same day, descriptions %(similarity)s%% alike.") % values
    if days_apart is not None:
        return _("Same event type (%(event_type)s) one day apart, descriptions %(similarity)s%% alike.") % values
    return (
        _("Same event type (%(event_type)s) with overlapping uncertain dates, descriptions %(similarity)s%% alike.")
        % values
    )


def _entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "file": entry.source,
        "entry_ref": entry.entry_ref,
        "organisation": entry.organisation,
        "row": entry.row,
        "date": {"start": entry.date.earliest.isoformat(), "end": entry.date.latest.isoformat()},
    }


class _Text:
    """An entry's description prepared once for comparison: word stems and character trigrams."""

    __slots__ = ("stems", "trigrams")

    def __init__(self, description: str):
        words = _WORD.findall(description[:_COMPARED_CHARACTERS].casefold())
        self.stems = frozenset(word[:_STEM_LENGTH] for word in words if len(word) >= 3 and not word.isdigit())
        normal = f" {' '.join(words)} "
        self.trigrams = frozenset(normal[i : i + 3] for i in range(len(normal) - 2)) if words else frozenset()


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def similarity(a: str, b: str) -> float:
    """How alike two descriptions are, 0..1 (see the module docstring)."""
    return _similarity(_Text(a), _Text(b))


def _similarity(a: _Text, b: _Text) -> float:
    return max(_dice(a.stems, b.stems), _dice(a.trigrams, b.trigrams))


def _recipient(entry: Entry) -> str:
    return entry.addressee if entry.event_type in ADDRESSED_EVENT_TYPES else ""


def suggest_duplicates(
    entries: Sequence[Entry], *, max_days_apart: int = MAX_DAYS_APART, min_similarity: float = MIN_SIMILARITY
) -> list[DuplicateSuggestion]:
    """Pairs of entries that probably record the same event (see the module docstring), in merged order."""
    rank = {
        index: position
        for position, index in enumerate(sorted(range(len(entries)), key=lambda i: sort_key(entries[i])))
    }
    texts: dict[int, _Text] = {}

    def text(index: int) -> _Text:
        if index not in texts:
            texts[index] = _Text(entries[index].description)
        return texts[index]

    # Exact days by group and day, each day's entries by organisation (pairs are across organisations).
    exact: dict[tuple[str, str, dt.date], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    exact_days: dict[tuple[str, str], list[tuple[dt.date, int]]] = defaultdict(list)
    uncertain: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        group = (entry.event_type, _recipient(entry))
        if entry.date.is_exact:
            exact[(*group, entry.date.earliest)][entry.organisation].append(index)
            exact_days[group].append((entry.date.earliest, index))
        else:
            uncertain[group].append(index)
    for days in exact_days.values():
        days.sort()

    candidates: set[tuple[int, int]] = set()

    def consider(i: int, j: int) -> None:
        if entries[i].organisation != entries[j].organisation:
            candidates.add((i, j) if i < j else (j, i))

    # Exact days: the same group on the same day or up to max_days_apart later.
    for (event_type, recipient, day), by_organisation in list(exact.items()):
        for offset in range(max_days_apart + 1):
            later = exact.get((event_type, recipient, day + dt.timedelta(days=offset)))
            if not later:
                continue
            for organisation, indexes in by_organisation.items():
                for other_organisation, others in later.items():
                    if other_organisation == organisation:
                        continue
                    for i in indexes:
                        for j in others:
                            candidates.add((i, j) if i < j else (j, i))
    # Uncertain dates: every entry of the same group whose interval overlaps, found by bisection among
    # the exact days and by a sweep in order of earliest day among the uncertain ones.
    for group, indexes in uncertain.items():
        days = exact_days.get(group, [])
        for i in indexes:
            date = entries[i].date
            low = bisect.bisect_left(days, (date.earliest, -1))
            high = bisect.bisect_right(days, (date.latest, len(entries)))
            for _day, j in days[low:high]:
                consider(i, j)
        indexes.sort(key=lambda index: entries[index].date.earliest)
        for position, i in enumerate(indexes):
            latest = entries[i].date.latest
            for j in indexes[position + 1 :]:
                if entries[j].date.earliest > latest:
                    break
                consider(i, j)

    found: list[tuple[int, int, float]] = []
    for i, j in candidates:
        score = _similarity(text(i), text(j))
        if score >= min_similarity:
            found.append((i, j, score) if rank[i] < rank[j] else (j, i, score))
    found.sort(key=lambda pair: (rank[pair[0]], rank[pair[1]]))
    suggestions: list[DuplicateSuggestion] = []
    for i, j, score in found:
        first, second = entries[i], entries[j]
        days_apart = None
        if first.date.is_exact and second.date.is_exact:
            days_apart = abs((second.date.earliest - first.date.earliest).days)
        suggestions.append(DuplicateSuggestion(first, second, score, days_apart))
    return suggestions


# ---------------------------------------------------------------------------------------------
# Summary


@dataclass(frozen=True)
class Summary:
    entries: int  # rows read, before any merging
    organisations: dict[str, int]  # code -> entries, by code
    period: tuple[dt.date, dt.date] | None  # earliest start .. latest end; None without entries
    duplicates: list[DuplicateSuggestion]

    def as_json(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "organisations": self.organisations,
            "period": (
                {"start": self.period[0].isoformat(), "end": self.period[1].isoformat()} if self.period else None
            ),
            "duplicates": [suggestion.as_json() for suggestion in self.duplicates],
        }


def summarise(entries: Sequence[Entry], **duplicate_options: Any) -> Summary:
    """Counts, period and suggested duplicates of merged entries (`merge()`'s result)."""
    counts = Counter(entry.organisation for entry in entries)
    period = None
    if entries:
        period = (min(entry.date.earliest for entry in entries), max(entry.date.latest for entry in entries))
    return Summary(
        entries=len(entries),
        organisations=dict(sorted(counts.items())),
        period=period,
        duplicates=suggest_duplicates(entries, **duplicate_options),
    )
