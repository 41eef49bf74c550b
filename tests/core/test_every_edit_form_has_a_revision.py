"""No silent overwrite anywhere: every form of the project that edits an existing record carries the
record's revision (optimistic locking, `core.concurrency`). A new form fails here until it carries one,
or is put on the short list below of forms that only create, search, or make a one-way change that
cannot undo anyone's work."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from core.forms import RevisionField

# Forms that never write over an existing record, each with the reason.
WITHOUT_REVISION = {
    "accounts.forms.PasswordSignInForm": "signing in",
    "api.forms.TokenForm": "makes a new token (revoking one is one-way and idempotent)",
    "audit.forms.AuditSearchForm": "a search",
    "chronology.forms.ChronologyFilterForm": "a filter",
    "chronology.forms.DisputeForm": "marks a new dispute",
    "chronology.forms.DisputeResolveForm": "one-way: refused once the dispute is resolved",
    "inquiries.forms.ContributorForm": "invites a new contributor",
    "inquiries.forms.DraftForm": "makes a new draft request",
    "notifications.forms.ChildForm": "part of the notification form, guarded by the notification's revision",
    "notifications.forms.HouseholdMemberForm": "rows of the notification form, guarded by its revision",
    "notifications.forms.NotificationForm": "records a new notification (EditForm edits one)",
    "notifications.forms.ScreeningForm": "one-way: refused once the notification is screened",
    "reviews.forms.MembershipForm": "adds a team member (a membership has nothing to edit, only removal)",
    "submissions.forms.UploadForm": "a new submission",
    "workgroup.forms.ActionItemForm": "adds an action item (marking it done is one-way)",
    "workgroup.forms.DecisionForm": "adds a decision",
    "workgroup.forms.FeedbackForm": "adds feedback",
    "workgroup.forms.InvitationForm": "sends a new letter",
    "workgroup.forms.MaterialForm": "uploads a new material",
    "workgroup.forms.PilotForm": "adds a pilot",
    "workgroup.forms.ScheduleForm": "adds the year's meetings (a date that has one is left alone)",
}


def project_apps() -> list[str]:
    root = Path(settings.BASE_DIR).resolve()
    return [config.name for config in apps.get_app_configs() if Path(config.path).resolve().parent == root]


def project_forms() -> dict[str, type[forms.BaseForm]]:
    """Every form class defined in the project's apps, by dotted name."""
    get_resolver().url_patterns  # noqa: B018 - loads every view module, and the forms they use
    for name in project_apps():
        package = importlib.import_module(name)
        for module in pkgutil.iter_modules(package.__path__):
            if "form" in module.name or "view" in module.name:
                importlib.import_module(f"{name}.{module.name}")
    found: dict[str, type[forms.BaseForm]] = {}
    pending: list[type] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in project_apps():
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


def test_the_walk_finds_the_project_forms():
    found = project_forms()
    assert "workgroup.forms.MinutesForm" in found and "accounts.forms.OrganisationForm" in found
    assert len(found) > 40


def test_every_form_that_edits_a_record_carries_its_revision():
    missing = [
        name
        for name, cls in sorted(project_forms().items())
        if "revision" not in cls.base_fields and name not in WITHOUT_REVISION
    ]
    assert not missing, f"Forms editing a record without a revision (or add them to WITHOUT_REVISION): {missing}"


def test_the_revision_is_hidden_and_the_list_names_only_forms_that_exist():
    found = project_forms()
    for name, cls in found.items():
        if "revision" in cls.base_fields:
            assert isinstance(cls.base_fields["revision"].widget, forms.HiddenInput), name
    assert set(WITHOUT_REVISION) <= set(found), set(WITHOUT_REVISION) - set(found)
    assert not [name for name in WITHOUT_REVISION if "revision" in found[name].base_fields]


def test_every_model_form_edits_a_model_that_carries_a_revision():
    for name, cls in project_forms().items():
        if issubclass(cls, forms.ModelForm) and name not in WITHOUT_REVISION:
            model = cls._meta.model
            assert "revision" in {field.name for field in model._meta.get_fields()}, (name, model)


def named_views(patterns: list, namespace: str = "") -> Iterator[tuple[str, object]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from named_views(pattern.url_patterns, f"{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern.callback


def test_every_edit_page_refuses_a_stale_save():
    """Pages named `..._edit` are where records are edited: each handles the refusal of a stale save."""
    edit_pages = {name: view for name, view in named_views(get_resolver().url_patterns) if name.endswith("edit")}
    assert "workgroup:agenda_item_edit" in edit_pages and "accounts:user_edit" in edit_pages
    for name, view in edit_pages.items():
        assert "EditConflict" in inspect.getsource(inspect.unwrap(view)), name


def test_a_garbled_or_missing_revision_reads_as_none_and_is_refused_as_stale():
    field = RevisionField()
    assert [field.clean(value) for value in ("3", " 7 ", "", None, "x", "-1", "1.5")] == [3, 7] + [None] * 5
