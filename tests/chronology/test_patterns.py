"""Pattern rules over chronology entries in memory: silence, unanswered referral, was not brought,
concern without escalation. Present, near misses and uncertain dates, with method version 1's parameters.

Dates are chosen so that each period's last day is a working day unless a test says otherwise:
2019-01-08 + 90 days = Mon 08.04.2019; 2019-03-01 + 10 working days = Fri 15.03.2019;
2019-06-03 + 14 days = Mon 17.06.2019.
"""

from __future__ import annotations

import datetime as dt

import pytest

from .pattern_entries import NO, YES, entry, found, refs, seed_rules, with_parameters

D = dt.date


@pytest.fixture(scope="module")
def rules():
    return seed_rules()


# --- silence -------------------------------------------------------------------------------------------------


def test_silence_is_found_between_the_concern_and_the_next_contact(rules):
    entries = [
        entry("p1", "2019-01-08", "PEREARST-01", "appointment_attended", concern="medical_neglect", child_seen=YES),
        entry("h1", "2019-06-03", "HAIGLA-01", "appointment_attended", child_seen=YES),
    ]
    [silence] = found(entries, rules, "silence")
    assert refs(silence) == ["p1", "h1"]
    assert (silence.start, silence.end) == (D(2019, 1, 9), D(2019, 6, 2))
    assert silence.organisations == ("HAIGLA-01", "PEREARST-01")
    assert not silence.uncertain


def test_a_contact_on_the_last_day_of_the_gap_keeps_silence_away(rules):
    concern = entry("k1", "2019-01-08", "KOOL-01", "concern_recorded", concern="school_attendance")
    on_day_90 = entry("v1", "2019-04-08", "KOV-01", "home_visit", child_seen=YES)
    on_day_91 = entry("v1", "2019-04-09", "KOV-01", "home_visit", child_seen=YES)
    assert found([concern, on_day_90], rules, "silence") == []
    [silence] = found([concern, on_day_91], rules, "silence")
    assert refs(silence) == ["k1", "v1"]


def test_a_gap_whose_last_day_is_a_sunday_runs_to_monday(rules):
    # 07.01.2019 + 90 days is Sunday 07.04.2019: the period ends on Monday 08.04.2019.
    concern = entry("k1", "2019-01-07", "KOOL-01", "concern_recorded", concern="school_attendance")
    monday = entry("v1", "2019-04-08", "KOV-01", "home_visit")
    assert found([concern, monday], rules, "silence") == []


def test_network_meetings_and_assessments_are_contacts_but_a_police_call_is_not(rules):
    concern = entry("k1", "2019-01-08", "KOOL-01", "concern_recorded", concern="school_attendance")
    meeting = entry("m1", "2019-03-01", "KOV-01", "network_meeting")
    police = entry("x1", "2019-03-01", "POLITSEI-01", "police_call")
    late = entry("v1", "2019-05-27", "KOV-01", "home_visit")
    assert found([concern, meeting, late], rules, "silence") == []
    [silence] = found([concern, police, late], rules, "silence")
    assert refs(silence) == ["k1", "v1"]


def test_no_silence_without_an_open_concern(rules):
    entries = [
        entry("p1", "2019-01-08", "PEREARST-01", "appointment_attended"),
        entry("p2", "2019-12-02", "PEREARST-01", "appointment_attended"),
    ]
    assert found(entries, rules, "silence") == []


def test_a_closed_case_is_not_silent_until_a_new_concern(rules):
    entries = [
        entry("k1", "2019-01-08", "KOV-01", "case_opened", concern="physical_neglect"),
        entry("k2", "2019-02-04", "KOV-01", "home_visit"),
        entry("k3", "2019-02-11", "KOV-01", "case_closed"),
        entry("p1", "2019-12-02", "PEREARST-01", "concern_recorded", concern="medical_neglect"),
        entry("p2", "2019-12-09", "PEREARST-01", "contact"),
    ]
    assert found(entries, rules, "silence") == []


