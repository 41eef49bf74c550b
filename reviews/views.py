"""Pages for reviews: the coordinator's start page, the review list and page, the team, and figures.

Every review is fetched through `reviews.access`, which decides access and audits the read.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import SystemRole
from audit.log import record_request
from audit.models import Action, Purpose
from core.access import role_required
from core.concurrency import STALE_ACTION, EditConflict
from core.dates import today
from core.forms import add_service_errors, interface_language, posted_revision
from method.models import MethodVersion
from method.presentation import read_from_newer
from notifications.access import record_notification_list
from notifications.forms import error_summary
from notifications.models import Notification, ScreeningDecision
from outbox.models import OutboundMessage

from . import access, services
from .forms import MembershipForm
from .models import Milestone, Review, ReviewMembership, ReviewRole
from .start import start_page

PAGE_SIZE = 50


@role_required(SystemRole.COORDINATOR)
@require_safe
def start(request: HttpRequest) -> HttpResponse:
    page = start_page(today=today(), language=interface_language())
    # One event per kind of record shown, so that a search by record type finds the page's reads.
    record_notification_list(request, [row.obj for row in page.rows if row.kind == "notification"])
    access.record_review_list(request, [row.obj for row in page.rows if row.kind == "review"])
    return render(request, "reviews/start.html", {"case_data": True, "page": page})


@login_required
@require_safe
def review_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        Review.objects.visible_to(request.user)
        .select_related("notification__child")
        .order_by("status", "-opened_on", "-pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    # The next deadline of the rows shown only: one query for the page, not an aggregate over every review.
    rows = list(
        page.object_list.prefetch_related(  # type: ignore[attr-defined]
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(completed_on__isnull=True).order_by("due_on", "stage_number"),
                to_attr="pending_milestones",
            )
        )
    )
    access.record_review_list(request, rows)
    versions = MethodVersion.objects.only("pk", "number", "content").in_bulk({r.method_version_id for r in rows})
    language = interface_language()
    on = today()
    return render(
        request,
        "reviews/list.html",
        {
            "case_data": True,
            "page": page,
            "rows": [_list_row(review, versions[review.method_version_id].data, language, on) for review in rows],
        },
    )


def _list_row(review: Review, content: Any, language: str, on: Any) -> dict[str, Any]:
    pending = review.pending_milestones  # type: ignore[attr-defined]
    next_due = pending[0].due_on if pending else None
    return {
        "review": review,
        "type": content.label("review_types", review.review_type, language),
        "next_due": next_due,
        "overdue": review.status == Review.Status.OPEN and next_due is not None and next_due < on,
    }


def _review_queryset() -> Any:
    return Review.objects.select_related("notification__child", "method_version", "opened_by").prefetch_related(
        "milestones",
        Prefetch("memberships", queryset=ReviewMembership.objects.select_related("user__organisation")),
    )


@login_required
@require_safe
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request, pk, _review_queryset())
    content = review.method_version.data
    language = interface_language()
    on = today()
    milestones = [
        {
            "milestone": milestone,
            "stage": content.label("stages", milestone.stage_code, language),
            "overdue": review.status == Review.Status.OPEN and milestone.is_overdue(on),
        }
        for milestone in review.milestones.all()
    ]
    is_coordinator = request.user.has_system_role(SystemRole.COORDINATOR)  # type: ignore[union-attr]
    return render(
        request,
        "reviews/detail.html",
        {
            "case_data": True,
            "review": review,
            "type": content.label("review_types", review.review_type, language),
            "method_from_newer": read_from_newer(review.method_version),
            "milestones": milestones,
            "team": _team(review, content, language),
            "is_coordinator": is_coordinator,
            # The e-mail that announced its passed deadlines, and how sending it went: for the coordinator.
            "deadline_mail": list(OutboundMessage.objects.filter(deadline_alerts__milestone__review=review).distinct())
            if is_coordinator
            else [],
            "can_complete_milestones": review.status == Review.Status.OPEN
            and access.may_manage_milestones(request.user, review),
        },
    )


@login_required
@require_POST
def milestone_update(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    """Coordinator or the review's lead reviewer marks a milestone done (today) or not done."""
    review = access.get_review_for(request, pk)
    if review.status != Review.Status.OPEN or not access.may_manage_milestones(request.user, review):
        raise PermissionDenied
    milestone = get_object_or_404(review.milestones.all(), pk=milestone_pk)
    done = request.POST.get("done") == "yes"
    try:
        services.milestone_set_completed(
            milestone=milestone,
            completed_on=today() if done else None,
            revision=posted_revision(request.POST),
            acting_user=request.user,
        )
    except EditConflict:
        # The review page shows the milestone as it is now.
        messages.error(request, STALE_ACTION)
        return redirect("reviews:detail", pk=review.pk)
    stage = review.method_version.data.label("stages", milestone.stage_code, interface_language())
    if done:
        messages.success(request, _("Stage “%(stage)s” was marked as done.") % {"stage": stage})
    else:
        messages.success(request, _("Stage “%(stage)s” was marked as not done.") % {"stage": stage})
    return redirect("reviews:detail", pk=review.pk)


