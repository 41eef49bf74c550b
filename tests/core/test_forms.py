"""A service's ValidationError lands on the form (of several) that has the field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.forms import add_service_errors


class First(forms.Form):
    name = forms.CharField()


class Second(forms.Form):
    age = forms.IntegerField()


def bound(form_class):
    form = form_class({"name": "x", "age": "1"})
    assert form.is_valid()
    return form


def test_field_errors_go_to_the_form_with_that_field():
    first, second = bound(First), bound(Second)
    add_service_errors(ValidationError({"age": ["Too old."], "name": ["Taken."]}), first, second)
    assert second.errors["age"] == ["Too old."]
    assert first.errors["name"] == ["Taken."]


def test_errors_for_unknown_fields_and_plain_errors_go_to_the_first_form():
    first, second = bound(First), bound(Second)
    add_service_errors(ValidationError({"other": ["Wrong."]}), first, second)
    add_service_errors(ValidationError("Refused."), first, second)
    assert first.non_field_errors() == ["Wrong.", "Refused."]
    assert not second.errors
