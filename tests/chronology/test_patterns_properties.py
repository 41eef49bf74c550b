"""Properties of pattern detection over generated chronologies (hypothesis, the bounded "ci" profile):
the input order does not matter, and entries of organisations that play no part do not remove a
detection."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given
from hypothesis import strategies as st

from chronology.entry import Entry, YesNo
from chronology.patterns import Detection, detect

from .pattern_entries import entry, seed_rules

RULES = seed_rules()
BASE_ORGANISATIONS = ("HAIGLA-01", "KOOL-01", "KOV-01", "PEREARST-01")
NEW_ORGANISATIONS = ("MTU-01", "POLITSEI-01", "SKA-01")
EVENT_TYPES = (
    "contact",
    "home_visit",
    "appointment_attended",
    "appointment_missed",
    "appointment_cancelled",
    "referral",
    "notification",
    "response",
    "assessment",
    "network_meeting",
    "case_opened",
    "case_closed",
    "hospital_admission",
    "emergency_visit",
    "concern_recorded",
    "information_shared",
    "school_absence",
    "police_call",
    "court",
    "other",
)
# Event types no rule reads from an organisation other than the one it is about.
NEUTRAL_EVENT_TYPES = ("appointment_cancelled", "school_absence", "police_call", "court", "other")
CONCERNS = ("medical_neglect", "physical_neglect", "school_attendance")
START = dt.date(2019, 1, 1)
DAYS = 3 * 365


def _date_text(offset: int, form: int) -> str:
    day = START + dt.timedelta(days=offset)
    if form == 1:
        return f"{day.year}-{day.month:02}"
    if form == 2:
        return f"~{day.isoformat()}"
    return day.isoformat()


@st.composite
def entries(
    draw: st.DrawFn,
    organisations: tuple[str, ...],
    event_types: tuple[str, ...],
    prefix: str,
    *,
    with_concerns: bool = True,
    max_size: int = 30,
) -> list[Entry]:
    count = draw(st.integers(min_value=0, max_value=max_size))
    made = []
    for number in range(count):
        event_type = draw(st.sampled_from(event_types))
        addressee = ""
        if event_type in ("referral", "notification", "information_shared"):
            addressee = draw(st.sampled_from(organisations))
        made.append(
            entry(
                f"{prefix}{number}",
                _date_text(
                    draw(st.integers(min_value=0, max_value=DAYS)),
                    draw(st.sampled_from((0, 0, 0, 0, 1, 2))),
                ),
                draw(st.sampled_from(organisations)),
                event_type,
                source=f"{prefix}.csv",
                addressee=addressee,
                concern=draw(st.sampled_from(("", "", *CONCERNS))) if with_concerns else "",
                child_seen=draw(st.sampled_from(tuple(YesNo))),
                child_views_recorded=draw(st.sampled_from(tuple(YesNo))),
                shared_with=draw(st.lists(st.sampled_from(organisations), max_size=2, unique=True)),
            )
        )
    return made


def _as_json(detections: list[Detection]) -> list[dict]:
    return [detection.as_json() for detection in detections]


def _still_there(detection: Detection, detections: list[Detection], *, same_organisations: bool) -> bool:
    """Some detection of the same rule covers this one: its period, organisations and entries."""
    for other in detections:
        if other.rule != detection.rule:
            continue
        if same_organisations and other.organisations != detection.organisations:
            continue
        if not set(detection.organisations) <= set(other.organisations):
            continue
        if (
            other.start <= detection.start
            and other.end >= detection.end
            and set(detection.entries) <= set(other.entries)
        ):
            return True
    return False


@given(entries(BASE_ORGANISATIONS, EVENT_TYPES, "a"), st.randoms(use_true_random=False))
def test_shuffling_the_entries_does_not_change_the_detections(chronology, shuffler: random.Random):
    expected = _as_json(detect(chronology, RULES))
    shuffled = list(chronology)
    shuffler.shuffle(shuffled)
    assert _as_json(detect(shuffled, RULES)) == expected
    assert _as_json(detect(shuffled, RULES, language="en")) == _as_json(detect(chronology, RULES, language="en"))


@given(
    entries(BASE_ORGANISATIONS, EVENT_TYPES, "a"),
    entries(NEW_ORGANISATIONS, NEUTRAL_EVENT_TYPES, "b", with_concerns=False, max_size=15),
)
def test_entries_of_uninvolved_organisations_do_not_remove_a_detection(chronology, others):
    before = detect(chronology, RULES)
    after = detect([*chronology, *others], RULES)
    for detection in before:
        assert _still_there(detection, after, same_organisations=False), detection


@given(
    entries(BASE_ORGANISATIONS, EVENT_TYPES, "a"),
    entries(NEW_ORGANISATIONS, EVENT_TYPES, "b", max_size=15),
)
def test_any_entries_of_other_organisations_leave_each_organisations_own_patterns_alone(chronology, others):
    # Missed appointments, the child not seen or heard, and an addressee's answers are about one
    # organisation (or one pair): other organisations' entries of any kind cannot undo them.
    own = {code: RULES[code] for code in ("unanswered_referral", "was_not_brought", "child_not_seen")}
    before = detect(chronology, own)
    after = detect([*chronology, *others], own)
    for detection in before:
        assert _still_there(detection, after, same_organisations=True), detection
