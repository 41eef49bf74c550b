"""State changes of the working group's meetings: the series, calendar invitations, agenda and conflicts
of interest, materials, attendance, minutes, decisions and action items.

Each function runs in one transaction and writes its audit event inside it; e-mail goes out after the
commit. A change to a meeting whose calendar invitation went out raises its SEQUENCE and sends an
update with the same UID; a cancellation sends METHOD:CANCEL.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action, Purpose
from core.concurrency import advance_revision
from core.dates import format_date, today
from core.files import KINDS, extension_of, upload_refusal

from . import content, ics, mail
from .models import (
    MATERIAL_EXTENSIONS,
    MAX_MATERIAL_BYTES,
    ActionItem,
    AgendaItem,
    Attendance,
    Conflict,
    Decision,
    Material,
    Meeting,
    Membership,
)
from .schedule import meeting_times, plan_year
from .validators import refuse_personal_codes


def _audit(acting_user: Any, action: str, obj: Any, **detail: Any) -> None:
    record(actor=acting_user, action=action, purpose=Purpose.WORKING_GROUP, obj=obj, detail=detail)


def meeting_members(meeting: Meeting) -> list[Membership]:
    """The members who hold a seat on the meeting's day: they are invited and get the materials."""
    return list(
        Membership.objects.occupying(meeting.local_date).select_related("organisation", "seat").order_by("person_name")
    )


# ---------------------------------------------------------------------------------------------
# The series


def meetings_generate(*, year: int, acting_user: Any, move_holidays: bool = True) -> list[Meeting]:
    """Create the year's meetings by the method's rule. A date on a public holiday moves to the proposed
    working day when `move_holidays`. Idempotent: a rule date that already has a meeting is left alone."""
    group = content.group_settings()
    created = []
    with transaction.atomic():
        existing = set(Meeting.objects.filter(rule_date__year=year).values_list("rule_date", flat=True))
        for planned in plan_year(year, group.rule):
            if planned.rule_date in existing:
                continue
            day = planned.proposed_date if move_holidays else planned.rule_date
            starts_at, ends_at = meeting_times(day, group.rule)
            created.append(
                Meeting.objects.create(
                    rule_date=planned.rule_date,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    place=group.place,
                    online_link=group.online_link,
                    materials_working_days=group.materials_working_days,
                )
            )
        record(
            actor=acting_user,
            action=Action.CREATE,
            purpose=Purpose.WORKING_GROUP,
            object_type=Meeting,
            object_ids=[meeting.pk for meeting in created],
            detail={"year": year, "rule": group.rule.recurrence, "skip_months": list(group.rule.skip_months)},
        )
    return created


def _check_meeting(data: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    errors: dict[str, list[str]] = {}
    day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
    if day is None:
        errors["date"] = [_("Enter the date of the meeting.")]
    if start is None:
        errors["start_time"] = [_("Enter the time the meeting starts.")]
    if end is None:
        errors["end_time"] = [_("Enter the time the meeting ends.")]
    elif start is not None and end <= start:
        errors["end_time"] = [_("The meeting must end after it starts.")]
    if errors or day is None or start is None or end is None:
        raise ValidationError(errors)
    zone = timezone.get_default_timezone()
    return dt.datetime.combine(day, start, tzinfo=zone), dt.datetime.combine(day, end, tzinfo=zone)


CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "place", "online_link")


def meeting_save(
    *, data: dict[str, Any], acting_user: Any, meeting: Meeting | None = None, revision: int | None = None
) -> Meeting:
    """Create or change a meeting (data: title, date, start_time, end_time, place, online_link,
    materials_working_days). A change members were invited to goes out as a calendar update. A change
    is refused (EditConflict) when someone saved the meeting since `revision` was read."""
    starts_at, ends_at = _check_meeting(data)
    values = {
        "title": (data.get("title") or "").strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": (data.get("place") or "").strip(),
        "online_link": (data.get("online_link") or "").strip(),
        "materials_working_days": data.get("materials_working_days")
        if data.get("materials_working_days") is not None
        else content.group_settings().materials_working_days,
    }
    with transaction.atomic():
        if meeting is None:
            meeting = Meeting.objects.create(**values)
            _audit(acting_user, Action.CREATE, meeting)
            return meeting
        advance_revision(Meeting, pk=meeting.pk, revision=revision)
        meeting = Meeting.objects.get(pk=meeting.pk)
        if meeting.is_cancelled:
            raise ValidationError({"date": [_("A cancelled meeting cannot be changed.")]})
        changed = [field for field, value in values.items() if getattr(meeting, field) != value]
        for field, value in values.items():
            setattr(meeting, field, value)
        calendar_change = bool(set(changed) & set(CALENDAR_FIELDS)) and meeting.invitations_sent_at is not None
        if calendar_change:
            meeting.sequence += 1
        meeting.save()
        _audit(
            acting_user, Action.UPDATE, meeting, changed=changed, sequence=meeting.sequence, revision=meeting.revision
        )
        if calendar_change:
            _queue_calendar(meeting, acting_user, ics.REQUEST)
    return meeting


