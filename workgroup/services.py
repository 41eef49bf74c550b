"""State changes of the working group: seats, members, invitation letters, pilots and feedback.

Each function runs in one transaction and writes its audit event inside it; e-mail goes out after
the commit. Bad input raises ValidationError keyed by field, and nothing is saved. Meetings are in
`workgroup.meeting_services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action, Purpose
from core.concurrency import advance_revision
from core.dates import format_date, today

from . import content, mail
from .letters import membership_letter
from .models import Feedback, Invitation, Membership, Pilot, Seat
from .validators import refuse_personal_codes


def _audit(acting_user: Any, action: str, obj: Any, **detail: Any) -> None:
    record(actor=acting_user, action=action, purpose=Purpose.WORKING_GROUP, obj=obj, detail=detail)


def _check_email(errors: dict[str, list[str]], field: str, value: str, *, required: bool = True) -> None:
    value = (value or "").strip()
    if not value:
        if required:
            errors.setdefault(field, []).append(_("Enter an e-mail address."))
        return
    try:
        validate_email(value)
    except ValidationError:
        errors.setdefault(field, []).append(
            _("%(value)s is not an e-mail address; write it like name@example.ee.") % {"value": value}
        )


# ---------------------------------------------------------------------------------------------
# Seats


def seat_save(*, data: dict[str, Any], acting_user: Any, seat: Seat | None = None, revision: int | None = None) -> Seat:
    """Create a seat for a sector (or change one, if nobody saved it since `revision` was read; else
    EditConflict) with the number of members it should have."""
    sector, size = data["sector"], int(data["size"])
    errors: dict[str, list[str]] = {}
    if sector not in {code for code, _label in content.seat_sectors("et")}:
        errors["sector"] = [_("%(value)s is not a sector of the method.") % {"value": sector}]
    elif Seat.objects.filter(sector=sector).exclude(pk__in=[seat.pk] if seat is not None else []).exists():
        errors["sector"] = [_("This sector already has a seat; change the number of members of that seat.")]
    if size < 1:
        errors["size"] = [_("A seat has at least one member.")]
    with transaction.atomic():
        if seat is not None:
            advance_revision(Seat, pk=seat.pk, revision=revision)
            seat = Seat.objects.get(pk=seat.pk)
            held = seat.memberships.occupying(today()).count()
            if size < held:
                errors.setdefault("size", []).append(
                    ngettext(
                        "%(count)s member holds this seat today; record a member's last day first.",
                        "%(count)s members hold this seat today; record a member's last day first.",
                        held,
                    )
                    % {"count": held}
                )
        if errors:
            raise ValidationError(errors)
        if seat is None:
            seat = Seat.objects.create(sector=sector, size=size, notes=data.get("notes", ""))
            action = Action.CREATE
        else:
            seat.sector, seat.size, seat.notes = sector, size, data.get("notes", "")
            seat.save(update_fields=["sector", "size", "notes"])
            action = Action.UPDATE
        _audit(acting_user, action, seat, sector=sector, size=size, revision=seat.revision)
    return seat


# ---------------------------------------------------------------------------------------------
# Members


MEMBER_FIELDS = ("person_name", "email", "user", "organisation", "sector", "term_start", "term_end", "status")


def _full_on(seat: Seat, start: dt.date, end: dt.date | None, exclude: int | None) -> tuple[dt.date, list[str]] | None:
    """The first day in [start, end] on which the seat has no room left, with who holds it then."""
    others = list(seat.memberships.overlapping(start, end).exclude(pk__in=[exclude] if exclude else []))
    # The number of members holding the seat can only rise on a day when someone's term starts.
    for day in sorted({start} | {o.term_start for o in others if o.term_start > start}):
        if end is not None and day > end:
            break
        holders = [o for o in others if o.occupies(day)]
        if len(holders) >= seat.size:
            return day, [o.person_name for o in holders]
    return None


def _check_member(data: dict[str, Any], *, seat: Seat, exclude: int | None = None) -> None:
    errors: dict[str, list[str]] = {}
    if not (data.get("person_name") or "").strip():
        errors["person_name"] = [_("Enter the member's name.")]
    _check_email(errors, "email", data.get("email", ""))
    start, end = data.get("term_start"), data.get("term_end")
    if start is None:
        errors["term_start"] = [_("Enter the date the term starts.")]
    if start and end and end < start:
        errors["term_end"] = [
            _("The last day (%(end)s) cannot be before the term starts (%(start)s).")
            % {"end": format_date(end), "start": format_date(start)}
        ]
    sector = data.get("sector") or ""
    if sector != seat.sector and not sector.startswith(seat.sector + "."):
        errors["sector"] = [
            _("The member's sector must be within the seat's sector (%(sector)s).")
            % {"sector": content.sector_label(seat.sector, (get_language() or "et")[:2])}
        ]
    else:
        version = content.current_version()
        if version is not None and sector not in version.data.sector_codes():
            errors["sector"] = [_("%(value)s is not a sector of the method.") % {"value": sector}]
    if start and "term_end" not in errors and data.get("status") != Membership.Status.INVITED:
        full = _full_on(seat, start, end, exclude)
        if full is not None:
            day, names = full
            errors["seat"] = [
                ngettext(
                    "The seat has room for %(size)s member and %(names)s holds it on %(date)s. Record the "
                    "current member's last day first, or start the new term after it.",
                    "The seat has room for %(size)s members and %(names)s hold it on %(date)s. Record a "
                    "current member's last day first, or start the new term after it.",
                    seat.size,
                )
                % {"size": seat.size, "names": ", ".join(names), "date": format_date(day)}
            ]
    if errors:
        raise ValidationError(errors)


def _create_member(*, data: dict[str, Any], acting_user: Any, invitation: Invitation | None = None) -> Membership:
    seat = Seat.objects.select_for_update().get(pk=data["seat"].pk)  # serialises seat changes
    _check_member(data, seat=seat)
    fields = {field: data.get(field) for field in MEMBER_FIELDS}
    fields.update(
        person_name=data["person_name"].strip(),
        email=data["email"].strip(),
        status=data.get("status") or Membership.Status.ACTIVE,
    )
    member = Membership.objects.create(seat=seat, invitation=invitation, **fields)
    _audit(acting_user, Action.CREATE, member, seat=seat.sector, invitation=getattr(invitation, "pk", None))
    return member


def membership_add(*, data: dict[str, Any], acting_user: Any) -> Membership:
    """Add a member to a seat (data: seat, person_name, email, user, organisation, sector, term_start,
    term_end, status)."""
    with transaction.atomic():
        return _create_member(data=data, acting_user=acting_user)


def membership_update(
    *, membership: Membership, data: dict[str, Any], revision: int | None, acting_user: Any
) -> Membership:
    """Change a member, if nobody saved them since `revision` was read (else EditConflict)."""
    with transaction.atomic():
        seat = Seat.objects.select_for_update().get(pk=data["seat"].pk)
        advance_revision(Membership, pk=membership.pk, revision=revision)
        _check_member(data, seat=seat, exclude=membership.pk)
        membership = Membership.objects.get(pk=membership.pk)
        membership.seat = seat
        for field in MEMBER_FIELDS:
            setattr(membership, field, data.get(field))
        membership.save(update_fields=["seat", *MEMBER_FIELDS])
        _audit(acting_user, Action.UPDATE, membership, seat=seat.sector, revision=membership.revision)
    return membership


def membership_end(
    *, membership: Membership, last_day: dt.date | None, revision: int | None, acting_user: Any
) -> Membership:
    """The member leaves: `last_day` is their last day, and the seat is vacant from the day after. Refused
    (EditConflict) when someone saved the member since `revision` was read."""
    if last_day is None:
        raise ValidationError({"last_day": [_("Enter the member's last day.")]})
    if last_day < membership.term_start:
        raise ValidationError(
            {
                "last_day": [
                    _("The last day (%(end)s) cannot be before the term starts (%(start)s).")
                    % {"end": format_date(last_day), "start": format_date(membership.term_start)}
                ]
            }
        )
    with transaction.atomic():
        advance_revision(Membership, pk=membership.pk, revision=revision)
        membership = Membership.objects.get(pk=membership.pk)
        membership.term_end = last_day
        membership.status = Membership.Status.LEFT
        membership.save(update_fields=["term_end", "status"])
        _audit(acting_user, Action.UPDATE, membership, left=last_day.isoformat(), revision=membership.revision)
    return membership


# ---------------------------------------------------------------------------------------------
# Invitation letters


def invitation_draft(
    *, seat: Seat, language: str, recipient: str, reply_by: dt.date, acting_user: Any
) -> tuple[str, str]:
    """(subject, body) of the membership letter drafted from the method; nothing is saved."""
    letter = membership_letter(
        seat=seat, language=language, recipient=recipient, reply_by=reply_by, coordinator=acting_user
    )
    return letter.subject, letter.body


def _check_invitation(data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    _check_email(errors, "to_email", data.get("to_email", ""))
    _check_email(errors, "cc_email", data.get("cc_email", ""), required=False)
    if data.get("cc_email") and not (data.get("cc_name") or "").strip():
        errors["cc_name"] = [_("Enter the name of the person who gets the copy.")]
    reply_by = data.get("reply_by")
    if reply_by is None:
        errors["reply_by"] = [_("Enter the date to reply by.")]
    elif reply_by < today():
        errors["reply_by"] = [_("The reply-by date cannot be in the past.")]
    if not (data.get("subject") or "").strip():
        errors["subject"] = [_("Enter the subject of the letter.")]
    if not (data.get("body") or "").strip():
        errors["body"] = [_("Enter the text of the letter.")]
    if errors:
        raise ValidationError(errors)


def _send_invitation(*, data: dict[str, Any], acting_user: Any, forwarded_from: Invitation | None = None) -> Invitation:
    _check_invitation(data)
    invitation = Invitation.objects.create(
        seat=data["seat"],
        organisation=data.get("organisation"),
        to_email=data["to_email"].strip(),
        cc_name=(data.get("cc_name") or "").strip(),
        cc_email=(data.get("cc_email") or "").strip(),
        language=data.get("language") or "et",
        subject=data["subject"].strip(),
        body=data["body"],
        reply_by=data["reply_by"],
        sent_by=acting_user,
        forwarded_from=forwarded_from,
    )
    _audit(
        acting_user,
        Action.SEND,
        invitation,
        seat=invitation.seat.sector,
        to=invitation.to_email,
        cc=invitation.cc_email,
        forwarded_from=getattr(forwarded_from, "pk", None),
    )
    mail.queue_membership_letter(invitation)
    return invitation


def invitation_send(*, data: dict[str, Any], acting_user: Any) -> Invitation:
    """Send a membership letter to an organisation's general address with a copy to a named person
    (data: seat, organisation, to_email, cc_name, cc_email, language, subject, body, reply_by)."""
    with transaction.atomic():
        return _send_invitation(data=data, acting_user=acting_user)


def invitation_reply(
    *, invitation: Invitation, outcome: str, data: dict[str, Any], revision: int | None, acting_user: Any
) -> Invitation:
    """Record the answer to a letter: accepted (data names the member who joins the seat), declined, or
    forwarded (data names the person; a new letter goes to them). Refused (EditConflict) when someone
    changed the letter's record since `revision` was read."""
    if outcome not in (Invitation.Status.ACCEPTED, Invitation.Status.DECLINED, Invitation.Status.FORWARDED):
        raise ValidationError({"outcome": [_("Choose the answer: accepted, declined or forwarded.")]})
    with transaction.atomic():
        advance_revision(Invitation, pk=invitation.pk, revision=revision)
        invitation = Invitation.objects.select_related("seat").get(pk=invitation.pk)
        if invitation.status != Invitation.Status.SENT:
            raise ValidationError(
                {
                    "outcome": [
                        _("The answer to this letter was already recorded (%(status)s).")
                        % {"status": invitation.get_status_display()}
                    ]
                }
            )
        replied_on = data.get("replied_on") or today()
        if replied_on < timezone.localtime(invitation.sent_at).date():
            raise ValidationError({"replied_on": [_("The reply cannot be received before the letter was sent.")]})
        detail: dict[str, Any] = {"outcome": outcome}
        if outcome == Invitation.Status.ACCEPTED:
            member = _create_member(
                data={**data, "seat": invitation.seat, "status": Membership.Status.ACTIVE},
                acting_user=acting_user,
                invitation=invitation,
            )
            detail["membership"] = member.pk
        elif outcome == Invitation.Status.FORWARDED:
            name = (data.get("forward_name") or "").strip()
            errors: dict[str, list[str]] = {}
            if not name:
                errors["forward_name"] = [_("Enter the name of the person the letter was forwarded to.")]
            _check_email(errors, "forward_email", data.get("forward_email", ""))
            if errors:
                raise ValidationError(errors)
            reply_by = data.get("forward_reply_by") or max(invitation.reply_by, today())
            subject, body = invitation_draft(
                seat=invitation.seat,
                language=invitation.language,
                recipient=name,
                reply_by=reply_by,
                acting_user=acting_user,
            )
            forward = _send_invitation(
                data={
                    "seat": invitation.seat,
                    "organisation": data.get("forward_organisation") or invitation.organisation,
                    "to_email": data["forward_email"],
                    "cc_name": "",
                    "cc_email": "",
                    "language": invitation.language,
                    "subject": subject,
                    "body": body,
                    "reply_by": reply_by,
                },
                acting_user=acting_user,
                forwarded_from=invitation,
            )
            detail["forwarded_to"] = forward.pk
        invitation.status = outcome
        invitation.replied_on = replied_on
        invitation.reply_note = data.get("reply_note", "")
        invitation.save(update_fields=["status", "replied_on", "reply_note"])
        _audit(acting_user, Action.UPDATE, invitation, **detail)
    return invitation


