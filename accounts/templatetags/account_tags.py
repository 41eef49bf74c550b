from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value: timedelta) -> int:
    """A period in whole minutes, rounded up: {{ cooloff_timedelta|minutes }}."""
    return -(-int(value.total_seconds()) // 60)
