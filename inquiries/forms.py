"""Forms of information gathering. Saving is done by `inquiries.services`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.ee import ik

from accounts.models import Organisation
from core.forms import DateField as BaseDateField
from core.forms import RevisionField

from .models import INVOLVEMENT_CODE_PATTERN


class DateField(BaseDateField):
    """The shared date field, optional unless a form says otherwise."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def _check_order(form: forms.Form, start: str, end: str, message: str) -> None:
    first: dt.date | None = form.cleaned_data.get(start)
    last: dt.date | None = form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, message)


class TermsForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    scope_start = DateField(label=_("Start of the period reviewed"))
    scope_end = DateField(label=_("End of the period reviewed"))
    lines_of_enquiry = forms.CharField(
        label=_("Key lines of enquiry"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The questions the review sets out to answer, one per line."),
    )
    family_informed = forms.BooleanField(label=_("The family has been informed of the review"), required=False)
    family_informed_on = DateField(label=_("Date the family was informed"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_order(
            self, "scope_start", "scope_end", str(_("The end of the period reviewed cannot be before its start."))
        )
        if cleaned.get("family_informed") and not cleaned.get("family_informed_on"):
            self.add_error("family_informed_on", _("Enter the date the family was informed."))
        return cleaned


class InvolvementForm(forms.Form):
    revision = RevisionField()
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        error_messages={"required": _("Choose the organisation.")},
    )
    code = forms.RegexField(
        label=_("Code in the chronology"),
        regex=INVOLVEMENT_CODE_PATTERN,
        max_length=50,
        help_text=_("Capital letters, digits and hyphens, for example HAIGLA-01. Unique within the review."),
        error_messages={
            "required": _("Enter the organisation's code in the chronology."),
            "invalid": _("Use capital letters, digits and hyphens only, for example HAIGLA-01."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    period_start = DateField(label=_("Involved from"))
    period_end = DateField(label=_("Involved until"))
    services = forms.CharField(label=_("Services provided"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=200,
        error_messages={"required": _("Enter the contact person's name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_("Contact person's e-mail address"),
        error_messages={
            "required": _("Enter the contact person's e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.ee."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_order(
            self, "period_start", "period_end", str(_("The end of the involvement cannot be before its start."))
        )
        return cleaned


LANGUAGE_CHOICES = [("et", "Eesti keel"), ("en", "English"), ("ru", "Русский язык")]


class DraftForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the letter"), choices=LANGUAGE_CHOICES, initial="et")


class LetterForm(forms.Form):
    revision = RevisionField()
    subject = forms.CharField(
        label=_("Subject"), max_length=300, error_messages={"required": _("Enter the subject of the letter.")}
    )
    letter = forms.CharField(
        label=_("Letter"),
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_("{due_date} and {submission_link} are filled in when the letter is sent."),
        error_messages={"required": _("Enter the text of the letter.")},
    )


class ContributorForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Enter the person's name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        error_messages={
            "required": _("Enter the person's e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.ee."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    personal_code = forms.CharField(
        label=_("Personal identification code"),
        max_length=11,
        help_text=_("11 digits. The person signs in with it through TARA."),
        error_messages={"required": _("Enter the person's personal identification code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_personal_code(self) -> str:
        value = self.cleaned_data["personal_code"].strip()
        if not ik.is_valid(value):
            raise forms.ValidationError(_("Enter a valid Estonian personal identification code (11 digits)."))
        return value
