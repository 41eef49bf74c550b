"""Pages of the review team's analysis: key practice episodes.

Reviews come through `reviews.access.get_review_for` and episodes through `analysis.access`, which
decide access and audit the read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.concurrency import show_both_versions
from core.forms import add_service_errors, interface_language
from detections.services import rule_labels
from reviews.access import get_review_for

from . import access, services
from .forms import EpisodeForm
from .models import KeyPracticeEpisode


@login_required
@require_safe
def episodes(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request, pk)
    rows = list(KeyPracticeEpisode.objects.filter(review=review).order_by("period_start", "pk"))
    access.record_episode_list(request, review, rows)
    return render(request, "analysis/episode_list.html", {"case_data": True, "review": review, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def episode_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request, pk)
    form = EpisodeForm()
    if request.method == "POST":
        form = EpisodeForm(request.POST)
        if form.is_valid():
            try:
                episode = services.episode_create(review=review, data=form.cleaned_data, acting_user=request.user)
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(request, _("The key practice episode was added."))
                return redirect("analysis:episode", pk=episode.pk)
    return render(
        request, "analysis/episode_form.html", {"case_data": True, "review": review, "form": form, "episode": None}
    )


@login_required
@require_safe
def episode(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_episode_for(request, pk)
    language = interface_language()
    content = item.review.method_version.data
    entries = [
        (entry, content.label("event_types", entry.event_type, language))
        for entry in item.entries.all().in_order()  # type: ignore[attr-defined]
    ]
    detections = item.detections.order_by("start", "end", "rule", "pk")  # type: ignore[attr-defined]
    labels = rule_labels(item.review, language)
    return render(
        request,
        "analysis/episode_detail.html",
        {
            "case_data": True,
            "review": item.review,
            "episode": item,
            "entries": entries,
            "detections": [(detection, labels.get(detection.rule, detection.rule)) for detection in detections],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def episode_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_episode_for(request, pk)
    conflict_rows = None
    form = EpisodeForm(initial=_episode_initial(item))
    if request.method == "POST":
        form = EpisodeForm(request.POST)
        if form.is_valid():
            try:
                services.episode_update(
                    episode=item,
                    data=form.cleaned_data,
                    revision=form.cleaned_data["revision"] if form.cleaned_data["revision"] is not None else -1,
                    acting_user=request.user,
                )
            except services.EditConflict as error:
                conflict_rows = show_both_versions(
                    form,
                    request,
                    error,
                    theirs=_episode_initial,
                    message=_(
                        "Someone else saved this episode after you opened it. Nothing was saved: compare their "
                        "version below with yours and save again."
                    ),
                )
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(request, _("The key practice episode was saved."))
                return redirect("analysis:episode", pk=item.pk)
    return render(
        request,
        "analysis/episode_form.html",
        {"case_data": True, "review": item.review, "form": form, "episode": item, "conflict_rows": conflict_rows},
    )


def _episode_initial(episode: Any) -> dict[str, Any]:
    return {name: getattr(episode, name) for name in services.EPISODE_FIELDS} | {"revision": episode.revision}
