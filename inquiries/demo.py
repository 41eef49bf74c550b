"""Demo information gathering for the demo review, created idempotently by involvement code.

The municipality's child protection (the demo `asutus` user's organisation) has a sent request that
`asutus` answers; the children's hospital has a draft letter not sent yet.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from core.dates import format_date, today
from core.workdays import add_working_days

from . import services
from .models import InformationRequest, Involvement, RequestContributor

MUNICIPALITY_CODE = "VALD-LK"
HOSPITAL_CODE = "HAIGLA-01"


def _draft(involvement: Involvement, coordinator: Any) -> InformationRequest:
    # Demo data is loaded, not done by anyone: no audit event, as for the rest of the demo case.
    subject, letter = services.draft_letter(involvement=involvement, language="et", coordinator=coordinator)
    return InformationRequest.objects.create(
        involvement=involvement, language="et", subject=subject, letter=letter, created_by=coordinator
    )


@transaction.atomic
def ensure_demo_inquiries(users: dict[str, Any], review: Any) -> dict[str, Any]:
    """Returns {"involvement", "sent_request", "draft_request"}."""
    coordinator = users["koordinaator"]
    contributor = users.get("asutus")
    hospital = Organisation.objects.filter(registry_code="90000003").first()
    municipality = contributor.organisation if contributor else Organisation.objects.get(registry_code="75000001")
    involvement, _created = Involvement.objects.get_or_create(
        review=review,
        code=MUNICIPALITY_CODE,
        defaults={
            "organisation": municipality,
            "services": "Child protection casework, family support",
            "contact_name": "Mari Lastekaitse",
            "contact_email": "vald@naidisvald.example",
        },
    )
    sent = involvement.requests.first()  # type: ignore[attr-defined]
    if sent is None:
        sent = _draft(involvement, coordinator)
        # Marked as sent without e-mailing anyone: the demo contact's address is invented.
        due_on = add_working_days(today(), 10)
        letter = services.fill_placeholders(
            sent.letter, {"due_date": format_date(due_on), "submission_link": services.request_link(sent)}
        )
        InformationRequest.objects.filter(pk=sent.pk).update(sent_at=timezone.now(), due_on=due_on, letter=letter)
        sent.refresh_from_db()
    if contributor is not None:
        RequestContributor.objects.get_or_create(request=sent, user=contributor)
    draft = None
    if hospital is not None:
        hospital_involvement, _created = Involvement.objects.get_or_create(
            review=review,
            code=HOSPITAL_CODE,
            defaults={
                "organisation": hospital,
                "services": "Emergency and specialist care",
                "contact_name": "Tiina Arst",
                "contact_email": "info@lastehaigla.example",
            },
        )
        draft = hospital_involvement.requests.first()  # type: ignore[attr-defined]
        if draft is None:
            draft = _draft(hospital_involvement, coordinator)
    return {"involvement": involvement, "sent_request": sent, "draft_request": draft}
