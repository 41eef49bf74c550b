"""Pattern rules over chronology entries in memory: information not shared, child not seen or heard,
closure then re-referral. Present, near misses and uncertain dates, with method version 1's parameters.
"""

from __future__ import annotations

import datetime as dt

import pytest

from .pattern_entries import NO, UNKNOWN, YES, entry, found, refs, seed_rules

D = dt.date


@pytest.fixture(scope="module")
def rules():
    return seed_rules()


# --- information_not_shared ----------------------------------------------------------------------------------

CONCERN = entry("h1", "2019-03-04", "HAIGLA-01", "concern_recorded", concern="medical_neglect")


def _seen(ref, day, organisation="PEREARST-01", **fields):
    return entry(ref, day, organisation, "appointment_attended", child_seen=YES, **fields)


def test_a_concern_not_shared_before_another_organisation_sees_the_child_is_found(rules):
    [detection] = found([CONCERN, _seen("p1", "2019-05-06")], rules, "information_not_shared")
    assert refs(detection) == ["h1", "p1"]
    assert detection.organisations == ("HAIGLA-01", "PEREARST-01")
    assert (detection.start, detection.end) == (D(2019, 3, 4), D(2019, 5, 6))
    assert not detection.uncertain


@pytest.mark.parametrize("event_type", ["information_shared", "referral", "notification"])
def test_the_concern_shared_before_the_next_contact_is_not_found(rules, event_type):
    shared = entry("h2", "2019-04-01", "HAIGLA-01", event_type, addressee="PEREARST-01")
    assert found([CONCERN, shared, _seen("p1", "2019-05-06")], rules, "information_not_shared") == []


def test_shared_on_the_day_of_the_contact_counts_as_shared_before_it(rules):
    shared = entry("h2", "2019-05-06", "HAIGLA-01", "information_shared", addressee="PEREARST-01")
    assert found([CONCERN, shared, _seen("p1", "2019-05-06")], rules, "information_not_shared") == []


def test_shared_with_on_the_concern_itself_counts(rules):
    concern = entry(
        "h1", "2019-03-04", "HAIGLA-01", "concern_recorded", concern="medical_neglect", shared_with=["PEREARST-01"]
    )
    assert found([concern, _seen("p1", "2019-05-06")], rules, "information_not_shared") == []


def test_being_told_by_a_third_organisation_counts(rules):
    told = entry("k1", "2019-04-01", "KOV-01", "information_shared", addressee="PEREARST-01")
    assert found([CONCERN, told, _seen("p1", "2019-05-06")], rules, "information_not_shared") == []


def test_shared_after_the_contact_or_with_someone_else_does_not_count(rules):
    late = entry("h2", "2019-05-07", "HAIGLA-01", "information_shared", addressee="PEREARST-01")
    elsewhere = entry("h3", "2019-04-01", "HAIGLA-01", "information_shared", addressee="KOOL-01")
    [detection] = found([CONCERN, late, elsewhere, _seen("p1", "2019-05-06")], rules, "information_not_shared")
    assert refs(detection) == ["h1", "p1"]


def test_a_telling_before_the_concern_does_not_cover_it(rules):
    earlier = entry("h0", "2019-02-04", "HAIGLA-01", "information_shared", addressee="PEREARST-01")
    [detection] = found([earlier, CONCERN, _seen("p1", "2019-05-06")], rules, "information_not_shared")
    assert refs(detection) == ["h1", "p1"]


def test_a_sighting_more_than_365_days_later_is_outside_the_window(rules):
    assert found([CONCERN, _seen("p1", "2020-03-05")], rules, "information_not_shared") == []


@pytest.mark.parametrize("seen", [NO, UNKNOWN])
def test_a_contact_where_the_child_was_not_seen_is_not_counted(rules, seen):
    contact = entry("p1", "2019-05-06", "PEREARST-01", "appointment_attended", child_seen=seen)
    assert found([CONCERN, contact], rules, "information_not_shared") == []


def test_a_sighting_on_the_day_of_the_concern_or_by_the_same_organisation_is_not_counted(rules):
    same_day = _seen("p1", "2019-03-04")
    own = _seen("h2", "2019-05-06", organisation="HAIGLA-01")
    assert found([CONCERN, same_day, own], rules, "information_not_shared") == []


