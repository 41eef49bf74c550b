"""Forms for the review pages. Saving is done by `reviews.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import interface_language
from method.content import MethodContent
from notifications.forms import set_choices

from .models import ReviewRole


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.organisation})" if obj.organisation_id else str(obj)


class MembershipForm(forms.Form):
    user = PersonChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.filter(is_active=True).select_related("organisation"),
        error_messages={"required": _("Choose the person to add.")},
    )
    role = forms.ChoiceField(
        label=_("Role in the review"),
        choices=ReviewRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the person's role in the review.")},
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        help_text=_("The sector the person brings to the review, for example health."),
    )

    def __init__(self, *args: Any, content: MethodContent, **kwargs: Any):
        super().__init__(*args, **kwargs)
        language = interface_language()
        choices: list[tuple[str, Any]] = [("", _("No sector"))]
        parent = ""
        for code, label, depth in content.iter_sectors(language):
            if depth == 0:
                parent = label
                choices.append((code, label))
            else:
                choices.append((code, f"{parent} – {label}"))
        set_choices(self.fields["sector"], choices)
