from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import RevisionField
from method.content import MethodContent
from method.models import MethodVersion

from .models import Organisation, SystemRole, User


class PasswordSignInForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def current_sectors() -> MethodContent | None:
    try:
        return MethodVersion.objects.current().data
    except MethodVersion.DoesNotExist:
        return None


def sector_choices(content: MethodContent | None, language: str, keep: str = "") -> list[Any]:
    """The method's two-level sector list as select choices: a sector with sub-sectors is an optgroup.

    A sector with sub-sectors may itself be chosen (e.g. `health` when the kind of care is not known),
    so it is the first option of its group. `keep` is an organisation's present code, offered even
    when the current method version no longer lists it, so that editing does not silently change it.
    """
    choices: list[Any] = [("", _("Choose a sector"))]
    known: set[str] = set()
    if content is not None:
        group: list[tuple[str, str]] | None = None
        for code, label, depth in content.iter_sectors(language):
            known.add(code)
            if depth == 0:
                group = [(code, label)]
                choices.append((label, group))
            elif group is not None:
                group.append((code, label))
        # A sector without sub-sectors is a plain option, not a group of one.
        choices = [(entry[1][0] if isinstance(entry[1], list) and len(entry[1]) == 1 else entry) for entry in choices]
    if keep and keep not in known:
        choices.append((keep, keep))
    return choices


class OrganisationForm(forms.ModelForm):
    sector = forms.ChoiceField(label=_("Sector"))
    revision = RevisionField()

    class Meta:
        model = Organisation
        fields = ["name", "registry_code", "email", "region", "sector"]
        labels = {
            "name": pgettext_lazy("organisation", "Name"),
            "registry_code": _("Registry code"),
            "email": _("General e-mail address"),
            "region": _("Region"),
        }
        help_texts = {
            "registry_code": _("The 8-digit code in the Estonian business or state register."),
            "region": _("For example, the county: Harju maakond."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "registry_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        content = current_sectors()
        sector = cast(forms.ChoiceField, self.fields["sector"])
        sector.choices = sector_choices(content, get_language() or "et", keep=self.instance.sector)
        if content is None:
            sector.help_text = _("No method version is published, so the sector list is empty.")

    def clean_registry_code(self) -> str:
        code = self.cleaned_data["registry_code"].strip()
        if code and not re.fullmatch(r"\d{8}", code):
            raise forms.ValidationError(_("Enter the registry code as 8 digits."), code="invalid")
        if code and Organisation.objects.filter(registry_code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("An organisation with this registry code is already registered."), code="duplicate"
            )
        return code


class UserForm(forms.ModelForm):
    revision = RevisionField()
    roles = forms.MultipleChoiceField(
        label=_("System roles"),
        choices=SystemRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Review roles (lead reviewer, team member, agency contributor) are given on each review."),
    )

    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "username",
            "email",
            "personal_code",
            "organisation",
            "is_active",
            "is_break_glass",
        ]
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "username": _("Username"),
            "email": _("E-mail address"),
            "personal_code": _("Personal identification code"),
            "organisation": _("Organisation"),
            "is_active": _("Active: the person may sign in"),
            "is_break_glass": _("Break-glass account: may sign in with a password when TARA is unavailable"),
        }
        help_texts = {
            "username": _("Letters, digits and @ . + - _ only."),
            "personal_code": _("Needed to sign in with TARA. 11 digits."),
            "is_active": "",
            "is_break_glass": _("For administrators only. Set the password with the create_break_glass_admin command."),
        }
        # These describe another person, so the browser must not fill in the administrator's own details.
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "username": forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "personal_code": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        }

    def __init__(self, *args: Any, acting_user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.acting_user = acting_user
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = Organisation.objects.order_by("name")
        organisation.empty_label = _("No organisation")
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.role_grants.values_list("role", flat=True))

    def clean_personal_code(self) -> str | None:
        code = self.cleaned_data.get("personal_code")
        return code.strip() if code else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk and self.instance.pk == self.acting_user.pk:
            # An administrator cannot lock themselves out of administration by mistake.
            if SystemRole.ADMINISTRATOR not in (cleaned.get("roles") or ()):
                self.add_error("roles", _("You cannot remove your own administrator role."))
            if "is_active" in cleaned and not cleaned["is_active"]:
                self.add_error("is_active", _("You cannot deactivate your own account."))
        return cleaned
