"""Pages of the pattern detections: the review's list, one detection with its decision, a run's progress.

Reviews come through `reviews.access.get_review_for`, detections and runs through `detections.access`,
which decide access and audit the read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from analysis.models import KeyPracticeEpisode
from core.concurrency import show_conflict
from core.forms import add_service_errors, interface_language
from reviews.access import get_review_for

from . import access, services
from .forms import NEW_EPISODE, DecisionForm, LinkEpisodeForm
from .models import DetectionRun, PatternDetection


def _explanation(detection: PatternDetection, language: str) -> str:
    texts = detection.explanations or {}
    return texts.get(language) or texts.get("et") or ""


def _run_context(run: DetectionRun | None) -> dict[str, Any]:
    return {
        "run": run,
        "running": run is not None and run.status in (DetectionRun.Status.QUEUED, DetectionRun.Status.RUNNING),
        "step": services.step_label(run.step or run.status) if run is not None else "",
    }


@login_required
@require_safe
def detection_list(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request, pk, queryset=_reviews())
    language = interface_language()
    labels = services.rule_labels(review, language)
    detections = list(PatternDetection.objects.filter(review=review).select_related("decided_by", "episode"))
    current = [d for d in detections if d.is_current]
    gone = [d for d in detections if not d.is_current and d.status != PatternDetection.Status.OPEN]
    access.record_detection_list(request, review, [*current, *gone])

    def rows(items: list[PatternDetection]) -> list[dict[str, Any]]:
        return [
            {"detection": d, "rule": labels.get(d.rule, d.rule), "explanation": _explanation(d, language)}
            for d in items
        ]

    return render(
        request,
        "detections/list.html",
        {
            "case_data": True,
            "review": review,
            "rows": rows(current),
            "gone": rows(gone),
            "open_count": sum(d.status == PatternDetection.Status.OPEN for d in current),
            **_run_context(services.latest_run(review)),
        },
    )


def _reviews() -> Any:
    from reviews.models import Review

    return Review.objects.select_related("method_version")


@login_required
@require_POST
def run(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request, pk)
    services.request_run(review=review, trigger=DetectionRun.Trigger.ON_DEMAND, acting_user=request.user)
    messages.success(request, _("Detection will run again; its progress is shown below."))
    return redirect("detections:list", pk=review.pk)


@login_required
@require_safe
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_run_for(request, pk)
    return render(request, "detections/_run_status.html", {"review_id": item.review_id, **_run_context(item)})


def _detail(
    request: HttpRequest,
    detection: PatternDetection,
    *,
    decision_form: DecisionForm | None = None,
    link_form: LinkEpisodeForm | None = None,
    conflict: PatternDetection | None = None,
    status: int = 200,
) -> HttpResponse:
    review = detection.review
    language = interface_language()
    content = review.method_version.data
    episodes = list(KeyPracticeEpisode.objects.filter(review=review).order_by("period_start", "pk"))
    entries = [
        (entry, content.label("event_types", entry.event_type, language))
        for entry in services.supporting_entries(detection)
    ]
    return render(
        request,
        "detections/detail.html",
        {
            "case_data": True,
            "review": review,
            "detection": detection,
            "rule": services.rule_label(review, detection.rule, language),
            "rule_description": (content.pattern_rule(detection.rule).get("description") or {}).get(language, ""),
            "explanation": _explanation(detection, language),
            "entries": entries,
            "decision_form": decision_form or DecisionForm(initial={"revision": detection.revision}),
            "link_form": link_form or LinkEpisodeForm(episodes=episodes, initial={"revision": detection.revision}),
            "conflict": conflict,
        },
        status=status,
    )


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.get_detection_for(request, pk))


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    detection = access.get_detection_for(request, pk)
    form = DecisionForm(request.POST)
    conflict = None
    if form.is_valid():
        try:
            services.detection_decide(
                detection=detection,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                revision=form.cleaned_data["revision"],
                acting_user=request.user,
            )
        except services.EditConflict as error:
            conflict = error.current
            show_conflict(
                form,
                request,
                revision=conflict.revision,
                message=_(
                    "Someone else changed this detection after you opened it. Nothing was saved: their decision "
                    "is shown below; decide again if yours differs."
                ),
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Your decision was saved."))
            return redirect("detections:detail", pk=detection.pk)
    if conflict is not None:
        detection = conflict
    return _detail(request, detection, decision_form=form, conflict=conflict)


@login_required
@require_POST
def link_episode(request: HttpRequest, pk: int) -> HttpResponse:
    detection = access.get_detection_for(request, pk)
    episodes = KeyPracticeEpisode.objects.filter(review_id=detection.review_id).order_by("period_start", "pk")
    form = LinkEpisodeForm(request.POST, episodes=episodes)
    conflict = None
    if form.is_valid():
        try:
            linked = services.detection_link_episode(
                detection=detection,
                episode=None if form.cleaned_data["episode"] == NEW_EPISODE else form.chosen_episode(),
                revision=form.cleaned_data["revision"],
                acting_user=request.user,
            )
        except services.EditConflict as error:
            conflict = error.current
            show_conflict(
                form,
                request,
                revision=conflict.revision,
                message=_(
                    "Someone else changed this detection after you opened it. Nothing was saved: look again and retry."
                ),
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("The detection was linked to the key practice episode."))
            return redirect("detections:detail", pk=linked.pk)
    return _detail(request, conflict or detection, link_form=form, conflict=conflict)