def test_silence_until_the_case_is_closed(rules):
    entries = [
        entry("k1", "2019-01-08", "KOV-01", "case_opened", concern="physical_neglect"),
        entry("k2", "2019-06-03", "KOV-01", "case_closed"),
    ]
    [silence] = found(entries, rules, "silence", language="en")
    assert refs(silence) == ["k1", "k2"]
    assert silence.end == D(2019, 6, 2)
    assert "until KOV-01 closed the case on 03.06.2019" in silence.explain()


def test_silence_runs_to_the_end_of_the_chronology_while_the_concern_is_open(rules):
    entries = [
        entry("k1", "2019-01-08", "KOV-01", "concern_recorded", concern="physical_neglect"),
        entry("x1", "2019-09-02", "POLITSEI-01", "police_call"),
    ]
    [silence] = found(entries, rules, "silence", language="en")
    assert refs(silence) == ["k1"]
    assert (silence.start, silence.end) == (D(2019, 1, 9), D(2019, 9, 2))
    assert "to the end of the chronology on 02.09.2019" in silence.explain()


def test_silence_on_an_uncertain_next_contact_is_marked_uncertain(rules):
    concern = entry("k1", "2019-01-08", "KOV-01", "concern_recorded", concern="physical_neglect")
    # April 2019: the contact may have been on 01.04 (inside 90 days) or on 30.04 (outside).
    [maybe] = found([concern, entry("v1", "2019-04", "KOV-01", "home_visit")], rules, "silence")
    assert maybe.uncertain
    assert refs(maybe) == ["k1", "v1"]
    # May 2019 is after the 90 days whatever the day.
    [surely] = found([concern, entry("v1", "2019-05", "KOV-01", "home_visit")], rules, "silence")
    assert not surely.uncertain


def test_a_contact_dated_only_by_year_makes_a_long_gap_uncertain(rules):
    entries = [
        entry("k1", "2019-01-08", "KOV-01", "concern_recorded", concern="physical_neglect"),
        entry("y1", "2019", "PEREARST-01", "contact"),
        entry("v1", "2019-09-02", "KOV-01", "home_visit"),
        entry("v2", "2019-09-09", "KOV-01", "home_visit"),
    ]
    detections = found(entries, rules, "silence")
    assert detections
    assert all(detection.uncertain for detection in detections)


def test_no_silence_is_read_between_entries_whose_order_is_unknown(rules):
    entries = [
        entry("k1", "2019", "KOV-01", "concern_recorded", concern="physical_neglect"),
        entry("v1", "2019", "KOV-01", "home_visit"),
        entry("v2", "2019", "PEREARST-01", "contact"),
        entry("x1", "2019", "POLITSEI-01", "police_call"),
    ]
    assert found(entries, rules, "silence") == []


def test_silences_on_both_sides_of_a_contact_of_uncertain_date_are_one_episode(rules):
    entries = [
        entry("k1", "2019-01-08", "KOV-01", "concern_recorded", concern="physical_neglect"),
        entry("v1", "~2019-06-10", "KOV-01", "home_visit"),
        entry("v2", "2019-11-04", "KOV-01", "home_visit"),
    ]
    [silence] = found(entries, rules, "silence", language="en")
    assert refs(silence) == ["k1", "v1", "v2"]
    assert silence.explain().startswith(
        "No organisation was in contact with the child or family for more than 90 days at a time, 2 times "
        "between 08.01.2019 and 04.11.2019, while a concern was open; the longest gap was "
    )


# --- unanswered_referral -------------------------------------------------------------------------------------


def _referral_chronology(*answers):
    return [
        entry("r1", "2019-03-01", "PEREARST-01", "referral", addressee="KOV-01"),
        *answers,
        entry("x1", "2019-06-03", "KOOL-01", "school_absence"),  # the chronology goes on
    ]


