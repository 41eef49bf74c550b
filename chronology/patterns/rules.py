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

Sweeps run over entries sorted by earliest date; each rule documents the rest of its reading. The
two rules about the child and what organisations knew are in `child.py`.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from ..entry import Entry
from .child import child_not_seen, information_not_shared
from .engine import EMPTY_INDEX, ONE_DAY, Candidate, Context, IntervalIndex, Parameters, Period, hi, last_true, lo

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
    spans: list[tuple[dt.date, dt.date, Entry | None]] = [(lo(p), hi(p), p) for p in points]
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
        narrow_deadline = within.after(lo(request))
        wide_deadline = within.after(hi(request))
        if narrow_deadline > context.horizon_latest:
            continue
        if index.certainly_within(hi(request), narrow_deadline):
            continue
        certain = wide_deadline <= context.horizon_earliest and not index.possibly_within(lo(request), wide_deadline)
        yield Candidate(
            rule="unanswered_referral",
            subject=(request.organisation, addressee),
            start=lo(request),
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
            narrow_end = follow_within.after(lo(miss))
            if narrow_end > context.horizon_latest or follow_ups.certainly_within(hi(miss), narrow_end):
                continue
            wide_end = follow_within.after(hi(miss))
            unfollowed.append(miss)
            certainly_unfollowed.append(
                wide_end <= context.horizon_earliest and not follow_ups.possibly_within(lo(miss), wide_end)
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


class _Groups(ABC):
    """Records sorted by earliest date, and a rule's tests of the group records[first..last]."""

    def __init__(self, records: list[Entry]):
        self.records = records

    @abstractmethod
    def smallest_last(self, first: int) -> int:
        """The last index of the smallest group from `first` that could qualify."""
        ...

    @abstractmethod
    def possible(self, first: int, last: int) -> bool:
        """The group may form a pattern; true up to some `last` and false after it."""
        ...

    @abstractmethod
    def certain(self, first: int, last: int) -> bool: ...


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
        escalation_end = self.escalation_within.after(lo(tail))
        return (
            lo(tail) <= self.window.after(hi(head))
            and escalation_end <= self.context.horizon_latest
            and not self.escalations.certainly_within(hi(head), escalation_end)
        )

    def certain(self, first: int, last: int) -> bool:
        head, tail = self.records[first], self.records[last]
        escalation_end = self.escalation_within.after(hi(tail))
        return (
            all(self.certainly_unfollowed[first : last + 1])
            and hi(tail) <= self.window.after(lo(head))
            and escalation_end <= self.context.horizon_earliest
            and not self.escalations.possibly_within(lo(head), escalation_end)
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
        start=min(lo(entry) for entry in supporting),
        end=max(hi(entry) for entry in supporting),
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
        return lo(tail) <= self.window.after(hi(head)) and not self.escalations.certainly_within(hi(head), lo(tail))

    def certain(self, first: int, last: int) -> bool:
        head, tail = self.records[first], self.records[last]
        return hi(tail) <= self.window.after(lo(head)) and not self.escalations.possibly_within(lo(head), hi(tail))


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
    los = [lo(entry) for entry in rereferrals]
    for closure in context.entries:
        if closure.event_type not in closing_types:
            continue
        narrow_end = window.after(lo(closure))
        wide_end = window.after(hi(closure))
        witness: Entry | None = None
        certain = False
        for position in range(bisect_right(los, hi(closure)), bisect_right(los, narrow_end)):
            if hi(rereferrals[position]) <= narrow_end:
                witness, certain = rereferrals[position], True
                break
        if witness is None:
            for position in range(bisect_left(los, lo(closure)), bisect_right(los, wide_end)):
                if hi(rereferrals[position]) > lo(closure):
                    witness = rereferrals[position]
                    break
        if witness is None:
            continue
        organisations = frozenset((closure.organisation, witness.organisation))
        yield Candidate(
            rule="closure_then_rereferral",
            subject=tuple(sorted(organisations)),
            start=lo(closure),
            end=hi(witness),
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
