"""The seven pattern rules of DOMAIN.md §5, each a function `(context, parameters) -> candidates`.

Uncertain dates. Every rule reads the entries' date intervals. A finding is reported when the pattern
holds for at least one reading of the uncertain dates, and is `certain` only when it holds for every
reading. For each condition of a rule:

- "X happened in the window" is certain when an X lies inside the narrowest reading of the window
  (`certainly_within`) and possible when one meets its widest reading (`possibly_within`);
- "nothing happened in the window" is certain when nothing even meets the widest reading and possible
  when nothing lies inside the narrowest one;
- a window "within P after E" (E's own day included) is widest as [E.earliest, P after E.latest] and
  narrowest as [E.latest, P after E.earliest].

Sweeps run over entries sorted by earliest date; each rule documents the rest of its reading.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from ..entry import Entry, YesNo
from .engine import EMPTY_INDEX, ONE_DAY, Candidate, Context, IntervalIndex, Period, last_true


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


def _lo(entry: Entry) -> dt.date:
    return entry.date.earliest


def _hi(entry: Entry) -> dt.date:
    return entry.date.latest


# --- silence -------------------------------------------------------------------------------------------------


def silence(context: Context, parameters: Parameters) -> Iterator[Candidate]:
    """No contact by any organisation for longer than `max_gap` while a concern is open.

    A concern opens with an entry that names one and stays open until a closing entry (`case_closed`);
    a concern recorded after the closure opens a new period. (The issue's literal reading, "until a
    closure with no later concern", would count the time a case stood closed as silence; a closure
    followed by a new concern is `closure_then_rereferral`'s finding.) Inside an open period the
    points are the opening entry, every contact and the closing entry, or the end of the chronology.

    Between point i and the points after it (sorted by earliest date), the gap is possible when the
    next point certainly comes after point i and the later points, each placed as late as it may be,
    all fall after `max_gap` from point i's earliest date; it is certain when the earliest later point
    falls after `max_gap` from the latest date any point up to i may have, and no contact, of the
    period or not (one dated only by year may sort before the concern), may fall between the two.
    The period reported is the silent days between the two points.
    """
    max_gap = parameters.period("max_gap")
    contact_types = parameters.codes("contact_event_types")
    closing_types = parameters.codes("closing_event_types")
    contacts = IntervalIndex(entry for entry in context.entries if entry.event_type in contact_types)
    open_points: list[Entry] | None = None
    for entry in context.entries:
        if open_points is None:
            if entry.concern and entry.event_type not in closing_types:
                open_points = [entry]
        elif entry.event_type in closing_types:
            open_points.append(entry)
            yield from _silent_gaps(context, max_gap, contacts, open_points, closed=True)
            open_points = None
        elif entry.event_type in contact_types:
            open_points.append(entry)
    if open_points is not None:
        yield from _silent_gaps(context, max_gap, contacts, open_points, closed=False)


def _silent_gaps(
    context: Context, max_gap: Period, contacts: IntervalIndex, points: list[Entry], *, closed: bool
) -> Iterator[Candidate]:
    # (earliest, latest, entry); the end of the chronology is a point without an entry.
    spans: list[tuple[dt.date, dt.date, Entry | None]] = [(_lo(p), _hi(p), p) for p in points]
    if not closed:
        spans.append((context.horizon_earliest, context.horizon_latest, None))
    count = len(spans)
    suffix_min_latest = [dt.date.max] * (count + 1)
    for index in range(count - 1, -1, -1):
        suffix_min_latest[index] = min(suffix_min_latest[index + 1], spans[index][1])
    prefix_max_latest = dt.date.min
    for index in range(count - 1):
        earliest, latest, before = spans[index]
        prefix_max_latest = max(prefix_max_latest, latest)
        next_earliest, next_latest, after = spans[index + 1]
        # A gap needs its two ends in a known order: two contacts both dated "2019" may be a day or a
        # year apart, and reading them as a year's silence would only restate that the dates are vague.
        if next_earliest <= latest or not suffix_min_latest[index + 1] > max_gap.after(earliest):
            continue
        certain = next_earliest > max_gap.after(prefix_max_latest) and not contacts.possibly_within(
            prefix_max_latest + ONE_DAY, next_earliest - ONE_DAY
        )
        if after is None:
            end_kind, end = "horizon", next_latest
        else:
            end_kind = "closure" if closed and index + 1 == count - 1 else "contact"
            end = next_latest - ONE_DAY
        assert before is not None  # only the last span stands for the horizon
        supporting = (before,) if after is None else (before, after)
        yield Candidate(
            rule="silence",
            subject=tuple(sorted({entry.organisation for entry in supporting})),
            start=earliest + ONE_DAY,
            end=end,
            organisations=frozenset(entry.organisation for entry in supporting),
            supporting=supporting,
            certain=certain,
            facts={
                "before": before,
                "after": after,
                "end_kind": end_kind,
                "end_day": next_latest,
                "days": (next_latest - earliest).days,
                "max_gap": max_gap,
            },
        )


# --- unanswered_referral -------------------------------------------------------------------------------------


def unanswered_referral(context: Context, parameters: Parameters) -> Iterator[Candidate]:
    """A referral or notification with no answer by its addressee within `respond_within`.

    The window runs from the request's own day to the period's last day, both counted (an answer on
    day 10 of 10 counts). Possible: no answer lies inside the narrowest window and the chronology may
    reach the earliest possible deadline. Certain: no answer even meets the widest window (from the
    request's earliest day to the deadline counted from its latest day) and the chronology certainly
    reaches that deadline. A request addressed to its own organisation, or to no one, is skipped; with
    `addressee_sectors`, only requests to those sectors are checked.
    """
    request_types = parameters.codes("request_event_types")
    answer_types = set(parameters.codes("response_event_types"))
    if parameters.flag("contact_counts_as_response"):
        answer_types |= parameters.codes("contact_event_types")
    within = parameters.period("respond_within")
    addressee_sectors = parameters.sectors("addressee_sectors")
    answers = {
        code: IntervalIndex(entry for entry in entries if entry.event_type in answer_types)
        for code, entries in context.by_organisation.items()
    }
    for request in context.entries:
        if request.event_type not in request_types:
            continue
        addressee = request.addressee
        if not addressee or addressee == request.organisation:
            continue
        if not context.sector_matches(addressee, addressee_sectors):
            continue
        index = answers.get(addressee, EMPTY_INDEX)
        narrow_deadline = within.after(_lo(request))
        wide_deadline = within.after(_hi(request))
        if narrow_deadline > context.horizon_latest:
            continue
        if index.certainly_within(_hi(request), narrow_deadline):
            continue
        certain = wide_deadline <= context.horizon_earliest and not index.possibly_within(_lo(request), wide_deadline)
        yield Candidate(
            rule="unanswered_referral",
            subject=(request.organisation, addressee),
            start=_lo(request),
            end=wide_deadline,
            organisations=frozenset((request.organisation, addressee)),
            supporting=(request,),
            certain=certain,
            facts={"request": request, "deadline": wide_deadline, "within": within},
        )


# --- was_not_brought -----------------------------------------------------------------------------------------


def was_not_brought(context: Context, parameters: Parameters) -> Iterator[Candidate]:
    """`min_missed` or more missed appointments at one organisation within `window`, none followed by a
    contact of that organisation within `follow_up_within`, and no escalation by it to the named sectors
    from the first miss until `escalation_within` after the last.

    A contact on the day of the miss counts as its follow-up. A miss counts as unfollowed when no
    follow-up lies inside its narrowest follow-up window (certainly unfollowed: none meets the widest)
    and the chronology reaches the window's end. Groups are read from each unfollowed miss onwards and
    extended while the window and the absence of escalation allow; overlapping groups are one episode.
    """
    missed_types = parameters.codes("missed_event_types")
    follow_types = parameters.codes("follow_up_event_types")
    escalation_types = parameters.codes("escalation_event_types")
    minimum = parameters.count("min_missed")
    window = parameters.period("window")
    follow_within = parameters.period("follow_up_within")
    escalation_within = parameters.period("escalation_within")
    sectors = parameters.sectors("escalation_addressee_sectors")
    for organisation, entries in context.by_organisation.items():
        misses = [entry for entry in entries if entry.event_type in missed_types]
        if len(misses) < minimum:
            continue
        follow_ups = IntervalIndex(entry for entry in entries if entry.event_type in follow_types)
        escalations = IntervalIndex(
            entry
            for entry in entries
            if entry.event_type in escalation_types and context.sector_matches(entry.addressee, sectors)
        )
        unfollowed: list[Entry] = []
        certainly_unfollowed: list[bool] = []
        for miss in misses:
            narrow_end = follow_within.after(_lo(miss))
            if narrow_end > context.horizon_latest or follow_ups.certainly_within(_hi(miss), narrow_end):
                continue
            wide_end = follow_within.after(_hi(miss))
            unfollowed.append(miss)
            certainly_unfollowed.append(
                wide_end <= context.horizon_earliest and not follow_ups.possibly_within(_lo(miss), wide_end)
            )

        groups = _MissedGroups(
            unfollowed,
            certainly_unfollowed,
            minimum=minimum,
            window=window,
            escalations=escalations,
            escalation_within=escalation_within,
            context=context,
        )
        facts = {
            "follow_within": follow_within,
            "escalation_within": escalation_within,
            "to_child_protection": "child_protection" in sectors,
        }
        yield from _grouped("was_not_brought", (organisation,), groups, facts)


class _Groups:
    """Records sorted by earliest date, and a rule's tests of the group records[first..last]."""

    def __init__(self, records: list[Entry]):
        self.records = records

    def smallest_last(self, first: int) -> int:
        """The last index of the smallest group from `first` that could qualify."""
        raise NotImplementedError

    def possible(self, first: int, last: int) -> bool:
        """The group may form a pattern; true up to some `last` and false after it."""
        raise NotImplementedError

    def certain(self, first: int, last: int) -> bool:
        raise NotImplementedError


class _MissedGroups(_Groups):
    def __init__(
        self,
        records: list[Entry],
        certainly_unfollowed: list[bool],
        *,
        minimum: int,
        window: Period,
        escalations: IntervalIndex,
        escalation_within: Period,
        context: Context,
    ):
        super().__init__(records)
        self.certainly_unfollowed = certainly_unfollowed
        self.minimum = minimum
        self.window = window
        self.escalations = escalations
        self.escalation_within = escalation_within
        self.context = context

    def smallest_last(self, first: int) -> int:
        return first + self.minimum - 1

    def possible(self, first: int, last: int) -> bool:
        head, tail = self.records[first], self.records[last]
        escalation_end = self.escalation_within.after(_lo(tail))
        return (
            _lo(tail) <= self.window.after(_hi(head))
            and escalation_end <= self.context.horizon_latest
            and not self.escalations.certainly_within(_hi(head), escalation_end)
        )

    def certain(self, first: int, last: int) -> bool:
        head, tail = self.records[first], self.records[last]
        escalation_end = self.escalation_within.after(_hi(tail))
        return (
            all(self.certainly_unfollowed[first : last + 1])
            and _hi(tail) <= self.window.after(_lo(head))
            and escalation_end <= self.context.horizon_earliest
            and not self.escalations.possibly_within(_lo(head), escalation_end)
        )


def _grouped(rule: str, subject: tuple[str, ...], groups: _Groups, facts: dict[str, Any]) -> Iterator[Candidate]:
    """Episodes of records that form a qualifying group from some record onwards.

    From each record, the group is the longest that `possible` allows (found by bisection); groups
    that share a record are one episode, built here in one pass so that long runs cost no more than
    their length. An episode is certain when the smallest group of one of its starts is.
    """
    records = groups.records
    count = len(records)
    episode: tuple[int, int, bool] | None = None
    for first in range(count):
        smallest = groups.smallest_last(first)
        if smallest >= count or not groups.possible(first, smallest):
            continue
        last = last_true(smallest, count - 1, partial(groups.possible, first))
        certain = groups.certain(first, smallest)
        if episode is not None and first <= episode[1]:
            episode = (episode[0], max(episode[1], last), episode[2] or certain)
            continue
        if episode is not None:
            yield _group_candidate(rule, subject, records, episode, facts)
        episode = (first, last, certain)
    if episode is not None:
        yield _group_candidate(rule, subject, records, episode, facts)


def _group_candidate(
    rule: str, subject: tuple[str, ...], records: list[Entry], episode: tuple[int, int, bool], facts: dict[str, Any]
) -> Candidate:
    first, last, certain = episode
    supporting = tuple(records[first : last + 1])
    return Candidate(
        rule=rule,
        subject=subject,
        start=min(_lo(entry) for entry in supporting),
        end=max(_hi(entry) for entry in supporting),
        organisations=frozenset(entry.organisation for entry in supporting),
        supporting=supporting,
        certain=certain,
        facts=facts,
    )


# --- concern_without_escalation ------------------------------------------------------------------------------


def concern_without_escalation(context: Context, parameters: Parameters) -> Iterator[Candidate]:
    """The same concern recorded `min_repeats` times, or by `min_organisations` organisations, within
    `window`, with no escalation (by any organisation) between the first and the last record, both
    days included: an assessment on the day of a record is its escalation, and a record made in an
    escalating entry (a concern noted in an assessment) is escalated itself.

    One episode per concern code: overlapping groups of one concern are one detection even when the
    organisations of the groups differ (the issue merges "the same organisations"; here the subject
    of the finding is the concern, and a reviewer should read it once).
    """
    minimum_repeats = parameters.count("min_repeats")
    minimum_organisations = parameters.count("min_organisations")
    window = parameters.period("window")
    escalations = IntervalIndex(
        entry for entry in context.entries if entry.event_type in parameters.codes("escalation_event_types")
    )
    by_concern: dict[str, list[Entry]] = defaultdict(list)
    for entry in context.entries:
        if entry.concern:
            by_concern[entry.concern].append(entry)
    for concern in sorted(by_concern):
        records = by_concern[concern]

        groups = _ConcernGroups(
            records,
            reach=_first_reaching_organisations(records, minimum_organisations),
            minimum_repeats=minimum_repeats,
            window=window,
            escalations=escalations,
        )
        yield from _grouped("concern_without_escalation", (concern,), groups, {"concern": concern})


class _ConcernGroups(_Groups):
    def __init__(
        self,
        records: list[Entry],
        *,
        reach: list[int],
        minimum_repeats: int,
        window: Period,
        escalations: IntervalIndex,
    ):
        super().__init__(records)
        self.reach = reach
        self.minimum_repeats = minimum_repeats
        self.window = window
        self.escalations = escalations

    def smallest_last(self, first: int) -> int:
        return min(first + self.minimum_repeats - 1, self.reach[first])

    def possible(self, first: int, last: int) -> bool:
        head, tail = self.records[first], self.records[last]
        return _lo(tail) <= self.window.after(_hi(head)) and not self.escalations.certainly_within(_hi(head), _lo(tail))

    def certain(self, first: int, last: int) -> bool:
        head, tail = self.records[first], self.records[last]
        return _hi(tail) <= self.window.after(_lo(head)) and not self.escalations.possibly_within(_lo(head), _hi(tail))


def _first_reaching_organisations(records: list[Entry], minimum: int) -> list[int]:
    """For each start, the first index at which the records from it name `minimum` organisations
    (len(records) when they never do). Two pointers: the answer only moves forward."""
    count = len(records)
    reach = [count] * count
    seen: Counter[str] = Counter()
    end = 0  # records[first:end] are counted in `seen`
    for first in range(count):
        while end < count and len(seen) < minimum:
            seen[records[end].organisation] += 1
            end += 1
        if len(seen) >= minimum:
            reach[first] = end - 1
        organisation = records[first].organisation
        seen[organisation] -= 1
        if not seen[organisation]:
            del seen[organisation]
    return reach


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
    concern_los = [_lo(entry) for entry in concerns]
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
        by_latest = sorted(tellings.get(organisation, ()), key=_hi)
        told_latest = [_hi(entry) for entry in by_latest]
        told_running_earliest: list[dt.date] = []
        running = dt.date.min
        for entry in by_latest:
            running = max(running, _lo(entry))
            told_running_earliest.append(running)
        own = positions.get(organisation, [])
        for sighting in sightings:
            start = bisect_left(window_ends, _lo(sighting))
            told_before = bisect_right(told_latest, _lo(sighting))
            if told_before:
                start = max(start, bisect_right(concern_los, told_running_earliest[told_before - 1]))
            end = bisect_left(concern_los, _hi(sighting)) - 1
            if start > end:
                continue
            own_in_range = bisect_right(own, end) - bisect_left(own, start)
            if own_in_range == end - start + 1:
                continue
            earliest = start if concerns[start].organisation != organisation else next_other[start]
            latest = end if concerns[end].organisation != organisation else previous_other[end]
            witnesses = (concerns[earliest],) if earliest == latest else (concerns[earliest], concerns[latest])
            certain = any(
                _hi(concern) < _lo(sighting)
                and _hi(sighting) <= window.after(_lo(concern))
                and not told_index.possibly_within(_lo(concern), _hi(sighting))
                for concern in witnesses
            )
            yield Candidate(
                rule="information_not_shared",
                subject=(organisation,),
                start=_lo(concerns[earliest]),
                end=_hi(sighting),
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
                start=_lo(first),
                end=max(_hi(item) for item in run),
                organisations=frozenset((organisation,)),
                supporting=tuple(run),
                certain=not breakers.possibly_within(_lo(first), _hi(last)),
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
        (_lo(entry), 0, rank[id(entry)], entry)
        for entry in entries
        if entry.event_type in involvement_types and entry.child_views_recorded != YesNo.YES
    ]
    events += [(_hi(entry), 1, rank[id(entry)], entry) for entry in views_entries]
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
            last = max(members, key=_hi)
            if _hi(last) > views_gap.after(_lo(since)):
                certain = _lo(members[-1]) > views_gap.after(_hi(since)) and not views.possibly_within(
                    _hi(since) + ONE_DAY, _lo(members[-1]) - ONE_DAY
                )
                yield Candidate(
                    rule="child_not_seen",
                    subject=(organisation, "views"),
                    start=_lo(members[0]),
                    end=_hi(last),
                    organisations=frozenset((organisation,)),
                    supporting=tuple(members),
                    certain=certain,
                    facts={"variant": "views", "since": anchor, "days": (_hi(last) - _lo(since)).days},
                )
        anchor, members = entry, []


# --- closure_then_rereferral ---------------------------------------------------------------------------------


def closure_then_rereferral(context: Context, parameters: Parameters) -> Iterator[Candidate]:
    """A closing entry followed, on a later day within `window`, by a new concern, referral or
    notification about the child (by any organisation). A re-referral on the day of the closure is
    not counted: referring on to another service is often part of closing a case.

    The first re-referral that certainly follows within the window supports the finding; failing one,
    the first that may (an uncertain finding).
    """
    closing_types = parameters.codes("closing_event_types")
    window = parameters.period("window")
    rereferrals = [entry for entry in context.entries if entry.event_type in parameters.codes("rereferral_event_types")]
    los = [_lo(entry) for entry in rereferrals]
    for closure in context.entries:
        if closure.event_type not in closing_types:
            continue
        narrow_end = window.after(_lo(closure))
        wide_end = window.after(_hi(closure))
        witness: Entry | None = None
        certain = False
        for position in range(bisect_right(los, _hi(closure)), bisect_right(los, narrow_end)):
            if _hi(rereferrals[position]) <= narrow_end:
                witness, certain = rereferrals[position], True
                break
        if witness is None:
            for position in range(bisect_left(los, _lo(closure)), bisect_right(los, wide_end)):
                if _hi(rereferrals[position]) > _lo(closure):
                    witness = rereferrals[position]
                    break
        if witness is None:
            continue
        organisations = frozenset((closure.organisation, witness.organisation))
        yield Candidate(
            rule="closure_then_rereferral",
            subject=tuple(sorted(organisations)),
            start=_lo(closure),
            end=_hi(witness),
            organisations=organisations,
            supporting=(closure, witness),
            certain=certain,
            facts={"closure": closure, "rereferral": witness, "window": window},
        )


RULES: dict[str, Callable[[Context, Parameters], Iterator[Candidate]]] = {
    "silence": silence,
    "unanswered_referral": unanswered_referral,
    "was_not_brought": was_not_brought,
    "concern_without_escalation": concern_without_escalation,
    "information_not_shared": information_not_shared,
    "child_not_seen": child_not_seen,
    "closure_then_rereferral": closure_then_rereferral,
}
