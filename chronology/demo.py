"""The demo review's integrated chronology: five agencies' fictional submissions, taken in through
`chronology.store.apply_submission` like any other, so that the demo shows merged entries, suggested
duplicates and the patterns of DOMAIN.md §5. Created once per request (idempotent).

Everything here is invented. The story (Laps A, 13, a chronic condition, medical neglect):
- the municipality closes its case in mid-2023 and the family doctor re-refers two months later;
- the hospital's follow-up appointments are missed three times in 2024, with no follow-up and no
  notification to child protection, and the school, seeing the child every day, is never told;
- the school's notification in September 2024 is answered only after six weeks;
- two home visits do not see the child; the same concern is recorded again and again in 2025 with
  no network meeting, and the chronology falls silent until the hospital admission.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from inquiries.models import InformationRequest, Involvement

from .exchange import Vocabularies, read_chronology
from .store import apply_submission

DATA = Path(__file__).resolve().parent / "demo_data"

SUBMISSIONS: dict[str, tuple[str, str, str]] = {
    # code: (organisation registry code, services, contact name); rows in demo_data/<code>.csv
    "VALD-LK": ("75000001", "Child protection casework, family support", "Mari Lastekaitse"),
    "PERE-01": ("90000002", "Family doctor and nurse", "Pille Perearst"),
    "HAIGLA-01": ("90000003", "Emergency and specialist care", "Tiina Arst"),
    "KOOL-01": ("75000004", "Basic school, class teacher and school nurse", "Kaja Klassijuhataja"),
    "POLITSEI-01": ("70008747", "Police: calls to the home", "Peeter Piirkonnapolitseinik"),
}


def _request(review: Any, code: str, coordinator: Any) -> InformationRequest | None:
    registry_code, services, contact = SUBMISSIONS[code]
    organisation = Organisation.objects.filter(registry_code=registry_code).first()
    if organisation is None:
        return None
    involvement, _created = Involvement.objects.get_or_create(
        review=review,
        code=code,
        defaults={
            "organisation": organisation,
            "services": services,
            "contact_name": contact,
            "contact_email": organisation.email or "info@example.com",
        },
    )
    information_request = involvement.requests.order_by("pk").first()  # type: ignore[attr-defined]
    if information_request is None:
        information_request = InformationRequest.objects.create(
            involvement=involvement,
            language="et",
            subject="Teabepäring",
            letter="Palume esitada kronoloogia.",
            created_by=coordinator,
            sent_at=timezone.now(),
        )
    return information_request


@transaction.atomic
def ensure_demo_chronology(users: dict[str, Any], review: Any) -> dict[str, Any]:
    """Submit each demo agency's chronology once. Returns {code: InformationRequest}."""
    coordinator = users["koordinaator"]
    vocabularies = Vocabularies.from_method(review.method_version.data)
    made: dict[str, Any] = {}
    for code in SUBMISSIONS:
        information_request = _request(review, code, coordinator)
        if information_request is None:
            continue
        made[code] = information_request
        if information_request.submissions.exists():
            continue
        path = DATA / f"{code}.csv"
        result = read_chronology(path, vocabularies=vocabularies, filename=path.name)
        if not result.ok:
            raise ValueError(f"demo chronology {code}: {[str(problem) for problem in result.errors]}")
        apply_submission(
            information_request=information_request,
            entries=result.entries,
            channel="upload",
            filename=f"{code.lower()}.csv",
        )
    from detections.services import ensure_detections

    ensure_detections(review=review)  # the demo shows its detections at once, without a worker
    return made
