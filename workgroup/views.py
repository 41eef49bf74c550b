"""Pages of the working group. Access is decided by the gates in `workgroup.access`, which also audit
the reads; changes go through `workgroup.services` and `workgroup.meeting_services`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.shortcuts import render as django_render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.dates import today

from . import access, content, ics, mail, meeting_services, services
from .coverage import coverage, vacancy_warnings
from .forms import (
    ActionItemForm,
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    FeedbackForm,
    FeedbackResolveForm,
    InvitationForm,
    InvitationReplyForm,
    MaterialForm,
    MeetingForm,
    MemberEndForm,
    MemberForm,
    MinutesForm,
    PilotForm,
    ScheduleForm,
    SeatForm,
    interface_language,
)
from .models import ActionItem, AgendaItem, Feedback, Invitation, Material, Meeting, Membership, Pilot, Seat
from .schedule import plan_year


def _apply(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def render(request: HttpRequest, template: str, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
    """Every page of the group carries the internal-use marking: they name people and cases."""
    return django_render(request, template, {"case_data": True, **context}, **kwargs)


def _form_page(
    request: HttpRequest,
    form: Form,
    *,
    title: str,
    submit: str,
    cancel_url: str,
    groups: list[tuple[str | None, list[str]]] | None = None,
    **extra: Any,
) -> HttpResponse:
    """A page with one form; `groups` puts the named fields under their own headings."""
    sections = (
        [(heading, [form[name] for name in names]) for heading, names in groups] if groups else [(None, list(form))]
    )
    return render(
        request,
        "workgroup/form.html",
        {"form": form, "sections": sections, "title": title, "submit": submit, "cancel_url": cancel_url, **extra},
    )


# ---------------------------------------------------------------------------------------------
# The group's start page and coverage


@access.member_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    meetings = list(Meeting.objects.filter(ends_at__gte=now).prefetch_related("materials")[:6])
    letters = list(access.own_invitations(request.user).select_related("seat")[:20])
    manage = access.can_manage(request.user)
    warnings = vacancy_warnings(coverage(today(), interface_language())) if manage else []
    overdue = [i for i in Invitation.objects.filter(status=Invitation.Status.SENT) if i.is_overdue()] if manage else []
    access.audit_list(request, Meeting, meetings)
    if letters:
        access.audit_list(request, Invitation, letters)
    return render(
        request,
        "workgroup/home.html",
        {
            "meetings": [_meeting_row(meeting) for meeting in meetings],
            "letters": letters,
            "warnings": warnings,
            "overdue": overdue,
            "can_manage": manage,
            "group": content.group_settings(),
            "pilots": Pilot.objects.filter(status=Pilot.Status.OPEN)[:10],
        },
    )


def _meeting_row(meeting: Meeting) -> dict[str, Any]:
    materials = list(meeting.materials.all())
    sent = [material.sent_at for material in materials if material.sent_at]
    return {
        "meeting": meeting,
        "materials": len(materials),
        "materials_sent_at": max(sent) if sent else None,
        "materials_unsent": sum(1 for material in materials if not material.sent_at),
    }


@access.manager_required
@require_safe
def seats(request: HttpRequest) -> HttpResponse:
    rows = coverage(today(), interface_language())
    shown = [member for row in rows for member in (*row.holders, *row.invited)]
    access.audit_list(request, Membership, shown)
    return render(
        request,
        "workgroup/seats.html",
        {"rows": rows, "warnings": vacancy_warnings(rows), "today": today()},
    )


@access.manager_required
@require_http_methods(["GET", "POST"])
def seat_create(request: HttpRequest) -> HttpResponse:
    form = SeatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.seat_save(data=form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The seat was added."))
            return redirect("workgroup:seat_detail", pk=seat.pk)
    return _form_page(
        request, form, title=_("Add a seat"), submit=_("Add the seat"), cancel_url=reverse("workgroup:seats")
    )


@access.manager_required
@require_http_methods(["GET", "POST"])
def seat_edit(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_object_or_404(Seat, pk=pk)
    form = SeatForm(request.POST or None, initial={"sector": seat.sector, "size": seat.size, "notes": seat.notes})
    if request.method == "POST" and form.is_valid():
        try:
            services.seat_save(data=form.cleaned_data, acting_user=request.user, seat=seat)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The seat was saved."))
            return redirect("workgroup:seat_detail", pk=seat.pk)
    return _form_page(
        request,
        form,
        title=_("Change the seat"),
        submit=_("Save"),
        cancel_url=reverse("workgroup:seat_detail", args=[pk]),
    )


@access.manager_required
@require_safe
def seat_detail(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_object_or_404(Seat, pk=pk)
    language = interface_language()
    row = next(row for row in coverage(today(), language) if row.seat.pk == seat.pk)
    members = list(seat.memberships.select_related("organisation", "user").order_by("-term_start", "-pk"))
    letters = list(seat.invitations.select_related("organisation", "sent_by"))
    access.audit_read(
        request, seat, object_ids=[m.pk for m in members], detail={"invitations": [i.pk for i in letters]}
    )
    return render(
        request,
        "workgroup/seat_detail.html",
        {
            "seat": seat,
            "row": row,
            "warnings": vacancy_warnings([row]),
            "members": members,
            "letters": letters,
            "today": today(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Members


def _member_data(form: MemberForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@access.manager_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"term_start": today()}
    seat = Seat.objects.filter(pk=request.GET.get("seat") or 0).first()
    if seat is not None:
        initial.update(seat=seat, sector=seat.sector)
    form = MemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.membership_add(data=_member_data(form), acting_user=request.user)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The member was added."))
            return redirect("workgroup:seat_detail", pk=member.seat_id)
    return _form_page(
        request, form, title=_("Add a member"), submit=_("Add the member"), cancel_url=reverse("workgroup:seats")
    )


@access.manager_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Membership, pk=pk)
    initial = {field: getattr(member, field) for field in services.MEMBER_FIELDS}
    initial["seat"] = member.seat
    form = MemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(membership=member, data=_member_data(form), acting_user=request.user)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The member was saved."))
            return redirect("workgroup:seat_detail", pk=form.cleaned_data["seat"].pk)
    else:
        access.audit_read(request, member)
    return _form_page(
        request,
        form,
        title=_("Change the member"),
        submit=_("Save"),
        cancel_url=reverse("workgroup:seat_detail", args=[member.seat_id]),
    )


@access.manager_required
@require_http_methods(["GET", "POST"])
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Membership.objects.select_related("seat"), pk=pk)
    form = MemberEndForm(request.POST or None, initial={"last_day": member.term_end or today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(membership=member, last_day=form.cleaned_data["last_day"], acting_user=request.user)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The member's last day was recorded."))
            return redirect("workgroup:seat_detail", pk=member.seat_id)
    else:
        access.audit_read(request, member)
    return _form_page(
        request,
        form,
        title=_("Record that %(name)s leaves the group") % {"name": member.person_name},
        intro=_("The last day is the member's last day in the group; the seat is vacant from the next day."),
        submit=_("Record the last day"),
        cancel_url=reverse("workgroup:seat_detail", args=[member.seat_id]),
    )


# ---------------------------------------------------------------------------------------------
# Invitation letters


@access.manager_required
@require_safe
def invitations(request: HttpRequest) -> HttpResponse:
    letters = list(Invitation.objects.select_related("seat", "organisation", "sent_by"))
    on = today()
    access.audit_list(request, Invitation, letters)
    language = interface_language()
    return render(
        request,
        "workgroup/invitations.html",
        {
            "rows": [
                {
                    "letter": letter,
                    "sector": content.sector_label(letter.seat.sector, language),
                    "overdue": letter.is_overdue(on),
                }
                for letter in letters
            ]
        },
    )


def _recipient(data: dict[str, Any]) -> str:
    organisation = data.get("organisation")
    return organisation.name if organisation else (data.get("cc_name") or "")


@access.manager_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = InvitationForm(request.POST)
        drafting = request.POST.get("action") == "draft"
        if form.is_valid():
            data = form.cleaned_data
            if drafting or not (data["subject"].strip() and data["body"].strip()):
                subject, body = services.invitation_draft(
                    seat=data["seat"],
                    language=data["language"],
                    recipient=_recipient(data),
                    reply_by=data["reply_by"],
                    acting_user=request.user,
                )
                post = request.POST.copy()
                post["subject"], post["body"] = subject, body
                form = InvitationForm(post)
                form.is_valid()
                messages.info(request, _("The letter was drafted from the method. Check it, then send it."))
            else:
                try:
                    invitation = services.invitation_send(data=data, acting_user=request.user)
                except ValidationError as error:
                    _apply(form, error)
                else:
                    messages.success(request, _("The letter was sent."))
                    return redirect("workgroup:invitation_detail", pk=invitation.pk)
    else:
        initial: dict[str, Any] = {"language": "et", "reply_by": today() + dt.timedelta(days=14)}
        seat = Seat.objects.filter(pk=request.GET.get("seat") or 0).first()
        if seat is not None:
            initial["seat"] = seat
        form = InvitationForm(initial=initial)
    return render(request, "workgroup/invitation_form.html", {"form": form})


@access.member_required
@require_safe
def invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = access.get_invitation_for(request, pk)
    members = Membership.objects.filter(invitation=invitation)
    return render(
        request,
        "workgroup/invitation_detail.html",
        {
            "letter": invitation,
            "sector": content.sector_label(invitation.seat.sector, interface_language()),
            "overdue": invitation.is_overdue(),
            "forwards": invitation.forwards.all(),
            "members": members,
            "can_manage": access.can_manage(request.user),
        },
    )


@access.manager_required
@require_http_methods(["GET", "POST"])
def invitation_reply(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("seat", "organisation"), pk=pk)
    initial = {
        "replied_on": today(),
        "organisation": invitation.organisation,
        "person_name": invitation.cc_name,
        "email": invitation.cc_email,
        "term_start": today(),
        "forward_reply_by": max(invitation.reply_by, today()),
    }
    form = InvitationReplyForm(request.POST or None, initial=initial, seat=invitation.seat)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invitation_reply(
                invitation=invitation, outcome=data["outcome"], data=data, acting_user=request.user
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The answer was recorded."))
            return redirect("workgroup:invitation_detail", pk=invitation.pk)
    else:
        access.audit_read(request, invitation)
    return _form_page(
        request,
        form,
        title=_("Record the answer to the letter"),
        intro=invitation.subject,
        submit=_("Record the answer"),
        cancel_url=reverse("workgroup:invitation_detail", args=[pk]),
        groups=[
            (None, ["outcome", "replied_on", "reply_note"]),
            (
                _("When accepted: the member who joins the seat"),
                ["person_name", "email", "organisation", "sector", "user", "term_start", "term_end"],
            ),
            (
                _("When forwarded: the person who gets a new letter"),
                ["forward_name", "forward_email", "forward_reply_by"],
            ),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Meetings


@access.member_required
@require_safe
def meetings(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year") or today().year)
    except ValueError:
        year = today().year
    year = min(max(year, 2000), 2100)
    rows = list(Meeting.objects.in_year(year).prefetch_related("materials"))
    access.audit_list(request, Meeting, rows)
    return render(
        request,
        "workgroup/meetings.html",
        {
            "rows": [_meeting_row(meeting) for meeting in rows],
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
            "can_manage": access.can_manage(request.user),
        },
    )


@access.manager_required
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest) -> HttpResponse:
    group = content.group_settings()
    if request.method == "POST":
        form = ScheduleForm(request.POST)
        if form.is_valid():
            created = meeting_services.meetings_generate(
                year=form.cleaned_data["year"],
                move_holidays=form.cleaned_data["move_holidays"],
                acting_user=request.user,
            )
            messages.success(request, _("%(count)s meetings were added.") % {"count": len(created)})
            return redirect(f"{reverse('workgroup:meetings')}?year={form.cleaned_data['year']}")
        year = today().year
    else:
        form = ScheduleForm(request.GET or None, initial={"year": today().year, "move_holidays": True})
        year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else today().year
        if form.is_bound and not form.is_valid():
            form = ScheduleForm(initial={"year": today().year, "move_holidays": True})
    existing = set(Meeting.objects.filter(rule_date__year=year).values_list("rule_date", flat=True))
    return render(
        request,
        "workgroup/schedule.html",
        {
            "form": form,
            "year": year,
            "group": group,
            "nth": group.rule.nth_weekday(),
            "plan": [
                {"planned": planned, "exists": planned.rule_date in existing} for planned in plan_year(year, group.rule)
            ],
        },
    )


def _meeting_initial(meeting: Meeting | None) -> dict[str, Any]:
    if meeting is None:
        group = content.group_settings()
        return {
            "start_time": group.rule.start,
            "end_time": group.rule.end,
            "place": group.place,
            "online_link": group.online_link,
            "materials_working_days": group.materials_working_days,
        }
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return {
        "title": meeting.title,
        "date": starts.date(),
        "start_time": starts.time(),
        "end_time": ends.time(),
        "place": meeting.place,
        "online_link": meeting.online_link,
        "materials_working_days": meeting.materials_working_days,
    }


@access.manager_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, initial=_meeting_initial(None))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_services.meeting_save(data=form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The meeting was added."))
            return redirect("workgroup:meeting_detail", pk=meeting.pk)
    return _form_page(
        request, form, title=_("Add a meeting"), submit=_("Add the meeting"), cancel_url=reverse("workgroup:meetings")
    )


@access.manager_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MeetingForm(request.POST or None, initial=_meeting_initial(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_services.meeting_save(data=form.cleaned_data, acting_user=request.user, meeting=meeting)
        except ValidationError as error:
            _apply(form, error)
        else:
            if meeting.invitations_sent_at:
                messages.success(request, _("The meeting was saved; the members were sent a calendar update."))
            else:
                messages.success(request, _("The meeting was saved."))
            return redirect("workgroup:meeting_detail", pk=meeting.pk)
    return _form_page(
        request,
        form,
        title=_("Change the meeting"),
        intro=_("When the calendar invitation has gone out, the members get an update of the same calendar entry."),
        submit=_("Save"),
        cancel_url=reverse("workgroup:meeting_detail", args=[pk]),
    )


@access.member_required
@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for(request, pk)
    items = list(
        meeting.agenda_items.select_related("review").prefetch_related("organisations", "conflicts__membership")
    )
    members = meeting_services.meeting_members(meeting)
    attendance = {row.membership_id: row for row in meeting.attendance.select_related("membership__organisation")}
    materials = list(meeting.materials.all())
    return render(
        request,
        "workgroup/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "carried": list(ActionItem.objects.carried_to(meeting)),
            "materials": materials,
            "materials_sent_at": max((m.sent_at for m in materials if m.sent_at), default=None),
            "members": [{"member": member, "attendance": attendance.get(member.pk)} for member in members],
            "decisions": list(meeting.decisions.all()),
            "actions": list(meeting.action_items.select_related("owner")),
            "can_manage": access.can_manage(request.user),
            "today": today(),
        },
    )


@access.manager_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    if request.method == "POST":
        try:
            meeting_services.meeting_cancel(meeting=meeting, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The meeting was cancelled."))
        return redirect("workgroup:meeting_detail", pk=pk)
    return render(request, "workgroup/meeting_cancel.html", {"meeting": meeting})


@access.manager_required
@require_POST
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        members = meeting_services.meeting_send_invitations(meeting=meeting, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The calendar invitation was sent to %(count)s members.") % {"count": len(members)})
    return redirect("workgroup:meeting_detail", pk=pk)


@access.member_required
@require_safe
def meeting_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting as an .ics file to add to one's calendar (the same UID as the e-mailed invitation)."""
    meeting = access.get_meeting_for(request, pk, audit=False)
    access.audit_read(request, meeting, detail={"format": "ics"})
    method = ics.CANCEL if meeting.is_cancelled else ics.PUBLISH
    data = ics.meeting_calendar(mail.calendar_meeting(meeting, []), method=method)
    response = HttpResponse(data, content_type=f"text/calendar; charset=utf-8; method={method}")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.local_date.isoformat()}.ics"'
    return response


