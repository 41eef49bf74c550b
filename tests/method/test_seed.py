"""Method version 1 as seeded from method/seed/: complete, valid and never changed once created."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from method.content import LANGUAGES
from method.loader import (
    PATTERN_RULE_PARAMETERS,
    REQUIRED_VOCABULARIES,
    MethodContentError,
    validate_content,
)
from method.models import MethodVersion
from method.seeds import ensure_seeded, load_seed

CHRONOLOGY_FORMAT = Path("/work/shared/formats/chronology.md")

CONTACTS = [
    "contact",
    "home_visit",
    "appointment_attended",
    "assessment",
    "network_meeting",
    "emergency_visit",
    "hospital_admission",
]


@pytest.fixture(scope="module")
def seed():
    return load_seed()


def _format_codes(heading: str) -> list[str]:
    """The backquoted codes of one 'Event types' / 'Concerns' paragraph of the format document."""
    text = CHRONOLOGY_FORMAT.read_text(encoding="utf-8")
    section = text.split(f"## {heading}, method version 1", 1)[1].split("\n## ", 1)[0]
    section = section.split("The vocabularies belong", 1)[0]
    return re.findall(r"`([a-z_]+)`", section)


def test_seed_loads_and_validates(seed):
    assert validate_content(seed) == []


def test_every_label_has_three_languages(seed):
    def walk(value):
        if isinstance(value, dict):
            if "label" in value:
                assert all(value["label"].get(language) for language in LANGUAGES), value
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(seed)


def test_twelve_stages_with_default_time_limits(seed):
    stages = {stage["number"]: stage for stage in seed["stages"]}
    assert sorted(stages) == list(range(1, 13))
    assert stages[1]["time_limit"] == {"amount": 5, "unit": "working_days", "from": "became_aware"}
    assert stages[3]["time_limit"] == {"amount": 15, "unit": "working_days", "from": "notification_recorded"}
    assert stages[5]["time_limit"] == {"amount": 10, "unit": "working_days", "from": "review_opened"}
    assert stages[9]["time_limit"] == {"amount": 6, "unit": "months", "from": "review_opened"}
    assert stages[12]["time_limit"] == {"amount": 12, "unit": "months", "from": "review_opened"}
    for number in (2, 4, 6, 7, 8, 10, 11):
        assert stages[number]["time_limit"] is None
    assert stages[1]["code"] == "notification"
    assert stages[3]["code"] == "rapid_review"


def test_notification_vocabularies_are_complete(seed):
    codes = {
        name: [item["code"] for item in seed[name]]
        for name in ("screening_decisions", "outcomes", "causes", "parallel_proceedings", "review_types")
    }
    assert codes["screening_decisions"] == ["rapid_review", "full_review", "no_review"]
    assert codes["outcomes"] == ["death", "hospitalisation", "other_serious_harm"]
    assert codes["causes"] == [
        "physical_maltreatment",
        "emotional_maltreatment",
        "neglect",
        "medical_neglect",
        "suicide",
        "suicide_attempt",
        "sexual_abuse",
    ]
    assert codes["parallel_proceedings"] == ["police", "prosecution", "court", "forensic"]
    assert codes["review_types"] == ["rapid", "full", "thematic", "pilot"]
    checklist = [item["code"] for item in seed["screening_checklist"]]
    assert {"child_under_18", "hospitalised_or_died", "sexually_abused"} <= set(checklist)
    assert all(seed["case_definition"]["text"][language] for language in LANGUAGES)


def test_sector_tree(method_v1):
    assert method_v1.data.sector_codes() == [
        "health",
        "health.primary_care",
        "health.specialist_care",
        "health.psychiatry",
        "health.hospital",
        "health.school_health",
        "child_protection",
        "education",
        "police",
        "prosecution",
        "ska_services",
        "ngo",
        "other",
    ]


def test_vocabularies_of_the_domain_and_the_child(seed):
    vocabularies = seed["vocabularies"]
    assert set(REQUIRED_VOCABULARIES) <= set(vocabularies)

    def codes(name):
        return [item["code"] for item in vocabularies[name]]

    assert len(codes("contributory_factors")) == 7
    assert codes("cdr_domains") == [
        "intrinsic_to_child",
        "family_and_environment",
        "wider_environment",
        "service_provision",
    ]
    assert codes("cdr_levels") == ["0", "1", "1*", "2", "3"]
    assert codes("welfare_triangle") == ["developmental_needs", "parenting", "family_and_environment"]
    assert len(codes("finding_categories")) == 6
    assert len(codes("practice_themes")) == 14
    assert "was_not_brought" in codes("practice_themes")
    assert codes("recommendation_strength") == ["stronger", "intermediate", "weaker"]
    assert len(codes("quality_markers")) == 18
    assert codes("sex") == ["female", "male", "other_or_unknown"]
    assert codes("legal_status") == ["with_parents", "in_care", "guardianship", "adopted", "other"]
    assert codes("school_attendance") == [
        "regular",
        "irregular",
        "not_attending",
        "home_schooling",
        "not_school_age",
        "unknown",
    ]
    assert codes("relationship") == [
        "mother",
        "father",
        "step_parent",
        "sibling",
        "grandparent",
        "foster_parent",
        "guardian",
        "partner_of_parent",
        "other",
    ]
    assert codes("risk_factors") == ["mental_health", "substance_use", "domestic_violence", "convictions", "other"]


def test_event_types_and_concerns_exactly_as_the_chronology_format(seed):
    assert [item["code"] for item in seed["event_types"]] == _format_codes("Event types")
    assert [item["code"] for item in seed["concerns"]] == _format_codes("Concerns")
    assert len(seed["event_types"]) == 20
    assert len(seed["concerns"]) == 13


def test_seven_pattern_rules_with_their_default_parameters(seed):
    rules = seed["pattern_rules"]
    assert set(rules) == set(PATTERN_RULE_PARAMETERS) and len(rules) == 7
    days = {"unit": "calendar_days"}
    p = {code: rule["parameters"] for code, rule in rules.items()}
    assert p["silence"] == {
        "max_gap": {"amount": 90, **days},
        "contact_event_types": CONTACTS,
        "closing_event_types": ["case_closed"],
    }
    assert p["unanswered_referral"]["respond_within"] == {"amount": 10, "unit": "working_days"}
    assert p["unanswered_referral"]["request_event_types"] == ["referral", "notification"]
    assert p["unanswered_referral"]["response_event_types"] == ["response", "case_opened", "assessment"]
    assert p["unanswered_referral"]["contact_counts_as_response"] is True
    assert p["was_not_brought"]["min_missed"] == 2
    assert p["was_not_brought"]["window"] == {"amount": 180, **days}
    assert p["was_not_brought"]["follow_up_within"] == {"amount": 14, **days}
    assert p["was_not_brought"]["escalation_within"] == {"amount": 30, **days}
    assert p["was_not_brought"]["escalation_event_types"] == ["referral", "notification"]
    assert p["concern_without_escalation"] == {
        "min_repeats": 3,
        "min_organisations": 2,
        "window": {"amount": 365, **days},
        "escalation_event_types": ["network_meeting", "assessment", "referral", "notification"],
    }
    assert p["information_not_shared"]["window"] == {"amount": 365, **days}
    assert p["information_not_shared"]["sharing_event_types"] == ["information_shared", "referral", "notification"]
    assert p["child_not_seen"]["min_consecutive_not_seen"] == 2
    assert p["child_not_seen"]["views_gap"] == {"amount": 180, **days}
    assert p["closure_then_rereferral"] == {
        "closing_event_types": ["case_closed"],
        "window": {"amount": 90, **days},
        "rereferral_event_types": ["concern_recorded", "referral", "notification"],
    }
    for rule in rules.values():
        assert all(rule["label"][language] and rule["description"][language] for language in LANGUAGES)


def test_letter_templates_in_three_languages(method_v1):
    for name in ("information_request", "workgroup_invitation"):
        for language in LANGUAGES:
            assert "{coordinator_name}" in method_v1.data.template(name, language)
    assert "{due_date}" in method_v1.data.template("information_request", "ru")


def test_ensure_seeded_creates_published_version_one(db):
    version = ensure_seeded()
    assert version.number == 1
    assert version.is_published
    assert version.published_at is not None
    assert MethodVersion.objects.current() == version
    assert version.data.label("causes", "neglect", "et") == "Hooletusse jätmine"


def test_ensure_seeded_is_idempotent_and_never_changes_version_one(db):
    first = ensure_seeded()
    MethodVersion.objects.filter(pk=first.pk).update(change_note="kept as it is")
    again = ensure_seeded()
    assert again.pk == first.pk
    assert MethodVersion.objects.count() == 1
    again.refresh_from_db()
    assert again.change_note == "kept as it is"


def test_load_method_command_creates_once_and_audits(db, capsys):
    call_command("load_method")
    call_command("load_method")
    output = capsys.readouterr().out
    assert "Published method version 1 from the seed files." in output
    assert "Method version 1 is as the seed files hold it." in output
    assert "Current method version: 1" in output
    assert MethodVersion.objects.count() == 1
    events = AuditEvent.objects.filter(object_type="method.methodversion", action="create")
    assert events.count() == 1


def test_seed_files_with_an_error_are_refused(tmp_path, seed):
    (tmp_path / "a.yaml").write_text("outcomes:\n  - code: death\n", encoding="utf-8")
    with pytest.raises(MethodContentError) as raised:
        load_seed(tmp_path)
    assert "outcomes[1] (death): label is missing." in raised.value.errors
    assert "Section causes is missing." in raised.value.errors


def test_a_section_defined_twice_is_refused(tmp_path):
    (tmp_path / "a.yaml").write_text("outcomes: []\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("outcomes: []\n", encoding="utf-8")
    with pytest.raises(MethodContentError) as raised:
        load_seed(tmp_path, validate=False)
    assert "b.yaml: section outcomes is already defined in a.yaml." in raised.value.errors[0]


def test_broken_yaml_names_the_line(tmp_path):
    (tmp_path / "a.yaml").write_text("outcomes:\n  - code: [death\n", encoding="utf-8")
    with pytest.raises(MethodContentError) as raised:
        load_seed(tmp_path)
    assert "a.yaml, line" in raised.value.errors[0]


def test_published_version_one_refuses_changes(method_v1):
    from django.core.exceptions import ValidationError

    content = copy.deepcopy(method_v1.content)
    content["outcomes"][0]["label"]["et"] = "Muudetud"
    method_v1.content = content
    with pytest.raises(ValidationError):
        method_v1.save()


def test_a_method_file_in_json_or_a_seed_directory_loads(tmp_path, seed):
    import json

    from method.seeds import SEED_DIRECTORY, load_method_file

    changed = copy.deepcopy(seed)
    changed["pattern_rules"]["silence"]["parameters"]["max_gap"]["amount"] = 60
    (tmp_path / "method.json").write_text(json.dumps(changed), encoding="utf-8")
    assert load_method_file(tmp_path / "method.json")["pattern_rules"]["silence"]["parameters"]["max_gap"] == {
        "amount": 60,
        "unit": "calendar_days",
    }
    assert load_method_file(SEED_DIRECTORY) == seed
    del changed["stages"]
    (tmp_path / "broken.json").write_text(json.dumps(changed), encoding="utf-8")
    with pytest.raises(MethodContentError) as raised:
        load_method_file(tmp_path / "broken.json")
    assert raised.value.errors == ["Section stages is missing."]
