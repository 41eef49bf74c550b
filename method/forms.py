"""Forms of the method editor."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SectionForm(forms.Form):
    text = forms.CharField(
        label=_("Section as YAML"),
        help_text=_(
            "Each item needs a code and a label in Estonian (et), English (en) and Russian (ru). "
            "Do not change the code of an item that is already in use."
        ),
        strip=False,
        widget=forms.Textarea(attrs={"class": "code", "rows": 30, "spellcheck": "false", "autocomplete": "off"}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PublishForm(forms.Form):
    change_note = forms.CharField(
        label=_("What changed in this version"),
        help_text=_("Shown with the version to everyone who uses the method."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Section as YAML, with the wording corrected"),
        help_text=_(
            "Change only texts in a language (et, en, ru): labels, help, descriptions and templates. Codes, "
            "numbers, settings, the order of items and the placeholders in braces stay as they are."
        ),
        strip=False,
        widget=forms.Textarea(attrs={"class": "code", "rows": 30, "spellcheck": "false", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Why the wording is corrected"),
        help_text=_("Kept with the correction and shown on the version's page."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
