"""A fictional demo working group, created idempotently by stable keys.

Every name is invented. A seat for every top-level sector of the method (two places for health, of
which one is vacant, so the health warning shows); the demo working-group user `tooruhm` holds the
education seat after accepting a letter; the local-government seat fell vacant when its member left;
one letter waits past its reply-by date; this year's meetings come from the method's rule; the next
meeting discusses the demo review (so members whose organisation knew the child are recused), has a
material and an action item carried from the meeting before; a pilot of method version 1 has feedback.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from core.dates import today

from . import content
from .meeting_services import agenda_item_save, meetings_generate
from .models import ActionItem, AgendaItem, Feedback, Invitation, Material, Meeting, Membership, Pilot, Seat

SKA, MUNICIPALITY, FAMILY_DOCTOR, SCHOOL, POLICE = "70001975", "75000001", "90000002", "75000004", "70008747"
AGENDA_TITLE = "Juhtumi arutelu: kuidas teave liikus asutuste vahel"


def _member(seat: Seat, *, email: str, defaults: dict[str, Any]) -> Membership:
    member, _created = Membership.objects.get_or_create(seat=seat, email=email, defaults=defaults)
    return member


@transaction.atomic
def ensure_demo_workgroup(people: dict[str, Any], case: dict[str, Any] | None = None) -> dict[str, Any]:
    """Create or find the demo working group. Returns its objects by name (see the module docstring)."""
    coordinator = people["koordinaator"]
    on = today()
    organisations = {o.registry_code: o for o in Organisation.objects.all() if o.registry_code}
    seats = {}
    for code, _label in content.seat_sectors("et"):
        seats[code], _created = Seat.objects.get_or_create(sector=code, defaults={"size": 2 if code == "health" else 1})

    # The education seat: the demo working-group user, who joined by accepting a letter.
    school = organisations[SCHOOL]
    accepted, _created = Invitation.objects.get_or_create(
        seat=seats["education"],
        to_email=school.email,
        defaults={
            "organisation": school,
            "cc_name": str(people["tooruhm"]),
            "cc_email": people["tooruhm"].email,
            "subject": "Kutse juhtumite tagantjärele analüüsi töörühma: Haridus",
            "body": "Lugupeetud Näidisküla Põhikool\n\n(Demo kiri.)",
            "reply_by": on - dt.timedelta(days=300),
            "sent_at": timezone.now() - dt.timedelta(days=320),
            "sent_by": coordinator,
            "status": Invitation.Status.ACCEPTED,
            "replied_on": on - dt.timedelta(days=305),
        },
    )
    member = _member(
        seats["education"],
        email=people["tooruhm"].email,
        defaults={
            "person_name": str(people["tooruhm"]),
            "user": people["tooruhm"],
            "organisation": school,
            "sector": "education",
            "term_start": on - dt.timedelta(days=300),
            "invitation": accepted,
        },
    )
    health_member = _member(
        seats["health"],
        email="tiina.tervis@perearst.example",
        defaults={
            "person_name": "Tiina Tervis",
            "organisation": organisations[FAMILY_DOCTOR],
            "sector": "health.primary_care",
            "term_start": on - dt.timedelta(days=400),
        },
    )
    _member(
        seats["police"],
        email="priit.politsei@politsei.example",
        defaults={
            "person_name": "Priit Politsei",
            "organisation": organisations[POLICE],
            "sector": "police",
            "term_start": on - dt.timedelta(days=500),
        },
    )
    _member(
        seats["ska_services"],
        email="sirje.sotsiaal@sotsiaalkindlustusamet.example",
        defaults={
            "person_name": "Sirje Sotsiaal",
            "organisation": organisations[SKA],
            "sector": "ska_services",
            "term_start": on - dt.timedelta(days=500),
        },
    )
    # The local-government seat: its member left a month ago; a letter went out and is overdue.
    _member(
        seats["child_protection"],
        email="kati.kaitse@naidisvald.example",
        defaults={
            "person_name": "Kati Kaitse",
            "organisation": organisations[MUNICIPALITY],
            "sector": "child_protection",
            "term_start": on - dt.timedelta(days=700),
            "term_end": on - dt.timedelta(days=30),
            "status": Membership.Status.LEFT,
        },
    )
    waiting, _created = Invitation.objects.get_or_create(
        seat=seats["child_protection"],
        to_email=organisations[MUNICIPALITY].email,
        defaults={
            "organisation": organisations[MUNICIPALITY],
            "cc_name": "Mari Lastekaitse",
            "cc_email": "mari.lastekaitse@naidisvald.example",
            "subject": "Kutse juhtumite tagantjärele analüüsi töörühma: KOV lastekaitse",
            "body": "Lugupeetud Näidisvalla Vallavalitsus\n\n(Demo kiri.)",
            "reply_by": on - dt.timedelta(days=6),
            "sent_at": timezone.now() - dt.timedelta(days=20),
            "sent_by": coordinator,
        },
    )

    # Meetings: last year's December and this year's, by the method's rule.
    for year in (on.year - 1, on.year):
        if not Meeting.objects.filter(rule_date__year=year).exists():
            meetings_generate(year=year, acting_user=coordinator)
    now = timezone.now()
    meeting = Meeting.objects.planned().filter(starts_at__gt=now).first()
    if meeting is None:
        meetings_generate(year=on.year + 1, acting_user=coordinator)
        meeting = Meeting.objects.planned().filter(starts_at__gt=now).first()
    assert meeting is not None
    previous = Meeting.objects.planned().filter(starts_at__lt=meeting.starts_at).last()
    action = None
    if previous is not None:
        action, _created = ActionItem.objects.get_or_create(
            meeting=previous,
            description="Koguda töörühma liikmetelt näited teabe liikumise takistustest.",
            defaults={"owner": health_member, "due_on": meeting.local_date},
        )
    review = (case or {}).get("review")
    item = AgendaItem.objects.filter(meeting=meeting, title=AGENDA_TITLE).first()
    if item is None:
        item = agenda_item_save(
            meeting=meeting,
            data={
                "title": AGENDA_TITLE,
                "description": "Arutelu aluseks on pseudonüümitud kokkuvõte.",
                "review": review,
                "organisations": [],
                "position": 1,
            },
            acting_user=coordinator,
        )
    material = meeting.materials.first()
    if material is None:
        material = Material(
            meeting=meeting,
            title="Koosoleku päevakord ja arutelu kokkuvõte",
            original_name="paevakord.txt",
            content_type="text/plain",
            uploaded_by=coordinator,
        )
        material.file.save(
            "paevakord.txt",
            ContentFile("Päevakord\n1. Juhtumi arutelu (pseudonüümitud)\n".encode()),
            save=False,
        )
        material.save()

    pilot, _created = Pilot.objects.get_or_create(
        title="Metoodika katsetus: kiiranalüüs",
        defaults={"method_version": content.current_version() or _version_one(), "created_by": coordinator},
    )
    feedback, _created = Feedback.objects.get_or_create(
        pilot=pilot,
        target=Feedback.Target.STAGE,
        target_code="rapid_review",
        author=people["tooruhm"],
        defaults={"text": "Kiiranalüüsi 15 tööpäeva on koolivaheajal lühike; kaaluda pikendamist."},
    )
    return {
        "seats": seats,
        "seat": seats["health"],
        "member": member,
        "accepted_invitation": accepted,
        "invitation": waiting,
        "meeting": meeting,
        "agenda_item": item,
        "material": material,
        "action_item": action,
        "pilot": pilot,
        "feedback": feedback,
    }


def _version_one() -> Any:
    from method.models import MethodVersion

    return MethodVersion.objects.get(number=1)
