"""Forms for recording, editing and screening a notification.

Choices come from the method version the notification uses (its vocabularies, outcomes, causes and
checklist), with labels in the interface language. The forms only parse and check input; saving is
done by `notifications.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django import forms as forms_module
from django.forms import formset_factory
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, validate_personal_code
from core.dates import today
from core.forms import DateField as BaseDateField
from core.forms import RevisionField, interface_language
from method.content import MethodContent

from .models import ScreeningDecision


def set_choices(field: forms.Field, choices: list[tuple[str, Any]]) -> None:
    """Choices from the method version, set when the form is made."""
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class DateField(BaseDateField):
    """A date typed as dd.mm.yyyy (or yyyy-mm-dd), shown back as dd.mm.yyyy, never in the future."""

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if value and value > today():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")


class NotificationForm(forms.Form):
    incident_date = DateField(
        label=_("Date of the incident"), error_messages={"required": _("Enter the date of the incident.")}
    )
    became_aware_on = DateField(
        label=_("Date the board became aware"),
        error_messages={"required": _("Enter the date the board became aware of the incident.")},
    )
    recorded_on = DateField(
        label=_("Date recorded"),
        error_messages={"required": _("Enter the date the notification was recorded.")},
    )
    notifying_body = forms.CharField(
        label=_("Notifying body"),
        max_length=200,
        help_text=_("Who notified the board, for example the children's hospital or the police."),
        error_messages={"required": _("Enter who notified the board.")},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    notifying_organisation = forms.ModelChoiceField(
        label=_("Notifying organisation in the register"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("Not in the register"),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), widget=forms.RadioSelect, error_messages={"required": _("Choose the outcome.")}
    )
    causes = forms.MultipleChoiceField(
        label=_("Causes"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every cause that applies."),
        error_messages={
            "required": _("Choose at least one cause."),
            "invalid_choice": _("%(value)s is not a cause in the method. Choose causes from the list."),
        },
    )
    parallel_proceedings = forms.MultipleChoiceField(
        label=_("Parallel proceedings"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("%(value)s is not a proceeding in the method. Choose from the list.")},
    )
    summary = forms.CharField(
        label=_("Short summary"),
        max_length=1000,
        required=False,
        help_text=_("What happened, in a few sentences. Do not write names or personal codes here."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, content: MethodContent, **kwargs: Any):
        super().__init__(*args, **kwargs)
        language = interface_language()
        set_choices(self.fields["outcome"], content.choices("outcomes", language))
        set_choices(self.fields["causes"], content.choices("causes", language))
        set_choices(self.fields["parallel_proceedings"], content.choices("parallel_proceedings", language))
        if not self.is_bound and "recorded_on" not in self.initial:
            self.initial["recorded_on"] = today()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        incident, aware, recorded = (cleaned.get(name) for name in ("incident_date", "became_aware_on", "recorded_on"))
        if incident and aware and aware < incident:
            self.add_error(
                "became_aware_on", _("The date the board became aware cannot be before the date of the incident.")
            )
        if aware and recorded and recorded < aware:
            self.add_error("recorded_on", _("The date recorded cannot be before the date the board became aware."))
        return cleaned


class ChildForm(forms.Form):
    pseudonym = forms.CharField(
        label=_("Pseudonym"),
        max_length=60,
        help_text=_("Not the child's name: for example Laps A."),
        error_messages={"required": _("Enter a pseudonym for the child.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    age_at_incident = forms.IntegerField(
        label=_("Age at the incident"),
        help_text=_("In full years, from 0 to 17."),
        min_value=0,
        max_value=17,
        error_messages={
            "required": _("Enter the child's age at the incident."),
            "invalid": _("Enter the age as a whole number from 0 to 17."),
            "min_value": _("Enter an age from 0 to 17."),
            "max_value": _("Enter an age from 0 to 17: the review covers children under 18."),
        },
        widget=forms.NumberInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    sex = forms.ChoiceField(label=_("Sex"), widget=forms.RadioSelect, error_messages={"required": _("Choose the sex.")})
    health_needs = forms.CharField(
        label=_("Health needs or chronic conditions"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    school_attendance = forms.ChoiceField(label=_("School attendance"), required=False)
    legal_status = forms.ChoiceField(label=_("Legal status"), required=False)
    known_to = forms.ModelMultipleChoiceField(
        label=_("Agencies that knew the child"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    known_to_other = forms.CharField(
        label=_("Other agencies that knew the child"),
        help_text=_("Agencies not in the register, one per line."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, content: MethodContent, **kwargs: Any):
        kwargs.setdefault("prefix", "child")
        super().__init__(*args, **kwargs)
        language = interface_language()
        set_choices(self.fields["sex"], content.choices("sex", language))
        blank: list[tuple[str, Any]] = [("", _("Not known"))]
        set_choices(self.fields["school_attendance"], blank + content.choices("school_attendance", language))
        set_choices(self.fields["legal_status"], blank + content.choices("legal_status", language))


class IdentityForm(forms.Form):
    """The confidential part: entered on recording, then shown and changed only on the confidential page
    (with the revision it was shown at; unused when recording)."""

    revision = RevisionField()

    personal_code = forms.CharField(
        label=_("Personal identification code"),
        max_length=11,
        required=False,
        validators=[validate_personal_code],
        help_text=_("11 digits. Kept in the confidential part only and never shown in lists."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Kept in the confidential part only."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "identity")
        super().__init__(*args, **kwargs)

    def clean_personal_code(self) -> str:
        return self.cleaned_data["personal_code"].strip()


class HouseholdMemberForm(forms.Form):
    relationship = forms.ChoiceField(
        label=_("Relationship to the child"),
        error_messages={"required": _("Choose the household member's relationship to the child.")},
    )
    risk_factors = forms.MultipleChoiceField(
        label=_("Risk factors"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("%(value)s is not a risk factor in the method. Choose from the list.")},
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("No names."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, content: MethodContent, **kwargs: Any):
        super().__init__(*args, **kwargs)
        language = interface_language()
        set_choices(self.fields["relationship"], [("", _("Choose…")), *content.choices("relationship", language)])
        set_choices(self.fields["risk_factors"], content.choices("risk_factors", language))


class BaseHouseholdFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this household member")

    def members(self) -> list[dict[str, Any]]:
        """The rows filled in and not marked for removal, in order."""
        rows = []
        for form in self.forms:
            if not form.has_changed() and not form.initial:
                continue
            if self.can_delete and self._should_delete_form(form):  # type: ignore[attr-defined]
                continue
            data = form.cleaned_data
            if not data:
                continue
            rows.append(
                {"relationship": data["relationship"], "risk_factors": data["risk_factors"], "note": data["note"]}
            )
        return rows


ADD_MEMBER = "add_household_member"


def adding_member(data: Any) -> bool:
    """The person asked for one more household row rather than saving."""
    return data is not None and ADD_MEMBER in data


def without_errors(*forms: Any) -> None:
    """Show bound forms again without checking them (after "Add another household member"): the person
    has not tried to save yet, so nothing is wrong yet."""
    for form in forms:
        if isinstance(form, forms_module.BaseFormSet):
            form._non_form_errors = form.error_class()  # type: ignore[attr-defined]
            without_errors(*form.forms)
        else:
            form._errors = ErrorDict()


def household_formset(
    content: MethodContent, *, data: Any = None, initial: list[dict[str, Any]] | None = None, extra: int = 3
) -> BaseHouseholdFormSet:
    formset_class = formset_factory(
        HouseholdMemberForm,
        formset=BaseHouseholdFormSet,
        extra=extra,
        can_delete=bool(initial),
        max_num=20,
        validate_max=True,
    )
    if data is not None and ADD_MEMBER in data:
        # "Add another household member": the same answers, one more empty row (nothing is saved).
        data = data.copy()
        data["household-TOTAL_FORMS"] = str(int(data.get("household-TOTAL_FORMS") or 0) + 1)
    formset = formset_class(data=data, initial=initial, prefix="household", form_kwargs={"content": content})
    assert isinstance(formset, BaseHouseholdFormSet)
    return formset


class EditForm(NotificationForm):
    """The notification form with the revision the edit started from (optimistic locking)."""

    revision = RevisionField()


class ScreeningForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a decision."),
            "invalid_choice": _("%(value)s is not a decision in the method. Choose one from the list."),
        },
    )
    reasons = forms.CharField(
        label=_("Reasons for the decision"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Give the reasons for the decision.")},
    )

    def __init__(self, *args: Any, content: MethodContent, **kwargs: Any):
        super().__init__(*args, **kwargs)
        language = interface_language()
        answer_fields = {}
        for item in content.items("screening_checklist"):
            help_text = item.get("help") or {}
            answer_fields[f"answer_{item['code']}"] = forms.ChoiceField(
                label=content.label("screening_checklist", item["code"], language),
                help_text=(help_text.get(language) or help_text.get("et", "")) if isinstance(help_text, dict) else "",
                choices=ScreeningDecision.Answer.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Answer this question: yes, no or unknown."),
                    "invalid_choice": _("Answer yes, no or unknown."),
                },
            )
        # The checklist comes first, then the decision.
        self.fields = {**answer_fields, **self.fields}
        self.checklist_codes = [item["code"] for item in content.items("screening_checklist")]
        set_choices(self.fields["decision"], content.choices("screening_decisions", language))

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[f"answer_{code}"] for code in self.checklist_codes]

    def answers(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"answer_{code}"] for code in self.checklist_codes}


def error_summary(*groups: tuple[str, forms.Form]) -> list[dict[str, str]]:
    """The entries of a page's error summary for several forms: a link to each field with an error.

    `groups` are (group name, form); the group name (e.g. "Household member 2") tells apart rows of a
    formset whose fields share their labels. Radio and checkbox groups link to their first option.
    """
    entries = []
    for group, form in groups:
        for error in form.non_field_errors():
            entries.append({"href": "", "text": str(error)})
        for field in form:
            if not field.errors:
                continue
            multiple = isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            anchor = f"{field.auto_id}_0" if multiple else field.id_for_label
            label = _("%(group)s, %(field)s") % {"group": group, "field": field.label} if group else str(field.label)
            for error in field.errors:
                entries.append(
                    {"href": f"#{anchor}", "text": _("%(field)s: %(error)s") % {"field": label, "error": error}}
                )
    return entries
