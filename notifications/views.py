"""Pages for notifications: list, record, detail, edit, the confidential part and screening.

Views parse input and call `notifications.services`; every notification is fetched through
`notifications.access`, which decides access and audits the read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import SystemRole
from core.access import role_required
from core.concurrency import EMPTY, ComparedField, EditConflict, compare, show_both_versions, show_conflict
from core.forms import add_service_errors
from method.content import MethodContent
from method.models import MethodVersion
from outbox.models import OutboundMessage
from reviews.models import Review

from . import access, services
from .forms import (
    ChildForm,
    EditForm,
    IdentityForm,
    NotificationForm,
    ScreeningForm,
    adding_member,
    error_summary,
    household_formset,
    interface_language,
    without_errors,
)
from .models import Notification, ScreeningDecision

PAGE_SIZE = 50


def _labels(content: MethodContent, name: str, codes: list[str]) -> list[str]:
    language = interface_language()
    return [content.label(name, code, language) for code in codes]


def _attach_versions(notifications: list[Notification]) -> None:
    """Give each notification its method version from one query, for its deadlines and labels."""
    versions = MethodVersion.objects.in_bulk({n.method_version_id for n in notifications})
    for notification in notifications:
        notification.method_version = versions[notification.method_version_id]


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    access.check_may_list(request.user)
    queryset = Notification.objects.visible_to(request.user).select_related("child").order_by("-recorded_on", "-pk")
    status = request.GET.get("status", "")
    if status in Notification.Status.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _attach_versions(rows)
    access.record_notification_list(request, rows)
    language = interface_language()
    return render(
        request,
        "notifications/list.html",
        {
            "case_data": True,
            "page": page,
            "rows": [{"notification": n, "outcome": n.content.label("outcomes", n.outcome, language)} for n in rows],
            "status": status,
            "statuses": Notification.Status.choices,
            "can_record": request.user.has_system_role(SystemRole.COORDINATOR),  # type: ignore[union-attr]
        },
    )


def _form_data(form: NotificationForm, child_form: ChildForm, formset: Any) -> dict[str, Any]:
    child = dict(child_form.cleaned_data)
    child["known_to"] = list(child.pop("known_to"))
    return {"notification": dict(form.cleaned_data), "child": child, "household": formset.members()}


def _errors(forms: list[Form], formset: Any) -> list[dict[str, str]]:
    groups = [("", form) for form in forms]
    groups += [
        (_("Household member %(number)s") % {"number": index + 1}, row) for index, row in enumerate(formset.forms)
    ]
    entries = error_summary(*groups)
    entries += [{"href": "", "text": str(error)} for error in formset.non_form_errors()]
    return entries


@role_required(SystemRole.COORDINATOR)
@require_http_methods(["GET", "POST"])
def notification_create(request: HttpRequest) -> HttpResponse:
    content = MethodVersion.objects.current().data
    data = request.POST if request.method == "POST" else None
    form = NotificationForm(data, content=content)
    child_form = ChildForm(data, content=content)
    identity_form = IdentityForm(data)
    formset = household_formset(content, data=data)
    if adding_member(data):
        without_errors(form, child_form, identity_form, formset)
    elif request.method == "POST":
        valid = all([form.is_valid(), child_form.is_valid(), identity_form.is_valid(), formset.is_valid()])
        if valid:
            payload = _form_data(form, child_form, formset)
            payload["identity"] = identity_form.cleaned_data
            try:
                notification = services.notification_record(data=payload, acting_user=request.user)
            except ValidationError as error:
                add_service_errors(error, form, child_form, identity_form)
            else:
                messages.success(
                    request, _("Notification %(reference)s recorded.") % {"reference": notification.reference}
                )
                return redirect("notifications:detail", pk=notification.pk)
    return render(
        request,
        "notifications/form.html",
        {
            "case_data": True,
            "form": form,
            "child_form": child_form,
            "identity_form": identity_form,
            "formset": formset,
            "errors": _errors([form, child_form, identity_form], formset),
            "editing": False,
        },
    )


@login_required
@require_safe
def notification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notification = access.get_notification_for(request, pk)
    content = notification.content
    language = interface_language()
    child = getattr(notification, "child", None)
    screening = getattr(notification, "screening", None)
    is_coordinator = request.user.has_system_role(SystemRole.COORDINATOR)  # type: ignore[union-attr]
    context = {
        "case_data": True,
        "notification": notification,
        "outcome": content.label("outcomes", notification.outcome, language),
        "causes": _labels(content, "causes", notification.causes),
        "parallel_proceedings": _labels(content, "parallel_proceedings", notification.parallel_proceedings),
        "child": child,
        "is_coordinator": is_coordinator,
        # The e-mail that announced its passed rapid-review deadline: for the coordinator.
        "deadline_mail": list(OutboundMessage.objects.filter(deadline_alerts__notification=notification).distinct())
        if is_coordinator
        else [],
        "reviews": Review.objects.visible_to(request.user).filter(notification=notification).order_by("pk"),
        "screening": screening,
        "decision": content.label("screening_decisions", screening.decision, language) if screening else "",
        "answers": [
            {
                "question": content.label("screening_checklist", code, language),
                "answer": ScreeningDecision.Answer(value).label,
            }
            for code, value in (screening.answers.items() if screening else [])
        ],
    }
    if child is not None:
        context.update(
            {
                "sex": content.label("sex", child.sex, language),
                "school_attendance": content.label("school_attendance", child.school_attendance, language)
                if child.school_attendance
                else "",
                "legal_status": content.label("legal_status", child.legal_status, language)
                if child.legal_status
                else "",
                "known_to": list(child.known_to.all()),
                "household": [
                    {
                        "relationship": content.label("relationship", member.relationship, language),
                        "risk_factors": _labels(content, "risk_factors", member.risk_factors),
                        "note": member.note,
                    }
                    for member in child.household.all()
                ],
            }
        )
    return render(request, "notifications/detail.html", context)


@role_required(SystemRole.COORDINATOR)
@require_http_methods(["GET", "POST"])
def notification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    notification = access.get_notification_for(request, pk)
    content = notification.content
    child = notification.child
    status = 200
    conflict_rows = None
    if request.method == "POST":
        form = EditForm(request.POST, content=content)
        child_form = ChildForm(request.POST, content=content)
        formset = household_formset(content, data=request.POST, initial=_household_initial(notification), extra=2)
        if adding_member(request.POST):
            without_errors(form, child_form, formset)
        elif all([form.is_valid(), child_form.is_valid(), formset.is_valid()]):
            payload = _form_data(form, child_form, formset)
            revision = payload["notification"].pop("revision")
            try:
                services.notification_update(
                    notification=notification, data=payload, revision=revision, acting_user=request.user
                )
            except EditConflict as conflict:
                current = conflict.current
                conflict_rows = [
                    *compare(form, _notification_initial(current)),
                    *compare(child_form, _child_initial(current.child)),
                    ComparedField(
                        label=_("Household members"),
                        theirs=_household_text(content, _household_initial(current)),
                        yours=_household_text(content, payload["household"]),
                    ),
                ]
                show_conflict(
                    form,
                    request,
                    revision=current.revision,
                    message=_(
                        "Someone else saved this notification after you opened it, so your changes were not saved. "
                        "Compare their version with yours below, and save again if yours should replace it."
                    ),
                )
                status = 409
            except ValidationError as error:
                add_service_errors(error, form, child_form)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("notifications:detail", pk=notification.pk)
    else:
        form = EditForm(initial=_notification_initial(notification), content=content)
        child_form = ChildForm(initial=_child_initial(child), content=content)
        formset = household_formset(content, initial=_household_initial(notification), extra=2)
    return render(
        request,
        "notifications/form.html",
        {
            "case_data": True,
            "notification": notification,
            "form": form,
            "child_form": child_form,
            "formset": formset,
            "errors": _errors([form, child_form], formset),
            "editing": True,
            "conflict_rows": conflict_rows,
        },
        status=status,
    )


def _notification_initial(notification: Notification) -> dict[str, Any]:
    values = {name: getattr(notification, name) for name in services.NOTIFICATION_FIELDS}
    return values | {"revision": notification.revision}


def _child_initial(child: Any) -> dict[str, Any]:
    values = {name: getattr(child, name) for name in services.CHILD_FIELDS}
    return values | {"known_to": list(child.known_to.all())}


def _household_text(content: MethodContent, members: list[dict[str, Any]]) -> str:
    """The household as one cell of the comparison: a line per member."""
    language = interface_language()
    lines = []
    for member in members:
        parts = [content.label("relationship", member["relationship"], language)]
        parts += _labels(content, "risk_factors", list(member.get("risk_factors") or []))
        if member.get("note"):
            parts.append(member["note"])
        lines.append(" · ".join(parts))
    return "\n".join(lines) or EMPTY


def _household_initial(notification: Notification) -> list[dict[str, Any]]:
    return [
        {"relationship": m.relationship, "risk_factors": list(m.risk_factors), "note": m.note}
        for m in notification.child.household.all()
    ]


@role_required(SystemRole.COORDINATOR)
@require_http_methods(["GET", "POST"])
def notification_confidential(request: HttpRequest, pk: int) -> HttpResponse:
    notification = access.get_confidential_part_for(request, pk)
    identity = getattr(notification.child, "identity", None)
    conflict_rows = None
    if request.method == "POST":
        form = IdentityForm(request.POST)
        if form.is_valid():
            try:
                services.child_identity_set(
                    notification=notification,
                    personal_code=form.cleaned_data["personal_code"],
                    name=form.cleaned_data["name"],
                    revision=form.cleaned_data["revision"],
                    acting_user=request.user,
                )
            except EditConflict as conflict:
                conflict_rows = show_both_versions(form, request, conflict, theirs=_identity_initial)
                identity = conflict.current
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(request, _("The confidential part was saved."))
                return redirect("notifications:confidential", pk=notification.pk)
    else:
        form = IdentityForm(initial=_identity_initial(identity))
    return render(
        request,
        "notifications/confidential.html",
        {
            "case_data": True,
            "notification": notification,
            "identity": identity,
            "form": form,
            "conflict_rows": conflict_rows,
        },
    )


def _identity_initial(identity: Any) -> dict[str, Any]:
    """The confidential part in the form's terms; revision 0 when nobody has saved one yet."""
    if identity is None:
        return {"revision": 0}
    return {"personal_code": identity.personal_code, "name": identity.name, "revision": identity.revision}


