"""Pattern detection over a chronology in memory (DOMAIN.md §5, issue 5): pure functions, no database.

    detections = detect(entries, method["pattern_rules"], sectors={"KOV-01": "child_protection"})
    for detection in detections:
        print(detection.rule, detection.start, detection.organisations, detection.explain("en"))

`rules` is the method's `pattern_rules` section (`{code: {label, description, parameters}}`); a rule
missing from it is not run. `sectors` maps organisation codes to sector codes (the checker's
`--organisations` file); without it, or for an organisation it does not name, an addressee of any
sector counts. `concern_labels` (code → {et, en, ru}) lets explanations name concerns by their label.

How the rules read the chronology (details in each rule's docstring, `rules.py`):

- Periods are the method's `{amount, unit}`, counted with core.workdays.deadline from the day after
  an entry; an entry on the last day is inside (a response on day 10 of 10 counts).
- Uncertain dates: a detection is reported when the pattern holds for some reading of the dates'
  intervals, and marked `uncertain` unless it holds for every reading.
- "Nothing happened within N days" needs the N days inside the chronology: its horizon is the
  latest date of any entry (a referral a week before the chronology ends is not yet unanswered).
- One episode is one detection: findings of a rule about the same subject that overlap or touch in
  time are merged. The subject is the organisations involved, except for `concern_without_escalation`
  (the concern) and `information_not_shared` (the organisation that was not told); for those two the
  detection lists all organisations of its merged findings.
- The result does not depend on the order of `entries`: they are sorted once on all their fields,
  and detections are returned sorted by start, end, rule, organisations and entries.
- Cost: one sort, then per-rule sweeps with bisection over sorted intervals (about n log n).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..entry import Entry
from .detection import Detection, EntryRef
from .engine import Candidate, Context, Parameters, canonical_order, merge
from .rules import RULES

RULE_CODES = tuple(RULES)

__all__ = ["RULE_CODES", "Detection", "EntryRef", "detect"]


def detect(
    entries: Iterable[Entry],
    rules: Mapping[str, Any],
    *,
    sectors: Mapping[str, str] | None = None,
    language: str = "et",
    concern_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Detection]:
    """The detections of every rule in `rules` over `entries`, in canonical order.

    Raises ValueError naming the rule or parameter when `rules` holds an unknown rule or lacks a
    parameter a rule needs.
    """
    unknown = sorted(set(rules) - set(RULES))
    if unknown:
        raise ValueError(f"pattern_rules: unknown rule(s) {', '.join(unknown)} (known: {', '.join(RULES)})")
    ordered = canonical_order(entries)
    if not ordered:
        return []
    context = Context(ordered, sectors)
    candidates: list[Candidate] = []
    for code, rule in RULES.items():
        if code not in rules:
            continue
        definition = rules[code]
        values = definition.get("parameters", definition) if isinstance(definition, Mapping) else None
        if not isinstance(values, Mapping):
            raise ValueError(f"pattern_rules.{code}: parameters must be a set of named values")
        candidates.extend(rule(context, Parameters(code, values)))
    rank = {code: index for index, code in enumerate(RULES)}
    detections = []
    for episode in merge(candidates, context.rank):
        supporting = tuple(episode.supporting[key] for key in sorted(episode.supporting))
        detections.append(
            Detection(
                rule=episode.rule,
                start=episode.start,
                end=episode.end,
                organisations=tuple(sorted(episode.organisations)),
                entries=tuple(EntryRef(entry.source, entry.entry_ref) for entry in supporting),
                uncertain=not episode.certain,
                language=language,
                supporting=supporting,
                parts=tuple(episode.parts),
                concern_labels=concern_labels,
            )
        )
    detections.sort(key=lambda d: (d.start, d.end, rank[d.rule], d.organisations, d.entries))
    return detections
