from __future__ import annotations

import datetime as dt

from django import template

from core.dates import format_date

register = template.Library()


@register.filter
def ee_date(value: dt.date | dt.datetime | None) -> str:
    """dd.mm.yyyy (and HH:MM for a datetime) in Europe/Tallinn."""
    return format_date(value)


@register.filter
def label(item: dict | None, language: str) -> str:
    """The label of a method vocabulary item in the given language, falling back to Estonian."""
    if not item:
        return ""
    labels = item.get("label", {})
    return labels.get(language) or labels.get("et") or item.get("code", "")
