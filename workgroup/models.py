"""The working group: seats by sector, members, invitation letters, meetings and the method pilot.

There is one working group. Who may see and change it is decided in `workgroup.access`; state changes
are in `workgroup.services`, which write the audit events.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core.dates import today
from core.files import verified_content_type
from core.workdays import is_public_holiday

from .schedule import DEFAULT_MATERIALS_WORKING_DAYS, DEFAULT_PLACE, working_days_before

LETTER_LANGUAGES = [("et", _("Estonian")), ("en", _("English")), ("ru", _("Russian"))]


class Seat(models.Model):
    """A place in the group for one sector (a top-level code of the method's sector list)."""

    sector = models.CharField(_("sector"), max_length=60, unique=True)
    size = models.PositiveSmallIntegerField(_("number of members"), default=1)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    # Optimistic locking: a save names the revision it started from (core.concurrency).
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [models.CheckConstraint(condition=Q(size__gte=1), name="workgroup_seat_size_positive")]

    def __str__(self) -> str:
        return self.sector

    @property
    def is_health(self) -> bool:
        return self.sector == "health"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def occupying(self, on: dt.date) -> MembershipQuerySet:
        """Members who hold a place in their seat on `on`: accepted, started, and not past their last day."""
        return self.exclude(status=Membership.Status.INVITED).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=on), term_start__lte=on
        )

    def overlapping(self, start: dt.date, end: dt.date | None) -> MembershipQuerySet:
        """Occupying members whose term overlaps [start, end] (end None: open-ended)."""
        queryset = self.exclude(status=Membership.Status.INVITED).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=start)
        )
        if end is not None:
            queryset = queryset.filter(term_start__lte=end)
        return queryset


