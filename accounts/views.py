"""Signing in and out, and the administration of organisations and users.

TARA's views are in accounts/tara.py.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.log import record_request
from audit.models import Action, Purpose
from core.access import role_required
from core.concurrency import EditConflict, show_both_versions

from . import services
from .demo import DEMO_USERS
from .forms import OrganisationForm, PasswordSignInForm, UserForm, current_sectors
from .models import Organisation, SystemRole, User
from .tara import tara_enabled

PAGE_SIZE = 25
REFUSAL_SESSION_KEY = "sign_in_refused"
# Reasons for which the refusal page says "you have no account" rather than "sign-in failed".
NO_ACCOUNT_REASONS = ("no_account", "account_inactive", "unsupported_sub")


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _acting_user(request: HttpRequest) -> User:
    """The signed-in user, on pages behind role_required."""
    return cast(User, request.user)


def refused_response(
    request: HttpRequest,
    *,
    method: str,
    reason: str,
    sub: str | None = None,
    detail: dict[str, Any] | None = None,
) -> HttpResponse:
    """Audit a refused sign-in and send the person to the page that explains it."""
    services.sign_in_refused(request=request, method=method, reason=reason, sub=sub, detail=detail)
    request.session[REFUSAL_SESSION_KEY] = reason
    return redirect("accounts:refused")


def _demo_people() -> list[dict[str, Any]]:
    """One demo user per role, in the order of accounts.demo, for those that exist and may sign in."""
    users = {user.username: user for user in User.objects.filter(is_demo=True, is_active=True)}
    return [
        {"user": users[demo.username], "description": demo.description} for demo in DEMO_USERS if demo.username in users
    ]


@never_cache
@sensitive_post_parameters("password")
@csrf_protect
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """The sign-in page: TARA, demo users (demo mode only) and the password form for break-glass accounts."""
    next_url = _next_url(request)
    form = PasswordSignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is not None:
            services.sign_in(request=request, user=user, method="password")
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        if getattr(request, "axes_locked_out", False):
            reason = "locked_out"
        else:
            reason = getattr(request, "password_refusal", "invalid_credentials")
        services.sign_in_refused(request=request, method="password", reason=reason, username=username)
        form.add_error(
            None,
            _("The username or password is wrong, or this account may not sign in with a password."),
        )
    session_expired = bool(request.session.pop("session_expired", False))
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": next_url,
            "tara_enabled": tara_enabled(),
            "demo_mode": settings.DEMO_MODE,
            "demo_people": _demo_people() if settings.DEMO_MODE else [],
            "session_expired": session_expired,
            "password_form_open": request.method == "POST" or not (tara_enabled() or settings.DEMO_MODE),
        },
    )


@never_cache
@csrf_protect
def demo_login(request: HttpRequest) -> HttpResponse:
    """Sign in as a demo user by pressing their button. Exists only in demo mode."""
    if not settings.DEMO_MODE:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = get_object_or_404(User, username=request.POST.get("username", ""), is_demo=True, is_active=True)
    services.sign_in(request=request, user=user, method="demo")
    return redirect(_next_url(request) or settings.LOGIN_REDIRECT_URL)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    services.sign_out(request=request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@never_cache
@require_GET
def refused(request: HttpRequest) -> HttpResponse:
    """Explains a refused sign-in: no account (ask the administrator) or a failed attempt."""
    reason = request.session.get(REFUSAL_SESSION_KEY, "")
    return render(
        request,
        "accounts/refused.html",
        {"no_account": reason in NO_ACCOUNT_REASONS, "cancelled": reason == "provider_error"},
    )


# Organisations -----------------------------------------------------------------------------------


@require_GET
@role_required(SystemRole.ADMINISTRATOR, SystemRole.COORDINATOR)
def organisation_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Organisation.objects.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    content = current_sectors()
    language = get_language() or "et"
    rows = [
        {
            "organisation": organisation,
            "sector": content.sector_label(organisation.sector, language) if content else organisation.sector,
        }
        for organisation in page
    ]
    return render(request, "accounts/organisation_list.html", {"page": page, "rows": rows})


@require_http_methods(["GET", "POST"])
@role_required(SystemRole.ADMINISTRATOR, SystemRole.COORDINATOR)
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(data=form.cleaned_data, acting_user=_acting_user(request))
        messages.success(request, _("Organisation %(name)s was added.") % {"name": organisation.name})
        return redirect("accounts:organisation_list")
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": None})


@require_http_methods(["GET", "POST"])
@role_required(SystemRole.ADMINISTRATOR, SystemRole.COORDINATOR)
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(
        request.POST or None, instance=Organisation.objects.get(pk=pk), initial={"revision": organisation.revision}
    )
    conflict_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation,
                data=form.cleaned_data,
                revision=form.cleaned_data["revision"],
                acting_user=_acting_user(request),
            )
        except EditConflict as conflict:
            conflict_rows = show_both_versions(
                form, request, conflict, theirs=lambda current: {name: getattr(current, name) for name in form.fields}
            )
        else:
            messages.success(request, _("The changes to %(name)s were saved.") % {"name": form.cleaned_data["name"]})
            return redirect("accounts:organisation_list")
    return render(
        request,
        "accounts/organisation_form.html",
        {"form": form, "organisation": organisation, "conflict_rows": conflict_rows},
    )


# Users -------------------------------------------------------------------------------------------


@require_GET
@role_required(SystemRole.ADMINISTRATOR)
def user_list(request: HttpRequest) -> HttpResponse:
    users = (
        User.objects.select_related("organisation")
        .prefetch_related("role_grants")
        .order_by("last_name", "first_name", "pk")
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    role_labels = dict(SystemRole.choices)
    rows = [
        {
            "user": user,
            "personal_code": services.masked_personal_code(user.personal_code),
            "roles": [role_labels[grant.role] for grant in user.role_grants.all() if grant.role in role_labels],
        }
        for user in page
    ]
    # People's details, even masked, are personal data: the list names whom it showed.
    record_request(
        request,
        action=Action.LIST,
        purpose=Purpose.ADMINISTRATION,
        object_type=User,
        object_ids=[user.pk for user in page],
    )
    return render(request, "accounts/user_list.html", {"page": page, "rows": rows})


@require_http_methods(["GET", "POST"])
@role_required(SystemRole.ADMINISTRATOR)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None, acting_user=_acting_user(request))
    if request.method == "POST" and form.is_valid():
        user = services.user_create(data=form.cleaned_data, acting_user=_acting_user(request))
        messages.success(request, _("The account of %(name)s was created.") % {"name": user})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "person": None})


@require_http_methods(["GET", "POST"])
@role_required(SystemRole.ADMINISTRATOR)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    form = UserForm(
        request.POST or None,
        instance=User.objects.get(pk=pk),
        initial={"revision": person.revision},
        acting_user=_acting_user(request),
    )
    conflict_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.user_update(
                user=person,
                data=form.cleaned_data,
                revision=form.cleaned_data["revision"],
                acting_user=_acting_user(request),
            )
        except EditConflict as conflict:
            conflict_rows = show_both_versions(form, request, conflict, theirs=_user_values)
            # The comparison shows the account as saved now, personal code included.
            record_request(request, action=Action.READ, purpose=Purpose.ADMINISTRATION, obj=conflict.current)
        else:
            messages.success(request, _("The account of %(name)s was saved.") % {"name": person})
            return redirect("accounts:user_list")
    if request.method == "GET":
        # The form shows the whole personal code.
        record_request(request, action=Action.READ, purpose=Purpose.ADMINISTRATION, obj=person)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "person": person,
            "has_password": person.has_usable_password(),
            "conflict_rows": conflict_rows,
        },
    )


def _user_values(person: User) -> dict[str, Any]:
    """The account as it is saved now, in the user form's terms."""
    values = {name: getattr(person, name) for name in services.USER_FIELDS}
    return values | {"roles": sorted(person.role_grants.values_list("role", flat=True))}
