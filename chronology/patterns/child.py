"""The rules about the child and what the organisations knew: information not shared, and the child
not seen or heard. Uncertain dates are read as described in `rules.py`."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator

from ..entry import Entry, YesNo
from .engine import ONE_DAY, Candidate, Context, IntervalIndex, Parameters, Period, hi, lo

# --- information_not_shared ----------------------------------------------------------------------------------


def information_not_shared(context: Context, parameters: Parameters) -> Iterator[Candidate]:
    """An organisation saw the child (`child_seen` yes) on a later day than another organisation
    recorded a concern, within `window` of it, without having been told in between.

    "Told" is any entry (by anyone) of a sharing type addressed to it, or, with `shared_with_counts`,
    any entry naming it in `shared_with`, from the concern's day to the sighting's day, both included
    (shared on the day of the contact counts as shared before it). A concern and a sighting on the same
    day are not counted: their order is unknown.

    For each sighting, the concerns it may be about are found by position among all concerns sorted by
    earliest date: recorded on a possibly earlier day, not before the last certain telling, with the
    sighting at most `window` after the concern's earliest date. Each sighting supports its detection
    with the earliest and the latest such concern; the detections about one organisation's sightings
    are merged into episodes whatever organisations the concerns came from.
    """
    window = parameters.period("window")
    sharing_types = parameters.codes("sharing_event_types")
    shared_with_counts = parameters.flag("shared_with_counts")
    concerns = [entry for entry in context.entries if entry.concern]
    if not concerns:
        return
    concern_los = [lo(entry) for entry in concerns]
    window_ends = [window.after(day) for day in concern_los]  # non-decreasing
    positions: dict[str, list[int]] = defaultdict(list)
    for position, entry in enumerate(concerns):
        positions[entry.organisation].append(position)
    # previous_other[i]: the last position <= i whose organisation differs from concerns[i]'s.
    previous_other = [-1] * len(concerns)
    next_other = [len(concerns)] * len(concerns)
    for position in range(1, len(concerns)):
        if concerns[position].organisation != concerns[position - 1].organisation:
            previous_other[position] = position - 1
        else:
            previous_other[position] = previous_other[position - 1]
    for position in range(len(concerns) - 2, -1, -1):
        if concerns[position].organisation != concerns[position + 1].organisation:
            next_other[position] = position + 1
        else:
            next_other[position] = next_other[position + 1]

    # Per organisation, the entries that told it, in canonical order (one naming it twice is harmless).
    tellings: dict[str, list[Entry]] = defaultdict(list)
    for entry in context.entries:
        if entry.addressee and entry.event_type in sharing_types:
            tellings[entry.addressee].append(entry)
        if shared_with_counts and entry.shared_with:
            for code in entry.shared_with:
                tellings[code].append(entry)

    for organisation, entries in context.by_organisation.items():
        sightings = [entry for entry in entries if entry.child_seen == YesNo.YES]
        if not sightings:
            continue
        told_index = IntervalIndex(tellings.get(organisation, ()))
        # Tellings by latest date, with the running maximum of their earliest dates: the last day a
        # telling certainly before a given day may have happened.
        by_latest = sorted(tellings.get(organisation, ()), key=hi)
        told_latest = [hi(entry) for entry in by_latest]
        told_running_earliest: list[dt.date] = []
        running = dt.date.min
        for entry in by_latest:
            running = max(running, lo(entry))
            told_running_earliest.append(running)
        own = positions.get(organisation, [])
        for sighting in sightings:
            start = bisect_left(window_ends, lo(sighting))
            told_before = bisect_right(told_latest, lo(sighting))
            if told_before:
                start = max(start, bisect_right(concern_los, told_running_earliest[told_before - 1]))
            end = bisect_left(concern_los, hi(sighting)) - 1
            if start > end:
                continue
            own_in_range = bisect_right(own, end) - bisect_left(own, start)
            if own_in_range == end - start + 1:
                continue
            earliest = start if concerns[start].organisation != organisation else next_other[start]
            latest = end if concerns[end].organisation != organisation else previous_other[end]
            witnesses = (concerns[earliest],) if earliest == latest else (concerns[earliest], concerns[latest])
            certain = any(
                hi(concern) < lo(sighting)
                and hi(sighting) <= window.after(lo(concern))
                and not told_index.possibly_within(lo(concern), hi(sighting))
                for concern in witnesses
            )
            yield Candidate(
                rule="information_not_shared",
                subject=(organisation,),
                start=lo(concerns[earliest]),
                end=hi(sighting),
                organisations=frozenset({organisation, *(concern.organisation for concern in witnesses)}),
                supporting=(*witnesses, sighting),
                certain=certain,
                facts={"organisation": organisation},
            )


# --- child_not_seen ------------------------------------------------------------------------------------------


def child_not_seen(context: Context, parameters: Parameters) -> Iterator[Candidate]:
    """Two findings about one organisation's entries of `not_seen_event_types` (network meetings are not
    among them in the seed: the child is not usually there):

    - `not_seen`: `min_consecutive_not_seen` or more consecutive entries with `child_seen` no. An
      entry with `child_seen` yes or unknown breaks the run. The run is read in order of earliest
      date; it is certain when no breaking entry may fall between its first and last day.
    - `views`: involvement of more than `views_gap` with no entry of the organisation recording the
      child's views, measured from the last entry that recorded them (or the first entry) to the last
      entry before the next one that does. Certain when the span is certain and no entry recording
      the views may fall strictly inside it. Views recorded by another organisation do not count:
      hearing the child is each organisation's own practice.
    """
    minimum = parameters.count("min_consecutive_not_seen")
    involvement_types = parameters.codes("not_seen_event_types")
    views_gap = parameters.period("views_gap")
    for organisation, entries in context.by_organisation.items():
        involvement = [entry for entry in entries if entry.event_type in involvement_types]
        yield from _not_seen_runs(organisation, involvement, minimum)
        yield from _views_gaps(context, organisation, entries, involvement_types, views_gap)


def _not_seen_runs(organisation: str, involvement: list[Entry], minimum: int) -> Iterator[Candidate]:
    breakers = IntervalIndex(entry for entry in involvement if entry.child_seen != YesNo.NO)
    run: list[Entry] = []
    for entry in [*involvement, None]:
        if entry is not None and entry.child_seen == YesNo.NO:
            run.append(entry)
            continue
        if len(run) >= minimum:
            first, last = run[0], run[-1]
            yield Candidate(
                rule="child_not_seen",
                subject=(organisation, "not_seen"),
                start=lo(first),
                end=max(hi(item) for item in run),
                organisations=frozenset((organisation,)),
                supporting=tuple(run),
                certain=not breakers.possibly_within(lo(first), hi(last)),
                facts={"variant": "not_seen"},
            )
        run = []


def _views_gaps(
    context: Context, organisation: str, entries: list[Entry], involvement_types: frozenset[str], views_gap: Period
) -> Iterator[Candidate]:
    views_entries = [entry for entry in entries if entry.child_views_recorded == YesNo.YES]
    views = IntervalIndex(views_entries)
    # Involvement entries by earliest date, entries recording the views by latest date: an uncertain
    # recording splits the involvement only where it certainly falls (where it may fall is `certain`'s
    # business), and on one day the involvement comes first.
    rank = context.rank
    events: list[tuple[dt.date, int, int, Entry | None]] = [
        (lo(entry), 0, rank[id(entry)], entry)
        for entry in entries
        if entry.event_type in involvement_types and entry.child_views_recorded != YesNo.YES
    ]
    events += [(hi(entry), 1, rank[id(entry)], entry) for entry in views_entries]
    events.sort(key=lambda event: event[:3])
    events.append((dt.date.max, 1, -1, None))
    anchor: Entry | None = None
    members: list[Entry] = []
    for _day, is_views, _key, entry in events:
        if not is_views:
            assert entry is not None
            members.append(entry)
            continue
        if members and (anchor is not None or len(members) > 1):
            since = anchor if anchor is not None else members[0]
            last = max(members, key=hi)
            if hi(last) > views_gap.after(lo(since)):
                certain = lo(members[-1]) > views_gap.after(hi(since)) and not views.possibly_within(
                    hi(since) + ONE_DAY, lo(members[-1]) - ONE_DAY
                )
                yield Candidate(
                    rule="child_not_seen",
                    subject=(organisation, "views"),
                    start=lo(members[0]),
                    end=hi(last),
                    organisations=frozenset((organisation,)),
                    supporting=tuple(members),
                    certain=certain,
                    facts={"variant": "views", "since": anchor, "days": (hi(last) - lo(since)).days},
                )
        anchor, members = entry, []