class Membership(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")

    seat = models.ForeignKey(Seat, verbose_name=_("seat"), on_delete=models.PROTECT, related_name="memberships")
    person_name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    # The person's account, when they have one: it lets them see the group's meetings and materials.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workgroup_memberships",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    # A code from the method's two-level sector list, within the seat's sector.
    sector = models.CharField(_("sector"), max_length=60)
    term_start = models.DateField(_("term start"))
    # The member's last day; the seat is vacant from the day after.
    term_end = models.DateField(_("term end (last day)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    invitation = models.ForeignKey(
        "Invitation", verbose_name=_("invitation"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Optimistic locking: a save names the revision it started from (core.concurrency).
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["seat", "term_start", "pk"]
        verbose_name = _("working-group member")
        verbose_name_plural = _("working-group members")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="workgroup_membership_term_order",
            )
        ]
        indexes = [models.Index(fields=["seat", "term_start", "term_end"], name="workgroup_member_term_idx")]

    def __str__(self) -> str:
        return self.person_name

    def occupies(self, on: dt.date) -> bool:
        return (
            self.status != self.Status.INVITED
            and self.term_start <= on
            and (self.term_end is None or self.term_end >= on)
        )

    @property
    def vacant_from(self) -> dt.date | None:
        return self.term_end + dt.timedelta(days=1) if self.term_end else None


class Invitation(models.Model):
    """A letter inviting an organisation (and a named person) to take a seat, with its reply."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent – waiting for a reply")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        FORWARDED = "forwarded", _("Forwarded to someone else")

    seat = models.ForeignKey(Seat, verbose_name=_("seat"), on_delete=models.PROTECT, related_name="invitations")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_email = models.EmailField(_("to (general address)"))
    cc_name = models.CharField(_("named person"), max_length=200, blank=True)
    cc_email = models.EmailField(_("copy to (named person's address)"), blank=True)
    language = models.CharField(_("language of the letter"), max_length=2, choices=LETTER_LANGUAGES, default="et")
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("letter"), max_length=20000)
    reply_by = models.DateField(_("reply by"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    replied_on = models.DateField(_("reply received on"), null=True, blank=True)
    reply_note = models.TextField(_("note on the reply"), max_length=2000, blank=True)
    forwarded_from = models.ForeignKey(
        "self",
        verbose_name=_("forwarded from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwards",
    )
    # Optimistic locking: a save names the revision it started from (core.concurrency).
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("invitation letter")
        verbose_name_plural = _("invitation letters")

    def __str__(self) -> str:
        return self.subject

    def is_overdue(self, on: dt.date | None = None) -> bool:
        """No answer recorded and the reply-by date has passed."""
        return self.status == self.Status.SENT and (on or today()) > self.reply_by


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def planned(self) -> MeetingQuerySet:
        return self.filter(status=Meeting.Status.PLANNED)

    def in_year(self, year: int) -> MeetingQuerySet:
        zone = timezone.get_default_timezone()
        start = dt.datetime(year, 1, 1, tzinfo=zone)
        return self.filter(starts_at__gte=start, starts_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=zone))


def new_meeting_uid() -> str:
    return f"workgroup-{uuid.uuid4()}@tagasivaade.sotsiaalkindlustusamet.ee"


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    # The date the series rule gave, when the meeting came from it (a holiday moves the meeting).
    rule_date = models.DateField(_("date by the rule"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, default=DEFAULT_PLACE, blank=True)
    online_link = models.URLField(_("online link (MS Teams)"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    # Calendar identity: the UID never changes; SEQUENCE rises with every change sent out.
    uid = models.CharField(max_length=200, unique=True, default=new_meeting_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    invitations_sent_at = models.DateTimeField(_("calendar invitations sent at"), null=True, blank=True)
    materials_working_days = models.PositiveSmallIntegerField(
        _("materials sent this many working days before"), default=DEFAULT_MATERIALS_WORKING_DAYS
    )
    minutes = models.TextField(_("minutes"), max_length=50000, blank=True)
    # Optimistic locking: a save names the revision it started from (core.concurrency).
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="workgroup_meeting_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="workgroup_meeting_start_idx")]

    def __str__(self) -> str:
        return self.title or gettext("Working-group meeting")

    @property
    def local_date(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def on_holiday(self) -> bool:
        return is_public_holiday(self.local_date)

    @property
    def moved_from_holiday(self) -> bool:
        return self.rule_date is not None and self.rule_date != self.local_date and is_public_holiday(self.rule_date)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def materials_due_on(self) -> dt.date:
        """The working day the materials go out to the members."""
        return working_days_before(self.local_date, self.materials_working_days)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    # A case under discussion: the review (pseudonymised reference only) and the organisations involved.
    review = models.ForeignKey(
        "reviews.Review",
        verbose_name=_("review discussed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations involved in the case"), blank=True, related_name="+"
    )
    # Optimistic locking: a save names the revision it started from (core.concurrency).
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title

    @property
    def discusses_case(self) -> bool:
        return self.review_id is not None or self.organisations.exists()


class Conflict(models.Model):
    """A member whose own organisation was involved in the case an agenda item discusses: recused."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="conflicts")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="conflicts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recused = models.BooleanField(_("recused"), default=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agenda_item", "membership"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "membership"], name="workgroup_conflict_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agenda_item_id}: {self.membership_id}"


MAX_MATERIAL_BYTES = 25 * 1024 * 1024
# Each is checked against the file's content at upload and when served (core.files).
MATERIAL_EXTENSIONS = (
    "pdf",
    "docx",
    "doc",
    "odt",
    "rtf",
    "txt",
    "xlsx",
    "xls",
    "ods",
    "pptx",
    "ppt",
    "odp",
    "png",
    "jpg",
)


def material_content_type(material: Material, data: bytes) -> str:
    """The type a material is served and mailed as: its extension's when the content agrees, else
    application/octet-stream (never the stored type alone, which older rows took from the browser)."""
    return verified_content_type(material.original_name, io.BytesIO(data), allowed=MATERIAL_EXTENSIONS)


def material_path(instance: Material, filename: str) -> str:
    # Stored under a random name: the original name is kept in the row, never in the storage path.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"workgroup/materials/{instance.meeting_id}/{uuid.uuid4().hex}.{suffix[:10]}"


class Material(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    file = models.FileField(_("file"), upload_to=material_path, max_length=300)
    original_name = models.CharField(max_length=255)
    # The type of the extension, as verified against the content at upload. Downloads and e-mail
    # check again rather than trust it: rows from before the check hold what the browser said.
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Set by the scheduled producer when the sending task is queued, then when the e-mail went out.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent to the members at"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "uploaded_at", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        indexes = [models.Index(fields=["sent_at", "enqueued_at"], name="workgroup_material_send_idx")]

    def __str__(self) -> str:
        return self.title

    def email_attachment(self) -> tuple[str, bytes, str]:
        """The file for an e-mail (outbox): its name, content and the type its content was verified as."""
        with self.file.open("rb") as handle:
            data = handle.read()
        return self.original_name, data, material_content_type(self, data)


class Attendance(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="attendance")
    mode = models.CharField(_("attendance"), max_length=20, choices=Mode.choices)

    class Meta:
        ordering = ["meeting", "membership"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="workgroup_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.mode}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"), max_length=5000)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:60]


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def open(self) -> ActionItemQuerySet:
        return self.filter(status=ActionItem.Status.OPEN)

    def carried_to(self, meeting: Meeting) -> ActionItemQuerySet:
        """Open action items from earlier meetings: they show on this meeting's agenda."""
        return self.open().filter(meeting__starts_at__lt=meeting.starts_at).select_related("meeting", "owner")


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    description = models.TextField(_("action"), max_length=2000)
    # The owner: a member, or a named person outside the group (e.g. the coordinator).
    owner = models.ForeignKey(
        Membership, verbose_name=_("owner"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_name = models.CharField(_("owner (name)"), max_length=200, blank=True)
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | ~Q(owner_name=""), name="workgroup_action_has_owner"
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def owner_label(self) -> str:
        return self.owner.person_name if self.owner_id and self.owner else self.owner_name

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return self.status == self.Status.OPEN and (on or today()) > self.due_on


class Pilot(models.Model):
    """The group tests a method version on a case (optionally a review of type pilot)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    method_version = models.ForeignKey(
        "method.MethodVersion", verbose_name=_("method version"), on_delete=models.PROTECT, related_name="+"
    )
    review = models.ForeignKey(
        "reviews.Review",
        verbose_name=_("pilot review"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_on = models.DateField(_("started on"), default=today)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("method pilot")
        verbose_name_plural = _("method pilots")

    def __str__(self) -> str:
        return self.title


class Feedback(models.Model):
    """Feedback on the method from a pilot, tracked to the method version that resolves it."""

    class Target(models.TextChoices):
        STAGE = "stage", _("Stage")
        RULE = "rule", _("Pattern rule")
        VOCABULARY = "vocabulary", _("Vocabulary")
        TEMPLATE = "template", _("Template")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DECLINED = "declined", _("Not taken up")

    pilot = models.ForeignKey(Pilot, verbose_name=_("pilot"), on_delete=models.PROTECT, related_name="feedback")
    target = models.CharField(_("part of the method"), max_length=20, choices=Target.choices)
    target_code = models.CharField(_("code"), max_length=100)
    text = models.TextField(_("feedback"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    resolved_in = models.ForeignKey(
        "method.MethodVersion",
        verbose_name=_("resolved in method version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution_note = models.TextField(_("how it was resolved"), max_length=2000, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: a save names the revision it started from (core.concurrency).
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("method feedback")
        verbose_name_plural = _("method feedback")
        indexes = [models.Index(fields=["status", "created_at"], name="workgroup_feedback_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_in__isnull=False),
                name="workgroup_feedback_resolved_has_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target}:{self.target_code}"


def ids(objects: Iterable[Any]) -> list[str]:
    """Primary keys for an audit event's `object_ids`."""
    return [str(obj.pk) for obj in objects]
