"""Optimistic locking, one way everywhere: a record carries a `revision`; a save based on an older
revision is refused (`EditConflict`, raised by the service with the record as it is now), and the page
shows both versions (`show_conflict`), so that two people editing the same record never silently
overwrite each other."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest


class EditConflict(Exception):
    """Someone else saved the record after this person opened it; nothing was saved.
    `current` is the record as it is now (None when it was deleted meanwhile)."""

    def __init__(self, current: Any):
        super().__init__("edit conflict")
        self.current = current


def show_conflict(form: forms.BaseForm, request: HttpRequest, *, revision: int, message: str) -> None:
    """Put the refusal on the form and make its next save compare against the revision now shown
    (the person has seen the other version, so saving again is a deliberate choice)."""
    form.add_error(None, message)
    data = request.POST.copy()
    data["revision"] = str(revision)
    form.data = data