@pytest.mark.parametrize(
    ("day", "answered"),
    [("2019-03-01", True), ("2019-03-14", True), ("2019-03-15", True), ("2019-03-18", False)],
    ids=["same day", "day 9 of 10", "day 10 of 10", "day 11"],
)
def test_a_referral_is_answered_up_to_the_tenth_working_day(rules, day, answered):
    entries = _referral_chronology(entry("a1", day, "KOV-01", "response"))
    detections = found(entries, rules, "unanswered_referral")
    if answered:
        assert detections == []
    else:
        [detection] = detections
        assert refs(detection) == ["r1"]
        assert (detection.start, detection.end) == (D(2019, 3, 1), D(2019, 3, 15))
        assert detection.organisations == ("KOV-01", "PEREARST-01")
        assert not detection.uncertain


def test_an_unanswered_notification_is_found(rules):
    entries = [
        entry("n1", "2019-03-01", "HAIGLA-01", "notification", addressee="KOV-01"),
        entry("x1", "2019-06-03", "KOOL-01", "school_absence"),
    ]
    [detection] = found(entries, rules, "unanswered_referral")
    assert refs(detection) == ["n1"]


@pytest.mark.parametrize("event_type", ["case_opened", "assessment", "home_visit", "contact"])
def test_case_opening_assessment_and_contacts_by_the_addressee_count_as_answers(rules, event_type):
    entries = _referral_chronology(entry("a1", "2019-03-08", "KOV-01", event_type))
    assert found(entries, rules, "unanswered_referral") == []


def test_contacts_do_not_count_when_the_method_says_so(rules):
    changed = with_parameters(rules, "unanswered_referral", contact_counts_as_response=False)
    entries = _referral_chronology(entry("a1", "2019-03-08", "KOV-01", "home_visit"))
    [detection] = found(entries, changed, "unanswered_referral")
    assert refs(detection) == ["r1"]


def test_an_answer_by_another_organisation_or_before_the_referral_does_not_count(rules):
    entries = _referral_chronology(
        entry("a1", "2019-03-05", "KOOL-01", "response"),
        entry("a2", "2019-02-25", "KOV-01", "response"),
    )
    [detection] = found(entries, rules, "unanswered_referral")
    assert refs(detection) == ["r1"]


def test_a_referral_near_the_end_of_the_chronology_is_not_yet_unanswered(rules):
    entries = [
        entry("r1", "2019-03-01", "PEREARST-01", "referral", addressee="KOV-01"),
        entry("x1", "2019-03-14", "KOOL-01", "school_absence"),
    ]
    assert found(entries, rules, "unanswered_referral") == []


def test_a_referral_dated_by_month_with_an_answer_that_month_is_uncertain(rules):
    # The referral may have been on 01.03 (answered on 20.03 is day 13: too late) or on 15.03 (in time).
    entries = [
        entry("r1", "2019-03", "PEREARST-01", "referral", addressee="KOV-01"),
        entry("a1", "2019-03-20", "KOV-01", "response"),
        entry("x1", "2019-06-03", "KOOL-01", "school_absence"),
    ]
    [detection] = found(entries, rules, "unanswered_referral")
    assert detection.uncertain
    assert refs(detection) == ["r1"]


def test_a_referral_dated_by_month_with_no_answer_at_all_is_certain(rules):
    entries = [
        entry("r1", "2019-03", "PEREARST-01", "referral", addressee="KOV-01"),
        entry("x1", "2019-06-03", "KOOL-01", "school_absence"),
    ]
    [detection] = found(entries, rules, "unanswered_referral")
    assert not detection.uncertain
    assert detection.end == D(2019, 4, 12)  # 10 working days after 31.03.2019


def test_an_answer_dated_only_by_month_makes_the_finding_uncertain(rules):
    # March 2019: maybe the 5th (in time), maybe the 29th (late).
    entries = _referral_chronology(entry("a1", "2019-03", "KOV-01", "response"))
    [detection] = found(entries, rules, "unanswered_referral")
    assert detection.uncertain
    # An approximate day (± 7 days) around the 8th is in time whatever the day.
    entries = _referral_chronology(entry("a1", "~2019-03-08", "KOV-01", "response"))
    assert found(entries, rules, "unanswered_referral") == []


