"""Turning a method version's content into what the pages show: titles, tables and differences."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .content import LANGUAGES, MethodContent, item_label
from .loader import SECTION_ORDER
from .services import section_to_yaml

SECTION_TITLES = {
    "case_definition": _("Case definition"),
    "screening_checklist": _("Screening checklist"),
    "screening_decisions": _("Screening decisions"),
    "outcomes": _("Outcomes"),
    "causes": _("Causes"),
    "parallel_proceedings": _("Parallel proceedings"),
    "review_types": _("Review types"),
    "sectors": _("Sectors"),
    "stages": _("Stages and time limits"),
    "vocabularies": _("Vocabularies"),
    "event_types": _("Chronology event types"),
    "concerns": _("Chronology concerns"),
    "pattern_rules": _("Pattern rules"),
    "templates": _("Letter templates"),
    "workgroup": _("Working group: meetings and membership letter"),
}

VOCABULARY_TITLES = {
    "contributory_factors": _("Contributory factors (London Protocol)"),
    "cdr_domains": _("Child death review domains"),
    "cdr_levels": _("Child death review levels"),
    "welfare_triangle": _("Child welfare triangle"),
    "finding_categories": _("Finding categories"),
    "practice_themes": _("Practice themes"),
    "recommendation_strength": _("Recommendation strength"),
    "quality_markers": _("Review quality markers"),
    "sex": _("Sex"),
    "legal_status": _("Legal status"),
    "school_attendance": _("School attendance"),
    "relationship": _("Relationship to the child"),
    "risk_factors": _("Risk factors"),
}

TIME_FROM_LABELS = {
    "became_aware": _("the day the board became aware"),
    "notification_recorded": _("the day the notification was recorded"),
    "review_opened": _("the day the review was opened"),
}

PARAMETER_LABELS = {
    "max_gap": _("Longest gap allowed"),
    "contact_event_types": _("Event types that count as a contact"),
    "closing_event_types": _("Event types that close a case"),
    "request_event_types": _("Event types that ask for a response"),
    "response_event_types": _("Event types that count as a response"),
    "contact_counts_as_response": _("A contact by the addressee counts as a response"),
    "respond_within": _("Response due within"),
    "addressee_sectors": _("Sectors of the addressees (empty: any sector)"),
    "missed_event_types": _("Event types that count as a missed appointment"),
    "min_missed": _("Missed appointments, at least"),
    "window": _("Within"),
    "follow_up_event_types": _("Event types that count as a follow-up"),
    "follow_up_within": _("Follow-up within"),
    "escalation_event_types": _("Event types that count as an escalation"),
    "escalation_within": _("Escalation within"),
    "escalation_addressee_sectors": _("Sectors an escalation must go to (empty: any sector)"),
    "min_repeats": _("Same concern recorded, at least"),
    "min_organisations": _("Or by organisations, at least"),
    "sharing_event_types": _("Event types that share information"),
    "shared_with_counts": _("Naming the organisation in shared_with counts as sharing"),
    "min_consecutive_not_seen": _("Consecutive entries where the child was not seen, at least"),
    "not_seen_event_types": _("Event types where the child could have been seen"),
    "views_gap": _("Longest period without the child's views recorded"),
    "rereferral_event_types": _("Event types that count as a re-referral"),
}


def period_text(period: dict[str, Any] | None) -> str:
    """`{amount: 5, unit: working_days}` as '5 working days', in the active language."""
    if not period:
        return ""
    amount = period.get("amount", 0)
    unit = period.get("unit")
    if unit == "working_days":
        text = ngettext("%(amount)s working day", "%(amount)s working days", amount)
    elif unit == "calendar_days":
        text = ngettext("%(amount)s calendar day", "%(amount)s calendar days", amount)
    elif unit == "months":
        text = ngettext("%(amount)s month", "%(amount)s months", amount)
    else:
        return f"{amount} {unit}"
    return text % {"amount": amount}


def labels_row(item: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(language, label, help) for each language of the method."""
    labels, help_texts = item.get("label") or {}, item.get("help") or item.get("description") or {}
    return [(language, labels.get(language, ""), help_texts.get(language, "")) for language in LANGUAGES]


