"""Pages of the working group: its start page, seats and members, invitation letters, pilots and feedback
(meetings are in `workgroup.meeting_views`). Access is decided by the gates in `workgroup.access`, which
also audit the reads; changes go through `workgroup.services`."""

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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.concurrency import EditConflict, show_both_versions
from core.dates import today
from core.forms import add_service_errors
from outbox.services import messages_about

from . import access, content, services
from .coverage import coverage, vacancy_warnings
from .forms import (
    FeedbackForm,
    FeedbackResolveForm,
    InvitationForm,
    InvitationReplyForm,
    MemberEndForm,
    MemberForm,
    PilotForm,
    SeatForm,
    interface_language,
)
from .models import Feedback, Invitation, Meeting, Membership, Pilot, Seat


def render(request: HttpRequest, template: str, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
    """Every page of the group carries the internal-use marking: they name people and cases."""
    return django_render(request, template, {"case_data": True, **context}, **kwargs)


def form_page(
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
        [(heading, [form[name] for name in names]) for heading, names in groups]
        if groups
        else [(None, form.visible_fields())]
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
            "meetings": [meeting_row(meeting) for meeting in meetings],
            "letters": letters,
            "warnings": warnings,
            "overdue": overdue,
            "can_manage": manage,
            "group": content.group_settings(),
            "pilots": Pilot.objects.filter(status=Pilot.Status.OPEN)[:10],
        },
    )


def meeting_row(meeting: Meeting) -> dict[str, Any]:
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
            add_service_errors(error, form)
        else:
            messages.success(request, _("The seat was added."))
            return redirect("workgroup:seat_detail", pk=seat.pk)
    return form_page(
        request, form, title=_("Add a seat"), submit=_("Add the seat"), cancel_url=reverse("workgroup:seats")
    )


@access.manager_required
@require_http_methods(["GET", "POST"])
def seat_edit(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_object_or_404(Seat, pk=pk)
    form = SeatForm(request.POST or None, initial=_seat_initial(seat))
    conflict_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            services.seat_save(
                data=form.cleaned_data, acting_user=request.user, seat=seat, revision=form.cleaned_data["revision"]
            )
        except EditConflict as conflict:
            conflict_rows = show_both_versions(form, request, conflict, theirs=_seat_initial)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("The seat was saved."))
            return redirect("workgroup:seat_detail", pk=seat.pk)
    return form_page(
        request,
        form,
        title=_("Change the seat"),
        submit=_("Save"),
        cancel_url=reverse("workgroup:seat_detail", args=[pk]),
        conflict_rows=conflict_rows,
    )


def _seat_initial(seat: Seat) -> dict[str, Any]:
    return {"sector": seat.sector, "size": seat.size, "notes": seat.notes, "revision": seat.revision}


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
            add_service_errors(error, form)
        else:
            messages.success(request, _("The member was added."))
            return redirect("workgroup:seat_detail", pk=member.seat_id)
    return form_page(
        request, form, title=_("Add a member"), submit=_("Add the member"), cancel_url=reverse("workgroup:seats")
    )


@access.manager_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Membership, pk=pk)
    form = MemberForm(request.POST or None, initial=_member_initial(member))
    conflict_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=member,
                data=_member_data(form),
                revision=form.cleaned_data["revision"],
                acting_user=request.user,
            )
        except EditConflict as conflict:
            conflict_rows = show_both_versions(form, request, conflict, theirs=_member_initial)
            access.audit_read(request, conflict.current)  # the page shows the member as saved now
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("The member was saved."))
            return redirect("workgroup:seat_detail", pk=form.cleaned_data["seat"].pk)
    else:
        access.audit_read(request, member)
    return form_page(
        request,
        form,
        title=_("Change the member"),
        submit=_("Save"),
        cancel_url=reverse("workgroup:seat_detail", args=[member.seat_id]),
        conflict_rows=conflict_rows,
    )


def _member_initial(member: Membership) -> dict[str, Any]:
    initial = {field: getattr(member, field) for field in services.MEMBER_FIELDS}
    return initial | {"seat": member.seat, "revision": member.revision}


