"""The timeline picture and the chronology exports (XLSX now, PDF in the background).

Reviews are fetched through `reviews.access.get_review_for` and exports through
`chronology.exporting.get_export_for`: both decide access (404 for anyone who may not read the
review) and audit the read. Every file that leaves the system is recorded as an EXPORT.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from audit.log import record_request
from audit.models import Action
from core.forms import interface_language
from reviews.access import get_review_for, review_purpose
from reviews.models import Review

from . import exporting
from .models import ChronologyEntry, ChronologyExport
from .timeline import display_date, render_timeline_svg

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_EXPORTS = 10


def _review(request: HttpRequest, pk: int) -> Review:
    return get_review_for(request, pk, queryset=Review.objects.select_related("method_version"))


def _detection(request: HttpRequest, review: Review) -> Any:
    """The detection named by ?detection=, which must belong to this review (else 404), or None."""
    from detections.models import PatternDetection

    raw = request.GET.get("detection", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    detection = PatternDetection.objects.filter(review=review, pk=int(raw)).first()
    if detection is None:
        raise Http404
    return detection


@login_required
@require_safe
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    detection = _detection(request, review)
    language = interface_language()
    data = exporting.chronology_data(review, language=language)

    highlight: set[tuple[str, str]] = set()
    detection_context = None
    if detection is not None:
        supporting = ChronologyEntry.objects.filter(pk__in=detection.supporting.values("entry_id"))
        highlight = {(row.source, row.entry_ref) for row in supporting.only("pk", "request_id", "entry_ref")}
        content = review.method_version.data
        rule = content.pattern_rule(detection.rule)
        labels = rule.get("label") or {}
        explanations = detection.explanations or {}
        shown = sum((row.source, row.entry_ref) in highlight for row in data.rows)
        detection_context = {
            "object": detection,
            "rule": labels.get(language) or labels.get("et") or detection.rule,
            "explanation": explanations.get(language) or explanations.get("et") or "",
            "entry_count": len(highlight),
            "shown_count": shown,
            "key_count": sum((row.source, row.entry_ref) in highlight and row.key_event for row in data.rows),
        }

    svg = render_timeline_svg(
        data.entries,
        organisations=data.organisations,
        language=language,
        highlight=highlight,
        event_type_labels=data.event_type_labels,
        inline_style=False,
    )
    record_request(
        request,
        action=Action.LIST,
        purpose=review_purpose(request.user),
        object_type=ChronologyEntry,
        object_ids=data.entry_ids,
        review_id=review.pk,
        detail={"view": "timeline", **({"detection": detection.pk} if detection is not None else {})},
    )
    rows = None
    if len(data.rows) <= exporting.TABLE_LIMIT:
        rows = [
            {
                "date": display_date(entry.date),
                "time": entry.time.strftime("%H:%M") if entry.time else "",
                "organisation": entry.organisation,
                "organisation_name": data.names.get(entry.organisation, ""),
                "event_type": data.event_type_labels.get(entry.event_type, entry.event_type),
                "description": entry.description,
                "key_event": entry.key_event,
                "highlighted": (entry.source, entry.entry_ref) in highlight,
                "pk": row.pk,
            }
            for row, entry in zip(data.rows, data.entries, strict=True)
        ]
    return render(
        request,
        "chronology/timeline.html",
        {
            "case_data": True,
            "review": review,
            "svg": svg,
            "rows": rows,
            "entry_count": len(data.rows),
            "table_limit": exporting.TABLE_LIMIT,
            "detection": detection_context,
        },
    )


@login_required
@require_safe
def exports(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    recent = list(
        ChronologyExport.objects.filter(review=review)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")[:RECENT_EXPORTS]
    )
    record_request(
        request,
        action=Action.LIST,
        purpose=review_purpose(request.user),
        object_type=ChronologyExport,
        object_ids=[export.pk for export in recent],
        review_id=review.pk,
    )
    entry_count = ChronologyEntry.objects.filter(review=review).integrated().count()
    return render(
        request,
        "chronology/exports.html",
        {"case_data": True, "review": review, "exports": recent, "entry_count": entry_count},
    )


@login_required
@require_safe
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    out = io.BytesIO()
    exporting.xlsx_export(
        review=review,
        target=out,
        language=interface_language(),
        acting_user=request.user,
        path=request.get_full_path(),
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, exporting.export_filename(review, "xlsx"))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    export = exporting.pdf_export_request(
        review=review, language=interface_language(), acting_user=request.user, path=request.get_full_path()
    )
    messages.success(request, _("The PDF is being made. This page shows when it is ready."))
    return redirect("chronology:export", pk=export.pk)


@login_required
@require_safe
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    polling = request.headers.get("HX-Request") == "true"
    export = exporting.get_export_for(request, pk, audit=not polling)
    context = {"case_data": True, "export": export, "review": export.review}
    if polling:
        response = render(request, "chronology/_export_status.html", context)
    else:
        response = render(request, "chronology/export_detail.html", context)
    response["Vary"] = "HX-Request"
    return response


@login_required
@require_safe
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = exporting.get_export_for(request, pk, download=True)
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=exporting.export_filename(export.review, export.format, on=export.requested_at),
        content_type="application/pdf" if export.format == ChronologyExport.Format.PDF else XLSX_TYPE,
    )
    response["Cache-Control"] = "no-store"
    return response
