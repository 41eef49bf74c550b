"""Pattern detection as a whole: episodes merged, explanations in three languages, the JSON shape,
canonical order, sectors, and the method's parameters checked."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from chronology.patterns import RULE_CODES, detect

from .pattern_entries import NO, YES, entry, found, refs, seed_rules, with_parameters

D = dt.date
LATER = entry("x1", "2019-12-02", "KOOL-01", "school_absence")


@pytest.fixture(scope="module")
def rules():
    return seed_rules()


def test_the_seed_holds_every_rule_the_engine_knows(rules):
    assert set(rules) == set(RULE_CODES)


# --- episodes --------------------------------------------------------------------------------------------------


def test_referrals_whose_windows_overlap_are_one_episode(rules):
    entries = [
        entry("r1", "2019-03-01", "PEREARST-01", "referral", addressee="KOV-01"),
        entry("r2", "2019-03-08", "PEREARST-01", "notification", addressee="KOV-01"),
        LATER,
    ]
    [detection] = found(entries, rules, "unanswered_referral", language="en")
    assert refs(detection) == ["r1", "r2"]
    assert (detection.start, detection.end) == (D(2019, 3, 1), D(2019, 3, 22))
    assert detection.explain() == (
        "2 referrals or notifications from PEREARST-01 to KOV-01 between 01.03.2019 and 08.03.2019 got no "
        "answer or other reaction from KOV-01 within 10 working days."
    )


def test_referrals_whose_windows_touch_are_one_episode_and_apart_are_two(rules):
    first = entry("r1", "2019-03-01", "PEREARST-01", "referral", addressee="KOV-01")  # window to 15.03
    touching = entry("r2", "2019-03-16", "PEREARST-01", "referral", addressee="KOV-01")
    apart = entry("r2", "2019-03-18", "PEREARST-01", "referral", addressee="KOV-01")
    assert [refs(d) for d in found([first, touching, LATER], rules, "unanswered_referral")] == [["r1", "r2"]]
    assert [refs(d) for d in found([first, apart, LATER], rules, "unanswered_referral")] == [["r1"], ["r2"]]


def test_referrals_by_different_organisations_are_separate_episodes(rules):
    entries = [
        entry("r1", "2019-03-01", "PEREARST-01", "referral", addressee="KOV-01"),
        entry("r2", "2019-03-04", "KOOL-01", "notification", addressee="KOV-01"),
        LATER,
    ]
    detections = found(entries, rules, "unanswered_referral")
    assert [(d.organisations, refs(d)) for d in detections] == [
        (("KOV-01", "PEREARST-01"), ["r1"]),
        (("KOOL-01", "KOV-01"), ["r2"]),
    ]


def test_many_missed_appointments_make_one_episode_not_dozens_of_pairs(rules):
    misses = [
        entry(f"m{month:02}", f"2019-{month:02}-0{1 + month % 5}", "HAIGLA-01", "appointment_missed", child_seen=NO)
        for month in range(1, 11)
    ]
    [detection] = found([*misses, LATER], rules, "was_not_brought")
    assert refs(detection) == [f"m{month:02}" for month in range(1, 11)]


def test_an_episode_is_certain_when_one_of_its_parts_is(rules):
    entries = [
        entry("r1", "2019-03", "PEREARST-01", "referral", addressee="KOV-01"),
        entry("a1", "2019-03-20", "KOV-01", "response"),
        entry("r2", "2019-04-01", "PEREARST-01", "referral", addressee="KOV-01"),
        LATER,
    ]
    [detection] = found(entries, rules, "unanswered_referral")
    assert refs(detection) == ["r1", "r2"]
    assert not detection.uncertain


def test_supporting_entries_from_two_files_keep_their_source(rules):
    entries = [
        entry("1", "2019-03-04", "HAIGLA-01", "concern_recorded", concern="medical_neglect", source="haigla.csv"),
        entry("1", "2019-05-06", "PEREARST-01", "contact", child_seen=YES, source="perearst.xlsx"),
    ]
    [detection] = found(entries, rules, "information_not_shared")
    assert [(ref.source, ref.entry_ref) for ref in detection.entries] == [("haigla.csv", "1"), ("perearst.xlsx", "1")]
    assert detection.as_json()["entry_sources"] == [
        {"source": "haigla.csv", "entry_ref": "1"},
        {"source": "perearst.xlsx", "entry_ref": "1"},
    ]


# --- explanations and JSON -------------------------------------------------------------------------------------


def _months_missed():
    return [
        entry("m1", "2019-03", "HAIGLA-01", "appointment_missed", child_seen=NO),
        entry("m2", "2019-06", "HAIGLA-01", "appointment_missed", child_seen=NO),
        entry("m3", "2019-10", "HAIGLA-01", "appointment_missed", child_seen=NO),
        LATER,
    ]


def test_the_explanation_reads_like_the_issue_in_english(rules):
    [detection] = found(_months_missed(), rules, "was_not_brought", language="en")
    assert detection.explain() == (
        "3 missed appointments at HAIGLA-01 between 03.2019 and 10.2019; none was followed by a contact of "
        "HAIGLA-01 within 14 days, and HAIGLA-01 made no referral or notification to child protection "
        "within 30 days afterwards."
    )


def test_the_explanation_is_given_in_estonian_and_russian(rules):
    [detection] = found(_months_missed(), rules, "was_not_brought")
    assert detection.explain() == detection.explain("et")
    assert detection.explain("et").startswith("Asutuses HAIGLA-01 jäi ajavahemikul 03.2019 kuni 10.2019 vahele 3 ")
    assert detection.explain("ru").startswith("В HAIGLA-01 с 03.2019 по 10.2019 пропущено 3 приёма;")
    assert detection.explain("xx") == detection.explain("et")


@pytest.mark.parametrize(
    ("count", "form"), [(1, "1 день"), (2, "2 дня"), (5, "5 дней"), (11, "11 дней"), (21, "21 день")]
)
def test_russian_counts_take_the_right_form(count, form):
    from chronology.patterns.explain import counted

    assert counted("days", count, "ru") == form


def test_an_uncertain_detection_says_so_in_its_explanation(rules):
    entries = [
        entry("r1", "2019-03", "PEREARST-01", "referral", addressee="KOV-01"),
        entry("a1", "2019-03-20", "KOV-01", "response"),
        LATER,
    ]
    [detection] = found(entries, rules, "unanswered_referral", language="en")
    assert detection.explain().startswith("PEREARST-01 referred the child to KOV-01 on 03.2019,")
    assert detection.explain().endswith(
        "This finding rests on at least one uncertain date: check the supporting entries."
    )
    assert "ebatäpsele kuupäevale" in detection.explain("et")
    assert "неточной дате" in detection.explain("ru")


def test_approximate_dates_are_written_as_about(rules):
    entries = [
        entry("h1", "~2019-03-04", "HAIGLA-01", "concern_recorded", concern="medical_neglect"),
        entry("k1", "~2019-09", "KOOL-01", "concern_recorded", concern="medical_neglect"),
    ]
    [detection] = found(entries, rules, "concern_without_escalation", language="en")
    assert "between c. 04.03.2019 and c. 09.2019" in detection.explain()
    assert "u 04.03.2019 kuni u 09.2019" in detection.explain("et")


def test_concerns_are_named_by_their_label_when_given(rules):
    entries = [
        entry("h1", "2019-03-04", "HAIGLA-01", "concern_recorded", concern="medical_neglect"),
        entry("k1", "2019-04-01", "KOOL-01", "concern_recorded", concern="medical_neglect"),
    ]
    labels = {"medical_neglect": {"et": "Meditsiiniline hooletus", "en": "Medical neglect", "ru": "Медицинское"}}
    [detection] = found(entries, rules, "concern_without_escalation", language="en", concern_labels=labels)
    assert "The concern “Medical neglect” was recorded 2 times (HAIGLA-01, KOOL-01)" in detection.explain()
    assert "Mure „Meditsiiniline hooletus” pandi kirja 2 korda" in detection.explain("et")


def test_every_rule_explains_itself_in_every_language(rules):
    detections = detect(_every_pattern(), rules)
    assert {d.rule for d in detections} == set(RULE_CODES)
    for detection in detections:
        for language in ("et", "en", "ru"):
            text = detection.explain(language)
            assert text and "{" not in text, (detection.rule, language, text)
            assert any(code in text for code in detection.organisations), (detection.rule, language, text)


def test_as_json_gives_the_fields_the_checker_prints(rules):
    detections = detect(_every_pattern(), rules, language="en")
    document = json.loads(json.dumps([d.as_json() for d in detections]))
    for item, detection in zip(document, detections, strict=True):
        assert set(item) == {
            "rule",
            "start",
            "end",
            "organisations",
            "entries",
            "entry_sources",
            "uncertain",
            "explanation",
        }
        assert item["rule"] in RULE_CODES
        assert dt.date.fromisoformat(item["start"]) <= dt.date.fromisoformat(item["end"])
        assert item["organisations"] == sorted(item["organisations"])
        assert item["entries"] == [ref.entry_ref for ref in detection.entries]
        assert item["explanation"] == detection.explain("en")


def _every_pattern():
    """A fictional chronology in which each of the seven patterns appears."""
    return [
        entry("h1", "2019-01-08", "HAIGLA-01", "appointment_attended", concern="medical_neglect", child_seen=YES),
        entry("h2", "2019-03-04", "HAIGLA-01", "appointment_missed", child_seen=NO),
        entry("h3", "2019-06-03", "HAIGLA-01", "appointment_missed", child_seen=NO),
        entry("p1", "2019-07-01", "PEREARST-01", "appointment_attended", child_seen=YES),
        entry("k1", "2019-07-15", "KOOL-01", "concern_recorded", concern="medical_neglect"),
        entry("p2", "2019-08-05", "PEREARST-01", "notification", addressee="KOV-01"),
        entry("v1", "2019-10-07", "KOV-01", "case_closed"),
        entry("k2", "2019-11-04", "KOOL-01", "concern_recorded", concern="school_attendance"),
        entry("x1", "2020-06-01", "KOOL-01", "school_absence"),
    ]


# --- order, sectors, parameters ------------------------------------------------------------------------------


def test_the_result_does_not_depend_on_the_order_of_the_entries(rules):
    entries = _every_pattern()
    expected = [d.as_json() for d in detect(entries, rules)]
    assert [d.as_json() for d in detect(list(reversed(entries)), rules)] == expected
    assert [d.as_json() for d in detect(entries[3:] + entries[:3], rules)] == expected


def test_detections_come_sorted_by_start(rules):
    detections = detect(_every_pattern(), rules)
    assert [(d.start, d.end) for d in detections] == sorted((d.start, d.end) for d in detections)


def test_a_parent_sector_covers_its_children(rules):
    changed = with_parameters(rules, "unanswered_referral", addressee_sectors=["health"])
    entries = [
        entry("r1", "2019-03-01", "KOV-01", "referral", addressee="HAIGLA-01"),
        entry("r2", "2019-03-01", "KOV-01", "referral", addressee="KOOL-01"),
        LATER,
    ]
    sectors = {"HAIGLA-01": "health.hospital", "KOOL-01": "education"}
    assert [refs(d) for d in found(entries, changed, "unanswered_referral", sectors=sectors)] == [["r1"]]


def test_an_addressee_missing_from_the_sectors_counts_as_any_sector(rules):
    changed = with_parameters(rules, "unanswered_referral", addressee_sectors=["child_protection"])
    entries = [entry("r1", "2019-03-01", "HAIGLA-01", "referral", addressee="KOV-02"), LATER]
    assert len(found(entries, changed, "unanswered_referral", sectors={"KOV-01": "child_protection"})) == 1


def test_no_entries_no_detections(rules):
    assert detect([], rules) == []


def test_a_rule_left_out_of_the_method_is_not_run(rules):
    without_silence = {code: rule for code, rule in rules.items() if code != "silence"}
    assert "silence" in {d.rule for d in detect(_every_pattern(), rules)}
    assert "silence" not in {d.rule for d in detect(_every_pattern(), without_silence)}


def test_an_unknown_rule_or_a_missing_parameter_is_named(rules):
    with pytest.raises(ValueError, match="unknown rule.*lonely_child"):
        detect(_every_pattern(), {**rules, "lonely_child": {"parameters": {}}})
    broken = with_parameters(rules, "silence")
    del broken["silence"]["parameters"]["max_gap"]
    with pytest.raises(ValueError, match=r"pattern_rules\.silence\.parameters: max_gap is missing"):
        detect(_every_pattern(), broken)
    with pytest.raises(ValueError, match=r"pattern_rules\.silence\.parameters\.max_gap"):
        detect(_every_pattern(), with_parameters(rules, "silence", max_gap={"amount": 90, "unit": "weeks"}))


def test_a_longer_gap_in_the_method_finds_less(rules):
    entries = [
        entry("k1", "2019-01-08", "KOV-01", "concern_recorded", concern="physical_neglect"),
        entry("v1", "2019-06-03", "KOV-01", "home_visit"),
    ]
    assert len(found(entries, rules, "silence")) == 1
    longer = with_parameters(rules, "silence", max_gap={"amount": 6, "unit": "months"})
    assert found(entries, longer, "silence") == []