# ---------------------------------------------------------------------------------------------
# The method pilot and feedback


def pilot_create(*, data: dict[str, Any], acting_user: Any) -> Pilot:
    """A pilot of a method version on a case (data: title, method_version, review, started_on, notes)."""
    review = data.get("review")
    if review is not None and review.review_type != "pilot":
        raise ValidationError({"review": [_("Choose a review of the type pilot.")]})
    refuse = _personal_code_errors({"title": data.get("title", ""), "notes": data.get("notes", "")})
    if refuse:
        raise ValidationError(refuse)
    with transaction.atomic():
        pilot = Pilot.objects.create(
            title=data["title"].strip(),
            method_version=data["method_version"],
            review=review,
            started_on=data.get("started_on") or today(),
            notes=data.get("notes", ""),
            created_by=acting_user,
        )
        _audit(acting_user, Action.CREATE, pilot, method_version=pilot.method_version.number)
    return pilot


def feedback_target_codes(version: Any, target: str) -> list[str]:
    """The codes feedback on `target` may name in a method version."""
    data = version.data
    if target == Feedback.Target.STAGE:
        return data.codes("stages")
    if target == Feedback.Target.RULE:
        return sorted((data.section("pattern_rules") or {}).keys())
    if target == Feedback.Target.VOCABULARY:
        return sorted((data.section("vocabularies") or {}).keys())
    if target == Feedback.Target.TEMPLATE:
        return sorted((data.section("templates") or {}).keys())
    return []


