"""The working group's part of the method: the `workgroup` content section.

The section (seeded from `method/seed/v1/workgroup.yaml`) holds the meeting rule, the default place,
how many working days ahead the materials go out, and the membership letter with its texts. A method
version without the section (or missing a key) falls back to the newest seed version, and the meeting rule to
`workgroup.schedule.DEFAULT_RULE`.
"""

from __future__ import annotations

import string
from functools import lru_cache
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from method.seeds import load_seed

from .schedule import RuleError, WorkgroupSettings, check_recurrence, rule_from_content

LANGUAGES = ("et", "en", "ru")
TEXT_KEYS = ("purpose", "expectations", "membership_letter_subject", "membership_letter")
SETTING_KEYS = ("place", "online_link", "hours_per_month")
SECTION_KEYS = ("meeting_rule", *SETTING_KEYS, "materials_working_days", *TEXT_KEYS)
RULE_KEYS = ("recurrence", "start", "end", "time_zone", "skip_months")
LETTER_PLACEHOLDERS = frozenset(
    {
        "recipient",
        "sector",
        "purpose",
        "expectations",
        "hours_per_month",
        "meeting_time",
        "meeting_dates",
        "place",
        "reply_by",
        "coordinator_name",
        "coordinator_email",
    }
)
# The method's top-level sectors, for when no method version exists yet (a fresh database).
FALLBACK_SECTORS = ("health", "child_protection", "education", "police", "prosecution", "ska_services", "ngo", "other")


@lru_cache(maxsize=1)
def seed_section() -> dict[str, Any]:
    """The `workgroup` section of the newest seed version ({} when it has none)."""
    return dict(load_seed(validate=False).get("workgroup") or {})


def current_version() -> Any:
    from method.models import MethodVersion

    try:
        return MethodVersion.objects.current()
    except MethodVersion.DoesNotExist:
        return None


def section(version: Any = None) -> dict[str, Any]:
    """The method version's `workgroup` section over the seed's, key by key."""
    version = version if version is not None else current_version()
    own = version.data.section("workgroup") if version is not None else None
    return {**seed_section(), **(own or {})}


def group_settings(version: Any = None) -> WorkgroupSettings:
    return rule_from_content(section(version))


def text(name: str, language: str, version: Any = None) -> str:
    texts = section(version).get(name) or {}
    return texts.get(language) or texts.get("et") or ""


def seat_sectors(language: str, version: Any = None) -> list[tuple[str, str]]:
    """(code, label) of the method's top-level sectors, in the method's order."""
    version = version if version is not None else current_version()
    if version is None:
        return [(code, code) for code in FALLBACK_SECTORS]
    return [(code, label) for code, label, depth in version.data.iter_sectors(language) if depth == 0]


def sector_label(code: str, language: str, version: Any = None) -> str:
    version = version if version is not None else current_version()
    return version.data.sector_label(code, language) if version is not None else code


def fill(template: str, values: dict[str, str]) -> str:
    """The template with its {placeholders} filled; an unknown placeholder stays as written."""

    class Keep(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return string.Formatter().vformat(template, (), Keep(values))


def validate_section(value: Any) -> list[str]:
    """Problems in a `workgroup` section, for the method editor (called by method.loader)."""
    if not isinstance(value, dict):
        return [_("workgroup: must be a set of named settings.")]
    errors: list[str] = []
    for key in value:
        if key not in SECTION_KEYS:
            errors.append(
                _("workgroup: %(key)s is not a setting of the working group (known: %(known)s).")
                % {"key": key, "known": ", ".join(SECTION_KEYS)}
            )
    rule = value.get("meeting_rule")
    if isinstance(rule, dict):
        for key in rule:
            if key not in RULE_KEYS:
                errors.append(
                    _("workgroup.meeting_rule: %(key)s is not a setting of the meeting rule (known: %(known)s).")
                    % {"key": key, "known": ", ".join(RULE_KEYS)}
                )
    for key in SETTING_KEYS:
        if key in value and not isinstance(value[key], str):
            errors.append(_("workgroup.%(key)s: must be text (write it in quotes).") % {"key": key})
    try:
        rule_from_content(value)
        if isinstance(rule, dict) and rule.get("recurrence"):
            check_recurrence(str(rule["recurrence"]), today=timezone.localdate())
    except RuleError as error:
        errors.append(f"workgroup: {error}")
    for key in TEXT_KEYS:
        texts = value.get(key)
        if texts is None:
            continue
        if not isinstance(texts, dict):
            errors.append(_("workgroup.%(key)s: must give a text for each language.") % {"key": key})
            continue
        for language in texts:
            if language not in LANGUAGES:
                errors.append(
                    _("workgroup.%(key)s: %(language)s is not a language of the method (%(languages)s).")
                    % {"key": key, "language": language, "languages": ", ".join(LANGUAGES)}
                )
        for language in LANGUAGES:
            if not isinstance(texts.get(language), str) or not texts[language].strip():
                errors.append(
                    _("workgroup.%(key)s: the %(language)s text is missing.") % {"key": key, "language": language}
                )
            else:
                try:
                    names = {n for _lit, n, _spec, _conv in string.Formatter().parse(texts[language]) if n}
                except ValueError:
                    errors.append(
                        _("workgroup.%(key)s.%(language)s: a { or } has no partner.")
                        % {"key": key, "language": language}
                    )
                    continue
                unknown = sorted(names - LETTER_PLACEHOLDERS)
                if unknown:
                    errors.append(
                        _("workgroup.%(key)s.%(language)s: unknown placeholders %(names)s (known: %(known)s).")
                        % {
                            "key": key,
                            "language": language,
                            "names": ", ".join(unknown),
                            "known": ", ".join(sorted(LETTER_PLACEHOLDERS)),
                        }
                    )
    return errors
