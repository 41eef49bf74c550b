"""The integrated chronology pages: the merged table, entries with their history, duplicates and disputes.

Every object is fetched through `chronology.access` (or `reviews.access.get_review_for`), which
decides access and audits the read; changes go through `chronology.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.concurrency import STALE_ACTION, EditConflict, show_conflict
from core.forms import add_service_errors, interface_language
from reviews.models import Review
from submissions.models import Submission

from . import access, services
from .fields import Vocabularies
from .forms import ChronologyFilterForm, DisputeForm, DisputeResolveForm, DuplicateDecisionForm, EntryForm
from .merge import describe_pair
from .models import (
    ENTRY_FIELDS,
    ChronologyEntry,
    DatePrecision,
    Dispute,
    DuplicateLink,
    EntryRevision,
    YesNoUnknown,
)

PAGE_SIZE = 100
DUPLICATES_PAGE_SIZE = 25


# --- shared helpers -------------------------------------------------------------------------------------------


def _organisations(review: Review) -> dict[str, str]:
    """The review's organisation codes and names, by code."""
    return {
        code: name
        for code, name in review.involvements.order_by("code").values_list("code", "organisation__name")  # type: ignore[attr-defined]
    }


class Vocabulary:
    """The labels of a review's method version in the page's language."""

    def __init__(self, review: Review):
        content = review.method_version.data
        language = interface_language()
        self.event_types = content.choices("event_types", language)
        self.concerns = content.choices("concerns", language)
        self.event_type_labels = dict(self.event_types)
        self.concern_labels = dict(self.concerns)


