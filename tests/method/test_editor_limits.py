"""The method editor cannot be inflated: what it accepts is plain YAML within limits.

Every hostile text goes through the section editing page, as a method editor would send it, and the
tests check both the refusal the page shows and that the draft was not changed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import AuditEvent
from method.loader import SECTION_ORDER, MethodContentError
from method.models import MethodVersion
from method.section_input import MAX_SECTION_BYTES, read_section_yaml
from method.seeds import load_seed
from method.services import method_draft_create, normalise_yaml, section_to_yaml

LAUGHS = """\
contributory_factors: &a
  - code: patient
    label: {et: Laps, en: Child, ru: Ребёнок}
cdr_domains: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
cdr_levels: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
welfare_triangle: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
"""


@pytest.fixture
def editor(people):
    return people["metoodik"]


@pytest.fixture
def draft(editor):
    return method_draft_create(acting_user=editor)


@pytest.fixture
def client(editor, login):
    client = login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post_section(client, section: str, text: str):
    url = reverse("method:edit_section", kwargs={"number": 2, "section": section})
    return client.post(url, {"text": text, "revision": "1"})


def refusal(response) -> list[str]:
    """The problems the page shows in its error summary (nothing was saved: the page is shown again)."""
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    return list(response.context["form"].errors["text"])


def assert_unchanged(draft: MethodVersion) -> None:
    stored = MethodVersion.objects.get(pk=draft.pk)
    assert stored.revision == 1
    assert stored.content == MethodVersion.objects.get(number=1).content
    assert not AuditEvent.objects.filter(action="update", object_id=str(draft.pk)).exists()


# --- Anchors, aliases and merge keys ---------------------------------------------------------------


def test_a_few_hundred_bytes_of_aliases_are_refused_not_expanded(draft, client):
    response = post_section(client, "vocabularies", LAUGHS)
    (problem,) = refusal(response)
    assert problem.startswith("vocabularies, line 1, column 23: anchors (&) and aliases (*) are not accepted")
    assert len(response.content) < 200_000
    assert_unchanged(draft)


def test_an_anchor_alone_is_refused_too(draft, client):
    text = section_to_yaml(draft.content["outcomes"]).replace("- code: death", "- &first\n  code: death", 1)
    (problem,) = refusal(post_section(client, "outcomes", text))
    assert problem.startswith("outcomes, line 1, column 3: anchors (&) and aliases (*)")
    assert_unchanged(draft)


def test_a_merge_key_is_refused(draft, client):
    text = section_to_yaml(draft.content["stages"]).replace(
        "  time_limit:\n", "  time_limit:\n    <<: {unit: working_days}\n", 1
    )
    (problem,) = refusal(post_section(client, "stages", text))
    assert "merge keys (<<) are not accepted in the editor" in problem
    assert problem.startswith("stages, line ")
    assert_unchanged(draft)


def test_the_seed_files_keep_their_anchors_and_still_load(db):
    source = (settings.BASE_DIR / "method" / "seed" / "v1" / "pattern_rules.yaml").read_text(encoding="utf-8")
    assert "&contacts" in source and "*contacts" in source
    seed = load_seed()
    contacts = seed["pattern_rules"]["silence"]["parameters"]["contact_event_types"]
    assert seed["pattern_rules"]["was_not_brought"]["parameters"]["follow_up_event_types"] == contacts
    # The same file, sent through the editor, is refused for the same anchors.
    with pytest.raises(MethodContentError) as raised:
        read_section_yaml(source, section="pattern_rules")
    assert "anchors (&) and aliases (*)" in raised.value.errors[0]


def test_load_method_creates_version_one_from_the_seed_files(db):
    from django.core.management import call_command

    call_command("load_method")
    assert MethodVersion.objects.get(number=1).content == load_seed()


def test_a_conflict_page_does_not_expand_the_aliases_it_was_sent():
    assert normalise_yaml(LAUGHS) == LAUGHS


# --- Unknown keys, in every section -------------------------------------------------------------------


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) else value


UNKNOWN_KEYS: list[tuple[str, Callable[[Any], None], str]] = [
    ("case_definition", lambda v: v.update(note="x"), "case_definition: must hold exactly one field, text."),
    ("case_definition", lambda v: v["text"].update(fi="x"), "case_definition.text: fi is not a language"),
    *[
        (section, lambda v: v[0].update(colour="red"), f"{section}[1]")
        for section in (
            "screening_checklist",
            "screening_decisions",
            "outcomes",
            "causes",
            "parallel_proceedings",
            "review_types",
            "event_types",
            "concerns",
        )
    ],
    ("sectors", lambda v: v[0].update(colour="red"), "colour is not a field of this item"),
    ("sectors", lambda v: v[0]["children"][0].update(colour="red"), "colour is not a field of this item"),
    ("stages", lambda v: v[0].update(colour="red"), "stages[1] (notification): colour is not a field"),
    ("stages", lambda v: v[0]["time_limit"].update(hours=3), "stages[1] (notification).time_limit: hours is not"),
    ("vocabularies", lambda v: v.update(colours=v["sex"]), "vocabularies: colours is not a vocabulary of the method"),
    ("vocabularies", lambda v: v["sex"][0].update(colour="red"), "vocabularies.sex[1] (female): colour is not a field"),
    ("pattern_rules", lambda v: v.update(rumour=v["silence"]), "pattern_rules.rumour: rumour is not a pattern rule"),
    ("pattern_rules", lambda v: v["silence"].update(colour="red"), "pattern_rules.silence: colour is not a field"),
    (
        "pattern_rules",
        lambda v: v["silence"]["parameters"].update(colour="red"),
        "pattern_rules.silence.parameters: colour is not a parameter",
    ),
    (
        "pattern_rules",
        lambda v: v["silence"]["parameters"]["max_gap"].update(hours=3),
        "pattern_rules.silence.parameters.max_gap: hours is not a field of a period.",
    ),
    ("templates", lambda v: v.update(rumour=v["information_request"]), "templates: rumour is not a template"),
    ("templates", lambda v: v["information_request"].update(fi="x"), "templates.information_request: fi is not"),
    ("workgroup", lambda v: v.update(colour="red"), "workgroup: colour is not a setting of the working group"),
    (
        "workgroup",
        lambda v: v["meeting_rule"].update(dtstart="20260101"),
        "workgroup.meeting_rule: dtstart is not a setting of the meeting rule",
    ),
    ("workgroup", lambda v: v["purpose"].update(fi="x"), "workgroup.purpose: fi is not a language of the method"),
]


def test_every_section_of_the_method_is_covered_by_the_unknown_key_cases():
    assert {section for section, _change, _expected in UNKNOWN_KEYS} == set(SECTION_ORDER)


@pytest.mark.parametrize(("section", "change", "expected"), UNKNOWN_KEYS)
def test_an_unknown_key_is_refused_in_every_section(draft, client, section, change, expected):
    value = copy.deepcopy(draft.content[section])
    change(value)
    problems = refusal(post_section(client, section, section_to_yaml(value)))
    assert any(expected in problem for problem in problems), problems
    assert_unchanged(draft)


# --- Size, depth and what JSON holds -------------------------------------------------------------------


def test_a_section_over_the_size_cap_is_refused(draft, client):
    value = copy.deepcopy(draft.content["case_definition"])
    value["text"]["et"] = "Juhtum. " * (MAX_SECTION_BYTES // 8 + 10)
    (problem,) = refusal(post_section(client, "case_definition", section_to_yaml(value)))
    assert problem == (
        "case_definition: the section is 106 KB; a section may be at most 100 KB. "
        "Split long texts or remove what is not needed."
    )
    assert_unchanged(draft)


def test_a_section_that_grows_past_the_cap_when_stored_is_refused():
    # 80 KB of flow-style YAML is 200 KB of JSON as the database is given it (a, is stored as "a", ).
    text = "[" + ",".join(["a"] * 40_000) + "]"
    assert len(text) < MAX_SECTION_BYTES
    with pytest.raises(MethodContentError) as raised:
        read_section_yaml(text, section="concerns")
    assert raised.value.errors == [
        "concerns: the section is 200 KB; a section may be at most 100 KB. "
        "Split long texts or remove what is not needed."
    ]


def test_values_nested_deeper_than_any_section_needs_are_refused_without_a_crash(draft, client):
    (problem,) = refusal(post_section(client, "outcomes", "[" * 20_000 + "]" * 20_000))
    assert problem == "outcomes, line 1, column 13: the values are nested more than 12 levels deep."
    assert_unchanged(draft)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-01", "outcomes[1] (death).label.et: 2026-01-01 is not text, a number, true/false or a list"),
        ("!!binary aGVsbG8=", "outcomes[1] (death).label.et: b'hello' is not text"),
        (".nan", "outcomes[1] (death).label.et: must be a number, not nan."),
        ("123456789012345678901234567890", "is larger than any number the method uses"),
    ],
)
def test_values_json_cannot_hold_are_refused_naming_the_path(draft, client, value, expected):
    text = section_to_yaml(draft.content["outcomes"]).replace("et: Surm", f"et: {value}", 1)
    problems = refusal(post_section(client, "outcomes", text))
    assert any(expected in problem for problem in problems), problems
    assert_unchanged(draft)


def test_a_number_as_a_name_must_be_quoted(draft, client):
    text = section_to_yaml(draft.content["templates"]) + "1: x\n"
    problems = refusal(post_section(client, "templates", text))
    assert "templates: the name 1 must be text; write it in quotes." in problems
    assert_unchanged(draft)


# --- Text that cannot be stored -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("escape", "code", "kind"),
    [
        ("\\x0b", "U+000B", "an invisible control character"),
        ("\\0", "U+0000", "an invisible control character"),
        ("\\ud800", "U+D800", "half of a character pair (a damaged character)"),
        ("\\uffff", "U+FFFF", "a character that is not a letter, digit or sign"),
    ],
)
def test_yaml_escapes_that_make_unstorable_text_are_refused_naming_section_and_path(draft, client, escape, code, kind):
    text = section_to_yaml(draft.content["outcomes"]).replace("en: Death", f'en: "De{escape}ath"', 1)
    (problem,) = refusal(post_section(client, "outcomes", text))
    assert problem.startswith(f"outcomes[1] (death).label.en: The text holds {kind} ({code}) at character 3")
    assert_unchanged(draft)


def test_an_unstorable_escape_deep_in_the_working_group_section_names_its_path(draft, client):
    value = copy.deepcopy(draft.content["workgroup"])
    text = section_to_yaml(value).replace("time_zone: Europe/Tallinn", 'time_zone: "Europe/\\x01Tallinn"', 1)
    (problem,) = refusal(post_section(client, "workgroup", text))
    assert problem.startswith("workgroup.meeting_rule.time_zone: The text holds an invisible control character")
    assert "(U+0001)" in problem
    assert_unchanged(draft)


def test_a_control_character_typed_into_the_text_is_refused_with_its_line(draft, client):
    text = section_to_yaml(draft.content["outcomes"]).replace("ru: Смерть", "ru: Сме\x07рть", 1)
    line = next(number for number, row in enumerate(text.splitlines(), 1) if "\x07" in row)
    column = text.splitlines()[line - 1].index("\x07") + 1
    (problem,) = refusal(post_section(client, "outcomes", text))
    assert problem.startswith(f"outcomes, line {line}, column {column}: The text holds an invisible control character")
    assert "(U+0007)" in problem
    assert_unchanged(draft)


# --- Periods and counts the method has no use for -----------------------------------------------------


def test_a_period_of_a_billion_working_days_is_refused(draft, client):
    value = copy.deepcopy(draft.content["stages"])
    value[0]["time_limit"]["amount"] = 10**9
    problems = refusal(post_section(client, "stages", section_to_yaml(value)))
    assert "stages[1] (notification).time_limit.amount: must be at most 3650." in problems
    assert_unchanged(draft)


def test_a_huge_count_in_a_pattern_rule_is_refused(draft, client):
    value = copy.deepcopy(draft.content["pattern_rules"])
    value["was_not_brought"]["parameters"]["min_missed"] = 5000
    problems = refusal(post_section(client, "pattern_rules", section_to_yaml(value)))
    assert "pattern_rules.was_not_brought.parameters.min_missed: must be at most 1000." in problems
    assert_unchanged(draft)


def test_a_valid_section_is_still_saved(draft, client, editor):
    value = copy.deepcopy(draft.content["outcomes"])
    value[0]["label"]["en"] = "Death of the child"
    response = post_section(client, "outcomes", section_to_yaml(value))
    assert response.status_code == 302
    stored = MethodVersion.objects.get(pk=draft.pk)
    assert stored.revision == 2
    assert stored.content["outcomes"][0]["label"]["en"] == "Death of the child"


def test_the_seed_sections_written_out_by_the_editor_are_accepted(db):
    for section, value in load_seed().items():
        assert read_section_yaml(section_to_yaml(value), section=section) == value
