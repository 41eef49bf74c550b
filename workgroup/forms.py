"""Forms of the working group. They parse and check input; saving is done by the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from core.forms import DateField, RevisionField, interface_language
from method.models import MethodVersion
from reviews.models import Review

from . import content
from .models import LETTER_LANGUAGES, Attendance, Feedback, Invitation, Membership, Seat
from .services import feedback_target_codes


class TimeField(forms.TimeField):
    default_error_messages = {"invalid": _("Enter a time as hh:mm, for example 11:00.")}

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("input_formats", ["%H:%M", "%H.%M"])
        kwargs.setdefault("widget", forms.TimeInput(format="%H:%M", attrs={"autocomplete": "off"}))
        kwargs.setdefault("help_text", _("For example 11:00"))
        super().__init__(**kwargs)


def text_input(autocomplete: str = "off") -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": autocomplete})


class SeatChoiceField(forms.ModelChoiceField):
    """Seats by their sector's label in the interface language."""

    def label_from_instance(self, obj: Any) -> str:
        return content.sector_label(obj.sector, interface_language())


class ReviewChoiceField(forms.ModelChoiceField):
    """Reviews by their pseudonymised reference only: never the child's pseudonym or any name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.reference)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person_name)


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_status_display()})"


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def model_choice_field(form: forms.Form, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


class SeatForm(forms.Form):
    revision = RevisionField()
    sector = forms.ChoiceField(label=_("Sector"), error_messages={"required": _("Choose the seat's sector.")})
    size = forms.IntegerField(
        label=_("Number of members"),
        min_value=1,
        max_value=20,
        initial=1,
        widget=forms.NumberInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        error_messages={
            "required": _("Enter how many members the seat should have."),
            "invalid": _("Enter the number of members as a whole number."),
            "min_value": _("A seat has at least one member."),
        },
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choice_field(self, "sector").choices = [("", _("Choose…")), *content.seat_sectors(interface_language())]


class MemberForm(forms.Form):
    revision = RevisionField()
    seat = SeatChoiceField(
        label=_("Seat"), queryset=Seat.objects.all(), error_messages={"required": _("Choose the seat.")}
    )
    person_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        widget=text_input("name"),
        error_messages={"required": _("Enter the member's name.")},
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter the member's e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.ee."),
        },
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        error_messages={"required": _("Choose the member's organisation.")},
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        help_text=_("Within the seat's sector, e.g. primary care in the health seat."),
        error_messages={"required": _("Choose the member's sector.")},
    )
    user = forms.ModelChoiceField(
        label=_("User account"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text=_("The account lets the member see the group's meetings and materials."),
        empty_label=_("No account"),
    )
    term_start = DateField(label=_("Term starts"), error_messages={"required": _("Enter the date the term starts.")})
    term_end = DateField(
        label=_("Last day"),
        required=False,
        help_text=_("The member's last day; the seat is vacant from the next day. For example 31.12.2026"),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Membership.Status.choices, initial=Membership.Status.ACTIVE)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        language = interface_language()
        version = content.current_version()
        sectors = (
            [(code, ("— " * depth) + label) for code, label, depth in version.data.iter_sectors(language)]
            if version is not None
            else content.seat_sectors(language)
        )
        choice_field(self, "sector").choices = [("", _("Choose…")), *sectors]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("term_start"), cleaned.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("The last day cannot be before the term starts."))
        return cleaned


class MemberEndForm(forms.Form):
    revision = RevisionField()
    last_day = DateField(label=_("Last day"), error_messages={"required": _("Enter the member's last day.")})


class InvitationForm(forms.Form):
    seat = SeatChoiceField(
        label=_("Seat"), queryset=Seat.objects.all(), error_messages={"required": _("Choose the seat.")}
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("The letter goes to the organisation's general address."),
    )
    to_email = forms.EmailField(
        label=_("To (the organisation's general address)"),
        max_length=254,
        required=False,
        help_text=_("Left empty: the organisation's general address from the register."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an e-mail address like info@example.ee.")},
    )
    cc_name = forms.CharField(label=_("Copy to (name)"), max_length=200, required=False, widget=text_input("name"))
    cc_email = forms.EmailField(
        label=_("Copy to (e-mail address)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an e-mail address like name@example.ee.")},
    )
    language = forms.ChoiceField(label=_("Language of the letter"), choices=LETTER_LANGUAGES, initial="et")
    reply_by = DateField(label=_("Reply by"), error_messages={"required": _("Enter the date to reply by.")})
    subject = forms.CharField(label=_("Subject"), max_length=300, required=False, widget=text_input())
    body = forms.CharField(
        label=_("Letter"),
        max_length=20000,
        required=False,
        help_text=_("Drafted from the method's template; you may edit it before sending."),
        widget=forms.Textarea(attrs={"rows": 24}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation = cleaned.get("organisation")
        if not cleaned.get("to_email") and "to_email" not in self.errors:
            if organisation is not None and organisation.email:
                cleaned["to_email"] = organisation.email
            else:
                self.add_error("to_email", _("Enter the organisation's general e-mail address."))
        if cleaned.get("cc_email") and not cleaned.get("cc_name"):
            self.add_error("cc_name", _("Enter the name of the person who gets the copy."))
        return cleaned


class InvitationReplyForm(forms.Form):
    revision = RevisionField()
    outcome = forms.ChoiceField(
        label=_("Answer"),
        widget=forms.RadioSelect,
        choices=[
            (Invitation.Status.ACCEPTED, _("Accepted – a member joins the seat")),
            (Invitation.Status.DECLINED, _("Declined")),
            (Invitation.Status.FORWARDED, _("Forwarded to someone else – send them a letter")),
        ],
        error_messages={"required": _("Choose the answer.")},
    )
    replied_on = DateField(label=_("Answer received on"), required=False)
    reply_note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Accepted: the member who joins the seat.
    person_name = forms.CharField(label=_("Member's name"), max_length=200, required=False, widget=text_input("name"))
    email = forms.EmailField(
        label=_("Member's e-mail address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an e-mail address like name@example.ee.")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Member's organisation"), queryset=Organisation.objects.all(), required=False
    )
    sector = forms.ChoiceField(label=_("Member's sector"), required=False)
    user = forms.ModelChoiceField(
        label=_("Member's user account"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        empty_label=_("No account"),
    )
    term_start = DateField(label=_("Term starts"), required=False)
    term_end = DateField(label=_("Last day"), required=False)
    # Forwarded: the person the letter was forwarded to.
    forward_name = forms.CharField(
        label=_("Forwarded to (name)"), max_length=200, required=False, widget=text_input("name")
    )
    forward_email = forms.EmailField(
        label=_("Forwarded to (e-mail address)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an e-mail address like name@example.ee.")},
    )
    forward_reply_by = DateField(label=_("New reply-by date"), required=False)

    def __init__(self, *args: Any, seat: Seat, **kwargs: Any):
        super().__init__(*args, **kwargs)
        version = content.current_version()
        language = interface_language()
        codes = (
            [
                (code, label)
                for code, label, _depth in version.data.iter_sectors(language)
                if code.split(".")[0] == seat.sector
            ]
            if version is not None
            else [(seat.sector, seat.sector)]
        )
        choice_field(self, "sector").choices = [("", _("Choose…")), *codes]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        outcome = cleaned.get("outcome")
        required: dict[str, Any] = {}
        if outcome == Invitation.Status.ACCEPTED:
            required = {
                "person_name": _("Enter the name of the member who joins the seat."),
                "email": _("Enter the member's e-mail address."),
                "organisation": _("Choose the member's organisation."),
                "sector": _("Choose the member's sector."),
                "term_start": _("Enter the date the term starts."),
            }
        elif outcome == Invitation.Status.FORWARDED:
            required = {
                "forward_name": _("Enter the name of the person the letter was forwarded to."),
                "forward_email": _("Enter their e-mail address."),
            }
        for field, message in required.items():
            if not cleaned.get(field) and field not in self.errors:
                self.add_error(field, message)
        start, end = cleaned.get("term_start"), cleaned.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("The last day cannot be before the term starts."))
        return cleaned


class ScheduleForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        error_messages={"required": _("Enter the year."), "invalid": _("Enter the year as four digits.")},
    )
    move_holidays = forms.BooleanField(
        label=_("Move a meeting on a public holiday to the proposed working day"), required=False, initial=True
    )


class MeetingForm(forms.Form):
    revision = RevisionField()
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for “Working-group meeting”."),
        widget=text_input(),
    )
    date = DateField(label=_("Date"), error_messages={"required": _("Enter the date of the meeting.")})
    start_time = TimeField(label=_("Starts at"), error_messages={"required": _("Enter the time the meeting starts.")})
    end_time = TimeField(label=_("Ends at"), error_messages={"required": _("Enter the time the meeting ends.")})
    place = forms.CharField(label=_("Place"), max_length=300, required=False, widget=text_input("street-address"))
    online_link = forms.URLField(
        label=_("Online link (MS Teams)"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
        error_messages={"invalid": _("Enter the link as a web address starting with https://.")},
    )
    materials_working_days = forms.IntegerField(
        label=_("Send the materials this many working days before"),
        min_value=0,
        max_value=30,
        widget=forms.NumberInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        error_messages={"required": _("Enter the number of working days."), "invalid": _("Enter a whole number.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The meeting must end after it starts."))
        return cleaned


class AgendaItemForm(forms.Form):
    revision = RevisionField()
    title = forms.CharField(
        label=_("Title"), max_length=300, widget=text_input(), error_messages={"required": _("Enter the title.")}
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        help_text=_("Refer to a case only by its review reference: no names or personal codes."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    review = ReviewChoiceField(
        label=_("Review discussed"),
        queryset=Review.objects.none(),
        required=False,
        empty_label=_("No case discussed"),
        help_text=_("Members whose organisation knew the child are marked with a conflict of interest."),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Other organisations involved in the case"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    position = forms.IntegerField(
        label=_("Position on the agenda"),
        min_value=1,
        max_value=99,
        required=False,
        widget=forms.NumberInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "review").queryset = Review.objects.visible_to(user).order_by("reference")


class MaterialForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=300, widget=text_input(), error_messages={"required": _("Enter the title.")}
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        help_text=_("Refer to a case only by its review reference: no names or personal codes."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = forms.FileField(label=_("File"), error_messages={"required": _("Choose the file to upload.")})


class AttendanceForm(forms.Form):
    """One radio group per member holding a seat on the meeting's day; the revision is the meeting's."""

    revision = RevisionField()

    def __init__(self, *args: Any, members: list[Membership], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=f"{member.person_name} ({member.organisation})",
                choices=Attendance.Mode.choices,
                widget=forms.RadioSelect,
                required=False,
            )

    @staticmethod
    def initial_for(meeting: Any, members: list[Membership]) -> dict[str, Any]:
        """The attendance as recorded for the meeting, in the form's terms."""
        current = dict(meeting.attendance.values_list("membership_id", "mode"))
        return {f"member_{member.pk}": current.get(member.pk) for member in members} | {"revision": meeting.revision}

    def modes(self) -> dict[int, str]:
        return {
            member.pk: self.cleaned_data[f"member_{member.pk}"]
            for member in self.members
            if self.cleaned_data.get(f"member_{member.pk}")
        }


