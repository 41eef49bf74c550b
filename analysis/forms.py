"""Forms of the analysis pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField

from .models import KeyPracticeEpisode


class EpisodeForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter the episode's title.")},
    )
    period_start = DateField(label=_("From"), required=False)
    period_end = DateField(label=_("Until"), required=False)
    how_it_looked = forms.CharField(
        label=_("How it looked at the time"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the practitioners knew and saw then, kept apart from what is known now."),
    )
    appraisal = forms.ChoiceField(
        label=_("Appraisal"),
        required=False,
        choices=[("", _("Not yet appraised")), *KeyPracticeEpisode.Appraisal.choices],
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