@role_required(SystemRole.COORDINATOR)
@require_http_methods(["GET", "POST"])
def notification_screening(request: HttpRequest, pk: int) -> HttpResponse:
    notification = access.get_notification_for(request, pk)
    content = notification.content
    screening = getattr(notification, "screening", None)
    if screening is not None or notification.status != Notification.Status.OPEN:
        if request.method == "POST":
            messages.error(request, _("This notification has already been screened."))
        return redirect("notifications:detail", pk=notification.pk)
    form = ScreeningForm(request.POST if request.method == "POST" else None, content=content)
    if request.method == "POST" and form.is_valid():
        try:
            services.screening_decide(
                notification=notification,
                answers=form.answers(),
                decision=form.cleaned_data["decision"],
                reasons=form.cleaned_data["reasons"],
                acting_user=request.user,
            )
        except services.ScreeningRefused:
            messages.error(request, _("This notification has already been screened."))
            return redirect("notifications:detail", pk=notification.pk)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            review = notification.reviews.order_by("-pk").first()
            if review is not None:
                messages.success(
                    request, _("Screening decision recorded and review %(reference)s opened.") % {"reference": review}
                )
                return redirect("reviews:detail", pk=review.pk)
            messages.success(request, _("Screening decision recorded. The notification is closed."))
            return redirect("notifications:detail", pk=notification.pk)
    return render(
        request,
        "notifications/screening.html",
        {
            "case_data": True,
            "notification": notification,
            "form": form,
            "errors": error_summary(("", form)),
            "case_definition": _case_definition(content),
        },
    )


def _case_definition(content: MethodContent) -> str:
    text = (content.section("case_definition") or {}).get("text", {})
    return text.get(interface_language()) or text.get("et", "")