class MinutesForm(forms.Form):
    revision = RevisionField()
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=50000,
        help_text=_("Refer to a case only by its review reference: no names or personal codes."),
        widget=forms.Textarea(attrs={"rows": 14}),
    )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the decision.")},
    )


class ActionItemForm(forms.Form):
    description = forms.CharField(
        label=_("Action"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Describe the action.")},
    )
    owner = MemberChoiceField(label=_("Owner (member)"), queryset=Membership.objects.none(), required=False)
    owner_name = forms.CharField(
        label=_("Owner (someone else)"),
        max_length=200,
        required=False,
        help_text=_("When the owner is not a member, e.g. the coordinator."),
        widget=text_input("name"),
    )
    due_on = DateField(label=_("Due date"), error_messages={"required": _("Enter the due date.")})

    def __init__(self, *args: Any, members: list[Membership], **kwargs: Any):
        super().__init__(*args, **kwargs)
        owner = model_choice_field(self, "owner")
        owner.queryset = Membership.objects.filter(pk__in=[m.pk for m in members])
        owner.empty_label = _("Not a member")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("owner") and not cleaned.get("owner_name") and "owner" not in self.errors:
            self.add_error("owner", _("Choose the member who owns the action, or write the owner's name."))
        if cleaned.get("owner") and cleaned.get("owner_name"):
            self.add_error("owner_name", _("Give either a member or a name, not both."))
        return cleaned


class PilotForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=text_input(), error_messages={"required": _("Enter the title.")}
    )
    method_version = VersionChoiceField(
        label=_("Method version tested"),
        queryset=MethodVersion.objects.order_by("-number"),
        error_messages={"required": _("Choose the method version.")},
    )
    review = ReviewChoiceField(
        label=_("Pilot review"),
        queryset=Review.objects.none(),
        required=False,
        empty_label=_("No review"),
        help_text=_("A review of the type pilot, when the pilot runs on one."),
    )
    started_on = DateField(label=_("Started on"), required=False)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5000,
        help_text=_("No names or personal codes."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "review").queryset = Review.objects.filter(review_type="pilot").order_by("reference")


