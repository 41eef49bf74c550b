"""The auditor's search of the audit log: by person, object, review, action, purpose and period."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Action, AuditEvent, Purpose

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


# Models that never appear in the log as the object of an event.
NOT_LOGGED = {"audit.auditchainhead", "audit.auditchaincheck"}


def object_type_names() -> dict[str, str]:
    """The project's own models by the label the log stores (`notifications.notification`)."""
    base = str(settings.BASE_DIR)
    return {
        model._meta.label_lower: str(capfirst(model._meta.verbose_name))
        for config in apps.get_app_configs()
        if config.path.startswith(base) and ".venv" not in config.path
        for model in config.get_models()
        if model._meta.label_lower not in NOT_LOGGED
    }


def object_type_choices() -> list[tuple[str, str | Promise]]:
    choices: list[tuple[str, str | Promise]] = [
        (code, f"{name} ({code})") for code, name in object_type_names().items()
    ]
    return [("", _("Any"))] + sorted(choices, key=lambda choice: str(choice[1]).lower())


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class AuditSearchForm(forms.Form):
    """A GET form; every field is optional and an empty form finds every event."""

    person = PersonChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.order_by("last_name", "first_name", "username"),
        required=False,
        empty_label=_("Anyone"),
    )
    person_text = forms.CharField(
        label=_("Person's name, username or personal code"),
        required=False,
        max_length=100,
        help_text=_("Part of a name is enough. Also finds events of people whose account was since changed."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False, choices=object_type_choices)
    object_id = forms.CharField(
        label=_("Object id"),
        required=False,
        max_length=60,
        help_text=_("Finds the reads of that record and the lists that showed it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )
    review_id = forms.IntegerField(
        label=_("Review id"),
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("Any"))] + Action.choices)
    purpose = forms.ChoiceField(label=_("Purpose"), required=False, choices=[("", _("Any"))] + Purpose.choices)
    request_id = forms.CharField(
        label=_("Request id"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("For example 22.12.2026"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("Inclusive. For example 31.12.2026"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_object_id(self) -> str:
        return self.cleaned_data["object_id"].strip()

    def clean_person_text(self) -> str:
        return " ".join(self.cleaned_data["person_text"].split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        return cleaned

    def filters(self) -> dict[str, str]:
        """The search as given, for the audit event of the search itself (only the fields filled in)."""
        return {name: str(value) for name, value in self.data.items() if name in self.fields and value}

    def search(self) -> models.QuerySet[AuditEvent]:
        """The events matching a valid form, newest first."""
        data = self.cleaned_data
        events = AuditEvent.objects.all()
        if data.get("person"):
            events = events.filter(actor=data["person"])
        if data.get("person_text"):
            events = events.filter(_person_text_q(data["person_text"]))
        if data.get("object_type"):
            events = events.filter(object_type=data["object_type"])
        if data.get("object_id"):
            events = _with_object_id(events, data["object_id"])
        if data.get("review_id"):
            review_id = data["review_id"]
            # The review's own pages too, when they were logged as reads of the review object.
            events = events.filter(
                models.Q(review_id=review_id) | models.Q(object_type="reviews.review", object_id=str(review_id))
            )
        for name in ("action", "purpose", "request_id"):
            if data.get(name):
                events = events.filter(**{name: data[name]})
        if data.get("date_from"):
            events = events.filter(at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            events = events.filter(at__lt=_start_of(data["date_to"] + dt.timedelta(days=1)))
        return events.order_by("-sequence")


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in Europe/Tallinn."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def _person_text_q(text: str) -> models.Q:
    """Every word must match the person's first name, last name, username or personal code."""
    users = get_user_model().objects.all()
    for word in text.split():
        users = users.filter(
            models.Q(first_name__icontains=word)
            | models.Q(last_name__icontains=word)
            | models.Q(username__icontains=word)
            | models.Q(personal_code=word)
        )
    # The label kept on the event still names people whose account was renamed or removed.
    return models.Q(actor__in=users) | models.Q(actor_label__icontains=text)


def _with_object_id(events: models.QuerySet[AuditEvent], object_id: str) -> models.QuerySet[AuditEvent]:
    """Events that name the record itself, or list events that showed it among others."""
    if connection.features.supports_json_field_contains:
        return events.filter(models.Q(object_id=object_id) | models.Q(object_ids__contains=[object_id]))
    # SQLite: object_ids is stored as JSON text of strings, so the JSON-encoded id is a whole element.
    return events.alias(object_ids_text=Cast("object_ids", models.TextField())).filter(
        models.Q(object_id=object_id) | models.Q(object_ids_text__contains=json.dumps(object_id))
    )
