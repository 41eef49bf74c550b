"""Reading a method version's content.

The content is one JSON document with these top-level keys (each list item has a stable `code` and a
`label` with `et`, `en` and `ru`):

- `case_definition`: `{"text": {et, en, ru}}`
- `screening_checklist`: `[{code, label, help?}]` questions answered yes/no/unknown
- `outcomes`, `causes`, `parallel_proceedings`, `review_types`, `screening_decisions`: lists
- `sectors`: two-level list, `[{code, label, children: [{code, label}]}]`; a child's full code is
  `parent.child`, e.g. `health.primary_care`
- `stages`: `[{number, code, label, output, time_limit: {amount, unit, from} | null}]`, with `unit`
  one of `working_days`, `calendar_days`, `months` and `from` the event the period counts from
  (`became_aware`, `notification_recorded`, `review_opened`)
- `vocabularies`: `{name: [items]}` for the controlled vocabularies of DOMAIN.md §4 and the child and
  household vocabularies (`sex`, `legal_status`, `school_attendance`, `relationship`, `risk_factors`)
- `event_types`, `concerns`: the chronology vocabularies
- `pattern_rules`: `{rule_code: {label, description, parameters: {...}}}`
- `templates`: `{name: {et, en, ru}}`
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

LANGUAGES = ("et", "en", "ru")

# Sections a version may lack: a review on such a version reads them from the newest published version
# that has them (see MethodVersion.data). Later issues add report templates, place names, retention rules.
OPTIONAL_SECTIONS = ("workgroup",)

LIST_SECTIONS = (
    "screening_checklist",
    "outcomes",
    "causes",
    "parallel_proceedings",
    "review_types",
    "screening_decisions",
    "sectors",
    "stages",
    "event_types",
    "concerns",
)


def item_label(item: dict[str, Any], language: str) -> str:
    labels = item.get("label") or {}
    return labels.get(language) or labels.get("et") or item.get("code", "")


class MethodContent:
    """Read-only access to a method version's content document."""

    def __init__(self, document: dict[str, Any], *, origins: dict[str, int] | None = None):
        self.document = document
        # Sections read from a newer version than this one: {section: version number}.
        self.origins = origins or {}

    def section(self, name: str) -> Any:
        return self.document.get(name)

    def items(self, name: str) -> list[dict[str, Any]]:
        """The items of a top-level list section or of a vocabulary."""
        if name in self.document and isinstance(self.document[name], list):
            return self.document[name]
        return self.document.get("vocabularies", {}).get(name, [])

    def codes(self, name: str) -> list[str]:
        return [item["code"] for item in self.items(name)]

    def item(self, name: str, code: str) -> dict[str, Any] | None:
        for item in self.items(name):
            if item["code"] == code:
                return item
        return None

    def label(self, name: str, code: str, language: str) -> str:
        item = self.item(name, code)
        return item_label(item, language) if item else code

    def choices(self, name: str, language: str) -> list[tuple[str, str]]:
        return [(item["code"], item_label(item, language)) for item in self.items(name)]

    def sector_codes(self) -> list[str]:
        """Every sector code, parents and children (`health`, `health.primary_care`, ...)."""
        return [code for code, _label, _depth in self.iter_sectors("et")]

    def iter_sectors(self, language: str) -> Iterator[tuple[str, str, int]]:
        for sector in self.items("sectors"):
            yield sector["code"], item_label(sector, language), 0
            for child in sector.get("children", []):
                yield f"{sector['code']}.{child['code']}", item_label(child, language), 1

    def sector_label(self, code: str, language: str) -> str:
        for sector_code, label, _depth in self.iter_sectors(language):
            if sector_code == code:
                return label
        return code

    def stage(self, code: str) -> dict[str, Any] | None:
        return self.item("stages", code)

    def pattern_rule(self, code: str) -> dict[str, Any]:
        return self.document.get("pattern_rules", {}).get(code, {})

    def template(self, name: str, language: str) -> str:
        texts = self.document.get("templates", {}).get(name, {})
        return texts.get(language) or texts.get("et", "")
