"""Drafting the working group's letters from the method's templates.

- The membership letter (the `workgroup` section's `membership_letter`) invites an organisation to
  take a seat: the purpose, what is expected, the time it takes, the coming meeting dates, the place
  and the online option, and a reply-by date.
- The meeting invitation e-mail (the method's `workgroup_invitation` template) carries the .ics.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from core.dates import format_date, today

from . import content
from .models import Meeting, Seat
from .schedule import WorkgroupSettings, plan_year


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


def _time_range(settings_: WorkgroupSettings) -> str:
    return f"{settings_.rule.start:%H:%M}–{settings_.rule.end:%H:%M}"


def coming_meeting_dates(on: dt.date, settings_: WorkgroupSettings, limit: int = 12) -> list[dt.date]:
    """The next meetings' dates: the planned meetings when there are any, else the rule's dates."""
    start = dt.datetime.combine(on, dt.time.min, tzinfo=timezone.get_default_timezone())
    planned = [
        timezone.localtime(moment).date()
        for moment in Meeting.objects.planned()
        .filter(starts_at__gte=start)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)[:limit]
    ]
    if planned:
        return planned
    dates = [p.proposed_date for year in (on.year, on.year + 1) for p in plan_year(year, settings_.rule)]
    return [day for day in dates if day >= on][:limit]


def membership_letter(
    *,
    seat: Seat,
    language: str,
    recipient: str,
    reply_by: dt.date,
    coordinator: Any,
    on: dt.date | None = None,
    version: Any = None,
) -> Letter:
    """The membership letter for `seat`, drafted in `language` from the method."""
    group = content.group_settings(version)
    dates = coming_meeting_dates(on or today(), group)
    values = {
        "recipient": recipient,
        "sector": content.sector_label(seat.sector, language, version),
        "purpose": content.text("purpose", language, version),
        "expectations": content.text("expectations", language, version),
        "hours_per_month": group.hours_per_month,
        "meeting_time": _time_range(group),
        "meeting_dates": "\n".join(f"- {format_date(day)}" for day in dates),
        "place": group.place,
        "reply_by": format_date(reply_by),
        "coordinator_name": str(coordinator) if coordinator else "",
        "coordinator_email": (getattr(coordinator, "email", "") or settings.DEFAULT_FROM_EMAIL),
    }
    subject = content.fill(content.text("membership_letter_subject", language, version), values)
    body = content.fill(content.text("membership_letter", language, version), values)
    return Letter(subject=" ".join(subject.split()), body=body)


def meeting_letter(*, meeting: Meeting, member_name: str, language: str = "et", coordinator: Any = None) -> Letter:
    """The e-mail that carries a meeting's calendar invitation, from the method's `workgroup_invitation`."""
    from method.models import MethodVersion

    try:
        version = MethodVersion.objects.current()
    except MethodVersion.DoesNotExist:
        version = None
    starts = timezone.localtime(meeting.starts_at)
    ends = timezone.localtime(meeting.ends_at)
    agenda = "\n".join(f"{item.position}. {item.title}" for item in meeting.agenda_items.all()) or "—"
    values = {
        "member_name": member_name,
        "meeting_date": format_date(starts.date()),
        "meeting_time": f"{starts:%H:%M}–{ends:%H:%M}",
        "place": meeting.place or "—",
        "online_link": meeting.online_link or "—",
        "agenda": agenda,
        "coordinator_name": str(coordinator) if coordinator else "",
    }
    if version is not None:
        subject_template = version.data.template("workgroup_invitation_subject", language)
        body_template = version.data.template("workgroup_invitation", language)
    else:
        subject_template = body_template = ""
    subject = (
        content.fill(subject_template, values) if subject_template else f"{meeting.title} {values['meeting_date']}"
    )
    body = content.fill(body_template, values) if body_template else f"{meeting.title}\n{values['meeting_date']}"
    return Letter(subject=" ".join(subject.split()), body=body)
