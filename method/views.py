"""The method editor: versions, reading a version, editing a draft's sections, differences, publishing.

Method editors change the method; coordinators may read it. Every page writes an audit event with
the purpose "method".
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import SystemRole
from audit.log import record_request
from audit.models import Action, Purpose
from core.access import role_required

from .forms import CorrectionForm, PublishForm, SectionForm
from .loader import SECTION_ORDER, MethodContentError, validate_content
from .models import MethodVersion
from .presentation import SECTION_TITLES, read_from_newer, section_diffs, section_views, text_diff
from .services import (
    MethodDraftExists,
    MethodEditConflict,
    MethodServiceError,
    method_correction_apply,
    method_draft_create,
    method_draft_discard,
    method_publish,
    method_section_update,
    normalise_yaml,
    section_to_yaml,
)

# The working group develops and tests the method, so its members read it too.
READ_ROLES = (SystemRole.METHOD_EDITOR, SystemRole.COORDINATOR, SystemRole.WORKING_GROUP)
EDIT_ROLES = (SystemRole.METHOD_EDITOR,)


def _version(number: int) -> MethodVersion:
    return get_object_or_404(MethodVersion.objects.select_related("created_by", "published_by"), number=number)


def _can_edit(request: HttpRequest) -> bool:
    return request.user.has_system_role(*EDIT_ROLES)  # type: ignore[union-attr]


@require_safe
@role_required(*READ_ROLES)
def version_list(request: HttpRequest) -> HttpResponse:
    versions = list(MethodVersion.objects.select_related("created_by", "published_by").order_by("-number"))
    current = next((v for v in versions if v.is_published), None)
    draft = next((v for v in versions if not v.is_published), None)
    record_request(
        request,
        action=Action.LIST,
        purpose=Purpose.METHOD,
        object_type=MethodVersion,
        object_ids=[v.pk for v in versions],
    )
    return render(
        request,
        "method/version_list.html",
        {"versions": versions, "current": current, "draft": draft, "can_edit": _can_edit(request)},
    )


@require_POST
@role_required(*EDIT_ROLES)
def draft_create(request: HttpRequest) -> HttpResponse:
    try:
        draft = method_draft_create(acting_user=request.user)
    except MethodDraftExists as error:
        messages.error(request, error.message)
        return redirect("method:detail", number=error.draft.number)
    except MethodVersion.DoesNotExist:
        messages.error(request, _("There is no published version to start a draft from."))
        return redirect("method:list")
    messages.success(
        request,
        _("Draft version %(number)s was created from version %(base)s.")
        % {"number": draft.number, "base": draft.based_on.number if draft.based_on else "—"},
    )
    return redirect("method:detail", number=draft.number)


def _render_detail(
    request: HttpRequest, version: MethodVersion, *, publish_form: PublishForm | None = None, status: int = 200
) -> HttpResponse:
    can_edit = _can_edit(request) and not version.is_published
    if can_edit and publish_form is None:
        publish_form = PublishForm(initial={"revision": version.revision})
    context: dict[str, Any] = {
        "version": version,
        "sections": section_views(version.content, get_language() or "et"),
        "can_edit": can_edit,
        "publish_form": publish_form if can_edit else None,
        "problems": validate_content(version.content) if not version.is_published else [],
        "is_current": version.is_published and MethodVersion.objects.current().pk == version.pk,
        "can_correct": _can_edit(request) and version.is_published,
        "corrections": version.corrections.select_related("made_by") if version.is_published else [],  # type: ignore[attr-defined]
        "read_from_newer": read_from_newer(version),
    }
    return render(request, "method/version_detail.html", context, status=status)


@require_safe
@role_required(*READ_ROLES)
def version_detail(request: HttpRequest, number: int) -> HttpResponse:
    version = _version(number)
    record_request(request, action=Action.READ, purpose=Purpose.METHOD, obj=version)
    return _render_detail(request, version)


@require_http_methods(["GET", "POST"])
@role_required(*EDIT_ROLES)
def section_edit(request: HttpRequest, number: int, section: str) -> HttpResponse:
    version = _version(number)
    if section not in SECTION_ORDER or version.is_published:
        # A published version has no edit page: it is never changed.
        raise Http404
    conflict: MethodEditConflict | None = None
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            try:
                method_section_update(
                    version=version,
                    section=section,
                    text=form.cleaned_data["text"],
                    revision=form.cleaned_data["revision"],
                    acting_user=request.user,
                )
            except MethodContentError as error:
                for problem in error.errors:
                    form.add_error("text", problem)
            except MethodEditConflict as error:
                conflict = error
                # The editor keeps their text; saving again now knowingly replaces the other save.
                data = request.POST.copy()
                data["revision"] = str(error.version.revision)
                form = SectionForm(data)
                form.is_valid()
                form.add_error(None, error.message)
            except MethodServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("The section %(section)s was saved.") % {"section": SECTION_TITLES[section]}
                )
                return redirect(f"{version_url(version)}#section-{section}")
    else:
        record_request(request, action=Action.READ, purpose=Purpose.METHOD, obj=version, detail={"section": section})
        form = SectionForm(
            initial={"text": section_to_yaml(version.content.get(section)), "revision": version.revision}
        )
    context = {
        "version": version,
        "section": section,
        "section_title": SECTION_TITLES[section],
        "form": form,
        "conflict": conflict,
        "conflict_diff": text_diff(conflict.their_text, normalise_yaml(conflict.your_text)) if conflict else [],
    }
    return render(request, "method/section_edit.html", context, status=409 if conflict else 200)


@require_http_methods(["GET", "POST"])
@role_required(*EDIT_ROLES)
def section_correct(request: HttpRequest, number: int, section: str) -> HttpResponse:
    """Correct the wording of one section of a published version in place (audited, listed on its page)."""
    version = _version(number)
    if section not in SECTION_ORDER or not version.is_published or section not in version.content:
        raise Http404
    conflict: MethodEditConflict | None = None
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                correction = method_correction_apply(
                    version=version,
                    section=section,
                    text=form.cleaned_data["text"],
                    reason=form.cleaned_data["reason"],
                    revision=form.cleaned_data["revision"],
                    acting_user=request.user,
                )
            except MethodContentError as error:
                for problem in error.errors:
                    form.add_error("text", problem)
            except MethodEditConflict as error:
                conflict = error
                data = request.POST.copy()
                data["revision"] = str(error.version.revision)
                form = CorrectionForm(data)
                form.is_valid()
                form.add_error(None, error.message)
            except MethodServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("The wording was corrected: %(count)s texts changed.") % {"count": len(correction.changes)},
                )
                return redirect(f"{version_url(version)}#corrections")
    else:
        record_request(
            request,
            action=Action.READ,
            purpose=Purpose.METHOD,
            obj=version,
            detail={"section": section, "correct": True},
        )
        form = CorrectionForm(
            initial={"text": section_to_yaml(version.content.get(section)), "revision": version.revision}
        )
    context = {
        "version": version,
        "section": section,
        "section_title": SECTION_TITLES[section],
        "form": form,
        "conflict": conflict,
        "conflict_diff": text_diff(conflict.their_text, normalise_yaml(conflict.your_text)) if conflict else [],
    }
    return render(request, "method/section_correct.html", context, status=409 if conflict else 200)


def version_url(version: MethodVersion) -> str:
    return reverse("method:detail", kwargs={"number": version.number})


@require_safe
@role_required(*READ_ROLES)
def version_diff(request: HttpRequest, number: int) -> HttpResponse:
    version = _version(number)
    previous = version.based_on or MethodVersion.objects.filter(number__lt=version.number).order_by("-number").first()
    record_request(
        request,
        action=Action.READ,
        purpose=Purpose.METHOD,
        obj=version,
        detail={"diff_from": previous.number if previous else None},
    )
    diffs = section_diffs(previous.content, version.content) if previous else []
    context = {
        "version": version,
        "previous": previous,
        "diffs": diffs,
        "changed_sections": [d for d in diffs if d.has_changes],
    }
    return render(request, "method/version_diff.html", context)


@require_POST
@role_required(*EDIT_ROLES)
def version_publish(request: HttpRequest, number: int) -> HttpResponse:
    version = _version(number)
    if version.is_published:
        messages.error(request, _("Version %(number)s is already published.") % {"number": version.number})
        return redirect("method:detail", number=version.number)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            published = method_publish(
                version=version,
                change_note=form.cleaned_data["change_note"],
                revision=form.cleaned_data["revision"],
                acting_user=request.user,
            )
        except MethodContentError as error:
            for problem in error.errors:
                form.add_error(None, problem)
        except MethodServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Version %(number)s is published. New notifications and reviews use it from now on.")
                % {"number": published.number},
            )
            return redirect("method:detail", number=published.number)
    version.refresh_from_db()
    return _render_detail(request, version, publish_form=form)


@require_POST
@role_required(*EDIT_ROLES)
def draft_discard(request: HttpRequest, number: int) -> HttpResponse:
    """Throw the draft away (the method editor); the published versions stay as they are."""
    version = _version(number)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = -1
    try:
        method_draft_discard(version=version, revision=revision, acting_user=request.user)
    except MethodServiceError as error:
        messages.error(request, error.message)
        return redirect("method:detail", number=version.number)
    messages.success(request, _("Draft version %(number)s was discarded.") % {"number": number})
    return redirect("method:list")
