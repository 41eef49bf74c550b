"""Reading a section of the method as the editor sent it, within limits.

The method editor takes YAML from a person; what it takes is stored as JSON and shown again on every
page of the method. So that a few hundred bytes cannot grow into megabytes (YAML anchors and aliases
repeat a value as often as they are named, and the stored JSON and the diff page write every repeat
out in full), and so that nothing reaches the database that it cannot hold, the editor's YAML is read
more strictly than the repository's own seed files (which keep their anchors, see `loader.read_yaml`):

- no anchors (`&name`), aliases (`*name`) or merge keys (`<<`), and at most `MAX_DEPTH` levels;
- only what JSON holds: text, whole numbers, decimals, true/false, null, lists and named sets, with
  text as every name (an unquoted date or `!!binary` is refused, not turned into something else);
- no text that cannot be stored (`core.text.unstorable_character`), which YAML escapes such as "\\0",
  "\\x0b" or "\\ud800" in a double-quoted string would produce;
- at most `MAX_SECTION_BYTES`, both as sent and as stored.

Each refusal names the section and, where there is one, the line or the path of the value; it is
raised as `loader.MethodContentError`, as the content checks are. No database.
"""

from __future__ import annotations

import json
import math
from typing import Any

import yaml
from django.utils.translation import gettext as _

from core.text import unstorable_character

from .loader import MethodContentError

# About seven times the largest section of method version 1 (the vocabularies, 14 KB).
MAX_SECTION_BYTES = 100_000
# The deepest section of version 1 (a pattern rule's period) is five levels deep.
MAX_DEPTH = 12
# Whole numbers beyond this are no period, count or number the method has a use for.
MAX_WHOLE_NUMBER = 10**9

MERGE_TAG = "tag:yaml.org,2002:merge"


class _Refused(yaml.YAMLError):
    def __init__(self, message: str, mark: Any):
        self.message = message
        self.mark = mark
        super().__init__(message)


class _EditorLoader(yaml.SafeLoader):
    """YAML's safe loader without anchors, aliases and merge keys, and with a bounded depth."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(
                _(
                    "anchors (&) and aliases (*) are not accepted in the editor: write each value out in full "
                    "where it is used."
                ),
                event.start_mark,
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(
                    _("the values are nested more than %(depth)s levels deep.") % {"depth": MAX_DEPTH},
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def flatten_mapping(self, node: Any) -> None:
        for key_node, _value in node.value:
            if key_node.tag == MERGE_TAG:
                raise _Refused(
                    _("merge keys (<<) are not accepted in the editor: write each field out in full."),
                    key_node.start_mark,
                )
        super().flatten_mapping(node)


def _at(section: str, mark: Any, problem: str) -> str:
    if mark is None:
        return _("%(source)s: %(problem)s") % {"source": section, "problem": problem}
    return _("%(source)s, line %(line)s, column %(column)s: %(problem)s") % {
        "source": section,
        "line": mark.line + 1,
        "column": mark.column + 1,
        "problem": problem,
    }


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _too_large(section: str, size: int) -> str:
    return _(
        "%(section)s: the section is %(size)s KB; a section may be at most %(max)s KB. Split long texts or "
        "remove what is not needed."
    ) % {"section": section, "size": math.ceil(size / 1000), "max": MAX_SECTION_BYTES // 1000}


def read_section_yaml(text: str, *, section: str) -> Any:
    """The value of `section` in the editor's YAML `text`; raises MethodContentError when refused."""
    size = utf8_size(text)
    if size > MAX_SECTION_BYTES:
        raise MethodContentError([_too_large(section, size)])
    found = unstorable_character(text)
    if found is not None:
        before = text[: found.position - 1]
        line = before.count("\n") + 1
        column = found.position - (before.rfind("\n") + 1)
        raise MethodContentError(
            [
                _("%(source)s, line %(line)s, column %(column)s: %(problem)s")
                % {"source": section, "line": line, "column": column, "problem": found.message()}
            ]
        )
    loader = _EditorLoader(text)
    try:
        value = loader.get_single_data()
    except _Refused as refused:
        raise MethodContentError([_at(section, refused.mark, refused.message)]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise MethodContentError(
            [_at(section, mark, _("the YAML cannot be read (%(problem)s).") % {"problem": problem})]
        ) from None
    finally:
        loader.dispose()
    problems: list[str] = []
    _check_value(value, section, problems)
    if problems:
        raise MethodContentError(problems)
    stored = utf8_size(json.dumps(value, ensure_ascii=False))
    if stored > MAX_SECTION_BYTES:
        raise MethodContentError([_too_large(section, stored)])
    return value


def _where_in_list(where: str, index: int, item: Any) -> str:
    code = item.get("code") if isinstance(item, dict) else None
    return f"{where}[{index + 1}]" + (f" ({code})" if isinstance(code, str) and code else "")


def _check_value(value: Any, where: str, problems: list[str]) -> None:
    """Append a problem for each value JSON or the database cannot hold, naming its path."""
    if isinstance(value, str):
        found = unstorable_character(value)
        if found is not None:
            problems.append(_("%(where)s: %(problem)s") % {"where": where, "problem": found.message()})
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > MAX_WHOLE_NUMBER:
            problems.append(
                _("%(where)s: %(value)s is larger than any number the method uses (at most %(max)s).")
                % {"where": where, "value": value, "max": MAX_WHOLE_NUMBER}
            )
    elif isinstance(value, float):
        if not math.isfinite(value):
            problems.append(_("%(where)s: must be a number, not %(value)s.") % {"where": where, "value": value})
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_value(item, _where_in_list(where, index, item), problems)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(
                    _("%(where)s: the name %(name)s must be text; write it in quotes.") % {"where": where, "name": key}
                )
                continue
            found = unstorable_character(key)
            if found is not None:
                problems.append(_("%(where)s: %(problem)s") % {"where": where, "problem": found.message()})
                continue
            _check_value(item, f"{where}.{key}", problems)
    else:
        # A date, a time stamp, binary data or a set: YAML reads these from unquoted text.
        problems.append(
            _("%(where)s: %(value)s is not text, a number, true/false or a list; write it in quotes.")
            % {"where": where, "value": str(value)[:40]}
        )
