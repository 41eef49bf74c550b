"""Optimistic locking, one way everywhere: a record carries a `revision`; a save based on an older
revision is refused (`EditConflict`, raised by the service with the record as it is now), and the page
shows both versions (`show_conflict`, with the rows of `compare` in the component
`components/their_version.html`), so that two people editing the same record never silently overwrite
each other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db import models
from django.db.models import F
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import format_date

# Shown for a field that holds nothing, in either version.
EMPTY = "–"

# The refusal in the error summary of a form whose record someone else saved meanwhile.
STALE_SAVE = gettext_lazy(
    "Someone else saved a change here after you opened the page. Nothing of yours was saved: compare their "
    "version with yours below, and save again if yours should replace it."
)
# The refusal of an action (remove, cancel, mark) taken on a page showing an older version of the record.
STALE_ACTION = gettext_lazy(
    "Someone else changed this after you opened the page, so nothing was done. Look at it as it is now "
    "before you try again."
)


class EditConflict(Exception):
    """Someone else saved the record after this person opened it; nothing was saved.
    `current` is the record as it is now (None when it was deleted meanwhile)."""

    def __init__(self, current: Any):
        super().__init__("edit conflict")
        self.current = current


def advance_revision(model: type[models.Model], *, pk: Any, revision: int | None, **changes: Any) -> int:
    """Raise the record's revision by one (writing `changes` with it) if it is still at `revision`, and
    return the new revision; else raise EditConflict with the record as it is now.

    Call it first inside the service's transaction: the UPDATE holds the row until the transaction ends,
    so the rest of the change cannot interleave with another save, and a refusal raised later in the
    transaction (a ValidationError) takes the step back with everything else."""
    rows = model._default_manager.filter(pk=pk)
    if revision is None or not rows.filter(revision=revision).update(revision=F("revision") + 1, **changes):
        raise EditConflict(rows.first())
    return revision + 1


def show_conflict(form: forms.BaseForm, request: HttpRequest, *, revision: int, message: str) -> None:
    """Put the refusal on the form and make its next save compare against the revision now shown
    (the person has seen the other version, so saving again is a deliberate choice)."""
    form.add_error(None, message)
    data = request.POST.copy()
    data[form.add_prefix("revision")] = str(revision)
    form.data = data


def show_both_versions(
    form: forms.BaseForm,
    request: HttpRequest,
    conflict: EditConflict,
    *,
    theirs: Any,
    message: str = "",
    fields: Iterable[str] | None = None,
) -> list[ComparedField]:
    """On a refused save: the rows comparing both versions (for `components/their_version.html`), with the
    refusal put on the form (`show_conflict`). `theirs(record)` gives the record's values as the form's
    initial; a record deleted meanwhile is not found (404)."""
    current = conflict.current
    if current is None:
        raise Http404
    rows = compare(form, theirs(current), fields=fields)
    show_conflict(form, request, revision=current.revision, message=message or str(STALE_SAVE))
    return rows


@dataclass(frozen=True)
class ComparedField:
    """One row of the comparison on a refused save."""

    label: str
    theirs: str
    yours: str

    @property
    def differs(self) -> bool:
        return self.theirs != self.yours


def compare(
    form: forms.BaseForm, theirs: Mapping[str, Any], *, fields: Iterable[str] | None = None
) -> list[ComparedField]:
    """The version saved in the meantime beside the one just sent, field by field, in the form's terms.

    `theirs` holds the record's values as it is now, shaped as the form's `initial` (the same helper that
    fills the form when the page opens gives them); the person's own are the form's cleaned data. Hidden
    fields (the revision) are left out; `fields` limits and orders the rows."""
    names = list(fields) if fields is not None else [bound.name for bound in form.visible_fields()]
    cleaned = getattr(form, "cleaned_data", {})
    rows = []
    for name in names:
        field = form.fields[name]
        rows.append(
            ComparedField(
                label=str(field.label or name),
                theirs=shown(field, theirs.get(name)),
                yours=shown(field, cleaned.get(name)),
            )
        )
    return rows


def shown(field: forms.Field, value: Any) -> str:
    """A value as the person would read it in the field: the label of a choice, dd.mm.yyyy for a date."""
    if value is None or value == "" or (isinstance(value, list | tuple | set | models.QuerySet) and not value):
        return EMPTY
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(_model_label(field, item) for item in value)
    if isinstance(field, forms.ModelChoiceField):
        return _model_label(field, value)
    if isinstance(field, forms.MultipleChoiceField):
        labels = _choice_labels(field)
        return ", ".join(labels.get(str(item), str(item)) for item in value)
    if isinstance(field, forms.ChoiceField):
        return _choice_labels(field).get(str(value), str(value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime | dt.date):
        return format_date(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def _model_label(field: forms.ModelChoiceField, value: Any) -> str:
    if not isinstance(value, models.Model):
        queryset = field.queryset
        found = queryset.filter(pk=getattr(value, "pk", value)).first() if queryset is not None else None
        if found is None:
            return str(value)
        value = found
    return str(field.label_from_instance(value))


def _choice_labels(field: forms.ChoiceField) -> dict[str, str]:
    labels: dict[str, str] = {}
    for key, label in cast(Iterable[Any], field.choices):
        if isinstance(label, list | tuple):  # an option group
            labels.update({str(inner): str(text) for inner, text in label})
        else:
            labels[str(key)] = str(label)
    return labels