def _url_or_none(name: str, **kwargs: Any) -> str | None:
    """A page of another area that may not exist yet in this installation."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _label_rows(rows: Any, vocabulary: Vocabulary) -> None:
    for row in rows:
        row.event_type_label = vocabulary.event_type_labels.get(row.event_type, row.event_type)
        row.concern_label = vocabulary.concern_labels.get(row.concern, row.concern) if row.concern else ""


# --- the integrated chronology --------------------------------------------------------------------------------


def filtered_entries(review: Review, filters: dict[str, Any]) -> QuerySet[ChronologyEntry]:
    """The review's integrated chronology with the filters applied, in date order.

    Entries merged into another are shown with it, not on their own; the organisation filter finds
    a merged entry through any of its sources. A period keeps an uncertain date whose interval
    overlaps it."""
    rows = ChronologyEntry.objects.filter(review=review).integrated().filter(merged_into__isnull=True)
    if code := filters.get("organisation"):
        merged_from = ChronologyEntry.objects.filter(
            review=review, organisation=code, is_active=True, merged_into__isnull=False
        ).values("merged_into_id")
        rows = rows.filter(Q(organisation=code) | Q(pk__in=merged_from))
    if event_type := filters.get("event_type"):
        rows = rows.filter(event_type=event_type)
    if concern := filters.get("concern"):
        rows = rows.filter(concern=concern)
    if start := filters.get("period_from"):
        rows = rows.filter(date_latest__gte=start)
    if end := filters.get("period_until"):
        rows = rows.filter(date_earliest__lte=end)
    if filters.get("key_events"):
        rows = rows.filter(key_event=True)
    if child_seen := filters.get("child_seen"):
        rows = rows.filter(child_seen=child_seen)
    if child_views := filters.get("child_views"):
        rows = rows.filter(child_views_recorded=child_views)
    return rows.in_order()


def _with_sources(rows: QuerySet[ChronologyEntry]) -> QuerySet[ChronologyEntry]:
    """What a row of the table shows besides itself, in a fixed number of queries."""
    return rows.select_related("submission").prefetch_related(
        Prefetch(
            "merged_entries",
            queryset=ChronologyEntry.objects.filter(is_active=True)
            .select_related("submission")
            .order_by("organisation", "pk"),
            to_attr="other_sources",
        ),
        Prefetch("disputes", queryset=Dispute.objects.filter(status=Dispute.Status.OPEN), to_attr="open_disputes"),
    )


DECISION_KINDS = {
    "merge": gettext_lazy("merged duplicates"),
    "not_duplicate": gettext_lazy("entries found not to be duplicates"),
    "dispute": gettext_lazy("disputed entries"),
    "detection": gettext_lazy("a decided pattern detection"),
    "episode": gettext_lazy("a key practice episode"),
}


def _decision_link(review: Review, decision: dict[str, Any]) -> str | None:
    kind = decision.get("kind")
    if kind in ("merge", "not_duplicate"):
        return reverse("chronology:duplicates", kwargs={"pk": review.pk}) + "?show=decided"
    if kind == "dispute":
        return reverse("chronology:disputes", kwargs={"pk": review.pk})
    if kind == "detection":
        return _url_or_none("detections:detail", pk=decision.get("id"))
    if kind == "episode":
        return _url_or_none("analysis:episodes", pk=review.pk)
    return None


def _resubmission_notices(review: Review) -> list[dict[str, Any]]:
    """The latest resubmissions that took entries out, with the decisions that rested on them."""
    submissions = list(
        Submission.objects.filter(review=review, removed_count__gt=0)
        .select_related("request__involvement")
        .order_by("-submitted_at", "-pk")[:10]
    )
    removed: dict[int, list[tuple[int, str]]] = {}
    for submission_id, pk, ref in ChronologyEntry.objects.filter(
        removed_by__in=[submission.pk for submission in submissions]
    ).values_list("removed_by_id", "pk", "entry_ref"):
        removed.setdefault(submission_id, []).append((pk, ref))
    notices = []
    for submission in submissions:
        notices.append(
            {
                "submission": submission,
                "organisation": submission.request.involvement.code,
                "removed_refs": submission.removed_refs,
                "removed_entries": sorted(removed.get(submission.pk, []), key=lambda item: item[1]),
                "decisions": [
                    {
                        "kind": DECISION_KINDS.get(decision.get("kind"), decision.get("kind")),
                        "refs": ", ".join(decision.get("entry_refs", [])),
                        "url": _decision_link(review, decision),
                    }
                    for decision in submission.affected_decisions
                ],
            }
        )
    return notices


@login_required
@require_safe
def integrated(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request, pk, queryset=Review.objects.select_related("method_version"))
    vocabulary = Vocabulary(review)
    organisations = _organisations(review)
    form = ChronologyFilterForm(
        request.GET or None,
        organisations=[(code, f"{code} – {name}") for code, name in organisations.items()],
        event_types=vocabulary.event_types,
        concerns=vocabulary.concerns,
    )
    filters = form.filters()
    paginator = Paginator(_with_sources(filtered_entries(review, filters)), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _label_rows(rows, vocabulary)
    shown = [row.pk for row in rows] + [other.pk for row in rows for other in row.other_sources]  # type: ignore[attr-defined]
    access.record_list(request, review, ChronologyEntry, shown)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "chronology/integrated.html",
        {
            "case_data": True,
            "review": review,
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "rows": rows,
            "organisations": organisations,
            "query": query.urlencode(),
            "notices": _resubmission_notices(review),
            "open_duplicates": DuplicateLink.objects.filter(
                review=review, status=DuplicateLink.Status.SUGGESTED
            ).count(),
            "open_disputes": Dispute.objects.filter(review=review, status=Dispute.Status.OPEN).count(),
            "may_edit": access.may_edit_chronology(request.user, review),
            "timeline_url": _url_or_none("chronology:timeline", pk=review.pk),
        },
    )


# --- one entry ------------------------------------------------------------------------------------------------


def _field_label(name: str) -> str:
    return str(ChronologyEntry._meta.get_field(name).verbose_name)


def _shown_value(name: str, value: Any, vocabulary: Vocabulary) -> str:
    """A field's value from the history as the page shows it."""
    if value in (None, "", []):
        return "–"
    if name in ("date_earliest", "date_latest"):
        return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "; ".join(str(part) for part in value)
    if name == "time":
        return str(value)[:5]
    if name == "date_precision":
        return str(DatePrecision(value).label) if value in DatePrecision.values else str(value)
    if name in ("child_seen", "child_views_recorded"):
        return str(YesNoUnknown(value).label) if value in YesNoUnknown.values else str(value)
    if name == "event_type":
        return vocabulary.event_type_labels.get(value, value)
    if name == "concern":
        return vocabulary.concern_labels.get(value, value)
    return str(value)