def _queue_calendar(meeting: Meeting, acting_user: Any, method: str) -> list[Membership]:
    members = [member for member in meeting_members(meeting) if member.email]
    mail.queue_meeting_calendar(meeting, members, method, acting_user)
    return members


def meeting_send_invitations(*, meeting: Meeting, acting_user: Any) -> list[Membership]:
    """E-mail the calendar invitation (.ics, METHOD:REQUEST) to every member holding a seat that day."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.is_cancelled:
            raise ValidationError({"meeting": [_("The meeting is cancelled.")]})
        if meeting.invitations_sent_at is not None:
            # Sent again (e.g. to a new member): calendar programs need a higher sequence to update.
            meeting.sequence += 1
        meeting.invitations_sent_at = timezone.now()
        meeting.save(update_fields=["invitations_sent_at", "sequence"])
        members = _queue_calendar(meeting, acting_user, ics.REQUEST)
        record(
            actor=acting_user,
            action=Action.SEND,
            purpose=Purpose.WORKING_GROUP,
            obj=meeting,
            detail={"calendar": ics.REQUEST, "sequence": meeting.sequence, "members": [m.pk for m in members]},
        )
    return members


def meeting_cancel(*, meeting: Meeting, revision: int | None, acting_user: Any) -> Meeting:
    """Cancel a meeting; members who were invited get METHOD:CANCEL with the same UID. Refused
    (EditConflict) when someone saved the meeting since `revision` was read."""
    with transaction.atomic():
        advance_revision(Meeting, pk=meeting.pk, revision=revision)
        meeting = Meeting.objects.get(pk=meeting.pk)
        if meeting.is_cancelled:
            raise ValidationError({"meeting": [_("The meeting is already cancelled.")]})
        meeting.status = Meeting.Status.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence", "updated_at"])
        _audit(
            acting_user,
            Action.UPDATE,
            meeting,
            status="cancelled",
            sequence=meeting.sequence,
            revision=meeting.revision,
        )
        if meeting.invitations_sent_at is not None:
            _queue_calendar(meeting, acting_user, ics.CANCEL)
    return meeting


# ---------------------------------------------------------------------------------------------
# Agenda and conflicts of interest


def involved_organisation_ids(item: AgendaItem) -> set[int]:
    """Organisations involved in the case an item discusses: those listed on the item and those that
    knew the child of the review's notification."""
    ids = set(item.organisations.values_list("pk", flat=True))
    if item.review is not None:
        child = getattr(item.review.notification, "child", None)
        if child is not None:
            ids |= set(child.known_to.values_list("pk", flat=True))
    return ids


def _refresh_conflicts(item: AgendaItem) -> list[Conflict]:
    involved = involved_organisation_ids(item)
    members = [m for m in meeting_members(item.meeting) if m.organisation_id in involved]
    item.conflicts.exclude(membership__in=members).delete()
    conflicts = []
    for member in members:
        conflict, _created = Conflict.objects.get_or_create(
            agenda_item=item, membership=member, defaults={"organisation_id": member.organisation_id, "recused": True}
        )
        conflicts.append(conflict)
    return conflicts