class FeedbackForm(forms.Form):
    part = forms.ChoiceField(
        label=_("Part of the method"),
        help_text=_("The stage, pattern rule, vocabulary or template the feedback is about."),
        error_messages={"required": _("Choose the part of the method.")},
    )
    text = forms.CharField(
        label=_("Feedback"),
        max_length=5000,
        help_text=_("No names or personal codes."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the feedback.")},
    )

    def __init__(self, *args: Any, version: MethodVersion, **kwargs: Any):
        super().__init__(*args, **kwargs)
        language = interface_language()
        data = version.data
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        for target, label in Feedback.Target.choices:
            options = []
            for code in feedback_target_codes(version, target):
                if target == Feedback.Target.STAGE:
                    text = data.label("stages", code, language)
                elif target == Feedback.Target.RULE:
                    labels = data.pattern_rule(code).get("label") or {}
                    text = labels.get(language) or labels.get("et") or code
                else:
                    text = code
                options.append((f"{target}:{code}", f"{text} ({code})" if text != code else code))
            groups.append((str(label), options))
        choice_field(self, "part").choices = [("", _("Choose…")), *groups]

    def target(self) -> dict[str, str]:
        target, _sep, code = self.cleaned_data["part"].partition(":")
        return {"target": target, "target_code": code}


class FeedbackResolveForm(forms.Form):
    revision = RevisionField()
    status = forms.ChoiceField(label=_("Status"), choices=Feedback.Status.choices, widget=forms.RadioSelect)
    resolved_in = VersionChoiceField(
        label=_("Resolved in method version"),
        queryset=MethodVersion.objects.order_by("-number"),
        required=False,
        empty_label=_("Choose…"),
    )
    note = forms.CharField(
        label=_("How it was resolved"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
