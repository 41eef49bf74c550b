"""E-mail from the working group: letters, calendar invitations and materials.

Each is queued in the outbox (outbox.services.message_queue) inside the transaction that makes the
change, one message per recipient, so that nothing is mailed about a change that was rolled back and a
refused message to one member does not keep it from the others: the outbox sends each, tries again, and
the meeting's and the letter's pages show how it went.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.models import OutboundMessage
from outbox.services import message_queue

from . import ics
from .letters import meeting_letter
from .models import Invitation, Material, Meeting, Membership

Kind = OutboundMessage.Kind


def queue_membership_letter(invitation: Invitation) -> OutboundMessage:
    return message_queue(
        kind=Kind.MEMBERSHIP_LETTER,
        to=[invitation.to_email],
        cc=[invitation.cc_email] if invitation.cc_email else [],
        reply_to=[invitation.sent_by.email] if invitation.sent_by.email else [],
        subject=invitation.subject,
        body=invitation.body,
        about=invitation,
    )


def calendar_meeting(meeting: Meeting, attendees: Iterable[Membership]) -> ics.CalendarMeeting:
    agenda = "\n".join(f"{item.position}. {item.title}" for item in meeting.agenda_items.all())
    return ics.CalendarMeeting(
        uid=meeting.uid,
        sequence=meeting.sequence,
        starts_at=timezone.localtime(meeting.starts_at),
        ends_at=timezone.localtime(meeting.ends_at),
        summary=str(meeting),
        location=meeting.place,
        online_link=meeting.online_link,
        description=agenda,
        organizer_email=settings.DEFAULT_FROM_EMAIL,
        organizer_name=_("Social Insurance Board"),
        attendees=ics.attendees_from((member.email, member.person_name) for member in attendees),
        cancelled=meeting.is_cancelled,
    )


def queue_meeting_calendar(
    meeting: Meeting, members: list[Membership], method: str, coordinator: Any
) -> list[OutboundMessage]:
    """One e-mail per member with the meeting's .ics (REQUEST for an invitation or update, CANCEL)."""
    data = ics.meeting_calendar(calendar_meeting(meeting, members), method=method).decode("utf-8")
    if method == ics.CANCEL:
        kind = Kind.MEETING_CANCELLATION
    elif meeting.sequence > 0:
        kind = Kind.MEETING_UPDATE
    else:
        kind = Kind.MEETING_INVITATION
    queued = []
    for member in members:
        letter = meeting_letter(meeting=meeting, member_name=member.person_name, coordinator=coordinator)
        subject = letter.subject
        if kind == Kind.MEETING_CANCELLATION:
            subject = _("Cancelled: %(subject)s") % {"subject": subject}
        elif kind == Kind.MEETING_UPDATE:
            subject = _("Changed: %(subject)s") % {"subject": subject}
        queued.append(
            message_queue(
                kind=kind,
                to=[member.email],
                subject=subject,
                body=letter.body,
                calendar=data,
                calendar_method=method,
                about=meeting,
            )
        )
    return queued


def queue_materials(meeting: Meeting, materials: list[Material], members: list[Membership]) -> list[OutboundMessage]:
    """The materials to each member, as attachments read through the storage API when each is sent."""
    date = timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y")
    listing = "\n".join(f"- {material.title}" for material in materials)
    body = _(
        "Materials for the working-group meeting on %(date)s:\n\n%(listing)s\n\n"
        "Please read them before the meeting. They are for internal use only (AK)."
    ) % {"date": date, "listing": listing}
    subject = _("Materials for the working-group meeting on %(date)s") % {"date": date}
    return [
        message_queue(
            kind=Kind.MATERIALS, to=[member.email], subject=subject, body=body, attachments=materials, about=meeting
        )
        for member in members
    ]