def _team(review: Review, content: Any, language: str) -> list[dict[str, Any]]:
    order = list(ReviewRole.values)
    memberships = sorted(review.memberships.all(), key=lambda m: (order.index(m.role), str(m.user)))
    return [
        {"membership": m, "sector": content.sector_label(m.sector, language) if m.sector else ""} for m in memberships
    ]


@login_required
@require_http_methods(["GET", "POST"])
def review_team(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator keeps the team; the review's readers get 403, everyone else 404 (as if it did not exist)."""
    if not request.user.has_system_role(SystemRole.COORDINATOR):
        if not Review.objects.visible_to(request.user).filter(pk=pk).exists():
            raise Http404
        raise PermissionDenied
    review = access.get_review_for(request, pk, _review_queryset())
    content = review.method_version.data
    form = MembershipForm(content=content)
    if request.method == "POST":
        if request.POST.get("remove"):
            membership = get_object_or_404(review.memberships.all(), pk=request.POST["remove"])
            services.membership_remove(membership=membership, acting_user=request.user)
            messages.success(request, _("%(person)s was removed from the review.") % {"person": membership.user})
            return redirect("reviews:team", pk=review.pk)
        form = MembershipForm(request.POST, content=content)
        if form.is_valid():
            try:
                services.membership_add(
                    review=review,
                    user=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                    sector=form.cleaned_data["sector"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(
                    request, _("%(person)s was added to the review.") % {"person": form.cleaned_data["user"]}
                )
                return redirect("reviews:team", pk=review.pk)
    return render(
        request,
        "reviews/team.html",
        {
            "case_data": True,
            "review": review,
            "team": _team(review, content, interface_language()),
            "form": form,
            "errors": error_summary(("", form)),
        },
    )


# Management sees counts from 1 to SMALL_COUNT - 1 in the breakdowns as "fewer than 5": with so few
# cases a category (a cause, an outcome) can point at a child. The coordinator sees the numbers.
SMALL_COUNT = 5


@role_required(SystemRole.MANAGEMENT, SystemRole.COORDINATOR)
@require_safe
def figures(request: HttpRequest) -> HttpResponse:
    """Aggregate figures only: no references, pseudonyms or names; small counts suppressed for management."""
    content = MethodVersion.objects.current().data
    language = interface_language()
    on = today()
    suppress = not request.user.has_system_role(SystemRole.COORDINATOR)  # type: ignore[union-attr]

    def row(label: str, count: int) -> dict[str, Any]:
        small = suppress and 0 < count < SMALL_COUNT
        shown = _("fewer than %(number)s") % {"number": SMALL_COUNT} if small else str(count)
        return {"label": label, "count": count, "shown": shown, "suppressed": small}

    def counted(name: str, counts: dict[str, int]) -> list[dict[str, Any]]:
        rows = [row(content.label(name, code, language), counts.get(code, 0)) for code in content.codes(name)]
        rows += [row(code, n) for code, n in counts.items() if code not in content.codes(name)]
        return rows

    def grouped(queryset: Any, field: str) -> dict[str, int]:
        return dict(queryset.values(field).annotate(n=Count("pk")).order_by().values_list(field, "n"))

    outcomes = grouped(Notification.objects.all(), "outcome")
    causes: Counter[str] = Counter()
    for codes in Notification.objects.values_list("causes", flat=True):
        causes.update(codes or [])
    decisions = grouped(ScreeningDecision.objects.all(), "decision")
    by_type = grouped(Review.objects.all(), "review_type")
    by_status = grouped(Review.objects.all(), "status")
    overdue = Milestone.objects.filter(
        completed_on__isnull=True, due_on__lt=on, review__status=Review.Status.OPEN
    ).count()
    purpose = Purpose.COORDINATION if request.user.has_system_role(SystemRole.COORDINATOR) else Purpose.MANAGEMENT  # type: ignore[union-attr]
    record_request(request, action=Action.LIST, purpose=purpose, object_type="reviews.figures")
    return render(
        request,
        "reviews/figures.html",
        {
            "notifications_total": Notification.objects.count(),
            "outcomes": counted("outcomes", outcomes),
            "causes": counted("causes", dict(causes)),
            "decisions": counted("screening_decisions", decisions),
            "review_types": counted("review_types", by_type),
            "review_statuses": [row(str(label), by_status.get(value, 0)) for value, label in Review.Status.choices],
            "small_count": SMALL_COUNT if suppress else None,
            "overdue_milestones": overdue,
        },
    )
