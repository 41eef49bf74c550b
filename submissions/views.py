"""Pages of an agency's answer to an information request: its submissions, the file upload and its
preview, entries typed into a form, the agency report.

Every object is fetched through `submissions.access`, which decides access and audits the read;
changes go through `submissions.services`.
"""

from __future__ import annotations

import io
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from chronology.dates import written_day
from chronology.entry import Entry, Precision
from chronology.exchange import Problem
from core.concurrency import show_both_versions
from core.files import CHRONOLOGY_FILE_EXTENSIONS, attachment_response, verified_content_type
from core.forms import add_service_errors, interface_language
from inquiries.models import InformationRequest, Involvement

from . import access, checking, services
from .forms import DraftEntryForm, ReportForm, UploadForm
from .models import AgencyReport, DraftEntry, Submission


def _base(information_request: InformationRequest, **extra: Any) -> dict[str, Any]:
    return {
        "case_data": True,
        "item": information_request,
        "involvement": information_request.involvement,
        **extra,
    }


def _problem_row(problem: Problem) -> dict[str, Any]:
    return {"row": problem.row, "column": problem.column, "message": problem.message}


# --- the request's submission page --------------------------------------------------------------------------


@login_required
@require_safe
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    information_request, submissions = access.list_for_request(
        request,
        pk,
        model=Submission,
        rows=lambda item: item.submissions.select_related("submitted_by").order_by("-number"),
    )
    may_submit = access.may_submit(request.user, information_request)
    report = AgencyReport.objects.filter(request=information_request).first()
    return render(
        request,
        "submissions/request.html",
        _base(
            information_request,
            status=information_request.status(),
            status_label=information_request.status_label(),
            latest=submissions[0] if submissions else None,
            earlier=submissions[1:],
            may_submit=may_submit,
            report=report,
            draft_count=information_request.draft_entries.count() if may_submit else 0,  # type: ignore[attr-defined]
        ),
    )