def test_with_addressee_sectors_only_referrals_to_those_sectors_are_checked(rules):
    changed = with_parameters(rules, "unanswered_referral", addressee_sectors=["child_protection"])
    entries = [
        entry("r1", "2019-03-01", "PEREARST-01", "referral", addressee="KOV-01"),
        entry("r2", "2019-03-01", "PEREARST-01", "referral", addressee="HAIGLA-01"),
        entry("x1", "2019-06-03", "KOOL-01", "school_absence"),
    ]
    sectors = {"KOV-01": "child_protection", "HAIGLA-01": "health.hospital"}
    assert [refs(d) for d in found(entries, changed, "unanswered_referral", sectors=sectors)] == [["r1"]]
    # Without the organisations' sectors, an addressee of any sector counts.
    assert sorted(refs(d)[0] for d in found(entries, changed, "unanswered_referral")) == ["r1", "r2"]


def test_the_seed_checks_referrals_to_any_sector(rules):
    entries = [
        entry("r1", "2019-03-01", "PEREARST-01", "referral", addressee="HAIGLA-01"),
        entry("x1", "2019-06-03", "KOOL-01", "school_absence"),
    ]
    detections = found(entries, rules, "unanswered_referral", sectors={"HAIGLA-01": "health.hospital"})
    assert [refs(d) for d in detections] == [["r1"]]


def test_a_referral_to_itself_or_to_no_one_is_not_checked(rules):
    entries = [
        entry("r1", "2019-03-01", "KOV-01", "referral", addressee="KOV-01"),
        entry("r2", "2019-03-01", "KOV-01", "notification"),
        entry("x1", "2019-06-03", "KOOL-01", "school_absence"),
    ]
    assert found(entries, rules, "unanswered_referral") == []


# --- was_not_brought -----------------------------------------------------------------------------------------


def _misses(*days, organisation="HAIGLA-01"):
    return [
        entry(f"m{number}", day, organisation, "appointment_missed", child_seen=NO)
        for number, day in enumerate(days, start=1)
    ]


LATER = entry("x1", "2019-12-02", "KOOL-01", "school_absence")  # the chronology reaches past every window


def test_missed_appointments_without_follow_up_or_notification_are_found(rules):
    entries = [*_misses("2019-03-04", "2019-06-03", "2019-10-07"), LATER]
    [detection] = found(entries, rules, "was_not_brought")
    # 04.03–07.10 is more than 180 days, but 04.03–03.06 and 03.06–07.10 overlap: one episode.
    assert refs(detection) == ["m1", "m2", "m3"]
    assert detection.organisations == ("HAIGLA-01",)
    assert (detection.start, detection.end) == (D(2019, 3, 4), D(2019, 10, 7))
    assert not detection.uncertain


def test_a_missed_appointment_followed_by_a_home_visit_does_not_count(rules):
    entries = [
        *_misses("2019-03-04", "2019-06-03"),
        entry("f1", "2019-06-10", "HAIGLA-01", "home_visit"),
        LATER,
    ]
    assert found(entries, rules, "was_not_brought") == []


def test_follow_up_on_day_14_counts_and_on_day_15_does_not(rules):
    day_14 = entry("f1", "2019-06-17", "HAIGLA-01", "appointment_attended")
    day_15 = entry("f1", "2019-06-18", "HAIGLA-01", "appointment_attended")
    assert found([*_misses("2019-03-04", "2019-06-03"), day_14, LATER], rules, "was_not_brought") == []
    [detection] = found([*_misses("2019-03-04", "2019-06-03"), day_15, LATER], rules, "was_not_brought")
    assert refs(detection) == ["m1", "m2"]


