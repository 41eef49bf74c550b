"""Forms of an agency's answer: the file upload, one draft entry, the agency report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chronology.exchange import MAX_DESCRIPTION, MAX_LENGTHS
from chronology.models import YesNoUnknown

ACCEPTED_TYPES = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Chronology file"),
        help_text=_(
            "A CSV file saved as “CSV UTF-8” or an Excel workbook (.xlsx) in the exchange format, at most 10 MB."
        ),
        error_messages={
            "required": _("Choose the chronology file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("Choose the chronology file to upload."),
        },
        widget=forms.FileInput(attrs={"accept": ACCEPTED_TYPES}),
    )


PRECISION_CHOICES = [
    ("", _("As written (from the date's form)")),
    ("day", _("Day")),
    ("month", _("Month")),
    ("year", _("Year")),
    ("approximate", _("Approximate")),
]


def text_input(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": "off", **attrs})


class DraftEntryForm(forms.Form):
    """One entry in the exchange format's fields; its rules are checked when the entries are submitted."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    entry_ref = forms.CharField(
        label=_("Entry reference"),
        max_length=MAX_LENGTHS["entry_ref"],
        help_text=_("Your organisation's own id of the entry, unique within this chronology, for example KOV-014."),
        error_messages={"required": _("Enter the entry reference.")},
        widget=text_input(),
    )
    date = forms.CharField(
        label=_("Date"),
        max_length=20,
        help_text=_("As precisely as known: 04.03.2019, 03.2019 or 2019 (or 2019-03-04, 2019-03)."),
        error_messages={"required": _("Enter the date of the event.")},
        widget=text_input(),
    )
    date_precision = forms.ChoiceField(label=_("Date precision"), choices=PRECISION_CHOICES, required=False)
    time = forms.CharField(
        label=_("Time"),
        max_length=5,
        required=False,
        help_text=_("HH:MM, only with an exact day."),
        widget=text_input(inputmode="numeric"),
    )
    practitioner_role = forms.CharField(
        label=_("Practitioner's role"),
        max_length=MAX_LENGTHS["practitioner_role"],
        required=False,
        help_text=_("For example family doctor or child protection worker; never a person's name."),
        widget=text_input(),
    )
    event_type = forms.ChoiceField(
        label=_("Event type"), error_messages={"required": _("Choose the type of the event.")}
    )
    addressee = forms.ChoiceField(
        label=_("Addressee"),
        required=False,
        help_text=_("Needed for a referral, a notification or information shared: the organisation it went to."),
    )
    concern = forms.ChoiceField(label=_("Concern"), required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION,
        error_messages={"required": _("Describe the event.")},
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    source_document = forms.CharField(
        label=_("Source document"),
        max_length=MAX_LENGTHS["source_document"],
        help_text=_("Where the entry comes from, for example STAR case 2016-114, entry of 14.03.2016."),
        error_messages={"required": _("Enter the source document.")},
        widget=text_input(),
    )
    child_seen = forms.ChoiceField(
        label=_("Child seen"), choices=YesNoUnknown.choices, initial="unknown", widget=forms.RadioSelect
    )
    child_views_recorded = forms.ChoiceField(
        label=_("Child's views recorded"), choices=YesNoUnknown.choices, initial="unknown", widget=forms.RadioSelect
    )
    shared_with = forms.MultipleChoiceField(
        label=_("Information shared with"), required=False, widget=forms.CheckboxSelectMultiple
    )
    key_event = forms.BooleanField(label=_("Key event"), required=False)

    def __init__(
        self,
        *args: Any,
        event_types: list[tuple[str, str]],
        concerns: list[tuple[str, str]],
        organisations: list[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["event_type"].choices = [("", _("Choose the event type")), *event_types]  # type: ignore[attr-defined]
        self.fields["concern"].choices = [("", _("No concern recorded")), *concerns]  # type: ignore[attr-defined]
        self.fields["addressee"].choices = [("", _("None")), *organisations]  # type: ignore[attr-defined]
        self.fields["shared_with"].choices = organisations  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(values: dict[str, str], revision: int) -> dict[str, Any]:
        """The form's initial values from a draft's stored text."""
        initial: dict[str, Any] = {key: values.get(key, "") for key in values}
        initial["shared_with"] = [code for code in values.get("shared_with", "").split(";") if code]
        initial["key_event"] = values.get("key_event", "").casefold() in ("yes", "jah")
        for key in ("child_seen", "child_views_recorded"):
            initial[key] = values.get(key) or "unknown"
        initial["revision"] = revision
        return initial


class ReportForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    summary = forms.CharField(
        label=_("What the agency did and why"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    reflection = forms.CharField(
        label=_("What went well and what could have gone better"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    workload = forms.CharField(
        label=_("Workload at the time"),
        required=False,
        help_text=_("For example caseloads, vacancies covered by others, waiting lists."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    supervision = forms.CharField(
        label=_("Supervision and support at the time"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    staff_turnover = forms.CharField(
        label=_("Staff turnover and vacancies at the time"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    other_context = forms.CharField(label=_("Other context"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