@access.manager_required
@require_http_methods(["GET", "POST"])
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Membership.objects.select_related("seat"), pk=pk)
    form = MemberEndForm(
        request.POST or None, initial={"last_day": member.term_end or today(), "revision": member.revision}
    )
    conflict_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(
                membership=member,
                last_day=form.cleaned_data["last_day"],
                revision=form.cleaned_data["revision"],
                acting_user=request.user,
            )
        except EditConflict as conflict:
            conflict_rows = show_both_versions(
                form, request, conflict, theirs=lambda current: {"last_day": current.term_end}
            )
            access.audit_read(request, conflict.current)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("The member's last day was recorded."))
            return redirect("workgroup:seat_detail", pk=member.seat_id)
    else:
        access.audit_read(request, member)
    return form_page(
        request,
        form,
        title=_("Record that %(name)s leaves the group") % {"name": member.person_name},
        intro=_("The last day is the member's last day in the group; the seat is vacant from the next day."),
        submit=_("Record the last day"),
        cancel_url=reverse("workgroup:seat_detail", args=[member.seat_id]),
        conflict_rows=conflict_rows,
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
                post["subject"], post["body"], post["to_email"] = subject, body, data["to_email"]
                form = InvitationForm(post)
                form.is_valid()
                messages.info(request, _("The letter was drafted from the method. Check it, then send it."))
            else:
                try:
                    invitation = services.invitation_send(data=data, acting_user=request.user)
                except ValidationError as error:
                    add_service_errors(error, form)
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
    can_manage = access.can_manage(request.user)
    return render(
        request,
        "workgroup/invitation_detail.html",
        {
            "letter": invitation,
            "sector": content.sector_label(invitation.seat.sector, interface_language()),
            "overdue": invitation.is_overdue(),
            "forwards": invitation.forwards.all(),
            "members": members,
            "can_manage": can_manage,
            # How the letter went out by e-mail: for the coordinator.
            "outbox": list(messages_about(invitation)) if can_manage else [],
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
        "revision": invitation.revision,
    }
    form = InvitationReplyForm(request.POST or None, initial=initial, seat=invitation.seat)
    conflict_rows = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invitation_reply(
                invitation=invitation,
                outcome=data["outcome"],
                data=data,
                revision=data["revision"],
                acting_user=request.user,
            )
        except EditConflict as conflict:
            conflict_rows = show_both_versions(
                form, request, conflict, theirs=_reply_recorded, fields=["outcome", "replied_on", "reply_note"]
            )
            access.audit_read(request, conflict.current)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("The answer was recorded."))
            return redirect("workgroup:invitation_detail", pk=invitation.pk)
    else:
        access.audit_read(request, invitation)
    return form_page(
        request,
        form,
        title=_("Record the answer to the letter"),
        intro=invitation.subject,
        submit=_("Record the answer"),
        cancel_url=reverse("workgroup:invitation_detail", args=[pk]),
        conflict_rows=conflict_rows,
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


def _reply_recorded(invitation: Invitation) -> dict[str, Any]:
    """The answer as recorded now, in the reply form's terms (no answer: the letter still waits)."""
    answered = invitation.status != Invitation.Status.SENT
    return {
        "outcome": invitation.status if answered else None,
        "replied_on": invitation.replied_on,
        "reply_note": invitation.reply_note,
    }


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
            add_service_errors(error, form)
        else:
            messages.success(request, _("The pilot was added."))
            return redirect("workgroup:pilot_detail", pk=pilot.pk)
    return form_page(
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
                add_service_errors(error, form)
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
    form = FeedbackResolveForm(request.POST or None, initial=_feedback_initial(item))
    conflict_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_resolve(
                feedback=item,
                status=form.cleaned_data["status"],
                resolved_in=form.cleaned_data["resolved_in"],
                note=form.cleaned_data["note"],
                revision=form.cleaned_data["revision"],
                acting_user=request.user,
            )
        except EditConflict as conflict:
            conflict_rows = show_both_versions(form, request, conflict, theirs=_feedback_initial)
            access.audit_read(request, conflict.current)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("The feedback was updated."))
            return redirect("workgroup:feedback")
    else:
        access.audit_read(request, item)
    return form_page(
        request,
        form,
        title=_("Track the feedback to a method version"),
        intro=item.text,
        submit=_("Save"),
        cancel_url=reverse("workgroup:feedback"),
        conflict_rows=conflict_rows,
    )


def _feedback_initial(item: Feedback) -> dict[str, Any]:
    return {
        "status": item.status,
        "resolved_in": item.resolved_in,
        "note": item.resolution_note,
        "revision": item.revision,
    }