def _personal_code_errors(fields: dict[str, str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, value in fields.items():
        try:
            refuse_personal_codes(value)
        except ValidationError as error:
            errors[field] = error.messages
    return errors


def feedback_add(*, pilot: Pilot, data: dict[str, Any], acting_user: Any) -> Feedback:
    """A member's feedback on a stage, rule, vocabulary or template of the pilot's method version."""
    errors: dict[str, list[str]] = {}
    target, code = str(data.get("target") or ""), (data.get("target_code") or "").strip()
    if target not in Feedback.Target.values:
        errors["target"] = [_("Choose the part of the method: stage, rule, vocabulary or template.")]
    elif code not in feedback_target_codes(pilot.method_version, target):
        errors["target_code"] = [
            _("%(code)s is not a code of this part of method version %(number)s.")
            % {"code": code or "—", "number": pilot.method_version.number}
        ]
    if not (data.get("text") or "").strip():
        errors["text"] = [_("Write the feedback.")]
    errors.update(_personal_code_errors({"text": data.get("text", "")}))
    if pilot.status != Pilot.Status.OPEN:
        errors[NON_FIELD_ERRORS] = [_("The pilot is closed; feedback can no longer be added.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        feedback = Feedback.objects.create(
            pilot=pilot, target=target, target_code=code, text=data["text"].strip(), author=acting_user
        )
        _audit(acting_user, Action.CREATE, feedback, pilot=pilot.pk, target=target, code=code)
    return feedback


def feedback_resolve(
    *, feedback: Feedback, status: str, resolved_in: Any, note: str, revision: int | None, acting_user: Any
) -> Feedback:
    """Track feedback to the method version that resolves it (or record that it is not taken up), if
    nobody changed it since `revision` was read (else EditConflict)."""
    errors: dict[str, list[str]] = {}
    if status not in (Feedback.Status.RESOLVED, Feedback.Status.DECLINED, Feedback.Status.OPEN):
        errors["status"] = [_("Choose resolved, not taken up or open.")]
    if status == Feedback.Status.RESOLVED:
        if resolved_in is None:
            errors["resolved_in"] = [_("Choose the method version that resolves the feedback.")]
        elif resolved_in.number <= feedback.pilot.method_version.number:
            errors["resolved_in"] = [
                _("Choose a version after %(number)s, the version the pilot tested.")
                % {"number": feedback.pilot.method_version.number}
            ]
    if status == Feedback.Status.DECLINED and not (note or "").strip():
        errors["note"] = [_("Say why the feedback is not taken up.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        advance_revision(Feedback, pk=feedback.pk, revision=revision)
        feedback = Feedback.objects.get(pk=feedback.pk)
        feedback.status = status
        feedback.resolved_in = resolved_in if status == Feedback.Status.RESOLVED else None
        feedback.resolution_note = note or ""
        open_again = status == Feedback.Status.OPEN
        feedback.resolved_by = None if open_again else acting_user
        feedback.resolved_at = None if open_again else timezone.now()
        feedback.save(update_fields=["status", "resolved_in", "resolution_note", "resolved_by", "resolved_at"])
        _audit(
            acting_user,
            Action.UPDATE,
            feedback,
            status=status,
            resolved_in=getattr(resolved_in, "number", None),
            revision=feedback.revision,
        )
    return feedback
