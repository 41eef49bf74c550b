from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    label = forms.CharField(
        label=_("System"),
        max_length=200,
        help_text=_("The agency system that will use the token, e.g. STAR. Shown in the list of tokens."),
        error_messages={"required": _("Enter the name of the system that will use the token.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
