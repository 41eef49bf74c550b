from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from accounts.models import SystemRole
from reviews.models import READING_ROLES


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Sends each person to the page their work starts from."""
    user = request.user
    if user.has_system_role(SystemRole.COORDINATOR):
        return redirect("reviews:start")
    if user.review_memberships.filter(role__in=READING_ROLES).exists():
        return redirect("reviews:list")
    if user.has_system_role(SystemRole.METHOD_EDITOR):
        return redirect("method:list")
    if user.has_system_role(SystemRole.AUDITOR):
        return redirect("audit:search")
    if user.has_system_role(SystemRole.MANAGEMENT):
        return redirect("reviews:figures")
    if user.has_system_role(SystemRole.WORKING_GROUP):
        return redirect("workgroup:home")
    from inquiries.access import contributor_requests

    return render(request, "core/home.html", {"information_requests": contributor_requests(request)})


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """Public: the accessibility statement required of public-sector websites."""
    return render(request, "core/accessibility.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)
