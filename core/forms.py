"""Form helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def add_service_errors(error: ValidationError, *targets: forms.BaseForm) -> None:
    """Put a service's ValidationError on the forms of a page.

    A field's errors go to the first form that has that field; errors without a field, or for a field
    no form has, go to the first form's error list (shown in the error summary).
    """
    if not targets:
        raise ValueError("add_service_errors needs at least one form")
    if not hasattr(error, "error_dict"):
        targets[0].add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        target = next((form for form in targets if field in form.fields), targets[0])
        target.add_error(field if field in target.fields else None, messages)


# Dates are typed as dd.mm.yyyy (the Estonian way) or yyyy-mm-dd, and shown back as dd.mm.yyyy.
DATE_INPUT_FORMATS = settings.DATE_INPUT_FORMATS


def interface_language() -> str:
    """The two-letter code of the language the page is shown in (et, en or ru)."""
    return (get_language() or "et")[:2]


class DateField(forms.DateField):
    """A date typed as dd.mm.yyyy (or yyyy-mm-dd), shown back as dd.mm.yyyy."""

    default_error_messages = {"invalid": _("Enter a real date as dd.mm.yyyy, for example 17.03.2026.")}

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault(
            "widget", forms.DateInput(format="%d.%m.%Y", attrs={"autocomplete": "off", "class": "input--date"})
        )
        kwargs.setdefault("help_text", _("For example 17.03.2026"))
        super().__init__(**kwargs)


class RevisionField(forms.IntegerField):
    """The revision of the record the page was opened on, sent back with the save (optimistic locking,
    `core.concurrency`). Optional so that one form can also create; a missing or garbled revision on an
    edit is refused like a stale one, showing both versions."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            return None
        return number if number >= 0 else None


def posted_revision(data: Any, name: str = "revision") -> int | None:
    """The revision a page without a form of its own sent with an action (remove, cancel, mark)."""
    return RevisionField().to_python(data.get(name))


class RevisionForm(forms.Form):
    """An action on a record without other input (remove, cancel, mark), sent with the revision the page
    showed, so that an action on an older version is refused (`core.concurrency`)."""

    revision = RevisionField()
