"""A method editor's mistakes are named clearly: section, item and field."""

from __future__ import annotations

import copy

import pytest

from method.loader import validate_content
from method.seeds import load_seed


@pytest.fixture(scope="module")
def seed():
    return load_seed()


@pytest.fixture
def document(seed):
    return copy.deepcopy(seed)


def test_a_missing_section_is_named(document):
    del document["stages"]
    assert validate_content(document) == ["Section stages is missing."]


def test_an_unknown_section_is_named(document):
    document["stagez"] = []
    errors = validate_content(document)
    assert len(errors) == 1
    assert errors[0].startswith("Section stagez is not a section of the method")


def test_a_code_used_twice_is_named(document):
    document["causes"][1]["code"] = "physical_maltreatment"
    assert validate_content(document) == [
        "causes[2] (physical_maltreatment): code physical_maltreatment is used twice in this list."
    ]


def test_a_missing_language_is_named(document):
    del document["vocabularies"]["sex"][0]["label"]["ru"]
    assert validate_content(document) == ["vocabularies.sex[1] (female).label: the ru text is missing."]


def test_a_numeric_code_must_be_quoted(document):
    document["vocabularies"]["cdr_levels"][0]["code"] = 0
    assert validate_content(document) == [
        "vocabularies.cdr_levels[1]: code is missing (write it in quotes if it is a number)."
    ]


def test_a_misspelt_field_is_named(document):
    document["outcomes"][0]["lable"] = document["outcomes"][0].pop("label")
    errors = validate_content(document)
    assert "outcomes[1] (death): label is missing." in errors
    assert any(error.startswith("outcomes[1] (death): lable is not a field of this item") for error in errors)


def test_a_stage_unit_and_start_must_be_known(document):
    document["stages"][0]["time_limit"] = {"amount": 5, "unit": "weeks", "from": "incident"}
    assert validate_content(document) == [
        "stages[1] (notification).time_limit.unit: weeks is not one of working_days, calendar_days, months.",
        "stages[1] (notification).time_limit.from: incident is not one of became_aware, notification_recorded, "
        "review_opened.",
    ]


def test_a_stage_amount_must_be_a_whole_number(document):
    document["stages"][2]["time_limit"]["amount"] = "15"
    assert validate_content(document) == [
        "stages[3] (rapid_review).time_limit.amount: must be a whole number from 1 up."
    ]


def test_a_stage_code_others_depend_on_cannot_be_dropped(document):
    document["stages"] = [s for s in document["stages"] if s["code"] != "rapid_review"]
    assert validate_content(document) == [
        "stages: code rapid_review is missing; other parts of the system depend on it."
    ]


def test_a_missing_vocabulary_is_named(document):
    del document["vocabularies"]["quality_markers"]
    assert validate_content(document) == ["vocabularies: vocabulary quality_markers is missing."]


def test_pattern_rule_parameters_must_have_the_right_types(document):
    parameters = document["pattern_rules"]["was_not_brought"]["parameters"]
    parameters["min_missed"] = "two"
    parameters["window"] = 180
    parameters["missed_event_types"] = ["appointment_missed", "no_show"]
    parameters["escalation_addressee_sectors"] = ["child_protectoin"]
    document["pattern_rules"]["silence"]["parameters"]["days"] = 90
    document["pattern_rules"]["unanswered_referral"]["parameters"]["contact_counts_as_response"] = "yes"
    errors = validate_content(document)
    assert errors == [
        "pattern_rules.silence.parameters: days is not a parameter of this rule "
        "(known: max_gap, contact_event_types, closing_event_types).",
        "pattern_rules.unanswered_referral.parameters.contact_counts_as_response: must be true or false.",
        "pattern_rules.was_not_brought.parameters.missed_event_types: no_show not in the method's event types.",
        "pattern_rules.was_not_brought.parameters.min_missed: must be a whole number from 1 up.",
        "pattern_rules.was_not_brought.parameters.window: must be a period with the fields amount, unit.",
        "pattern_rules.was_not_brought.parameters.escalation_addressee_sectors: child_protectoin not in the "
        "method's sectors.",
    ]


def test_a_missing_pattern_rule_is_named(document):
    del document["pattern_rules"]["child_not_seen"]
    assert validate_content(document) == ["pattern_rules: rule child_not_seen is missing."]


def test_removing_an_event_type_a_rule_uses_is_refused(document):
    document["event_types"] = [e for e in document["event_types"] if e["code"] != "case_closed"]
    errors = validate_content(document)
    assert (
        "pattern_rules.silence.parameters.closing_event_types: case_closed not in the method's event types." in errors
    )


def test_template_placeholders_must_match_across_languages(document):
    document["templates"]["information_request"]["ru"] = "Срок: {due}"
    errors = validate_content(document)
    assert len(errors) == 1
    assert errors[0].startswith("templates.information_request: the languages use different placeholders (")
    assert "ru: due" in errors[0]


def test_a_lone_brace_in_a_template_is_named(document):
    document["templates"]["workgroup_invitation"]["en"] = "Dear {member_name"
    errors = validate_content(document)
    assert errors[0] == (
        "templates.workgroup_invitation.en: a { or } has no partner; write {{ or }} for a brace itself."
    )


def test_sector_children_cannot_nest_further(document):
    document["sectors"][0]["children"][0]["children"] = []
    errors = validate_content(document)
    assert errors == [
        "sectors[1] (health).children[1] (primary_care): children is not a field of this item "
        "(allowed: code, description, help, label)."
    ]


def test_a_document_that_is_not_a_mapping_is_refused():
    assert validate_content(["not", "a", "document"]) == ["The method content must be a set of named sections."]


def test_a_sector_may_have_an_empty_list_of_children(document):
    document["sectors"].append(
        {"code": "sport", "label": {"et": "Sport", "en": "Sport", "ru": "Спорт"}, "children": []}
    )
    assert validate_content(document) == []
