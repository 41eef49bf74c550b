"""The auditor's view of the audit log: search, one event, CSV export. Each view is itself audited.

Audit events are named by their sequence number (not the table's primary key), in URLs and in the
`object_ids` of the events that record an auditor's reading of the log.
"""

from __future__ import annotations

import csv
import json
from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.models import SystemRole
from core.access import role_required

from .forms import AuditSearchForm, object_type_names
from .log import record_request
from .models import Action, AuditEvent, Purpose

PAGE_SIZE = 50
# Beyond this an export is cut short and the auditor is asked to narrow the search.
EXPORT_LIMIT = 10_000
# A list event's object ids shown in a results row; the event page shows them all.
IDS_SHOWN = 5
AUDIT_EVENT_TYPE = "audit.auditevent"


@require_safe
@role_required(SystemRole.AUDITOR)
def search(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET)
    page = None
    rows: list[AuditEvent] = []
    if form.is_valid():
        page = Paginator(form.search(), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        labels = object_type_names()
        for row in rows:
            row.object_type_label = labels.get(row.object_type, row.object_type)  # type: ignore[attr-defined]
            row.ids_shown = row.object_ids[:IDS_SHOWN]  # type: ignore[attr-defined]
            row.ids_more = max(len(row.object_ids) - IDS_SHOWN, 0)  # type: ignore[attr-defined]
        record_request(
            request,
            action=Action.LIST,
            purpose=Purpose.AUDIT,
            object_type=AUDIT_EVENT_TYPE,
            object_ids=[row.sequence for row in rows],
            detail={"filters": form.filters(), "page": page.number},
        )
    return render(
        request,
        "audit/search.html",
        {"form": form, "page": page, "rows": rows, "searched": bool(form.filters()), "case_data": True},
    )


@require_safe
@role_required(SystemRole.AUDITOR)
def event_detail(request: HttpRequest, sequence: int) -> HttpResponse:
    event = get_object_or_404(AuditEvent, sequence=sequence)
    record_request(
        request, action=Action.READ, purpose=Purpose.AUDIT, object_type=AUDIT_EVENT_TYPE, object_ids=[sequence]
    )
    return render(
        request,
        "audit/event.html",
        {
            "event": event,
            "object_type_label": object_type_names().get(event.object_type, event.object_type),
            "detail_json": json.dumps(event.detail, indent=2, ensure_ascii=False, sort_keys=True),
            "case_data": True,
        },
    )


def csv_cell(value: Any) -> str:
    """A cell that a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


@require_safe
@role_required(SystemRole.AUDITOR)
def export(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        # The search page shows what is wrong with the search.
        return redirect(reverse("audit:search") + "?" + request.GET.urlencode())
    events = list(form.search()[: EXPORT_LIMIT + 1])
    truncated = len(events) > EXPORT_LIMIT
    events = events[:EXPORT_LIMIT]
    labels = object_type_names()
    with transaction.atomic():
        record_request(
            request,
            action=Action.EXPORT,
            purpose=Purpose.AUDIT,
            object_type=AUDIT_EVENT_TYPE,
            object_ids=[event.sequence for event in events],
            detail={"filters": form.filters(), "rows": len(events), "truncated": truncated},
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    response.write("\ufeff")  # so that spreadsheets read the file as UTF-8 (Estonian letters)
    writer = csv.writer(response)
    # The same marking as the banner on every page that shows case data.
    writer.writerow(["AK – " + _("asutusesiseseks kasutamiseks (for internal use only)")])
    if truncated:
        writer.writerow(
            [_("Only the newest %(limit)s events are included. Narrow the search.") % {"limit": EXPORT_LIMIT}]
        )
    writer.writerow(
        [
            _("Sequence"),
            _("Time"),
            _("Person"),
            _("Action"),
            _("Object type"),
            _("Object id"),
            _("Object ids shown"),
            _("Purpose"),
            _("Review id"),
            _("Request id"),
            _("Address"),
            _("Details"),
        ]
    )
    for event in events:
        writer.writerow(
            csv_cell(value)
            for value in (
                event.sequence,
                timezone.localtime(event.at).strftime("%d.%m.%Y %H:%M:%S"),
                event.actor_label or _("System"),
                event.get_action_display(),
                labels.get(event.object_type, event.object_type),
                event.object_id,
                " ".join(map(str, event.object_ids)),
                event.get_purpose_display(),
                event.review_id,
                event.request_id,
                event.path,
                json.dumps(event.detail, ensure_ascii=False, sort_keys=True) if event.detail else "",
            )
        )
    return response
