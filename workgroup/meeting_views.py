"""Pages of the working group's meetings: the series, calendar invitations, agenda, materials, attendance
and minutes. Access is decided by the gates in `workgroup.access`, which also audit the reads; changes go
through `workgroup.meeting_services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.concurrency import STALE_ACTION, EditConflict, show_both_versions, show_conflict
from core.dates import today
from core.files import attachment_response
from core.forms import RevisionForm, add_service_errors, posted_revision
from outbox.services import messages_about

from . import access, content, ics, mail, meeting_services
from .forms import (
    ActionItemForm,
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    MaterialForm,
    MeetingForm,
    MinutesForm,
    ScheduleForm,
)
from .models import ActionItem, AgendaItem, Material, Meeting, material_content_type
from .schedule import plan_year
from .views import form_page, meeting_row, render

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
            "rows": [meeting_row(meeting) for meeting in rows],
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
        "revision": meeting.revision,
    }


@access.manager_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, initial=_meeting_initial(None))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_services.meeting_save(data=form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("The meeting was added."))
            return redirect("workgroup:meeting_detail", pk=meeting.pk)
    return form_page(
        request, form, title=_("Add a meeting"), submit=_("Add the meeting"), cancel_url=reverse("workgroup:meetings")
    )


@access.manager_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MeetingForm(request.POST or None, initial=_meeting_initial(meeting))
    conflict_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_services.meeting_save(
                data=form.cleaned_data,
                acting_user=request.user,
                meeting=meeting,
                revision=form.cleaned_data["revision"],
            )
        except EditConflict as conflict:
            conflict_rows = show_both_versions(form, request, conflict, theirs=_meeting_initial)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            if meeting.invitations_sent_at:
                messages.success(request, _("The meeting was saved; the members were sent a calendar update."))
            else:
                messages.success(request, _("The meeting was saved."))
            return redirect("workgroup:meeting_detail", pk=meeting.pk)
    return form_page(
        request,
        form,
        title=_("Change the meeting"),
        intro=_("When the calendar invitation has gone out, the members get an update of the same calendar entry."),
        submit=_("Save"),
        cancel_url=reverse("workgroup:meeting_detail", args=[pk]),
        conflict_rows=conflict_rows,
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
    can_manage = access.can_manage(request.user)
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
            "can_manage": can_manage,
            # Each member's invitation, changes, cancellation and materials by e-mail: for the coordinator.
            "outbox": list(messages_about(meeting)) if can_manage else [],
            "today": today(),
        },
    )


@access.manager_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = RevisionForm(request.POST or None, initial={"revision": meeting.revision})
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.meeting_cancel(
                meeting=meeting, revision=form.cleaned_data["revision"], acting_user=request.user
            )
        except EditConflict as conflict:
            if conflict.current is None:
                raise Http404 from None
            # The page again, showing the meeting as it is now: cancelling it is then a deliberate choice.
            meeting = conflict.current
            show_conflict(form, request, revision=meeting.revision, message=str(STALE_ACTION))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("workgroup:meeting_detail", pk=pk)
        else:
            messages.success(request, _("The meeting was cancelled."))
            return redirect("workgroup:meeting_detail", pk=pk)
    return render(request, "workgroup/meeting_cancel.html", {"meeting": meeting, "form": form})


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
            add_service_errors(error, form)
        else:
            messages.success(request, _("The agenda item was added."))
            return redirect("workgroup:meeting_detail", pk=pk)
    return form_page(
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
    form = AgendaItemForm(request.POST or None, initial=_agenda_item_initial(item), user=request.user)
    conflict_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.agenda_item_save(
                meeting=item.meeting,
                data=form.cleaned_data,
                acting_user=request.user,
                item=item,
                revision=form.cleaned_data["revision"],
            )
        except EditConflict as conflict:
            conflict_rows = show_both_versions(form, request, conflict, theirs=_agenda_item_initial)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("The agenda item was saved."))
            return redirect("workgroup:meeting_detail", pk=item.meeting_id)
    return form_page(
        request,
        form,
        title=_("Change the agenda item"),
        submit=_("Save"),
        cancel_url=reverse("workgroup:meeting_detail", args=[item.meeting_id]),
        conflict_rows=conflict_rows,
    )


def _agenda_item_initial(item: AgendaItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "description": item.description,
        "review": item.review,
        "organisations": list(item.organisations.all()),
        "position": item.position,
        "revision": item.revision,
    }


@access.manager_required
@require_POST
def agenda_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=pk)
    meeting_id = item.meeting_id
    try:
        meeting_services.agenda_item_delete(item=item, revision=posted_revision(request.POST), acting_user=request.user)
    except EditConflict:
        # The meeting page shows the item as it is now.
        messages.error(request, STALE_ACTION)
    else:
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
            add_service_errors(error, form)
        else:
            messages.success(request, _("The material was uploaded."))
            return redirect("workgroup:meeting_detail", pk=pk)
    return form_page(
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
    return attachment_response(data, name=material.original_name, content_type=material_content_type(material, data))


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
    form = AttendanceForm(request.POST or None, members=members, initial=AttendanceForm.initial_for(meeting, members))
    conflict_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.attendance_record(
                meeting=meeting, modes=form.modes(), revision=form.cleaned_data["revision"], acting_user=request.user
            )
        except EditConflict as conflict:
            conflict_rows = show_both_versions(
                form, request, conflict, theirs=lambda current: AttendanceForm.initial_for(current, members)
            )
            access.audit_read(request, meeting, object_ids=[m.pk for m in members], detail={"page": "attendance"})
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("The attendance was saved."))
            return redirect("workgroup:meeting_detail", pk=pk)
    else:
        access.audit_read(request, meeting, object_ids=[m.pk for m in members], detail={"page": "attendance"})
    return form_page(
        request,
        form,
        title=_("Attendance"),
        intro=None if members else _("No member holds a seat on the meeting's day."),
        submit=_("Save the attendance"),
        cancel_url=reverse("workgroup:meeting_detail", args=[pk]),
        conflict_rows=conflict_rows,
    )


def _minutes_initial(meeting: Meeting) -> dict[str, Any]:
    return {"minutes": meeting.minutes, "revision": meeting.revision}


def _minutes_page(request: HttpRequest, meeting: Meeting, conflict_rows: Any = None, **forms: Form) -> HttpResponse:
    members = meeting_services.meeting_members(meeting)
    context = {
        "meeting": meeting,
        "conflict_rows": conflict_rows,
        "minutes_form": forms.get("minutes_form") or MinutesForm(initial=_minutes_initial(meeting)),
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
        conflict_rows = None
        if form.is_valid():
            try:
                meeting_services.minutes_save(
                    meeting=meeting,
                    minutes=form.cleaned_data["minutes"],
                    revision=form.cleaned_data["revision"],
                    acting_user=request.user,
                )
            except EditConflict as conflict:
                conflict_rows = show_both_versions(form, request, conflict, theirs=_minutes_initial)
                access.audit_read(request, conflict.current, detail={"page": "minutes"})
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(request, _("The minutes were saved."))
                return redirect("workgroup:minutes", pk=pk)
        return _minutes_page(request, meeting, conflict_rows=conflict_rows, minutes_form=form)
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
            add_service_errors(error, form)
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
            add_service_errors(error, form)
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
    target = request.POST.get("next") or ""
    return redirect(target if _safe_next(request) else reverse("workgroup:meeting_detail", args=[item.meeting_id]))


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next") or ""
    return target.startswith("/workgroup/") and "//" not in target