@dataclass
class SectionView:
    code: str
    title: Any
    kind: str
    data: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def section_views(content: dict[str, Any], language: str) -> list[SectionView]:
    """Every section of a version, prepared for reading in tables."""
    reader = MethodContent(content)
    views = []
    for code in SECTION_ORDER:
        value = content.get(code)
        title = SECTION_TITLES[code]
        if code == "case_definition":
            views.append(
                SectionView(
                    code, title, "text", [(lang, (value or {}).get("text", {}).get(lang, "")) for lang in LANGUAGES]
                )
            )
        elif code == "sectors":
            rows = [
                {
                    "code": full_code,
                    "depth": depth,
                    "labels": [(lang, reader.sector_label(full_code, lang), "") for lang in LANGUAGES],
                }
                for full_code, _label, depth in reader.iter_sectors(language)
            ]
            views.append(SectionView(code, title, "sectors", rows))
        elif code == "stages":
            rows = []
            for stage in value or []:
                limit = stage.get("time_limit")
                rows.append(
                    {
                        "number": stage.get("number"),
                        "code": stage.get("code"),
                        "label": item_label(stage, language),
                        "output": (stage.get("output") or {}).get(language, ""),
                        "limit": period_text(limit) if limit else "",
                        "from": TIME_FROM_LABELS.get(limit.get("from"), limit.get("from")) if limit else "",
                    }
                )
            views.append(SectionView(code, title, "stages", rows))
        elif code == "vocabularies":
            groups = [
                {"name": name, "title": VOCABULARY_TITLES.get(name, name), "items": _items(items)}
                for name, items in (value or {}).items()
            ]
            views.append(SectionView(code, title, "vocabularies", groups))
        elif code == "pattern_rules":
            rules = []
            for rule_code, rule in (value or {}).items():
                rules.append(
                    {
                        "code": rule_code,
                        "label": item_label(rule, language),
                        "description": (rule.get("description") or {}).get(language, ""),
                        "parameters": [
                            {
                                "name": name,
                                "label": PARAMETER_LABELS.get(name, name),
                                "value": _parameter_text(reader, v, language),
                            }
                            for name, v in (rule.get("parameters") or {}).items()
                        ],
                    }
                )
            views.append(SectionView(code, title, "pattern_rules", rules))
        elif code == "templates":
            templates = [
                {"name": name, "texts": [(lang, (texts or {}).get(lang, "")) for lang in LANGUAGES]}
                for name, texts in (value or {}).items()
            ]
            views.append(SectionView(code, title, "templates", templates))
        elif code == "workgroup":
            # Settings rather than a list of items: shown as the YAML the editor edits.
            views.append(SectionView(code, title, "settings", section_to_yaml(value) if value else ""))
        else:
            views.append(SectionView(code, title, "items", _items(value or [])))
    return views


def _items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"code": item.get("code"), "labels": labels_row(item)} for item in items if isinstance(item, dict)]


def _parameter_text(reader: MethodContent, value: Any, language: str) -> str:
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dict):
        return period_text(value)
    if isinstance(value, list):
        if not value:
            return gettext("Any")
        labels = []
        for code in value:
            label = (
                reader.label("event_types", code, language)
                if reader.item("event_types", code)
                else reader.sector_label(code, language)
            )
            labels.append(f"{label} ({code})")
        return "; ".join(labels)
    return str(value)


# ---------------------------------------------------------------------------------------------
# Differences between two versions


@dataclass
class SectionDiff:
    code: str
    title: Any
    added: list[str]
    removed: list[str]
    changed: list[str]
    lines: list[tuple[str, str]]  # (kind, text) with kind "added", "removed", "context" or "hunk"

    @property
    def has_changes(self) -> bool:
        return bool(self.lines)


def _keyed(section: str, value: Any) -> dict[str, Any]:
    """A section as {code: item} so that added, removed and changed codes can be told apart."""
    if section == "case_definition":
        return {"text": value}
    if section == "vocabularies" and isinstance(value, dict):
        keyed: dict[str, Any] = {}
        for name, items in value.items():
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    keyed[f"{name}.{item.get('code')}"] = item
        return keyed
    if section == "sectors" and isinstance(value, list):
        keyed = {}
        for sector in value:
            if isinstance(sector, dict):
                keyed[str(sector.get("code"))] = {k: v for k, v in sector.items() if k != "children"}
                for child in sector.get("children") or []:
                    keyed[f"{sector.get('code')}.{child.get('code')}"] = child
        return keyed
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return {str(item.get("code")): item for item in value if isinstance(item, dict)}
    return {}


def section_diffs(old: dict[str, Any], new: dict[str, Any]) -> list[SectionDiff]:
    """Per section: the codes added, removed and changed, and a line diff of the YAML."""
    diffs = []
    for section in SECTION_ORDER:
        before, after = _keyed(section, old.get(section)), _keyed(section, new.get(section))
        added = [code for code in after if code not in before]
        removed = [code for code in before if code not in after]
        changed = [code for code in after if code in before and before[code] != after[code]]
        old_text = section_to_yaml(old.get(section)) if section in old else ""
        new_text = section_to_yaml(new.get(section)) if section in new else ""
        lines = text_diff(old_text, new_text)
        diffs.append(SectionDiff(section, SECTION_TITLES[section], added, removed, changed, lines))
    return diffs


def text_diff(old_text: str, new_text: str) -> list[tuple[str, str]]:
    """A line diff of two texts, as (kind, line) pairs."""
    lines = []
    for line in list(difflib.unified_diff(old_text.splitlines(), new_text.splitlines(), lineterm="", n=2))[2:]:
        if line.startswith("@@"):
            lines.append(("hunk", line))
        elif line.startswith("+"):
            lines.append(("added", line[1:]))
        elif line.startswith("-"):
            lines.append(("removed", line[1:]))
        else:
            lines.append(("context", line[1:]))
    return lines


def read_from_newer(version: Any) -> list[tuple[str, int]]:
    """(section title, version number) for each section `version` lacks and reads from a newer one."""
    return [(str(SECTION_TITLES.get(section, section)), number) for section, number in version.data.origins.items()]
