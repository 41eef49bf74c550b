"""Reading method YAML and checking a content document.

`read_seed_directory()` merges a folder of YAML files into one content document (shape: see
`method/content.py`), and `validate_content()` lists what is wrong with a document in words a method
editor can act on. The numbered seed versions in `method/seed/` are `method.seeds`'s.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import yaml
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .content import LANGUAGES
from .content import OPTIONAL_SECTIONS as CONTENT_OPTIONAL_SECTIONS

ITEM_LIST_SECTIONS = (
    "screening_checklist",
    "screening_decisions",
    "outcomes",
    "causes",
    "parallel_proceedings",
    "review_types",
    "event_types",
    "concerns",
)
REQUIRED_SECTIONS = (
    "case_definition",
    *ITEM_LIST_SECTIONS,
    "sectors",
    "stages",
    "vocabularies",
    "pattern_rules",
    "templates",
)
# The order the editor shows the sections in.
SECTION_ORDER = (
    "case_definition",
    "screening_checklist",
    "screening_decisions",
    "outcomes",
    "causes",
    "parallel_proceedings",
    "review_types",
    "sectors",
    "stages",
    "vocabularies",
    "event_types",
    "concerns",
    "pattern_rules",
    "templates",
    "workgroup",
)
# Sections a version may leave out, each checked by the app that reads it (dotted path of a function
# returning a list of problems). A version without one falls back to that app's defaults.
OPTIONAL_SECTIONS = {"workgroup": "workgroup.content.validate_section"}
assert tuple(OPTIONAL_SECTIONS) == CONTENT_OPTIONAL_SECTIONS, "method.content names the same optional sections"
REQUIRED_VOCABULARIES = (
    "contributory_factors",
    "cdr_domains",
    "cdr_levels",
    "welfare_triangle",
    "finding_categories",
    "practice_themes",
    "recommendation_strength",
    "quality_markers",
    "sex",
    "legal_status",
    "school_attendance",
    "relationship",
    "risk_factors",
)
# Codes that other parts of the system act on: a later version may relabel them, never drop them.
REQUIRED_CODES: dict[str, tuple[str, ...]] = {
    "screening_decisions": ("rapid_review", "full_review", "no_review"),
    "review_types": ("rapid", "full"),
    "stages": ("notification", "screening", "rapid_review", "information_gathering"),
}
REQUIRED_TEMPLATES = ("information_request", "workgroup_invitation")
# The templates the system fills in (inquiries.services, workgroup.letters); no other name is read.
KNOWN_TEMPLATES = (
    "information_request_subject",
    "information_request",
    "workgroup_invitation_subject",
    "workgroup_invitation",
)
# A period longer than ten years, or a count above a thousand, is no rule the method has a use for,
# and deadline arithmetic walks working days one by one.
MAX_PERIOD_AMOUNT = 3650
MAX_COUNT = 1000

TIME_UNITS = ("working_days", "calendar_days", "months")
TIME_FROM = ("became_aware", "notification_recorded", "review_opened")

# Each pattern rule's parameters and their kinds (see `_check_parameter`).
PATTERN_RULE_PARAMETERS: dict[str, dict[str, str]] = {
    "silence": {
        "max_gap": "period",
        "contact_event_types": "event_types",
        "closing_event_types": "event_types",
    },
    "unanswered_referral": {
        "request_event_types": "event_types",
        "response_event_types": "event_types",
        "contact_counts_as_response": "boolean",
        "contact_event_types": "event_types",
        "respond_within": "period",
        "addressee_sectors": "sectors",
    },
    "was_not_brought": {
        "missed_event_types": "event_types",
        "min_missed": "count",
        "window": "period",
        "follow_up_event_types": "event_types",
        "follow_up_within": "period",
        "escalation_event_types": "event_types",
        "escalation_within": "period",
        "escalation_addressee_sectors": "sectors",
    },
    "concern_without_escalation": {
        "min_repeats": "count",
        "min_organisations": "count",
        "window": "period",
        "escalation_event_types": "event_types",
    },
    "information_not_shared": {
        "window": "period",
        "sharing_event_types": "event_types",
        "shared_with_counts": "boolean",
    },
    "child_not_seen": {
        "min_consecutive_not_seen": "count",
        "not_seen_event_types": "event_types",
        "views_gap": "period",
    },
    "closure_then_rereferral": {
        "closing_event_types": "event_types",
        "window": "period",
        "rereferral_event_types": "event_types",
    },
}

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_*]*$")
ITEM_FIELDS = {"code", "label", "help", "description"}


class MethodContentError(ValueError):
    """A content document or the seed files are not valid; `errors` lists every problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