def _history(revisions: list[EntryRevision], vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """Each version with what changed from the one before, field by field."""
    history = []
    previous: dict[str, Any] | None = None
    for revision in revisions:
        changes = []
        if previous is not None:
            for name in ENTRY_FIELDS:
                before, after = previous.get(name), revision.values.get(name)
                if before != after:
                    changes.append(
                        {
                            "label": _field_label(name),
                            "before": _shown_value(name, before, vocabulary),
                            "after": _shown_value(name, after, vocabulary),
                        }
                    )
        history.append({"revision": revision, "changes": changes, "first": previous is None})
        previous = revision.values
    return history


@login_required
@require_safe
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    row = access.get_entry_for(request, pk)
    review = row.review
    vocabulary = Vocabulary(review)
    _label_rows([row], vocabulary)
    revisions = list(row.revisions.select_related("submission", "changed_by").order_by("revision", "pk"))  # type: ignore[attr-defined]
    other_sources = list(row.merged_entries.select_related("submission").order_by("organisation", "pk"))  # type: ignore[attr-defined]
    links = list(
        DuplicateLink.objects.filter(Q(first=row) | Q(second=row))
        .select_related("first", "second", "decided_by")
        .order_by("pk")
    )
    for link in links:
        link.other = link.second if link.first_id == row.pk else link.first  # type: ignore[attr-defined]
    disputes = list(row.disputes.prefetch_related("entries").order_by("pk"))  # type: ignore[attr-defined]
    detections = list(row.detections.order_by("start", "pk"))  # type: ignore[attr-defined]
    for detection in detections:
        detection.url = _url_or_none("detections:detail", pk=detection.pk)  # type: ignore[attr-defined]
        detection.explanation = (  # type: ignore[attr-defined]
            detection.explanations.get(interface_language()) or detection.explanations.get("et")
        )
    episodes = list(row.episodes.order_by("period_start", "pk"))  # type: ignore[attr-defined]
    return render(
        request,
        "chronology/entry.html",
        {
            "case_data": True,
            "review": review,
            "entry": row,
            "organisation_name": _organisations(review).get(row.organisation, ""),
            "history": _history(revisions, vocabulary),
            "other_sources": other_sources,
            "links": links,
            "disputes": disputes,
            "detections": detections,
            "episodes": episodes,
            "episodes_url": _url_or_none("analysis:episodes", pk=review.pk),
            "may_edit": row.is_active and access.may_edit_chronology(request.user, review),
        },
    )


def _entry_form(entry: ChronologyEntry, data: Any = None, initial: Any = None) -> EntryForm:
    review = entry.review
    vocabulary = Vocabulary(review)
    organisations = _organisations(review)
    return EntryForm(
        data,
        initial=initial,
        entry=entry,
        organisations=[(code, f"{code} – {name}") for code, name in organisations.items()],
        event_types=vocabulary.event_types,
        concerns=vocabulary.concerns,
        vocabularies=Vocabularies.from_method(review.method_version.data, organisations=list(organisations)),
    )


def _comparison(current: ChronologyEntry, yours: dict[str, Any], vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """Both versions side by side, field by field: theirs as saved now, and the one just sent."""
    theirs = current.snapshot()
    mine = {**theirs}
    for name, value in yours.items():
        mine[name] = value.isoformat() if isinstance(value, dt.date | dt.time) else value
    return [
        {
            "label": _field_label(name),
            "theirs": _shown_value(name, theirs.get(name), vocabulary),
            "yours": _shown_value(name, mine.get(name), vocabulary),
            "differs": theirs.get(name) != mine.get(name),
        }
        for name in ENTRY_FIELDS
    ]


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = access.get_entry_for(request, pk)
    if not access.may_edit_chronology(request.user, row.review):
        raise PermissionDenied
    if not row.is_active:
        messages.error(request, _("The entry is no longer in its agency's submission and cannot be corrected."))
        return redirect("chronology:entry", pk=row.pk)
    conflict = None
    form = _entry_form(row, initial=EntryForm.initial_for(row))
    if request.method == "POST":
        form = _entry_form(row, data=request.POST)
        if form.is_valid():
            try:
                services.entry_update(
                    entry=row,
                    data={**form.cleaned_data["values"], "note": form.cleaned_data["note"]},
                    base_revision=form.cleaned_data["revision"],
                    acting_user=request.user,
                )
            except services.EditConflict as error:
                current = error.current
                conflict = {
                    "current": current,
                    "rows": _comparison(current, form.cleaned_data["values"], Vocabulary(row.review)),
                }
                show_conflict(
                    form,
                    request,
                    revision=current.revision,
                    message=_(
                        "Someone else changed this entry after you opened it. Nothing was saved: compare their "
                        "version with yours below, and save again if yours should replace it."
                    ),
                )
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(request, _("The entry was corrected. Its earlier version is kept in its history."))
                return redirect("chronology:entry", pk=row.pk)
    return render(
        request,
        "chronology/entry_edit.html",
        {"case_data": True, "review": row.review, "entry": row, "form": form, "conflict": conflict},
    )


# --- duplicates -----------------------------------------------------------------------------------------------


@login_required
@require_safe
def duplicates(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request, pk, queryset=Review.objects.select_related("method_version"))
    vocabulary = Vocabulary(review)
    decided = request.GET.get("show") == "decided"
    links = DuplicateLink.objects.filter(review=review)
    if decided:
        links = (
            links.exclude(status=DuplicateLink.Status.SUGGESTED)
            .select_related("decided_by")
            .order_by("-decided_at", "-pk")
        )
    else:
        links = links.filter(status=DuplicateLink.Status.SUGGESTED).order_by(
            "first__date_earliest", "first__date_latest", "pk"
        )
    links = links.select_related("first__submission", "second__submission")
    page = Paginator(links, DUPLICATES_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _label_rows([entry for link in rows for entry in (link.first, link.second)], vocabulary)
    for link in rows:
        # Said in the reader's language (the stored reason is in the language of whoever submitted).
        label = vocabulary.event_type_labels.get(link.first.event_type, link.first.event_type)
        link.reason_text = describe_pair(  # type: ignore[attr-defined]
            link.first.to_entry(), link.second.to_entry(), link.similarity, label
        )
    access.record_list(request, review, DuplicateLink, [link.pk for link in rows])
    return render(
        request,
        "chronology/duplicates.html",
        {
            "case_data": True,
            "review": review,
            "decided": decided,
            "page": page,
            "links": rows,
            "organisations": _organisations(review),
            "may_edit": access.may_edit_chronology(request.user, review),
        },
    )


@login_required
@require_POST
def duplicate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    link = access.get_duplicate_for(request, pk)
    if not access.may_edit_chronology(request.user, link.review):
        raise PermissionDenied
    form = DuplicateDecisionForm(request.POST)
    target = reverse("chronology:duplicates", kwargs={"pk": link.review_id})
    if not form.is_valid():
        messages.error(request, _("Choose whether the entries record the same event."))
        return redirect(target)
    decision = form.cleaned_data["decision"]
    try:
        services.duplicate_decide(
            link=link,
            decision=decision,
            note=form.cleaned_data["note"],
            revision=form.cleaned_data["revision"],
            acting_user=request.user,
        )
    except EditConflict:
        # Back to the list the person was on: it shows the pair as it is now.
        messages.error(request, STALE_ACTION)
        return redirect(target + ("?show=decided" if decision == services.UNDO else ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(target)
    done = {
        services.CONFIRM: _("The entries were merged: the merged entry keeps both sources."),
        services.REJECT: _("The entries were marked as not the same event."),
        services.UNDO: _("The decision was undone: the entries are suggested as duplicates again."),
    }
    messages.success(request, done[decision])
    return redirect(target + ("?show=decided" if decision == services.UNDO else ""))


# --- disputes -------------------------------------------------------------------------------------------------


@login_required
@require_safe
def disputes(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request, pk)
    rows = list(
        Dispute.objects.filter(review=review)
        .select_related("created_by", "resolved_by")
        .prefetch_related(Prefetch("entries", queryset=ChronologyEntry.objects.order_by("date_earliest", "pk")))
        .order_by("status", "-created_at", "-pk")
    )
    access.record_list(request, review, Dispute, [row.pk for row in rows])
    return render(
        request,
        "chronology/disputes.html",
        {
            "case_data": True,
            "review": review,
            "open": [row for row in rows if row.status == Dispute.Status.OPEN],
            "resolved": [row for row in rows if row.status == Dispute.Status.RESOLVED],
            "organisations": _organisations(review),
            "may_edit": access.may_edit_chronology(request.user, review),
            "resolve_form": DisputeResolveForm(),
        },
    )


def _chosen_ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


@login_required
@require_http_methods(["GET", "POST"])
def dispute_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request, pk)
    if not access.may_edit_chronology(request.user, review):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    chosen = ChronologyEntry.objects.filter(review=review, pk__in=_chosen_ids(source.getlist("entry"))).in_order()
    if request.method == "POST":
        form = DisputeForm(request.POST, entries=chosen)
        if form.is_valid():
            try:
                services.dispute_create(
                    review=review,
                    entries=list(form.cleaned_data["entry"]),
                    note=form.cleaned_data["note"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(request, _("The entries were marked as disputed."))
                return redirect("chronology:disputes", pk=review.pk)
    else:
        form = DisputeForm(initial={"entry": [row.pk for row in chosen]}, entries=chosen)
    rows = list(chosen)
    if rows:
        access.record_list(request, review, ChronologyEntry, [row.pk for row in rows])
    return render(
        request,
        "chronology/dispute_form.html",
        {"case_data": True, "review": review, "form": form, "chosen": rows},
    )


@login_required
@require_POST
def dispute_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = access.get_dispute_for(request, pk)
    if not access.may_edit_chronology(request.user, dispute.review):
        raise PermissionDenied
    form = DisputeResolveForm(request.POST)
    if form.is_valid():
        try:
            services.dispute_resolve(
                dispute=dispute, resolution=form.cleaned_data["resolution"], acting_user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The dispute was resolved."))
    else:
        messages.error(request, _("Say how the contradiction was resolved."))
    return redirect("chronology:disputes", pk=dispute.review_id)
