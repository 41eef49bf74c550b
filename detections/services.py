"""Running the pattern rules over a review's stored chronology, and the reviewers' decisions on them.

How a run reads the review (the pure rules are `chronology.patterns`):

- The chronology is the integrated one (`chronology.store.review_entries`: entries present in their
  agency's latest submission). An entry a reviewer merged into another (`merged_into`) is left out:
  the main entry stands for both, so one event is not counted twice.
- The rules, their parameters and the concern labels come from the review's method version (the one
  pinned when the review opened); organisations' sectors come from the review's involvements (chronology
  code -> organisation's sector), so that "an addressee in child protection" means what the review
  recorded.
- The rules run one at a time so that the page can show how far the run has come; the results are the
  same as one `detect()` call (episodes never merge across rules). The explanation is stored in
  Estonian, English and Russian.

Decisions carry over from one run to the next. A detection of the new run *is* an earlier detection of
the same review when both are of the same rule and about the same subject (`subject_of`: the
organisations, or the concern for `concern_without_escalation`, or the organisation not told for
`information_not_shared`, plus the variant for `child_not_seen`) and their supporting entries overlap;
failing that, when their periods overlap or touch. Each earlier detection is taken at most once, the best
match first (most shared entries, then the longest shared period, then one with a decision, then the
oldest). The earlier row keeps its status, reason, decider and key practice episode and takes the new
period, entries and explanations. An earlier detection found no more stays, with its decision, marked
`is_current = False` ("no longer found"); if a later run finds it again it becomes current again.

Every state change here is one transaction with its audit event inside: asking for a run (CREATE of
the run), a decision and a link to an episode (UPDATE of the detection).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.log import record
from audit.models import Action, Purpose
from chronology.patterns import RULE_CODES, Detection, detect
from chronology.store import domain_entries, review_entries
from core.concurrency import EditConflict

from .models import DetectionEntry, DetectionRun, PatternDetection

LANGUAGES = ("et", "en", "ru")
BATCH = 500


# What a run is doing, for the progress shown on the page (the run stores the code).
STEP_LABELS = {
    "queued": _("Waiting to start"),
    "loading": _("Reading the chronology"),
    "detecting": _("Looking for patterns"),
    "storing": _("Saving the detections"),
    "done": _("Finished"),
    "failed": _("Failed"),
}


def step_label(step: str) -> str:
    return str(STEP_LABELS.get(step.split(":", 1)[0], step))


def subject_of(detection: Detection) -> str:
    """What a detection is about, as its rule groups episodes (see the module docstring)."""
    part = detection.parts[0] if detection.parts else {}
    if detection.rule == "concern_without_escalation" and part.get("concern"):
        return f"concern:{part['concern']}"
    if detection.rule == "information_not_shared" and part.get("organisation"):
        return f"untold:{part['organisation']}"
    subject = ",".join(detection.organisations)
    if detection.rule == "child_not_seen" and part.get("variant"):
        subject = f"{subject}:{part['variant']}"
    return subject


def _purpose(user: Any) -> str:
    from reviews.access import review_purpose

    return review_purpose(user)


# --- runs ---------------------------------------------------------------------------------------------------


def request_run(*, review: Any, trigger: str, acting_user: Any = None) -> DetectionRun:
    """A queued run of the review's detections, enqueued once the transaction commits.

    A run of the review still waiting to start is reused: it will read the chronology as it is when it
    starts, so a second one would find nothing more.
    """
    from .tasks import run_detection_task

    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    with transaction.atomic():
        queued = (
            DetectionRun.objects.select_for_update()
            .filter(review=review, status=DetectionRun.Status.QUEUED)
            .order_by("pk")
            .first()
        )
        if queued is not None:
            return queued
        run = DetectionRun.objects.create(
            review=review,
            method_version=review.method_version,
            trigger=trigger,
            requested_by=user,
            step="queued",
        )
        record(
            actor=user,
            action=Action.CREATE,
            purpose=_purpose(user) if user else Purpose.SYSTEM,
            obj=run,
            review_id=review.pk,
            detail={"trigger": trigger},
        )
        transaction.on_commit(lambda: run_detection_task.enqueue(run.pk))
    return run


def _progress(run: DetectionRun, progress: int, step: str, **fields: Any) -> None:
    run.progress = progress
    run.step = step
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=["progress", "step", *fields])


def run_detections(run: DetectionRun) -> DetectionRun:
    """Run the method's rules over the review's chronology and store what they find (see above).

    Marks the run running, then done, moving `progress` (percent) and `step` as it goes; the caller
    (the task) marks it failed when this raises.
    """
    review = run.review
    content = run.method_version.data
    _progress(run, 0, "loading", status=DetectionRun.Status.RUNNING, started_at=timezone.now(), error="")
    rows = [row for row in review_entries(review.pk) if row.merged_into_id is None]
    entries = domain_entries(rows)
    identity = {(row.source, row.entry_ref): row.pk for row in rows}
    from inquiries.models import Involvement

    sectors = dict(Involvement.objects.filter(review=review).values_list("code", "organisation__sector"))
    rules = content.section("pattern_rules") or {}
    concern_labels = {item["code"]: item.get("label", {}) for item in content.items("concerns")}
    codes = [code for code in RULE_CODES if code in rules]
    unknown = sorted(set(rules) - set(RULE_CODES))
    if unknown:
        raise ValueError(f"pattern_rules: unknown rule(s) {', '.join(unknown)}")
    _progress(run, 10, "loading", entry_count=len(entries))

    found: list[Detection] = []
    for index, code in enumerate(codes):
        _progress(run, 10 + (80 * index) // max(len(codes), 1), f"detecting:{code}")
        found.extend(detect(entries, {code: rules[code]}, sectors=sectors, concern_labels=concern_labels))

    _progress(run, 90, "storing")
    with transaction.atomic():
        _store(run, found, identity)
        _progress(
            run,
            100,
            "done",
            status=DetectionRun.Status.DONE,
            finished_at=timezone.now(),
            detection_count=len(found),
        )
    return run


def run_failed(run: DetectionRun, error: BaseException) -> None:
    """Mark the run failed with the error's text (nothing of it was stored: storing is one transaction)."""
    _progress(
        run,
        run.progress,
        "failed",
        status=DetectionRun.Status.FAILED,
        finished_at=timezone.now(),
        error=f"{type(error).__name__}: {error}"[:5000],
    )