# ---------------------------------------------------------------------------------------------
# Loading


def read_yaml(text: str, *, source: str) -> Any:
    """Parse one YAML text; a syntax error becomes a MethodContentError naming the line."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        if mark is not None:
            message = _("%(source)s, line %(line)s, column %(column)s: the YAML cannot be read (%(problem)s).") % {
                "source": source,
                "line": mark.line + 1,
                "column": mark.column + 1,
                "problem": problem,
            }
        else:
            message = _("%(source)s: the YAML cannot be read (%(problem)s).") % {"source": source, "problem": problem}
        raise MethodContentError([message]) from error


def read_seed_directory(directory: Path) -> dict[str, Any]:
    """The sections of one folder of seed files merged into one document (not validated).

    Top-level keys starting with `_` are YAML anchors for reuse inside the files and are dropped, and
    files whose name starts with `_` describe the version rather than hold sections. A section defined
    in two files is an error."""
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    files = [path for path in files if not path.name.startswith("_")]
    if not files:
        raise MethodContentError([_("%(directory)s: no method files (*.yaml) found.") % {"directory": directory}])
    document: dict[str, Any] = {}
    origin: dict[str, str] = {}
    errors: list[str] = []
    for path in files:
        data = read_yaml(path.read_text(encoding="utf-8"), source=path.name)
        if data is None:
            continue
        if not isinstance(data, dict):
            errors.append(_("%(source)s: the file must hold named sections.") % {"source": path.name})
            continue
        for key, value in data.items():
            if str(key).startswith("_"):
                continue
            if key in document:
                errors.append(
                    _("%(source)s: section %(section)s is already defined in %(other)s.")
                    % {"source": path.name, "section": key, "other": origin[key]}
                )
                continue
            document[key] = value
            origin[key] = path.name
    if errors:
        raise MethodContentError(errors)
    return document


# ---------------------------------------------------------------------------------------------
# Validation


def validate_content(document: Any) -> list[str]:
    """Every problem in a content document, each naming the section, item and field."""
    errors: list[str] = []
    if not isinstance(document, dict):
        return [_("The method content must be a set of named sections.")]
    for section in REQUIRED_SECTIONS:
        if section not in document:
            errors.append(_("Section %(section)s is missing.") % {"section": section})
    for section in document:
        if section not in REQUIRED_SECTIONS and section not in OPTIONAL_SECTIONS:
            errors.append(
                _("Section %(section)s is not a section of the method (known sections: %(known)s).")
                % {"section": section, "known": ", ".join((*REQUIRED_SECTIONS, *OPTIONAL_SECTIONS))}
            )
        elif section in OPTIONAL_SECTIONS:
            errors += import_string(OPTIONAL_SECTIONS[section])(document[section])
    if "case_definition" in document:
        errors += validate_section("case_definition", document["case_definition"], document)
    for section in (*ITEM_LIST_SECTIONS, "sectors", "stages", "vocabularies", "pattern_rules", "templates"):
        if section in document:
            errors += validate_section(section, document[section], document)
    return errors


def validate_section(section: str, value: Any, document: dict[str, Any]) -> list[str]:
    """The problems of one section; `document` gives the codes a section refers to."""
    errors: list[str] = []
    if section == "case_definition":
        if not isinstance(value, dict) or set(value) != {"text"}:
            errors.append(_("%(where)s: must hold exactly one field, text.") % {"where": section})
        else:
            _check_languages(errors, f"{section}.text", value["text"])
    elif section in ITEM_LIST_SECTIONS:
        _check_items(errors, section, value)
    elif section == "sectors":
        _check_items(errors, section, value, extra_fields={"children"})
        for index, item in enumerate(value if isinstance(value, list) else []):
            # A sector without sub-sectors may leave `children` out or give an empty list.
            if isinstance(item, dict) and item.get("children", []) != []:
                _check_items(errors, f"{_item_where(section, index, item)}.children", item["children"])
    elif section == "stages":
        _check_items(errors, section, value, extra_fields={"number", "output", "time_limit"}, required={"output"})
        _check_stages(errors, value)
    elif section == "vocabularies":
        if not isinstance(value, dict):
            errors.append(_("%(where)s: must be a set of named vocabularies.") % {"where": section})
        else:
            for name in REQUIRED_VOCABULARIES:
                if name not in value:
                    errors.append(_("%(where)s: vocabulary %(name)s is missing.") % {"where": section, "name": name})
            for name, items in value.items():
                if name not in REQUIRED_VOCABULARIES:
                    errors.append(
                        _("%(where)s: %(name)s is not a vocabulary of the method (known: %(known)s).")
                        % {"where": section, "name": name, "known": ", ".join(REQUIRED_VOCABULARIES)}
                    )
                    continue
                _check_items(errors, f"{section}.{name}", items)
    elif section == "pattern_rules":
        _check_pattern_rules(errors, value, document)
    elif section == "templates":
        _check_templates(errors, value)
    for code in REQUIRED_CODES.get(section, ()):
        if isinstance(value, list) and code not in {i.get("code") for i in value if isinstance(i, dict)}:
            errors.append(
                _("%(where)s: code %(code)s is missing; other parts of the system depend on it.")
                % {"where": section, "code": code}
            )
    return errors


def _item_where(where: str, index: int, item: Any) -> str:
    code = item.get("code") if isinstance(item, dict) else None
    return f"{where}[{index + 1}]" + (f" ({code})" if isinstance(code, str) and code else "")


def _check_languages(errors: list[str], where: str, value: Any) -> None:
    if not isinstance(value, dict):
        errors.append(
            _("%(where)s: must give a text for each language (%(languages)s).")
            % {"where": where, "languages": ", ".join(LANGUAGES)}
        )
        return
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            errors.append(_("%(where)s: the %(language)s text is missing.") % {"where": where, "language": language})
    for language in value:
        if language not in LANGUAGES:
            errors.append(
                _("%(where)s: %(language)s is not a language of the method (%(languages)s).")
                % {"where": where, "language": language, "languages": ", ".join(LANGUAGES)}
            )


def _check_items(
    errors: list[str],
    where: str,
    items: Any,
    *,
    extra_fields: set[str] = frozenset(),  # type: ignore[assignment]
    required: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    if not isinstance(items, list) or not items:
        errors.append(_("%(where)s: must be a list with at least one item.") % {"where": where})
        return
    seen: set[str] = set()
    for index, item in enumerate(items):
        item_where = _item_where(where, index, item)
        if not isinstance(item, dict):
            errors.append(_("%(where)s: each item must have a code and a label.") % {"where": item_where})
            continue
        code = item.get("code")
        if not isinstance(code, str) or not code:
            errors.append(
                _("%(where)s: code is missing (write it in quotes if it is a number).") % {"where": item_where}
            )
        elif not CODE_PATTERN.match(code):
            errors.append(
                _("%(where)s: code %(code)s may hold only small letters a–z, digits, _ and *.")
                % {"where": item_where, "code": code}
            )
        elif code in seen:
            errors.append(
                _("%(where)s: code %(code)s is used twice in this list.") % {"where": item_where, "code": code}
            )
        else:
            seen.add(code)
        if "label" not in item:
            errors.append(_("%(where)s: label is missing.") % {"where": item_where})
        else:
            _check_languages(errors, f"{item_where}.label", item["label"])
        for field in ("help", "description", *sorted(required)):
            if field in item or field in required:
                if field not in item:
                    errors.append(_("%(where)s: %(field)s is missing.") % {"where": item_where, "field": field})
                else:
                    _check_languages(errors, f"{item_where}.{field}", item[field])
        for field in item:
            if field not in ITEM_FIELDS | extra_fields:
                errors.append(
                    _("%(where)s: %(field)s is not a field of this item (allowed: %(allowed)s).")
                    % {"where": item_where, "field": field, "allowed": ", ".join(sorted(ITEM_FIELDS | extra_fields))}
                )


def _check_stages(errors: list[str], stages: Any) -> None:
    if not isinstance(stages, list):
        return
    numbers: list[int] = []
    for index, stage in enumerate(stages):
        if not isinstance(stage, dict):
            continue
        where = _item_where("stages", index, stage)
        number = stage.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            errors.append(_("%(where)s.number: must be a whole number from 1 up.") % {"where": where})
        elif number in numbers:
            errors.append(_("%(where)s.number: %(number)s is used twice.") % {"where": where, "number": number})
        else:
            numbers.append(number)
        if "time_limit" not in stage:
            errors.append(_("%(where)s.time_limit: is missing (write null for no limit).") % {"where": where})
        else:
            _check_period(errors, f"{where}.time_limit", stage["time_limit"], with_from=True, nullable=True)
    if numbers != sorted(numbers):
        errors.append(_("stages: the stages must be listed in the order of their numbers."))


def _check_period(errors: list[str], where: str, value: Any, *, with_from: bool, nullable: bool = False) -> None:
    if value is None and nullable:
        return
    fields = {"amount", "unit", "from"} if with_from else {"amount", "unit"}
    if not isinstance(value, dict):
        errors.append(
            _("%(where)s: must be a period with the fields %(fields)s.")
            % {"where": where, "fields": ", ".join(sorted(fields))}
        )
        return
    amount = value.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        errors.append(_("%(where)s.amount: must be a whole number from 1 up.") % {"where": where})
    elif amount > MAX_PERIOD_AMOUNT:
        errors.append(_("%(where)s.amount: must be at most %(max)s.") % {"where": where, "max": MAX_PERIOD_AMOUNT})
    if value.get("unit") not in TIME_UNITS:
        errors.append(
            _("%(where)s.unit: %(value)s is not one of %(allowed)s.")
            % {"where": where, "value": value.get("unit"), "allowed": ", ".join(TIME_UNITS)}
        )
    if with_from and value.get("from") not in TIME_FROM:
        errors.append(
            _("%(where)s.from: %(value)s is not one of %(allowed)s.")
            % {"where": where, "value": value.get("from"), "allowed": ", ".join(TIME_FROM)}
        )
    for field in value:
        if field not in fields:
            errors.append(_("%(where)s: %(field)s is not a field of a period.") % {"where": where, "field": field})


def _codes(document: dict[str, Any], section: str) -> set[str] | None:
    items = document.get(section)
    if not isinstance(items, list):
        return None
    return {item["code"] for item in items if isinstance(item, dict) and isinstance(item.get("code"), str)}


def _sector_codes(document: dict[str, Any]) -> set[str] | None:
    sectors = document.get("sectors")
    if not isinstance(sectors, list):
        return None
    codes: set[str] = set()
    for sector in sectors:
        if isinstance(sector, dict) and isinstance(sector.get("code"), str):
            codes.add(sector["code"])
            for child in sector.get("children") or []:
                if isinstance(child, dict) and isinstance(child.get("code"), str):
                    codes.add(f"{sector['code']}.{child['code']}")
    return codes


def _check_pattern_rules(errors: list[str], rules: Any, document: dict[str, Any]) -> None:
    if not isinstance(rules, dict):
        errors.append(_("%(where)s: must be a set of named rules.") % {"where": "pattern_rules"})
        return
    for code in PATTERN_RULE_PARAMETERS:
        if code not in rules:
            errors.append(_("pattern_rules: rule %(rule)s is missing.") % {"rule": code})
    event_types = _codes(document, "event_types")
    sectors = _sector_codes(document)
    for code, rule in rules.items():
        where = f"pattern_rules.{code}"
        if code not in PATTERN_RULE_PARAMETERS:
            errors.append(
                _("%(where)s: %(rule)s is not a pattern rule the system knows (known: %(known)s).")
                % {"where": where, "rule": code, "known": ", ".join(PATTERN_RULE_PARAMETERS)}
            )
            continue
        if not isinstance(rule, dict):
            errors.append(_("%(where)s: must have a label, a description and parameters.") % {"where": where})
            continue
        for field in ("label", "description"):
            if field not in rule:
                errors.append(_("%(where)s: %(field)s is missing.") % {"where": where, "field": field})
            else:
                _check_languages(errors, f"{where}.{field}", rule[field])
        for field in rule:
            if field not in ("label", "description", "parameters"):
                errors.append(
                    _("%(where)s: %(field)s is not a field of a rule (allowed: label, description, parameters).")
                    % {"where": where, "field": field}
                )
        parameters = rule.get("parameters")
        if not isinstance(parameters, dict):
            errors.append(_("%(where)s.parameters: must be a set of named parameters.") % {"where": where})
            continue
        expected = PATTERN_RULE_PARAMETERS[code]
        for name, kind in expected.items():
            if name not in parameters:
                errors.append(_("%(where)s.parameters: %(name)s is missing.") % {"where": where, "name": name})
            else:
                _check_parameter(errors, f"{where}.parameters.{name}", kind, parameters[name], event_types, sectors)
        for name in parameters:
            if name not in expected:
                errors.append(
                    _("%(where)s.parameters: %(name)s is not a parameter of this rule (known: %(known)s).")
                    % {"where": where, "name": name, "known": ", ".join(expected)}
                )


def _check_parameter(
    errors: list[str], where: str, kind: str, value: Any, event_types: set[str] | None, sectors: set[str] | None
) -> None:
    if kind == "period":
        _check_period(errors, where, value, with_from=False)
    elif kind == "count":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.append(_("%(where)s: must be a whole number from 1 up.") % {"where": where})
        elif value > MAX_COUNT:
            errors.append(_("%(where)s: must be at most %(max)s.") % {"where": where, "max": MAX_COUNT})
    elif kind == "boolean":
        if not isinstance(value, bool):
            errors.append(_("%(where)s: must be true or false.") % {"where": where})
    elif kind in ("event_types", "sectors"):
        known = event_types if kind == "event_types" else sectors
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors.append(_("%(where)s: must be a list of codes.") % {"where": where})
            return
        if kind == "event_types" and not value:
            errors.append(_("%(where)s: must name at least one event type.") % {"where": where})
        if len(set(value)) != len(value):
            errors.append(_("%(where)s: a code is listed twice.") % {"where": where})
        if known is not None:
            unknown = [v for v in value if v not in known]
            if unknown:
                message = (
                    _("%(where)s: %(codes)s not in the method's event types.")
                    if kind == "event_types"
                    else _("%(where)s: %(codes)s not in the method's sectors.")
                )
                errors.append(message % {"where": where, "codes": ", ".join(unknown)})


def template_placeholders(text: str) -> set[str]:
    """The {placeholder} names of a template text; raises ValueError on unbalanced braces."""
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name}


def _check_templates(errors: list[str], templates: Any) -> None:
    if not isinstance(templates, dict):
        errors.append(_("%(where)s: must be a set of named templates.") % {"where": "templates"})
        return
    for name in REQUIRED_TEMPLATES:
        if name not in templates:
            errors.append(_("templates: template %(name)s is missing.") % {"name": name})
    for name, texts in templates.items():
        where = f"templates.{name}"
        if name not in KNOWN_TEMPLATES:
            errors.append(
                _("%(where)s: %(name)s is not a template the system fills in (known: %(known)s).")
                % {"where": "templates", "name": name, "known": ", ".join(KNOWN_TEMPLATES)}
            )
            continue
        _check_languages(errors, where, texts)
        if not isinstance(texts, dict):
            continue
        found: dict[str, set[str]] = {}
        for language in LANGUAGES:
            text = texts.get(language)
            if not isinstance(text, str):
                continue
            try:
                found[language] = template_placeholders(text)
            except ValueError:
                errors.append(
                    _("%(where)s.%(language)s: a { or } has no partner; write {{ or }} for a brace itself.")
                    % {"where": where, "language": language}
                )
        if len({frozenset(names) for names in found.values()}) > 1:
            summary = "; ".join(f"{language}: {', '.join(sorted(names)) or '—'}" for language, names in found.items())
            errors.append(
                _("%(where)s: the languages use different placeholders (%(summary)s).")
                % {"where": where, "summary": summary}
            )
