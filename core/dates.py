"""Dates as the interface shows them: dd.mm.yyyy in Europe/Tallinn."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")


def today() -> dt.date:
    """Today in Europe/Tallinn."""
    return timezone.localdate()
