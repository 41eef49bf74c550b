"""Fictional demo organisations and one demo user per role, created idempotently by a stable code.

Every name here is invented. Personal codes are generated with valid check digits; the coordinator
carries 38001085718, TARA's test identity, so that a TARA test sign-in lands on the demo data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum.ee import ik

from .models import Organisation, RoleGrant, SystemRole, User

DEMO_PASSWORD = "demo-sign-in-only"


def personal_code(sex_century: int, birth: str, serial: int) -> str:
    """A personal code with a valid check digit: G YYMMDD SSS C (birth as YYMMDD)."""
    stem = f"{sex_century}{birth}{serial:03d}"
    # calc_check_digit ignores the last character it is given: pass a placeholder check digit.
    return stem + ik.calc_check_digit(stem + "0")


DEMO_ORGANISATIONS = [
    # (registry code, name, sector, region, e-mail)
    ("70001975", "Sotsiaalkindlustusamet", "ska_services", "Harju maakond", "info@sotsiaalkindlustusamet.ee"),
    ("75000001", "Näidisvalla Vallavalitsus", "child_protection", "Näidismaa", "vald@naidisvald.example"),
    ("90000002", "Näidisküla Perearstikeskus OÜ", "health.primary_care", "Näidismaa", "info@perearst.example"),
    ("90000003", "Näidislinna Lastehaigla SA", "health.hospital", "Näidismaa", "info@lastehaigla.example"),
    ("75000004", "Näidisküla Põhikool", "education", "Näidismaa", "kool@naidiskool.example"),
    ("70008747", "Näidisprefektuur", "police", "Näidismaa", "prefektuur@politsei.example"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    personal_code: str
    organisation: str  # registry code
    roles: tuple[str, ...]
    description: str | Promise  # shown on the demo sign-in page


DEMO_USERS = [
    DemoUser(
        "koordinaator",
        "Kadri",
        "Koordinaator",
        "38001085718",
        "70001975",
        (SystemRole.COORDINATOR,),
        _("Review coordinator"),
    ),
    DemoUser(
        "analyytik",
        "Liis",
        "Analüütik",
        personal_code(4, "850312", 21),
        "70001975",
        (),
        _("Lead reviewer of the demo review"),
    ),
    DemoUser(
        "meeskonnaliige",
        "Tõnu",
        "Tervishoid",
        personal_code(3, "790704", 42),
        "90000003",
        (),
        _("Review team member (health)"),
    ),
    DemoUser(
        "asutus",
        "Mari",
        "Lastekaitse",
        personal_code(4, "900115", 63),
        "75000001",
        (),
        _("Agency contributor (local-government child protection)"),
    ),
    DemoUser(
        "tooruhm",
        "Peeter",
        "Töörühm",
        personal_code(3, "751120", 84),
        "75000004",
        (SystemRole.WORKING_GROUP,),
        _("Working-group member"),
    ),
    DemoUser(
        "metoodik",
        "Anu",
        "Metoodik",
        personal_code(4, "820506", 15),
        "70001975",
        (SystemRole.METHOD_EDITOR,),
        _("Method editor"),
    ),
    DemoUser(
        "audiitor", "Jaan", "Audiitor", personal_code(3, "700228", 36), "70001975", (SystemRole.AUDITOR,), _("Auditor")
    ),
    DemoUser(
        "juhtkond",
        "Helen",
        "Juht",
        personal_code(4, "770909", 57),
        "70001975",
        (SystemRole.MANAGEMENT,),
        _("Management (aggregate figures only)"),
    ),
    DemoUser(
        "haldur",
        "Rein",
        "Haldur",
        personal_code(3, "680101", 78),
        "70001975",
        (SystemRole.ADMINISTRATOR,),
        _("Administrator"),
    ),
]


@transaction.atomic
def ensure_demo_people() -> dict[str, User]:
    """Create or update the demo organisations and users. Returns users by username."""
    organisations = {}
    for registry_code, name, sector, region, email in DEMO_ORGANISATIONS:
        organisation, _created = Organisation.objects.update_or_create(
            registry_code=registry_code,
            defaults={"name": name, "sector": sector, "region": region, "email": email},
        )
        organisations[registry_code] = organisation
    users = {}
    for demo in DEMO_USERS:
        user, created = User.objects.update_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "personal_code": demo.personal_code,
                "organisation": organisations[demo.organisation],
                "email": f"{demo.username}@demo.example",
                "is_demo": True,
            },
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        for role in demo.roles:
            RoleGrant.objects.get_or_create(user=user, role=role)
        users[demo.username] = user
    return users