def test_sightings_of_one_organisation_are_one_episode(rules):
    entries = [CONCERN, _seen("p1", "2019-05-06"), _seen("p2", "2019-06-03"), _seen("p3", "2019-09-02")]
    [detection] = found(entries, rules, "information_not_shared", language="en")
    assert refs(detection) == ["h1", "p1", "p2", "p3"]
    assert detection.explain() == (
        "PEREARST-01 saw the child 3 times between 06.05.2019 and 02.09.2019 without having been told of "
        "the concern (medical_neglect) recorded by HAIGLA-01."
    )


def test_a_concern_dated_by_month_before_a_sighting_that_month_is_uncertain(rules):
    concern = entry("h1", "2019-03", "HAIGLA-01", "concern_recorded", concern="medical_neglect")
    [detection] = found([concern, _seen("p1", "2019-03-20")], rules, "information_not_shared")
    assert detection.uncertain


def test_a_telling_dated_by_month_makes_the_finding_uncertain(rules):
    told = entry("h2", "2019-05", "HAIGLA-01", "information_shared", addressee="PEREARST-01")
    [detection] = found([CONCERN, told, _seen("p1", "2019-05-06")], rules, "information_not_shared")
    assert detection.uncertain
    assert refs(detection) == ["h1", "p1"]


# --- child_not_seen ------------------------------------------------------------------------------------------


def _visit(ref, day, seen, organisation="KOV-01", event_type="home_visit", **fields):
    return entry(ref, day, organisation, event_type, child_seen=seen, **fields)


def test_two_consecutive_visits_without_seeing_the_child_are_found(rules):
    entries = [_visit("k1", "2019-03-04", YES), _visit("k2", "2019-04-01", NO), _visit("k3", "2019-05-06", NO)]
    [detection] = found(entries, rules, "child_not_seen")
    assert refs(detection) == ["k2", "k3"]
    assert detection.organisations == ("KOV-01",)
    assert not detection.uncertain


@pytest.mark.parametrize("between", [YES, UNKNOWN])
def test_a_visit_that_saw_the_child_or_does_not_say_breaks_the_run(rules, between):
    entries = [_visit("k1", "2019-03-04", NO), _visit("k2", "2019-04-01", between), _visit("k3", "2019-05-06", NO)]
    assert found(entries, rules, "child_not_seen") == []


def test_missed_appointments_count_but_network_meetings_do_not(rules):
    missed = [
        _visit("h1", "2019-03-04", NO, organisation="HAIGLA-01", event_type="appointment_missed"),
        _visit("h2", "2019-04-01", NO, organisation="HAIGLA-01", event_type="appointment_missed"),
    ]
    [detection] = found(missed, rules, "child_not_seen")
    assert refs(detection) == ["h1", "h2"]
    meeting = [_visit("k1", "2019-03-04", NO), _visit("k2", "2019-04-01", NO, event_type="network_meeting")]
    assert found(meeting, rules, "child_not_seen") == []


def test_visits_of_two_organisations_are_not_one_run(rules):
    entries = [_visit("k1", "2019-03-04", NO), _visit("p1", "2019-04-01", NO, organisation="PEREARST-01")]
    assert found(entries, rules, "child_not_seen") == []


def test_a_sighting_dated_by_month_inside_the_run_makes_it_uncertain(rules):
    entries = [
        _visit("k1", "2019-03-04", NO),
        _visit("k2", "2019-03-25", NO),
        _visit("k3", "2019-03", YES),  # maybe between the two
    ]
    [detection] = found(entries, rules, "child_not_seen")
    assert refs(detection) == ["k1", "k2"]
    assert detection.uncertain


def test_more_than_180_days_of_involvement_without_the_childs_views_is_found(rules):
    entries = [
        _visit("k1", "2019-01-07", YES),
        _visit("k2", "2019-04-01", YES),
        _visit("k3", "2019-08-05", YES),
    ]
    [detection] = found(entries, rules, "child_not_seen", language="en")
    assert refs(detection) == ["k1", "k2", "k3"]
    assert (detection.start, detection.end) == (D(2019, 1, 7), D(2019, 8, 5))
    assert "without recording the child's views" in detection.explain()


def test_views_recorded_in_between_split_the_involvement(rules):
    entries = [
        _visit("k1", "2019-01-07", YES),
        _visit("k2", "2019-04-01", YES, child_views_recorded=YES),
        _visit("k3", "2019-08-05", YES),
    ]
    assert found(entries, rules, "child_not_seen") == []


def test_the_gap_is_measured_from_the_last_views_recorded(rules):
    entries = [
        _visit("k1", "2019-01-07", YES, child_views_recorded=YES),
        _visit("k2", "2019-08-05", YES),
    ]
    [detection] = found(entries, rules, "child_not_seen", language="en")
    assert refs(detection) == ["k2"]
    assert "after they were last recorded on 07.01.2019" in detection.explain()


