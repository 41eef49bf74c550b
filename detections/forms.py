"""Forms of the detection pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PatternDetection

NEW_EPISODE = "new"


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Your decision"),
        widget=forms.RadioSelect,
        choices=[
            (PatternDetection.Status.CONFIRMED, _("Confirm: the chronology shows this pattern")),
            (PatternDetection.Status.DISMISSED, _("Dismiss: the chronology does not show this pattern")),
        ],
        error_messages={"required": _("Choose whether you confirm or dismiss the detection.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you confirm or dismiss it, so that the rest of the team can follow."),
        error_messages={"required": _("Enter the reason for your decision.")},
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)


class LinkEpisodeForm(forms.Form):
    episode = forms.ChoiceField(
        label=_("Key practice episode"),
        error_messages={"required": _("Choose a key practice episode, or make a new one.")},
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, episodes: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.episodes = {str(episode.pk): episode for episode in episodes}
        self.fields["episode"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose…")),
            (NEW_EPISODE, _("A new episode made from this detection")),
            *((key, episode.title) for key, episode in self.episodes.items()),
        ]

    def chosen_episode(self) -> Any:
        """The chosen episode, or None for a new one."""
        return self.episodes.get(self.cleaned_data["episode"])
