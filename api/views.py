"""The coordinator's pages for an information request's API tokens: list, make one, revoke one.

Access goes through `inquiries.access.get_information_request_for(..., manage=True)`: the coordinator
only; the review's readers get 403, everyone else 404. The read is audited there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.log import record_request
from audit.models import Action, Purpose
from inquiries.access import get_information_request_for

from . import services
from .forms import TokenForm
from .models import ApiToken


@login_required
@require_safe
def token_list(request: HttpRequest, pk: int) -> HttpResponse:
    information_request = get_information_request_for(request, pk, manage=True)
    tokens = list(information_request.api_tokens.select_related("created_by", "revoked_by"))  # type: ignore[attr-defined]
    record_request(
        request,
        action=Action.LIST,
        purpose=Purpose.COORDINATION,
        object_type=ApiToken,
        object_ids=[token.pk for token in tokens],
        review_id=information_request.involvement.review_id,
    )
    return render(
        request,
        "api/token_list.html",
        {
            "case_data": True,
            "item": information_request,
            "involvement": information_request.involvement,
            "tokens": tokens,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest, pk: int) -> HttpResponse:
    information_request = get_information_request_for(request, pk, manage=True)
    form = TokenForm()
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            token, raw = services.token_create(
                information_request=information_request, label=form.cleaned_data["label"], acting_user=request.user
            )
            # Shown on this response only: the token itself is never stored, so it cannot be shown again.
            return render(
                request,
                "api/token_created.html",
                {
                    "case_data": True,
                    "item": information_request,
                    "involvement": information_request.involvement,
                    "token": token,
                    "raw": raw,
                },
            )
    return render(
        request,
        "api/token_form.html",
        {"case_data": True, "item": information_request, "involvement": information_request.involvement, "form": form},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    information_request = get_information_request_for(request, pk, manage=True)
    token = get_object_or_404(ApiToken, pk=token_pk, request=information_request)
    if services.token_revoke(token=token, acting_user=request.user):
        messages.success(
            request, _("The token %(prefix)s… is revoked; the system can no longer use it.") % {"prefix": token.prefix}
        )
    else:
        messages.info(request, _("The token %(prefix)s… was revoked already.") % {"prefix": token.prefix})
    return redirect("api_tokens:list", pk=information_request.pk)
