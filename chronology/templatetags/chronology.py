"""Showing chronology entries in templates: `{% load chronology %}`.

- `{{ entry|entry_date }}`: the date as the agency wrote it — a day dd.mm.yyyy, a month mm.yyyy, a
  year yyyy — with an approximate date marked "≈" (its meaning, "about", in an <abbr> title).
- `{{ entry|entry_date_text }}`: the same as plain text ("about 11.2024"), for titles and attributes.

Both take a stored `ChronologyEntry`, a domain `Entry` or an `UncertainDate`.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from chronology.dates import written_day
from chronology.entry import Precision, UncertainDate

register = template.Library()


def _uncertain(value: Any) -> UncertainDate | None:
    if isinstance(value, UncertainDate):
        return value
    date = getattr(value, "uncertain_date", None)  # ChronologyEntry
    if isinstance(date, UncertainDate):
        return date
    date = getattr(value, "date", None)  # domain Entry
    return date if isinstance(date, UncertainDate) else None


def written(date: UncertainDate) -> str:
    """The date as written, without the approximate mark: dd.mm.yyyy, mm.yyyy or yyyy."""
    day = written_day(date)
    if date.precision == Precision.DAY:
        return day.strftime("%d.%m.%Y")
    if date.precision == Precision.MONTH:
        return day.strftime("%m.%Y")
    return f"{day.year:04d}"


@register.filter
def entry_date(value: Any) -> str:
    date = _uncertain(value)
    if date is None:
        return ""
    if date.approximate:
        return format_html('<abbr title="{}">≈</abbr>&nbsp;{}', _("about"), written(date))
    return SafeString(written(date))


@register.filter
def entry_date_text(value: Any) -> str:
    date = _uncertain(value)
    if date is None:
        return ""
    if date.approximate:
        return _("about %(date)s") % {"date": written(date)}
    return written(date)


@register.filter
def organisation_name(organisations: Any, code: str) -> str:
    """`{{ organisations|organisation_name:code }}`: a name from a {code: name} mapping ("" if unknown)."""
    if not organisations:
        return ""
    return str(organisations.get(code, ""))
