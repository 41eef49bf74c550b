"""Pages of information gathering: terms of reference, organisations involved, information requests.

Every object is fetched through `inquiries.access`, which decides access and audits the read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.concurrency import STALE_ACTION, EditConflict, show_both_versions
from core.dates import today
from core.forms import add_service_errors, interface_language, posted_revision
from outbox.services import messages_about

from . import access, services
from .forms import ContributorForm, DraftForm, InvolvementForm, LetterForm, TermsForm
from .models import InformationRequest, Involvement, RequestStatus


@login_required
@require_http_methods(["GET", "POST"])
def terms(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request, pk)
    may_edit = access.may_edit_terms(request.user, review)
    current = services.terms_for(review)
    conflict_rows = None
    form = TermsForm(initial=_terms_initial(current))
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = TermsForm(request.POST)
        if form.is_valid():
            try:
                services.terms_save(
                    review=review,
                    data=form.cleaned_data,
                    revision=form.cleaned_data["revision"],
                    acting_user=request.user,
                )
            except services.EditConflict as error:
                conflict_rows = show_both_versions(
                    form,
                    request,
                    error,
                    theirs=_terms_initial,
                    message=_(
                        "Someone else saved the terms of reference after you opened them. Nothing was saved: "
                        "compare their version below with yours and save again."
                    ),
                )
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(request, _("The terms of reference were saved."))
                return redirect("inquiries:terms", pk=review.pk)
    content = review.method_version.data
    language = interface_language()
    return render(
        request,
        "inquiries/terms.html",
        {
            "case_data": True,
            "review": review,
            "terms": current,
            "form": form,
            "may_edit": may_edit,
            "conflict_rows": conflict_rows,
            "missing_sectors": [content.sector_label(code, language) for code in services.missing_sectors(review)],
        },
    )


def _terms_initial(terms: Any) -> dict[str, Any]:
    return {name: getattr(terms, name) for name in services.TERMS_FIELDS} | {"revision": terms.revision}


@login_required
@require_safe
def involvement_list(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request, pk)
    rows = list(review.involvements.select_related("organisation").order_by("code"))  # type: ignore[attr-defined]
    access.record_list(request, review, Involvement, rows)
    return render(
        request,
        "inquiries/involvement_list.html",
        {
            "case_data": True,
            "review": review,
            "rows": rows,
            "is_coordinator": access.is_coordinator(request.user),
            "draft_form": DraftForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def involvement_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.get_managed_review_for(request, pk)
    form = InvolvementForm()
    if request.method == "POST":
        form = InvolvementForm(request.POST)
        if form.is_valid():
            try:
                services.involvement_create(review=review, data=form.cleaned_data, acting_user=request.user)
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(request, _("The organisation was added to the review."))
                return redirect("inquiries:involvement_list", pk=review.pk)
    return render(
        request,
        "inquiries/involvement_form.html",
        {"case_data": True, "review": review, "form": form, "involvement": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def involvement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    involvement = access.get_involvement_for(request, pk)
    review = involvement.review
    form = InvolvementForm(initial=_involvement_initial(involvement))
    conflict_rows = None
    if request.method == "POST":
        form = InvolvementForm(request.POST)
        if form.is_valid():
            try:
                services.involvement_update(
                    involvement=involvement,
                    data=form.cleaned_data,
                    revision=form.cleaned_data["revision"],
                    acting_user=request.user,
                )
            except EditConflict as conflict:
                conflict_rows = show_both_versions(form, request, conflict, theirs=_involvement_initial)
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(request, _("The organisation's details were saved."))
                return redirect("inquiries:involvement_list", pk=review.pk)
    return render(
        request,
        "inquiries/involvement_form.html",
        {
            "case_data": True,
            "review": review,
            "form": form,
            "involvement": involvement,
            "conflict_rows": conflict_rows,
        },
    )


def _involvement_initial(involvement: Involvement) -> dict[str, Any]:
    return {name: getattr(involvement, name) for name in services.INVOLVEMENT_FIELDS} | {
        "revision": involvement.revision
    }


@login_required
@require_POST
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    involvement = access.get_involvement_for(request, pk)
    form = DraftForm(request.POST)
    language = form.cleaned_data["language"] if form.is_valid() else "et"
    information_request = services.request_draft(involvement=involvement, language=language, acting_user=request.user)
    messages.success(request, _("A draft letter was made from the method's template. Check it before sending."))
    return redirect("inquiries:request_edit", pk=information_request.pk)


def _grid_rows(requests: list[InformationRequest]) -> list[dict[str, Any]]:
    on = today()
    order = {RequestStatus.OVERDUE: 0, RequestStatus.REMINDED: 1, RequestStatus.SENT: 2, RequestStatus.DRAFT: 3}
    # Overdue first, then the next due; received last.
    requests = sorted(requests, key=lambda item: (order.get(item.status(on), 4), item.due_on or on, item.pk))  # type: ignore[call-overload]
    return [{"request": item, "status": item.status(on), "label": item.status_label(on)} for item in requests]


@login_required
@require_safe
def request_grid(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request, pk)
    requests = list(
        InformationRequest.objects.filter(involvement__review=review).select_related("involvement__organisation")
    )
    access.record_list(request, review, InformationRequest, requests)
    return render(
        request,
        "inquiries/request_grid.html",
        {"case_data": True, "review": review, "rows": _grid_rows(requests)},
    )


@login_required
@require_safe
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    information_request = access.get_information_request_for(request, pk)
    is_coordinator = access.is_coordinator(request.user)
    return render(
        request,
        "inquiries/request_detail.html",
        {
            "case_data": True,
            "item": information_request,
            "involvement": information_request.involvement,
            "status": information_request.status(),
            "status_label": information_request.status_label(),
            "is_coordinator": is_coordinator,
            # How the letter and its reminders went out: for the coordinator only.
            "outbox": list(messages_about(information_request)) if is_coordinator else [],
            "pending": information_request.pending_contributors.all(),
            "contributors": information_request.contributors.select_related("user"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    information_request = access.get_information_request_for(request, pk, manage=True)
    if information_request.sent_at:
        messages.info(request, _("The letter has been sent and can no longer be changed."))
        return redirect("inquiries:request_detail", pk=information_request.pk)
    form = LetterForm(initial=_letter_initial(information_request))
    conflict_rows = None
    if request.method == "POST":
        form = LetterForm(request.POST)
        if form.is_valid():
            try:
                services.request_update_letter(
                    information_request=information_request,
                    subject=form.cleaned_data["subject"],
                    letter=form.cleaned_data["letter"],
                    revision=form.cleaned_data["revision"],
                    acting_user=request.user,
                )
            except EditConflict as conflict:
                if conflict.current is not None and conflict.current.sent_at:
                    messages.info(request, _("The letter has been sent and can no longer be changed."))
                    return redirect("inquiries:request_detail", pk=information_request.pk)
                conflict_rows = show_both_versions(form, request, conflict, theirs=_letter_initial)
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(request, _("The letter was saved."))
                return redirect("inquiries:request_edit", pk=information_request.pk)
    return render(
        request,
        "inquiries/request_edit.html",
        {
            "case_data": True,
            "item": information_request,
            "involvement": information_request.involvement,
            "form": form,
            "conflict_rows": conflict_rows,
        },
    )


def _letter_initial(information_request: InformationRequest) -> dict[str, Any]:
    return {
        "subject": information_request.subject,
        "letter": information_request.letter,
        "revision": information_request.revision,
    }


@login_required
@require_POST
def request_send(request: HttpRequest, pk: int) -> HttpResponse:
    information_request = access.get_information_request_for(request, pk, manage=True)
    try:
        services.request_send(
            information_request=information_request, revision=posted_revision(request.POST), acting_user=request.user
        )
    except EditConflict:
        # The letter changed since the page was opened: the letter page shows it as it is now.
        messages.error(request, STALE_ACTION)
        return redirect("inquiries:request_edit", pk=information_request.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The request was sent to %(email)s.") % {"email": information_request.involvement.contact_email},
        )
    return redirect("inquiries:request_detail", pk=information_request.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contributor_add(request: HttpRequest, pk: int) -> HttpResponse:
    information_request = access.get_information_request_for(request, pk, manage=True)
    form = ContributorForm()
    if request.method == "POST":
        form = ContributorForm(request.POST)
        if form.is_valid():
            try:
                services.contributor_invite(
                    information_request=information_request, acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(
                    request, _("%(name)s can now answer this request.") % {"name": form.cleaned_data["name"]}
                )
                return redirect("inquiries:request_detail", pk=information_request.pk)
    return render(
        request,
        "inquiries/contributor_form.html",
        {"case_data": True, "item": information_request, "involvement": information_request.involvement, "form": form},
    )
