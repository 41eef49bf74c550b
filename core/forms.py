"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


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