# --- upload and preview -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    information_request = access.get_request_for(request, pk, submit=True)
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                preview = services.preview_create(
                    information_request=information_request,
                    upload=form.cleaned_data["file"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                return redirect("submissions:preview", key=preview.key)
    return render(request, "submissions/upload.html", _base(information_request, form=form))


def _date_text(entry: Entry) -> str:
    """The date as the contributor wrote it, in the Estonian way (04.03.2019, 03.2019, 2019)."""
    day = written_day(entry.date)
    if entry.date.precision == Precision.DAY:
        return day.strftime("%d.%m.%Y")
    if entry.date.precision == Precision.MONTH:
        return day.strftime("%m.%Y")
    return f"{day.year:04d}"


def _based_on(request: HttpRequest) -> int | None:
    """The newest submission the preview showed its changes against (None when the form did not say)."""
    try:
        return int(request.POST["based_on"])
    except (KeyError, ValueError):
        return None


def entry_rows(entries: tuple[Entry, ...] | list[Entry], content: Any, language: str) -> list[dict[str, Any]]:
    yes_no = {"yes": _("Yes"), "no": _("No"), "unknown": _("Unknown")}
    return [
        {
            "entry_ref": entry.entry_ref,
            "date": _date_text(entry),
            "approximate": entry.date.approximate,
            "time": entry.time.strftime("%H:%M") if entry.time else "",
            "event_type": content.label("event_types", entry.event_type, language),
            "concern": content.label("concerns", entry.concern, language) if entry.concern else "",
            "description": entry.description,
            "child_seen": yes_no[str(entry.child_seen)],
            "key_event": entry.key_event,
        }
        for entry in entries
    ]


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, key: UUID) -> HttpResponse:
    upload_preview = access.get_preview_for(request, key)
    information_request = upload_preview.request
    if request.method == "POST":
        try:
            submission = services.preview_submit(
                preview=upload_preview, acting_user=request.user, based_on=_based_on(request)
            )
        except services.NotValid:
            pass  # the page below shows every error again
        except services.EditConflict:
            messages.error(
                request,
                _(
                    "Another submission of this chronology was stored after you opened this page, so what "
                    "submitting this file changes is not what the page showed. Nothing was stored: check the "
                    "changes below and submit again."
                ),
            )
            return redirect("submissions:preview", key=upload_preview.key)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("submissions:request", pk=information_request.pk)
        else:
            messages.success(
                request,
                _("Thank you. The chronology was submitted: %(count)s entries.") % {"count": submission.entry_count},
            )
            return redirect("submissions:detail", pk=submission.pk)
    result = checking.preview_result(upload_preview)  # as checked at upload: the file is not read again
    context = _base(information_request, preview=upload_preview, ok=result.ok)
    if not result.ok:
        context["problems"] = [_problem_row(problem) for problem in result.errors]
    else:
        review = information_request.involvement.review
        entries = result.entries
        changes = checking.changes_against_current(information_request, entries)
        period = checking.period_of(entries)
        context.update(
            entry_count=len(entries),
            period_start=period[0] if period else None,
            period_end=period[1] if period else None,
            changes=changes,
            decisions=[
                checking.decision_text(decision, detailed=access.reads_the_review(request.user, information_request))
                for decision in changes.affected_decisions
            ],
            rows=entry_rows(entries[: checking.PREVIEW_ROWS], review.method_version.data, interface_language()),
            shown=min(len(entries), checking.PREVIEW_ROWS),
            based_on=services.latest_submission_number(information_request),
        )
    return render(request, "submissions/preview.html", context)


# --- submissions --------------------------------------------------------------------------------------------


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = access.get_submission_for(request, pk)
    information_request = submission.request
    return render(
        request,
        "submissions/detail.html",
        _base(
            information_request,
            submission=submission,
            decisions=[
                checking.decision_text(decision, detailed=access.reads_the_review(request.user, information_request))
                for decision in submission.affected_decisions
            ],
        ),
    )


@login_required
@require_safe
def download(request: HttpRequest, pk: int) -> HttpResponse:
    submission = access.get_submission_for(request, pk, action="export")
    if not submission.file:
        raise Http404
    # Read through the storage API (files may live in object storage); at most 10 MB.
    with submission.file.open("rb") as handle:
        data = handle.read()
    name = submission.filename or "chronology"
    content_type = verified_content_type(name, io.BytesIO(data), allowed=CHRONOLOGY_FILE_EXTENSIONS)
    return attachment_response(data, name=name, content_type=content_type)


# --- entries typed into the form ----------------------------------------------------------------------------


def _organisation_choices(information_request: InformationRequest) -> list[tuple[str, str]]:
    involvements = Involvement.objects.filter(review_id=information_request.involvement.review_id).select_related(
        "organisation"
    )
    return [(row.code, f"{row.code} – {row.organisation.name}") for row in involvements.order_by("code")]


def _entry_form(information_request: InformationRequest, *args: Any, **kwargs: Any) -> DraftEntryForm:
    content = information_request.involvement.review.method_version.data
    language = interface_language()
    return DraftEntryForm(
        *args,
        event_types=content.choices("event_types", language),
        concerns=content.choices("concerns", language),
        organisations=_organisation_choices(information_request),
        **kwargs,
    )


def _field_label(key: str) -> str:
    if key == "organisation":
        return _("Organisation")
    field = DraftEntryForm.base_fields.get(key)
    return str(field.label) if field is not None else key


def _entries_page(
    request: HttpRequest,
    information_request: InformationRequest,
    drafts: list[DraftEntry],
    problems: tuple[Problem, ...] = (),
    status: int = 200,
) -> HttpResponse:
    by_index: dict[int, list[dict[str, str]]] = {}
    general: list[str] = []
    first_with_ref: dict[str, int] = {}
    for index, draft in enumerate(drafts):
        first_with_ref.setdefault(draft.values.get("entry_ref", ""), index)
    for problem in problems:
        if problem.index is None or problem.index >= len(drafts):
            general.append(problem.message)
            continue
        message = problem.message
        ref = drafts[problem.index].values.get("entry_ref", "")
        if problem.field == "entry_ref" and ref and first_with_ref.get(ref, problem.index) < problem.index:
            # The checker counts API entries from 0; the table names the entry by its row instead.
            message = _(
                "The entry in row %(row)s of this table has the same entry reference; each entry needs its own."
            ) % {"row": first_with_ref[ref] + 1}
        by_index.setdefault(problem.index, []).append({"field": _field_label(problem.field), "message": message})
    content = information_request.involvement.review.method_version.data
    language = interface_language()
    rows = [
        {
            "draft": draft,
            "event_type": content.label("event_types", draft.values.get("event_type", ""), language)
            if draft.values.get("event_type")
            else "",
            "problems": by_index.get(index, []),
        }
        for index, draft in enumerate(drafts)
    ]
    has_current = information_request.entries.filter(is_active=True).exists()  # type: ignore[attr-defined]
    return render(
        request,
        "submissions/entries.html",
        _base(
            information_request,
            rows=rows,
            general=general,
            failed=bool(problems),
            problem_count=len(problems),
            has_current=has_current,
        ),
        status=status,
    )


def _drafts(item: InformationRequest) -> Any:
    return item.draft_entries.order_by("pk")  # type: ignore[attr-defined]


@login_required
@require_safe
def entries(request: HttpRequest, pk: int) -> HttpResponse:
    information_request, drafts = access.list_for_request(request, pk, model=DraftEntry, rows=_drafts, submit=True)
    return _entries_page(request, information_request, drafts)


@login_required
@require_POST
def entries_submit(request: HttpRequest, pk: int) -> HttpResponse:
    information_request, drafts = access.list_for_request(request, pk, model=DraftEntry, rows=_drafts, submit=True)
    try:
        submission = services.drafts_submit(information_request=information_request, acting_user=request.user)
    except services.NotValid as invalid:
        return _entries_page(request, information_request, drafts, invalid.problems)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("submissions:entries", pk=information_request.pk)
    messages.success(
        request, _("Thank you. The chronology was submitted: %(count)s entries.") % {"count": submission.entry_count}
    )
    return redirect("submissions:detail", pk=submission.pk)


@login_required
@require_POST
def entries_start(request: HttpRequest, pk: int) -> HttpResponse:
    information_request = access.get_request_for(request, pk, submit=True)
    count = services.drafts_from_current(information_request=information_request, acting_user=request.user)
    if count:
        messages.success(
            request,
            _("%(count)s entries of the current submission were copied into the form. Correct them and submit again.")
            % {"count": count},
        )
    else:
        messages.info(
            request, _("There were no entries to copy: they are in the form already, or nothing has been submitted.")
        )
    return redirect("submissions:entries", pk=information_request.pk)


def _entry_form_page(
    request: HttpRequest,
    information_request: InformationRequest,
    form: DraftEntryForm,
    draft: DraftEntry | None,
    conflict_rows: Any = None,
) -> HttpResponse:
    return render(
        request,
        "submissions/entry_form.html",
        _base(information_request, form=form, draft=draft, conflict_rows=conflict_rows),
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    information_request = access.get_request_for(request, pk, submit=True)
    form = _entry_form(information_request)
    if request.method == "POST":
        form = _entry_form(information_request, request.POST)
        if form.is_valid():
            services.draft_save(
                information_request=information_request, data=form.cleaned_data, acting_user=request.user
            )
            messages.success(request, _("The entry was added. It is submitted with the others when you submit them."))
            return redirect("submissions:entries", pk=information_request.pk)
    return _entry_form_page(request, information_request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = access.get_draft_for(request, pk)
    information_request = draft.request
    form = _entry_form(information_request, initial=DraftEntryForm.initial_from(draft.values, draft.revision))
    conflict_rows = None
    if request.method == "POST":
        form = _entry_form(information_request, request.POST)
        if form.is_valid():
            try:
                services.draft_save(
                    information_request=information_request,
                    draft=draft,
                    data=form.cleaned_data,
                    revision=form.cleaned_data.get("revision") or 0,
                    acting_user=request.user,
                )
            except services.EditConflict as error:
                if error.current is None:
                    messages.error(request, _("Someone else deleted this entry in the meantime. Nothing was saved."))
                    return redirect("submissions:entries", pk=information_request.pk)
                conflict_rows = show_both_versions(
                    form,
                    request,
                    error,
                    theirs=lambda current: DraftEntryForm.initial_from(current.values, current.revision),
                    message=_(
                        "Someone else changed this entry after you opened it. Nothing was saved: compare their "
                        "version below with yours and save again."
                    ),
                )
            else:
                messages.success(request, _("The entry was saved."))
                return redirect("submissions:entries", pk=information_request.pk)
    return _entry_form_page(request, information_request, form, draft, conflict_rows)


@login_required
@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    draft = access.get_draft_for(request, pk)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = draft.revision
    try:
        services.draft_delete(draft=draft, revision=revision, acting_user=request.user)
    except services.EditConflict:
        messages.error(request, _("Someone else changed this entry after you opened the page. It was not deleted."))
    else:
        messages.success(request, _("The entry was deleted."))
    return redirect("submissions:entries", pk=draft.request_id)


# --- the agency report --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    information_request = access.get_request_for(request, pk)
    may_submit = access.may_submit(request.user, information_request)
    current = services.report_for(information_request)
    conflict_rows = None
    form = ReportForm(initial=_report_initial(current))
    if request.method == "POST":
        if not may_submit:
            raise PermissionDenied
        form = ReportForm(request.POST)
        if form.is_valid():
            submit = request.POST.get("action") == "submit"
            try:
                services.report_save(
                    information_request=information_request,
                    data=form.cleaned_data,
                    revision=form.cleaned_data.get("revision") or 0,
                    submit=submit,
                    acting_user=request.user,
                )
            except services.EditConflict as error:
                conflict_rows = show_both_versions(
                    form,
                    request,
                    error,
                    theirs=_report_initial,
                    message=_(
                        "Someone else saved the agency report after you opened it. Nothing was saved: compare "
                        "their version below with yours and save again."
                    ),
                )
            except ValidationError as error:
                add_service_errors(error, form)
            else:
                messages.success(
                    request,
                    _("The agency report was submitted to the review.")
                    if submit
                    else _("The agency report was saved."),
                )
                return redirect("submissions:report", pk=information_request.pk)
    return render(
        request,
        "submissions/report.html",
        _base(
            information_request,
            report=current,
            form=form,
            may_submit=may_submit,
            conflict_rows=conflict_rows,
            fields=[(form[name].label, name) for name in services.REPORT_FIELDS],
            report_values=[(form[name].label, getattr(current, name)) for name in services.REPORT_FIELDS],
        ),
    )


def _report_initial(report: Any) -> dict[str, Any]:
    return {name: getattr(report, name) for name in services.REPORT_FIELDS} | {"revision": report.revision}