def _overlap_days(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> int:
    """Days two periods share: 0 when they only touch, negative when apart."""
    return (min(a_end, b_end) - max(a_start, b_start)).days + 1


def _match(
    new: Sequence[tuple[Detection, str, list[int]]],
    old: Sequence[PatternDetection],
    old_entries: dict[int, list[int]],
) -> dict[int, PatternDetection]:
    """{index in `new`: the earlier detection it is} (see the module docstring)."""
    by_key: dict[tuple[str, str], list[PatternDetection]] = defaultdict(list)
    holding: dict[tuple[str, str, int], list[PatternDetection]] = defaultdict(list)
    for row in old:
        by_key[(row.rule, row.subject)].append(row)
        for entry_id in old_entries.get(row.pk, ()):
            holding[(row.rule, row.subject, entry_id)].append(row)

    def rank(row: PatternDetection, shared: int, detection: Detection) -> tuple[Any, ...]:
        days = _overlap_days(row.start, row.end, detection.start, detection.end)
        return (-shared, -days, row.status == PatternDetection.Status.OPEN, row.pk)

    matches: dict[int, PatternDetection] = {}
    taken: set[int] = set()

    def assign(pairs: list[tuple[tuple[Any, ...], int, PatternDetection]]) -> None:
        for _rank, index, row in sorted(pairs, key=lambda pair: (pair[0], pair[1])):
            if index not in matches and row.pk not in taken:
                matches[index] = row
                taken.add(row.pk)

    pairs: list[tuple[tuple[Any, ...], int, PatternDetection]] = []
    for index, (detection, subject, entry_ids) in enumerate(new):
        shared: Counter[int] = Counter()
        rows: dict[int, PatternDetection] = {}
        for entry_id in entry_ids:
            for row in holding.get((detection.rule, subject, entry_id), ()):
                shared[row.pk] += 1
                rows[row.pk] = row
        pairs.extend((rank(rows[pk], count, detection), index, rows[pk]) for pk, count in shared.items())
    assign(pairs)

    # Failing shared entries: periods that overlap or touch.
    pairs = []
    for index, (detection, subject, _entry_ids) in enumerate(new):
        if index in matches:
            continue
        for row in by_key.get((detection.rule, subject), ()):
            if row.pk not in taken and _overlap_days(row.start, row.end, detection.start, detection.end) >= 0:
                pairs.append((rank(row, 0, detection), index, row))
    assign(pairs)
    return matches


def _store(run: DetectionRun, found: Sequence[Detection], identity: dict[tuple[str, str], int]) -> None:
    review_id = run.review_id
    old = list(PatternDetection.objects.filter(review_id=review_id).order_by("pk"))
    old_entries: dict[int, list[int]] = defaultdict(list)
    for detection_id, entry_id in (
        DetectionEntry.objects.filter(detection__review_id=review_id)
        .order_by("detection_id", "position")
        .values_list("detection_id", "entry_id")
    ):
        old_entries[detection_id].append(entry_id)
    new = [
        (detection, subject_of(detection), [identity[(ref.source, ref.entry_ref)] for ref in detection.entries])
        for detection in found
    ]
    matches = _match(new, old, old_entries)

    to_update: list[PatternDetection] = []
    found_again: list[int] = []
    to_create: list[PatternDetection] = []
    rows: list[tuple[PatternDetection, list[int]]] = []
    unchanged_entries: set[int] = set()
    for index, (detection, subject, entry_ids) in enumerate(new):
        explanations = {language: detection.explain(language) for language in LANGUAGES}
        row = matches.get(index)
        if row is None:
            row = PatternDetection(
                review_id=review_id,
                rule=detection.rule,
                subject=subject,
                first_run=run,
                last_run=run,
                status=PatternDetection.Status.OPEN,
            )
            to_create.append(row)
        else:
            found_again.append(row.pk)
            if old_entries.get(row.pk) == entry_ids:
                unchanged_entries.add(row.pk)
        values = {
            "start": detection.start,
            "end": detection.end,
            "organisations": list(detection.organisations),
            "uncertain": detection.uncertain,
            "explanations": explanations,
        }
        if row.pk is not None and any(getattr(row, name) != value for name, value in values.items()):
            to_update.append(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.last_run = run
        row.is_current = True
        rows.append((row, entry_ids))

    # Most detections of a rerun are unchanged: only their last run moves (one UPDATE per batch).
    for start in range(0, len(found_again), BATCH):
        PatternDetection.objects.filter(pk__in=found_again[start : start + BATCH]).update(last_run=run, is_current=True)
    PatternDetection.objects.bulk_update(
        to_update, ["start", "end", "organisations", "uncertain", "explanations"], batch_size=BATCH
    )
    PatternDetection.objects.bulk_create(to_create, batch_size=BATCH)
    if to_create and to_create[0].pk is None:  # a backend that does not return keys
        raise RuntimeError("the database did not return the keys of the new detections")
    matched = set(found_again)
    gone = [row.pk for row in old if row.pk not in matched and row.is_current]
    for start in range(0, len(gone), BATCH):
        PatternDetection.objects.filter(pk__in=gone[start : start + BATCH]).update(is_current=False)

    replaced = [pk for pk in found_again if pk not in unchanged_entries]
    for start in range(0, len(replaced), BATCH):
        DetectionEntry.objects.filter(detection_id__in=replaced[start : start + BATCH]).delete()
    DetectionEntry.objects.bulk_create(
        [
            DetectionEntry(detection=row, entry_id=entry_id, position=position)
            for row, entry_ids in rows
            if row.pk not in unchanged_entries
            for position, entry_id in enumerate(entry_ids)
        ],
        batch_size=2000,
    )


# --- decisions ----------------------------------------------------------------------------------------------


def detection_decide(
    *, detection: PatternDetection, status: str, reason: str, revision: int, acting_user: Any
) -> PatternDetection:
    """Confirm or dismiss a detection with a reason, if nobody else changed it since `revision` was read
    (else EditConflict). Dismissing it also ends its link to a key practice episode."""
    reason = (reason or "").strip()
    errors: dict[str, list[Any]] = {}
    if status not in (PatternDetection.Status.CONFIRMED, PatternDetection.Status.DISMISSED):
        errors["status"] = [_("Choose whether you confirm or dismiss the detection.")]
    if not reason:
        errors["reason"] = [_("Enter the reason for your decision.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = PatternDetection.objects.select_for_update().get(pk=detection.pk)
        if current.revision != revision:
            raise EditConflict(current)
        unlinked = current.episode_id if status == PatternDetection.Status.DISMISSED else None
        current.status = status
        current.reason = reason
        current.decided_at = timezone.now()
        current.decided_by = acting_user
        if unlinked:
            current.episode = None
        current.revision += 1
        current.save(update_fields=["status", "reason", "decided_at", "decided_by", "episode", "revision"])
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=_purpose(acting_user),
            obj=current,
            review_id=current.review_id,
            detail={
                "status": status,
                "revision": current.revision,
                **({"unlinked_episode": unlinked} if unlinked else {}),
            },
        )
    return current


def detection_link_episode(
    *, detection: PatternDetection, episode: Any = None, revision: int, acting_user: Any
) -> PatternDetection:
    """Link a confirmed detection to a key practice episode of its review: `episode`, or a new one made
    from the detection (title from the rule's label, its period and supporting entries). The
    detection's supporting entries are added to the episode's entries."""
    from analysis.models import KeyPracticeEpisode
    from analysis.services import episode_create

    with transaction.atomic():
        current = PatternDetection.objects.select_for_update().select_related("review").get(pk=detection.pk)
        if current.revision != revision:
            raise EditConflict(current)
        if current.status != PatternDetection.Status.CONFIRMED:
            raise ValidationError(
                {"episode": [_("Only a confirmed detection can be linked to a key practice episode.")]}
            )
        entry_ids = list(current.supporting.values_list("entry_id", flat=True))  # type: ignore[attr-defined]
        if episode is None:
            episode = episode_create(
                review=current.review,
                data={
                    "title": rule_label(current.review, current.rule, "et"),
                    "period_start": current.start,
                    "period_end": current.end,
                    "how_it_looked": "",
                    "appraisal": "",
                },
                entry_ids=entry_ids,
                acting_user=acting_user,
            )
        else:
            if not isinstance(episode, KeyPracticeEpisode) or episode.review_id != current.review_id:
                raise ValidationError({"episode": [_("Choose a key practice episode of this review.")]})
            episode.entries.add(*entry_ids)
        current.episode = episode
        current.revision += 1
        current.save(update_fields=["episode", "revision"])
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=_purpose(acting_user),
            obj=current,
            review_id=current.review_id,
            detail={"episode": episode.pk, "revision": current.revision},
        )
    return current


# --- reading ------------------------------------------------------------------------------------------------


def rule_label(review: Any, rule: str, language: str) -> str:
    labels = review.method_version.data.pattern_rule(rule).get("label") or {}
    return labels.get(language) or labels.get("et") or rule


def rule_labels(review: Any, language: str) -> dict[str, str]:
    return {code: rule_label(review, code, language) for code in RULE_CODES}


def latest_run(review: Any) -> DetectionRun | None:
    return DetectionRun.objects.filter(review=review).order_by("-requested_at", "-pk").first()


def supporting_entries(detection: PatternDetection) -> Iterable[Any]:
    from chronology.models import ChronologyEntry

    return ChronologyEntry.objects.filter(pk__in=detection.supporting.values("entry_id")).in_order()  # type: ignore[attr-defined]


def ensure_detections(*, review: Any) -> DetectionRun | None:
    """Run detection once, now, for a review that has never had a run (the demo data); else nothing."""
    if DetectionRun.objects.filter(review=review).exists():
        return None
    run = request_run(review=review, trigger=DetectionRun.Trigger.SUBMISSION)
    return run_detections(run)