def test_views_recorded_by_another_organisation_do_not_count(rules):
    entries = [
        _visit("k1", "2019-01-07", YES),
        _visit("p1", "2019-04-01", YES, organisation="PEREARST-01", child_views_recorded=YES),
        _visit("k2", "2019-08-05", YES),
    ]
    [detection] = found(entries, rules, "child_not_seen")
    assert refs(detection) == ["k1", "k2"]


def test_views_recorded_in_a_month_inside_the_gap_make_it_uncertain(rules):
    entries = [
        _visit("k1", "2019-01-07", YES),
        _visit("k2", "2019-08", YES, event_type="network_meeting", child_views_recorded=YES),
        _visit("k3", "2019-08-05", YES),
    ]
    [detection] = found(entries, rules, "child_not_seen")
    assert refs(detection) == ["k1", "k3"]
    assert detection.uncertain


# --- closure_then_rereferral ---------------------------------------------------------------------------------

CLOSED = entry("k1", "2019-03-04", "KOV-01", "case_closed")


@pytest.mark.parametrize("event_type", ["concern_recorded", "referral", "notification"])
def test_a_new_concern_or_referral_soon_after_closure_is_found(rules, event_type):
    again = entry("s1", "2019-05-06", "KOOL-01", event_type, addressee="KOV-01", concern="school_attendance")
    [detection] = found([CLOSED, again], rules, "closure_then_rereferral")
    assert refs(detection) == ["k1", "s1"]
    assert detection.organisations == ("KOOL-01", "KOV-01")
    assert (detection.start, detection.end) == (D(2019, 3, 4), D(2019, 5, 6))
    assert not detection.uncertain


def test_day_90_is_inside_the_window_and_day_91_outside(rules):
    # 04.03.2019 + 90 days is Sunday 02.06.2019: the window ends on Monday 03.06.2019.
    inside = entry("s1", "2019-06-03", "KOOL-01", "concern_recorded", concern="school_attendance")
    outside = entry("s1", "2019-06-04", "KOOL-01", "concern_recorded", concern="school_attendance")
    assert len(found([CLOSED, inside], rules, "closure_then_rereferral")) == 1
    assert found([CLOSED, outside], rules, "closure_then_rereferral") == []


def test_a_referral_on_the_day_of_closure_or_before_it_is_not_a_rereferral(rules):
    entries = [
        entry("s0", "2019-02-04", "KOOL-01", "concern_recorded", concern="school_attendance"),
        entry("s1", "2019-03-04", "KOV-01", "referral", addressee="MTU-01"),
        CLOSED,
    ]
    assert found(entries, rules, "closure_then_rereferral") == []


def test_other_events_after_closure_are_not_a_rereferral(rules):
    entries = [CLOSED, entry("s1", "2019-04-01", "KOOL-01", "school_absence")]
    assert found(entries, rules, "closure_then_rereferral") == []


def test_a_closure_dated_by_month_with_a_concern_that_month_is_uncertain(rules):
    closed = entry("k1", "2019-03", "KOV-01", "case_closed")
    again = entry("s1", "2019-03-20", "KOOL-01", "concern_recorded", concern="school_attendance")
    [detection] = found([closed, again], rules, "closure_then_rereferral")
    assert detection.uncertain


def test_the_first_certain_rereferral_supports_the_finding(rules):
    entries = [
        CLOSED,
        # June 2019 may be after the window (it ends on 03.06.2019); 03.06.2019 is certainly inside.
        entry("s1", "2019-06", "KOOL-01", "concern_recorded", concern="school_attendance"),
        entry("s2", "2019-06-03", "PEREARST-01", "notification", addressee="KOV-01"),
    ]
    [detection] = found(entries, rules, "closure_then_rereferral")
    assert refs(detection) == ["k1", "s2"]
    assert not detection.uncertain


def test_one_sighting_is_explained_by_its_day(rules):
    [detection] = found([CONCERN, _seen("p1", "2019-05-06")], rules, "information_not_shared", language="en")
    assert detection.explain() == (
        "PEREARST-01 saw the child on 06.05.2019 without having been told of the concern (medical_neglect) "
        "recorded by HAIGLA-01."
    )
    assert detection.explain("et").startswith("PEREARST-01 nägi last 06.05.2019, ilma et talle oleks teatatud")
