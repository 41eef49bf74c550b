"""E-mail from the working group: letters, calendar invitations and materials.

Called after the transaction that made the change has committed (`transaction.on_commit`), with
primary keys, so that nothing is mailed about a change that was rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ics
from .letters import meeting_letter
from .models import Invitation, Material, Meeting, Membership, material_content_type


def send_membership_letter(invitation_id: int) -> None:
    invitation = Invitation.objects.get(pk=invitation_id)
    EmailMessage(
        subject=invitation.subject,
        body=invitation.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.to_email],
        cc=[invitation.cc_email] if invitation.cc_email else [],
        reply_to=[invitation.sent_by.email] if invitation.sent_by.email else None,
    ).send()


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


def calendar_part(data: bytes, method: str) -> MIMEText:
    part = MIMEText(data.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="meeting.ics")
    return part


def send_meeting_calendar(meeting_id: int, membership_ids: list[int], method: str, coordinator_id: int | None) -> None:
    """One e-mail per member with the meeting's .ics (REQUEST for an invitation or update, CANCEL)."""
    from accounts.models import User

    meeting = Meeting.objects.get(pk=meeting_id)
    members = list(Membership.objects.filter(pk__in=membership_ids).order_by("pk"))
    coordinator = User.objects.filter(pk=coordinator_id).first() if coordinator_id else None
    data = ics.meeting_calendar(calendar_meeting(meeting, members), method=method)
    for member in members:
        letter = meeting_letter(meeting=meeting, member_name=member.person_name, coordinator=coordinator)
        subject = letter.subject
        if method == ics.CANCEL:
            subject = _("Cancelled: %(subject)s") % {"subject": subject}
        elif meeting.sequence > 0:
            subject = _("Changed: %(subject)s") % {"subject": subject}
        message = EmailMessage(
            subject=subject, body=letter.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[member.email]
        )
        message.attach(calendar_part(data, method))
        message.send()


def send_materials(meeting: Meeting, materials: list[Material], members: list[Membership]) -> None:
    """The materials to each member, as attachments read through the storage API."""
    listing = "\n".join(f"- {material.title}" for material in materials)
    body = _(
        "Materials for the working-group meeting on %(date)s:\n\n%(listing)s\n\n"
        "Please read them before the meeting. They are for internal use only (AK)."
    ) % {"date": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y"), "listing": listing}
    attachments = []
    for material in materials:
        with material.file.open("rb") as handle:
            data = handle.read()
        attachments.append((material.original_name, data, material_content_type(material, data)))
    for member in members:
        message = EmailMessage(
            subject=_("Materials for the working-group meeting on %(date)s")
            % {"date": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y")},
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[member.email],
        )
        for name, data, mimetype in attachments:
            message.attach(name, data, mimetype)
        message.send()
