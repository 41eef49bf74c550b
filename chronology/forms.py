"""Forms of the integrated chronology: its filters, correcting an entry, duplicates and disputes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, RevisionField

from .entry import Precision
from .fields import MAX_DESCRIPTION, MAX_LENGTHS, EntryChecker, Vocabularies
from .models import ChronologyEntry, YesNoUnknown, entry_field_values
from .templatetags.chronology import written

ANY = [("", _("Any"))]


class ChronologyFilterForm(forms.Form):
    """The integrated chronology's filters, read from the query string; every field optional."""

    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    event_type = forms.ChoiceField(label=_("Event type"), required=False)
    concern = forms.ChoiceField(label=_("Concern"), required=False)
    period_from = DateField(label=_("From"), required=False)
    period_until = DateField(label=_("Until"), required=False)
    key_events = forms.BooleanField(label=_("Key events only"), required=False)
    child_seen = forms.ChoiceField(label=_("Child seen"), required=False, choices=ANY + YesNoUnknown.choices)
    child_views = forms.ChoiceField(
        label=_("Child's views recorded"), required=False, choices=ANY + YesNoUnknown.choices
    )

    def __init__(
        self,
        *args: Any,
        organisations: Sequence[tuple[str, str]],
        event_types: Sequence[tuple[str, str]],
        concerns: Sequence[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("All organisations")), *organisations]  # type: ignore[attr-defined]
        self.fields["event_type"].choices = [("", _("All event types")), *event_types]  # type: ignore[attr-defined]
        self.fields["concern"].choices = [("", _("All concerns")), *concerns]  # type: ignore[attr-defined]
        self.fields["period_from"].help_text = _("Entries from this day on, for example 01.01.2024")
        self.fields["period_until"].help_text = _("Entries up to this day, for example 31.12.2024")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("period_from"), data.get("period_until")
        if start and end and end < start:
            self.add_error("period_until", _("The end of the period cannot be before its start."))
        return data

    def filters(self) -> dict[str, Any]:
        """The filters that were given and valid (an invalid one is shown with its error, not applied)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}


# The exchange-format keys the entry form's fields stand for (a problem found by the checker is shown
# on the field that holds the value).
FIELD_FOR_KEY = {"date_precision": "date", "entry_ref": None}


class EntryForm(forms.Form):
    """A reviewer's correction of an entry: the agency's fields, checked by the exchange format's rules."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    date = forms.CharField(
        label=_("Date"),
        max_length=10,
        help_text=_("A day as 17.03.2024, a month as 03.2024 or a year as 2024"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "input--date"}),
    )
    approximate = forms.BooleanField(label=_("The date is approximate"), required=False)
    time = forms.CharField(
        label=_("Time"),
        required=False,
        max_length=5,
        help_text=_("HH:MM, only with an exact day"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "input--date"}),
    )
    organisation = forms.ChoiceField(label=_("Organisation"))
    practitioner_role = forms.CharField(
        label=_("Practitioner's role"),
        required=False,
        max_length=MAX_LENGTHS["practitioner_role"],
        help_text=_("A role such as family doctor, never a person's name"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    event_type = forms.ChoiceField(label=_("Event type"))
    addressee = forms.ChoiceField(
        label=_("Addressee"),
        required=False,
        help_text=_("The organisation a referral, notification or information went to"),
    )
    concern = forms.ChoiceField(label=_("Concern"), required=False)
    description = forms.CharField(label=_("Description"), max_length=MAX_DESCRIPTION, widget=forms.Textarea)
    source_document = forms.CharField(
        label=_("Source document"),
        max_length=MAX_LENGTHS["source_document"],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    child_seen = forms.ChoiceField(label=_("Child seen"), choices=YesNoUnknown.choices, widget=forms.RadioSelect)
    child_views_recorded = forms.ChoiceField(
        label=_("Child's views recorded"), choices=YesNoUnknown.choices, widget=forms.RadioSelect
    )
    shared_with = forms.MultipleChoiceField(
        label=_("Information shared with"), required=False, widget=forms.CheckboxSelectMultiple
    )
    key_event = forms.BooleanField(label=_("Key event"), required=False)
    note = forms.CharField(
        label=_("Why is the entry corrected?"),
        help_text=_("Kept in the entry's history, for example what the source document really says"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        entry: ChronologyEntry,
        organisations: Sequence[tuple[str, str]],
        event_types: Sequence[tuple[str, str]],
        concerns: Sequence[tuple[str, str]],
        vocabularies: Vocabularies,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.vocabularies = vocabularies
        codes = dict(organisations)
        # The entry's own values stay choosable even if the review's lists have changed since.
        for code in [entry.organisation, entry.addressee, *entry.shared_with]:
            if code and code not in codes:
                codes[code] = code
        organisation_choices = list(codes.items())
        self.fields["organisation"].choices = organisation_choices  # type: ignore[attr-defined]
        self.fields["addressee"].choices = [("", _("None")), *organisation_choices]  # type: ignore[attr-defined]
        self.fields["shared_with"].choices = organisation_choices  # type: ignore[attr-defined]
        types = dict(event_types)
        types.setdefault(entry.event_type, entry.event_type)
        self.fields["event_type"].choices = list(types.items())  # type: ignore[attr-defined]
        known_concerns = dict(concerns)
        if entry.concern:
            known_concerns.setdefault(entry.concern, entry.concern)
        self.fields["concern"].choices = [("", _("None")), *known_concerns.items()]  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(entry: ChronologyEntry) -> dict[str, Any]:
        return {
            "revision": entry.revision,
            "date": written(entry.uncertain_date),
            "approximate": entry.date_approximate,
            "time": entry.time.strftime("%H:%M") if entry.time else "",
            "organisation": entry.organisation,
            "practitioner_role": entry.practitioner_role,
            "event_type": entry.event_type,
            "addressee": entry.addressee,
            "concern": entry.concern,
            "description": entry.description,
            "source_document": entry.source_document,
            "child_seen": entry.child_seen,
            "child_views_recorded": entry.child_views_recorded,
            "shared_with": list(entry.shared_with),
            "key_event": entry.key_event,
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        checker = EntryChecker(self.vocabularies, source="", headings={}, absent=set())
        checker.read(
            {
                "entry_ref": self.entry.entry_ref,
                "date": data["date"],
                "date_precision": Precision.APPROXIMATE.value if data.get("approximate") else "",
                "time": data.get("time", ""),
                "organisation": data["organisation"],
                "practitioner_role": data.get("practitioner_role", ""),
                "event_type": data["event_type"],
                "addressee": data.get("addressee", ""),
                "concern": data.get("concern", ""),
                "description": data["description"],
                "source_document": data["source_document"],
                "child_seen": data["child_seen"],
                "child_views_recorded": data["child_views_recorded"],
                "shared_with": list(data.get("shared_with") or []),
                "key_event": bool(data.get("key_event")),
            }
        )
        for problem in checker.problems:
            target = FIELD_FOR_KEY.get(problem.field or "", problem.field)
            self.add_error(target if target in self.fields else None, problem.message)
        if not checker.problems and checker.entries:
            data["values"] = entry_field_values(checker.entries[0])
        return data


class DuplicateDecisionForm(forms.Form):
    revision = RevisionField()
    decision = forms.ChoiceField(
        choices=[("confirm", _("Merge")), ("reject", _("Not the same event")), ("undo", _("Undo the decision"))]
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EntryChoiceField(forms.ModelMultipleChoiceField):
    """Entries to choose, each named by its organisation, reference, date and the start of its description."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.organisation} {obj.entry_ref} · {written(obj.uncertain_date)} · {obj.description[:120]}"


class DisputeForm(forms.Form):
    entry = EntryChoiceField(
        label=_("Entries that contradict each other"),
        queryset=ChronologyEntry.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the entries that contradict each other.")},
    )
    note = forms.CharField(
        label=_("What contradicts what"),
        help_text=_("For example: the police say the child was at home, the school says the child was at school"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, entries: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["entry"]
        assert isinstance(field, EntryChoiceField)
        field.queryset = entries


class DisputeResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        help_text=_("What the review team concluded, and on what grounds"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