def test_a_follow_up_by_another_organisation_does_not_count(rules):
    entries = [
        *_misses("2019-03-04", "2019-06-03"),
        entry("f1", "2019-06-10", "PEREARST-01", "home_visit"),
        LATER,
    ]
    [detection] = found(entries, rules, "was_not_brought")
    assert refs(detection) == ["m1", "m2"]


def test_a_notification_to_child_protection_within_30_days_prevents_the_finding(rules):
    notification = entry("n1", "2019-07-03", "HAIGLA-01", "notification", addressee="KOV-01")
    late = entry("n1", "2019-07-04", "HAIGLA-01", "notification", addressee="KOV-01")
    sectors = {"KOV-01": "child_protection"}
    entries = [*_misses("2019-03-04", "2019-06-03"), LATER]
    assert found([*entries, notification], rules, "was_not_brought", sectors=sectors) == []
    [detection] = found([*entries, late], rules, "was_not_brought", sectors=sectors)
    assert refs(detection) == ["m1", "m2"]


def test_only_a_notification_to_child_protection_counts_when_sectors_are_known(rules):
    referral = entry("n1", "2019-06-10", "HAIGLA-01", "referral", addressee="PEREARST-01")
    entries = [*_misses("2019-03-04", "2019-06-03"), referral, LATER]
    sectors = {"KOV-01": "child_protection", "PEREARST-01": "health.primary_care"}
    [detection] = found(entries, rules, "was_not_brought", sectors=sectors)
    assert refs(detection) == ["m1", "m2"]
    # Without the sectors, an addressee of any sector counts: the referral is an escalation.
    assert found(entries, rules, "was_not_brought") == []


def test_two_missed_appointments_more_than_180_days_apart_are_not_a_pattern(rules):
    entries = [*_misses("2019-01-07", "2019-08-05"), LATER]
    assert found(entries, rules, "was_not_brought") == []


def test_missed_appointments_at_two_organisations_are_not_combined(rules):
    entries = [*_misses("2019-03-04"), *_misses("2019-06-03", organisation="PEREARST-01"), LATER]
    assert found(entries, rules, "was_not_brought") == []


def test_missed_appointments_just_before_the_chronology_ends_are_not_judged(rules):
    entries = [*_misses("2019-03-04", "2019-06-03"), entry("x1", "2019-06-20", "KOOL-01", "school_absence")]
    assert found(entries, rules, "was_not_brought") == []


def test_a_follow_up_dated_only_by_month_makes_the_finding_uncertain(rules):
    entries = [
        *_misses("2019-03-04", "2019-06-03"),
        entry("f1", "2019-06", "HAIGLA-01", "contact"),  # maybe 10.06 (a follow-up), maybe 01.06 (before)
        LATER,
    ]
    [detection] = found(entries, rules, "was_not_brought")
    assert detection.uncertain
    assert refs(detection) == ["m1", "m2"]


def test_the_min_missed_and_window_come_from_the_method(rules):
    changed = with_parameters(rules, "was_not_brought", min_missed=3)
    entries = [*_misses("2019-03-04", "2019-06-03"), LATER]
    assert found(entries, changed, "was_not_brought") == []


# --- concern_without_escalation ------------------------------------------------------------------------------


def _concerns(*rows):
    return [
        entry(f"c{number}", day, organisation, "concern_recorded", concern=concern)
        for number, (day, organisation, concern) in enumerate(rows, start=1)
    ]


def test_a_concern_recorded_three_times_without_escalation_is_found(rules):
    entries = _concerns(
        ("2019-01-08", "HAIGLA-01", "medical_neglect"),
        ("2019-04-01", "HAIGLA-01", "medical_neglect"),
        ("2019-09-02", "HAIGLA-01", "medical_neglect"),
    )
    [detection] = found(entries, rules, "concern_without_escalation")
    assert refs(detection) == ["c1", "c2", "c3"]
    assert detection.organisations == ("HAIGLA-01",)
    assert not detection.uncertain