def agenda_item_save(
    *,
    meeting: Meeting,
    data: dict[str, Any],
    acting_user: Any,
    item: AgendaItem | None = None,
    revision: int | None = None,
) -> AgendaItem:
    """Add or change an agenda item (data: title, description, review, organisations, position).
    Members whose organisation was involved in the case are marked with a conflict and recused.
    A change is refused (EditConflict) when someone saved the item since `revision` was read."""
    errors: dict[str, list[str]] = {}
    for field in ("title", "description"):
        try:
            refuse_personal_codes(data.get(field) or "")
        except ValidationError as error:
            errors[field] = error.messages
    if not (data.get("title") or "").strip():
        errors.setdefault("title", []).append(_("Enter the title of the agenda item."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if item is None:
            position = data.get("position") or (meeting.agenda_items.count() + 1)
            item = AgendaItem.objects.create(
                meeting=meeting,
                position=position,
                title=data["title"].strip(),
                description=data.get("description", ""),
                review=data.get("review"),
            )
            action = Action.CREATE
        else:
            advance_revision(AgendaItem, pk=item.pk, revision=revision)
            item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
            item.title = data["title"].strip()
            item.description = data.get("description", "")
            item.review = data.get("review")
            if data.get("position"):
                item.position = data["position"]
            item.save(update_fields=["title", "description", "review", "position"])
            action = Action.UPDATE
        item.organisations.set(data.get("organisations") or [])
        conflicts = _refresh_conflicts(item)
        _audit(
            acting_user,
            action,
            item,
            meeting=meeting.pk,
            review=item.review_id,
            conflicts=[conflict.membership_id for conflict in conflicts],
            revision=item.revision,
        )
    return item


def agenda_item_delete(*, item: AgendaItem, revision: int | None, acting_user: Any) -> None:
    """Remove an agenda item, unless someone saved it since `revision` was read (EditConflict)."""
    with transaction.atomic():
        advance_revision(AgendaItem, pk=item.pk, revision=revision)
        _audit(acting_user, Action.DELETE, item, meeting=item.meeting_id, revision=revision)
        item.delete()


# ---------------------------------------------------------------------------------------------
# Materials


def material_upload(*, meeting: Meeting, data: dict[str, Any], acting_user: Any) -> Material:
    """Store a material through the storage API. Titles and descriptions may refer to a review only in
    pseudonymised form: a personal identification code is refused."""
    errors: dict[str, list[str]] = {}
    upload = data.get("file")
    for field in ("title", "description"):
        try:
            refuse_personal_codes(data.get(field) or "")
        except ValidationError as error:
            errors[field] = error.messages
    if not (data.get("title") or "").strip():
        errors.setdefault("title", []).append(_("Enter the title of the material."))
    if upload is None:
        errors["file"] = [_("Choose the file to upload.")]
    else:
        extension = extension_of(upload.name)
        if extension not in MATERIAL_EXTENSIONS:
            errors["file"] = [
                _("Files of this type cannot be uploaded; allowed: %(types)s.")
                % {"types": ", ".join(MATERIAL_EXTENSIONS)}
            ]
        elif upload.size > MAX_MATERIAL_BYTES:
            errors["file"] = [_("The file is larger than 25 MB.")]
        elif refusal := upload_refusal(upload.name, upload, allowed=MATERIAL_EXTENSIONS):
            # The type comes from the extension checked against the content, never from the browser.
            errors["file"] = [refusal]
    if meeting.is_cancelled:
        errors["file"] = [_("The meeting is cancelled.")]
    if errors or upload is None:
        raise ValidationError(errors)
    material = Material(
        meeting=meeting,
        title=data["title"].strip(),
        description=data.get("description", ""),
        original_name=upload.name[:255],
        content_type=KINDS[extension_of(upload.name)].content_type,
        uploaded_by=acting_user,
    )
    try:
        with transaction.atomic():
            material.file.save(upload.name, upload, save=False)
            material.save()
            _audit(acting_user, Action.CREATE, material, meeting=meeting.pk)
    except Exception:
        if material.file.name:
            material.file.storage.delete(material.file.name)
        raise
    return material


def material_delete(*, material: Material, acting_user: Any) -> None:
    name, storage = material.file.name, material.file.storage
    with transaction.atomic():
        _audit(acting_user, Action.DELETE, material, meeting=material.meeting_id)
        material.delete()
        if name:
            transaction.on_commit(partial(storage.delete, name))


def materials_send(*, meeting_id: int) -> list[Material]:
    """Send the meeting's queued materials not yet sent to the members who hold a seat that day.
    Run by the scheduled task; sending twice is prevented by `sent_at`."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
        materials = list(meeting.materials.select_for_update().filter(sent_at__isnull=True).order_by("pk"))
        if not materials or meeting.is_cancelled:
            return []
        members = [member for member in meeting_members(meeting) if member.email]
        now = timezone.now()
        Material.objects.filter(pk__in=[m.pk for m in materials]).update(sent_at=now)
        for material in materials:
            material.sent_at = now
        record(
            actor=None,
            action=Action.SEND,
            purpose=Purpose.WORKING_GROUP,
            object_type=Material,
            object_ids=[material.pk for material in materials],
            detail={"meeting": meeting.pk, "members": [member.pk for member in members]},
        )
        mail.queue_materials(meeting, materials, members)
    return materials


# ---------------------------------------------------------------------------------------------
# Attendance, minutes, decisions and action items


def attendance_record(
    *, meeting: Meeting, modes: dict[int, str], revision: int | None, acting_user: Any
) -> list[Attendance]:
    """Attendance per member (membership id -> in_person / online / absent). The attendance belongs to the
    meeting's record: refused (EditConflict) when someone saved the meeting since `revision` was read."""
    allowed = {member.pk for member in meeting_members(meeting)}
    errors = [
        _("%(value)s is not a member of the group on the meeting's day.") % {"value": pk}
        for pk in modes
        if pk not in allowed
    ]
    errors += [
        _("%(value)s is not a kind of attendance.") % {"value": mode}
        for mode in modes.values()
        if mode not in Attendance.Mode.values
    ]
    if errors:
        raise ValidationError({"attendance": errors})
    with transaction.atomic():
        new_revision = advance_revision(Meeting, pk=meeting.pk, revision=revision)
        rows = []
        for membership_id, mode in modes.items():
            row, _created = Attendance.objects.update_or_create(
                meeting=meeting, membership_id=membership_id, defaults={"mode": mode}
            )
            rows.append(row)
        _audit(
            acting_user,
            Action.UPDATE,
            meeting,
            attendance={str(pk): mode for pk, mode in modes.items()},
            revision=new_revision,
        )
    return rows


def minutes_save(*, meeting: Meeting, minutes: str, revision: int | None, acting_user: Any) -> Meeting:
    """Save the minutes, if nobody saved the meeting since `revision` was read (else EditConflict)."""
    try:
        refuse_personal_codes(minutes)
    except ValidationError as error:
        raise ValidationError({"minutes": error.messages}) from None
    with transaction.atomic():
        meeting.revision = advance_revision(
            Meeting, pk=meeting.pk, revision=revision, minutes=minutes, updated_at=timezone.now()
        )
        meeting.minutes = minutes
        _audit(acting_user, Action.UPDATE, meeting, minutes=True, revision=meeting.revision)
    return meeting


def decision_add(*, meeting: Meeting, text: str, acting_user: Any) -> Decision:
    if not (text or "").strip():
        raise ValidationError({"text": [_("Write the decision.")]})
    try:
        refuse_personal_codes(text)
    except ValidationError as error:
        raise ValidationError({"text": error.messages}) from None
    with transaction.atomic():
        decision = Decision.objects.create(meeting=meeting, text=text.strip())
        _audit(acting_user, Action.CREATE, decision, meeting=meeting.pk)
    return decision


def action_item_add(*, meeting: Meeting, data: dict[str, Any], acting_user: Any) -> ActionItem:
    """An action from the meeting with an owner (a member, or a named person) and a due date."""
    errors: dict[str, list[str]] = {}
    owner, owner_name = data.get("owner"), (data.get("owner_name") or "").strip()
    if not (data.get("description") or "").strip():
        errors["description"] = [_("Describe the action.")]
    if owner is None and not owner_name:
        errors["owner"] = [_("Choose the member who owns the action, or write the owner's name.")]
    if owner is not None and owner_name:
        errors["owner_name"] = [_("Give either a member or a name, not both.")]
    due_on = data.get("due_on")
    if due_on is None:
        errors["due_on"] = [_("Enter the due date.")]
    elif due_on < meeting.local_date:
        errors["due_on"] = [
            _("The due date cannot be before the meeting (%(date)s).") % {"date": format_date(meeting.local_date)}
        ]
    if errors or due_on is None:
        raise ValidationError(errors)
    with transaction.atomic():
        item = ActionItem.objects.create(
            meeting=meeting, description=data["description"].strip(), owner=owner, owner_name=owner_name, due_on=due_on
        )
        _audit(acting_user, Action.CREATE, item, meeting=meeting.pk, due_on=due_on.isoformat())
    return item


def action_item_done(*, item: ActionItem, acting_user: Any, done_on: dt.date | None = None) -> ActionItem:
    with transaction.atomic():
        updated = ActionItem.objects.filter(pk=item.pk, status=ActionItem.Status.OPEN).update(
            status=ActionItem.Status.DONE, done_on=done_on or today()
        )
        if not updated:
            raise ValidationError({"status": [_("The action item is already done.")]})
        item.refresh_from_db()
        _audit(acting_user, Action.UPDATE, item, status="done")
    return item
