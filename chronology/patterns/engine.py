"""The machinery the pattern rules share: periods, interval look-ups, the context of one run, merging.

Everything works on the entries' date intervals (`UncertainDate.earliest` .. `latest`, both ends
inclusive). Two questions recur in every rule and are answered here in O(log n):

- `IntervalIndex.possibly_within(a, b)`: could some entry fall on a day in [a, b] (its interval meets
  [a, b])? Used to decide that something *certainly did not* happen in a window.
- `IntervalIndex.certainly_within(a, b)`: does some entry fall in [a, b] whatever its true day (its
  interval lies inside [a, b])? Used to decide that something *certainly did* happen.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from core.workdays import UNITS

from ..entry import Entry

ONE_DAY = dt.timedelta(days=1)


def canonical_key(entry: Entry) -> tuple[Any, ...]:
    """Every field of the entry, earliest date first: a total order that does not depend on input order."""
    date = entry.date
    return (
        date.earliest,
        date.latest,
        entry.source,
        entry.entry_ref,
        entry.organisation,
        entry.event_type,
        entry.time is not None,
        entry.time or dt.time.min,
        entry.addressee,
        entry.concern,
        entry.child_seen,
        entry.child_views_recorded,
        entry.shared_with,
        entry.key_event,
        entry.practitioner_role,
        entry.description,
        entry.source_document,
        date.precision,
        date.approximate,
        entry.row if entry.row is not None else -1,
    )


def canonical_order(entries: Iterable[Entry]) -> list[Entry]:
    """The entries sorted by `canonical_key`, cheaply: by dates, source and reference first, and on all
    fields only where those tie (a source's references are unique, so ties are rare)."""
    items = list(entries)
    keys = [(e.date.earliest.toordinal(), e.date.latest.toordinal(), e.source, e.entry_ref) for e in items]
    order = sorted(range(len(items)), key=keys.__getitem__)
    result: list[Entry] = []
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and keys[order[end]] == keys[order[start]]:
            end += 1
        run = [items[index] for index in order[start:end]]
        result.extend(run if len(run) == 1 else sorted(run, key=canonical_key))
        start = end
    return result


class Period:
    """A method period `{amount, unit}`; `after(day)` is its last day counted from the day after `day`.

    The arithmetic is core.workdays.deadline (Civil Code §§ 134–137), so a calendar-day period whose
    last day is a day off ends on the next working day, as the seed documents for every period.
    """

    def __init__(self, value: Any, *, where: str):
        if not isinstance(value, Mapping) or "amount" not in value or "unit" not in value:
            raise ValueError(f"{where}: a period must be {{amount, unit}}, not {value!r}")
        amount, unit = value["amount"], value["unit"]
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0 or unit not in UNITS:
            raise ValueError(f"{where}: a period must be {{amount, unit}}, not {value!r}")
        self.amount: int = amount
        self.unit: str = unit
        self._compute = UNITS[unit]
        self._cache: dict[dt.date, dt.date] = {}

    def after(self, day: dt.date) -> dt.date:
        try:
            return self._cache[day]
        except KeyError:
            end = self._cache[day] = self._compute(day, self.amount)
            return end


class IntervalIndex:
    """Entries in canonical order (so by earliest date), answering "is one within [a, b]?" in two senses.

    The rules build these from the context's lists, which are already in canonical order.
    """

    def __init__(self, entries: Iterable[Entry]):
        self.entries: list[Entry] = list(entries)
        dates = [entry.date for entry in self.entries]
        self.los = [date.earliest for date in dates]
        latests = [date.latest for date in dates]
        self._prefix_max_latest = list(accumulate(latests, max))
        self._suffix_min_latest = [*reversed(list(accumulate(reversed(latests), min))), dt.date.max]

    def __len__(self) -> int:
        return len(self.entries)

    def possibly_within(self, start: dt.date, end: dt.date) -> bool:
        """Some entry's interval meets [start, end]: it may have happened in that window."""
        if start > end:
            return False
        index = bisect_right(self.los, end)
        return index > 0 and self._prefix_max_latest[index - 1] >= start

    def certainly_within(self, start: dt.date, end: dt.date) -> bool:
        """Some entry's interval lies inside [start, end]: it happened in that window whatever its true day."""
        if start > end:
            return False
        index = bisect_left(self.los, start)
        return self._suffix_min_latest[index] <= end


EMPTY_INDEX = IntervalIndex(())


@dataclass
class Candidate:
    """One finding of a rule before episodes are merged.

    `subject` says what the finding is about (normally its organisations); findings of one rule with
    the same subject that overlap or touch in time are one episode. `facts` carry what the explanation
    needs beyond the supporting entries.
    """

    rule: str
    subject: tuple[str, ...]
    start: dt.date
    end: dt.date
    organisations: frozenset[str]
    supporting: tuple[Entry, ...]
    certain: bool
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """One run of detection: the entries in canonical order, grouped, and the chronology's horizon.

    The horizon is how far the chronology reaches: `horizon_earliest` (the latest earliest date, which
    it certainly reaches) and `horizon_latest` (the latest latest date, which it may reach). A rule that
    concludes "nothing happened within N days" needs those N days inside the chronology: a referral
    made a week before the chronology ends is not yet unanswered.
    """

    entries: list[Entry]  # in canonical order
    sectors: Mapping[str, str] | None
    rank: dict[int, int] = field(init=False)  # id(entry) -> its position in `entries`
    by_organisation: dict[str, list[Entry]] = field(init=False)
    horizon_earliest: dt.date = field(init=False)
    horizon_latest: dt.date = field(init=False)

    def __post_init__(self) -> None:
        self.rank = {id(entry): position for position, entry in enumerate(self.entries)}
        groups: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            groups[entry.organisation].append(entry)
        self.by_organisation = {code: groups[code] for code in sorted(groups)}
        # Sorted by earliest date: the last entry has the latest earliest date.
        self.horizon_earliest = self.entries[-1].date.earliest if self.entries else dt.date.min
        self.horizon_latest = max((entry.date.latest for entry in self.entries), default=dt.date.min)

    def sector_matches(self, organisation: str, wanted: Sequence[str]) -> bool:
        """Whether `organisation` is of one of the `wanted` sectors (a parent sector covers its children).

        An empty list means any sector. Without a sector mapping, or for an organisation the mapping
        does not name, any sector counts: the checker without `--organisations` cannot know better,
        and guessing "not child protection" would invent findings.
        """
        if not wanted or self.sectors is None:
            return True
        sector = self.sectors.get(organisation)
        if not sector:
            return True
        return any(sector == code or sector.startswith(code + ".") for code in wanted)


def last_true(low: int, high: int, holds: Callable[[int], bool]) -> int:
    """The largest k in [low, high] for which `holds(k)`, where `holds` is true up to some k and false after;
    low - 1 when it holds for none."""
    answer = low - 1
    while low <= high:
        middle = (low + high) // 2
        if holds(middle):
            answer = middle
            low = middle + 1
        else:
            high = middle - 1
    return answer


@dataclass
class Episode:
    rule: str
    subject: tuple[str, ...]
    start: dt.date
    end: dt.date
    organisations: set[str]
    supporting: dict[int, Entry]  # by rank
    certain: bool
    parts: list[dict[str, Any]]


def merge(candidates: Iterable[Candidate], rank: Mapping[int, int]) -> list[Episode]:
    """One episode per run of candidates of a rule and subject that overlap or touch in time.

    An episode is certain when any of its parts is: the pattern then holds whatever the uncertain
    dates turn out to be, even if its extent does not.
    """
    groups: dict[tuple[str, tuple[str, ...]], list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        groups[(candidate.rule, candidate.subject)].append(candidate)
    episodes: list[Episode] = []
    for key in sorted(groups):
        ordered = sorted(
            groups[key],
            key=lambda c: (c.start, c.end, [rank[id(entry)] for entry in c.supporting]),
        )
        current: Episode | None = None
        for candidate in ordered:
            if current is not None and candidate.start <= current.end + ONE_DAY:
                current.end = max(current.end, candidate.end)
                current.organisations |= candidate.organisations
                for entry in candidate.supporting:
                    current.supporting.setdefault(rank[id(entry)], entry)
                current.certain = current.certain or candidate.certain
                current.parts.append(candidate.facts)
                continue
            current = Episode(
                rule=candidate.rule,
                subject=candidate.subject,
                start=candidate.start,
                end=candidate.end,
                organisations=set(candidate.organisations),
                supporting={rank[id(entry)]: entry for entry in candidate.supporting},
                certain=candidate.certain,
                parts=[candidate.facts],
            )
            episodes.append(current)
    return episodes


class Parameters:
    """A rule's `parameters` from the method, read by kind, failing with the parameter's name."""

    def __init__(self, rule: str, values: Mapping[str, Any]):
        self.rule = rule
        self.values = values

    def _get(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise ValueError(f"pattern_rules.{self.rule}.parameters: {name} is missing") from None

    def period(self, name: str) -> Period:
        return Period(self._get(name), where=f"pattern_rules.{self.rule}.parameters.{name}")

    def codes(self, name: str) -> frozenset[str]:
        return frozenset(self._get(name))

    def sectors(self, name: str) -> tuple[str, ...]:
        return tuple(self._get(name))

    def count(self, name: str) -> int:
        return int(self._get(name))

    def flag(self, name: str) -> bool:
        return bool(self._get(name))


def lo(entry: Entry) -> dt.date:
    """The first day the entry may have happened on."""
    return entry.date.earliest


def hi(entry: Entry) -> dt.date:
    """The last day the entry may have happened on."""
    return entry.date.latest