def test_a_concern_recorded_by_two_organisations_is_found(rules):
    entries = _concerns(("2019-01-08", "HAIGLA-01", "medical_neglect"), ("2019-04-01", "KOOL-01", "medical_neglect"))
    [detection] = found(entries, rules, "concern_without_escalation")
    assert refs(detection) == ["c1", "c2"]
    assert detection.organisations == ("HAIGLA-01", "KOOL-01")


def test_twice_by_one_organisation_is_not_enough(rules):
    entries = _concerns(("2019-01-08", "HAIGLA-01", "medical_neglect"), ("2019-04-01", "HAIGLA-01", "medical_neglect"))
    assert found(entries, rules, "concern_without_escalation") == []


def test_different_concerns_are_not_the_same_concern(rules):
    entries = _concerns(("2019-01-08", "HAIGLA-01", "medical_neglect"), ("2019-04-01", "KOOL-01", "school_attendance"))
    assert found(entries, rules, "concern_without_escalation") == []


@pytest.mark.parametrize("event_type", ["network_meeting", "assessment", "referral", "notification"])
def test_an_escalation_between_the_records_prevents_the_finding(rules, event_type):
    entries = [
        *_concerns(("2019-01-08", "HAIGLA-01", "medical_neglect"), ("2019-04-01", "KOOL-01", "medical_neglect")),
        entry("e1", "2019-02-04", "KOV-01", event_type, addressee="KOV-01"),
    ]
    assert found(entries, rules, "concern_without_escalation") == []


def test_an_assessment_on_the_day_of_the_last_record_counts_as_escalation(rules):
    entries = [
        *_concerns(("2019-01-08", "HAIGLA-01", "medical_neglect"), ("2019-04-01", "KOOL-01", "medical_neglect")),
        entry("e1", "2019-04-01", "KOV-01", "assessment"),
    ]
    assert found(entries, rules, "concern_without_escalation") == []


def test_records_more_than_365_days_apart_do_not_form_a_group(rules):
    entries = _concerns(("2019-01-08", "HAIGLA-01", "medical_neglect"), ("2020-01-09", "KOOL-01", "medical_neglect"))
    assert found(entries, rules, "concern_without_escalation") == []


def test_an_escalation_splits_records_into_separate_episodes(rules):
    entries = [
        *_concerns(
            ("2019-01-08", "HAIGLA-01", "medical_neglect"),
            ("2019-02-04", "KOOL-01", "medical_neglect"),
            ("2019-06-03", "HAIGLA-01", "medical_neglect"),
            ("2019-07-01", "PEREARST-01", "medical_neglect"),
        ),
        entry("e1", "2019-03-04", "KOV-01", "network_meeting"),
    ]
    detections = found(entries, rules, "concern_without_escalation")
    assert [refs(d) for d in detections] == [["c1", "c2"], ["c3", "c4"]]


def test_overlapping_groups_of_one_concern_are_one_episode(rules):
    entries = _concerns(
        ("2019-01-08", "HAIGLA-01", "medical_neglect"),
        ("2019-06-03", "KOOL-01", "medical_neglect"),
        ("2019-12-02", "PEREARST-01", "medical_neglect"),
        ("2020-05-04", "KOOL-01", "medical_neglect"),
    )
    [detection] = found(entries, rules, "concern_without_escalation")
    assert refs(detection) == ["c1", "c2", "c3", "c4"]
    assert detection.organisations == ("HAIGLA-01", "KOOL-01", "PEREARST-01")


def test_an_escalation_dated_only_by_month_makes_the_finding_uncertain(rules):
    entries = [
        *_concerns(("2019-01-08", "HAIGLA-01", "medical_neglect"), ("2019-04-10", "KOOL-01", "medical_neglect")),
        entry("e1", "2019-04", "KOV-01", "network_meeting"),  # before or after the last record
    ]
    [detection] = found(entries, rules, "concern_without_escalation")
    assert detection.uncertain