# ---------------------------------------------------------------------------------------------
# Agenda and materials


@access.manager_required
@require_http_methods(["GET", "POST"])
def agenda_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = AgendaItemForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.agenda_item_save(meeting=meeting, data=form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The agenda item was added."))
            return redirect("workgroup:meeting_detail", pk=pk)
    return _form_page(
        request,
        form,
        title=_("Add an agenda item"),
        submit=_("Add the item"),
        cancel_url=reverse("workgroup:meeting_detail", args=[pk]),
    )


@access.manager_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    initial = {
        "title": item.title,
        "description": item.description,
        "review": item.review,
        "organisations": list(item.organisations.all()),
        "position": item.position,
    }
    form = AgendaItemForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.agenda_item_save(
                meeting=item.meeting, data=form.cleaned_data, acting_user=request.user, item=item
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The agenda item was saved."))
            return redirect("workgroup:meeting_detail", pk=item.meeting_id)
    return _form_page(
        request,
        form,
        title=_("Change the agenda item"),
        submit=_("Save"),
        cancel_url=reverse("workgroup:meeting_detail", args=[item.meeting_id]),
    )


@access.manager_required
@require_POST
def agenda_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=pk)
    meeting_id = item.meeting_id
    meeting_services.agenda_item_delete(item=item, acting_user=request.user)
    messages.success(request, _("The agenda item was removed."))
    return redirect("workgroup:meeting_detail", pk=meeting_id)


@access.manager_required
@require_http_methods(["GET", "POST"])
def material_upload(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.material_upload(meeting=meeting, data=form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The material was uploaded."))
            return redirect("workgroup:meeting_detail", pk=pk)
    return _form_page(
        request,
        form,
        title=_("Upload a material"),
        intro=_(
            "Materials go to the members %(days)s working days before the meeting, on %(date)s. Refer to a case "
            "only by its pseudonymised review reference."
        )
        % {"days": meeting.materials_working_days, "date": meeting.materials_due_on.strftime("%d.%m.%Y")},
        submit=_("Upload"),
        cancel_url=reverse("workgroup:meeting_detail", args=[pk]),
        multipart=True,
    )


@access.member_required
@require_safe
def material_download(request: HttpRequest, pk: int) -> HttpResponse:
    material = access.get_material_for(request, pk)
    # Read through the storage API (files may live in object storage); materials are at most 25 MB.
    with material.file.open("rb") as handle:
        data = handle.read()
    response = HttpResponse(data, content_type=material.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, material.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@access.manager_required
@require_POST
def material_delete(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_object_or_404(Material, pk=pk)
    meeting_id = material.meeting_id
    meeting_services.material_delete(material=material, acting_user=request.user)
    messages.success(request, _("The material was removed."))
    return redirect("workgroup:meeting_detail", pk=meeting_id)


# ---------------------------------------------------------------------------------------------
# Attendance, minutes, decisions and action items


@access.manager_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    members = meeting_services.meeting_members(meeting)
    current = dict(meeting.attendance.values_list("membership_id", "mode"))
    form = AttendanceForm(request.POST or None, members=members, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.attendance_record(meeting=meeting, modes=form.modes(), acting_user=request.user)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The attendance was saved."))
            return redirect("workgroup:meeting_detail", pk=pk)
    else:
        access.audit_read(request, meeting, object_ids=[m.pk for m in members], detail={"page": "attendance"})
    return _form_page(
        request,
        form,
        title=_("Attendance"),
        intro=None if members else _("No member holds a seat on the meeting's day."),
        submit=_("Save the attendance"),
        cancel_url=reverse("workgroup:meeting_detail", args=[pk]),
    )


def _minutes_page(request: HttpRequest, meeting: Meeting, **forms: Form) -> HttpResponse:
    members = meeting_services.meeting_members(meeting)
    context = {
        "meeting": meeting,
        "minutes_form": forms.get("minutes_form") or MinutesForm(initial={"minutes": meeting.minutes}),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "action_form": forms.get("action_form") or ActionItemForm(members=members),
        "decisions": list(meeting.decisions.all()),
        "actions": list(meeting.action_items.select_related("owner")),
    }
    return render(request, "workgroup/minutes.html", context)


@access.manager_required
@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                meeting_services.minutes_save(
                    meeting=meeting, minutes=form.cleaned_data["minutes"], acting_user=request.user
                )
            except ValidationError as error:
                _apply(form, error)
            else:
                messages.success(request, _("The minutes were saved."))
                return redirect("workgroup:minutes", pk=pk)
        return _minutes_page(request, meeting, minutes_form=form)
    access.audit_read(request, meeting, detail={"page": "minutes"})
    return _minutes_page(request, meeting)


@access.manager_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            meeting_services.decision_add(meeting=meeting, text=form.cleaned_data["text"], acting_user=request.user)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The decision was added."))
            return redirect("workgroup:minutes", pk=pk)
    return _minutes_page(request, meeting, decision_form=form)


@access.manager_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = ActionItemForm(request.POST, members=meeting_services.meeting_members(meeting))
    if form.is_valid():
        try:
            meeting_services.action_item_add(meeting=meeting, data=form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The action item was added."))
            return redirect("workgroup:minutes", pk=pk)
    return _minutes_page(request, meeting, action_form=form)


@access.manager_required
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ActionItem, pk=pk)
    try:
        meeting_services.action_item_done(item=item, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The action item is marked done."))
    return redirect(
        request.POST.get("next") if _safe_next(request) else reverse("workgroup:meeting_detail", args=[item.meeting_id])
    )


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next") or ""
    return target.startswith("/workgroup/") and "//" not in target


# ---------------------------------------------------------------------------------------------
# The method pilot and feedback


@access.pilot_reader_required
@require_safe
def pilots(request: HttpRequest) -> HttpResponse:
    rows = list(Pilot.objects.select_related("method_version", "review"))
    access.audit_list(request, Pilot, rows)
    return render(request, "workgroup/pilots.html", {"pilots": rows, "can_manage": access.can_manage(request.user)})


@access.manager_required
@require_http_methods(["GET", "POST"])
def pilot_create(request: HttpRequest) -> HttpResponse:
    form = PilotForm(request.POST or None, initial={"started_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            pilot = services.pilot_create(data=form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The pilot was added."))
            return redirect("workgroup:pilot_detail", pk=pilot.pk)
    return _form_page(
        request, form, title=_("Add a method pilot"), submit=_("Add the pilot"), cancel_url=reverse("workgroup:pilots")
    )


@access.pilot_reader_required
@require_http_methods(["GET", "POST"])
def pilot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = access.get_pilot_for(request, pk)
    form = None
    if access.can_give_feedback(request.user) and pilot.status == Pilot.Status.OPEN:
        form = FeedbackForm(request.POST or None, version=pilot.method_version)
        if request.method == "POST" and form.is_valid():
            try:
                services.feedback_add(
                    pilot=pilot, data={**form.target(), "text": form.cleaned_data["text"]}, acting_user=request.user
                )
            except ValidationError as error:
                _apply(form, error)
            else:
                messages.success(request, _("Thank you: the feedback was recorded."))
                return redirect("workgroup:pilot_detail", pk=pk)
    elif request.method == "POST":
        raise PermissionDenied
    items = list(pilot.feedback.select_related("author", "resolved_in"))
    return render(
        request,
        "workgroup/pilot_detail.html",
        {
            "pilot": pilot,
            "items": items,
            "form": form,
            "can_resolve": access.can_read_feedback(request.user),
        },
    )


@access.feedback_reader_required
@require_safe
def feedback(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("status") == "all"
    queryset = Feedback.objects.select_related("pilot__method_version", "author", "resolved_in")
    if not show_all:
        queryset = queryset.filter(status=Feedback.Status.OPEN)
    items = list(queryset.order_by("target", "target_code", "-created_at"))
    access.audit_list(request, Feedback, items)
    return render(request, "workgroup/feedback.html", {"items": items, "show_all": show_all})


@access.feedback_reader_required
@require_http_methods(["GET", "POST"])
def feedback_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Feedback.objects.select_related("pilot__method_version"), pk=pk)
    form = FeedbackResolveForm(
        request.POST or None,
        initial={"status": item.status, "resolved_in": item.resolved_in, "note": item.resolution_note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_resolve(
                feedback=item,
                status=form.cleaned_data["status"],
                resolved_in=form.cleaned_data["resolved_in"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The feedback was updated."))
            return redirect("workgroup:feedback")
    else:
        access.audit_read(request, item)
    return _form_page(
        request,
        form,
        title=_("Track the feedback to a method version"),
        intro=item.text,
        submit=_("Save"),
        cancel_url=reverse("workgroup:feedback"),
    )
