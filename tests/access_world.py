"""The world the access spec's URLs point at: the demo people and case, and the objects each page
needs (made once per world, through the same demo loaders and services the product uses).

`tests/access_spec.py` says who may open each page; this module builds what the pages open.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class World:
    """The objects the URLs point at: the demo people and the demo case, plus what pages need."""

    people: Mapping[str, Any]
    notification: Any = None  # screened, with a review opened from it
    review: Any = None  # the demo review: analyytik leads, meeskonnaliige is on the team, asutus contributes
    open_notification: Any = None  # recorded, not yet screened
    extra: dict[str, Any] = field(default_factory=dict)


def review_kwargs(world: World) -> dict[str, Any]:
    return {"pk": world.review.pk}


def notification_kwargs(world: World) -> dict[str, Any]:
    return {"pk": world.notification.pk}


def open_notification_kwargs(world: World) -> dict[str, Any]:
    return {"pk": world.open_notification.pk}


def organisation_kwargs(world: World) -> dict[str, Any]:
    return {"pk": world.people["asutus"].organisation_id}


def person_kwargs(world: World) -> dict[str, Any]:
    return {"pk": world.people["meeskonnaliige"].pk}


def first_audit_event() -> int:
    """The sequence number of an audit event to open (writing one when the log is still empty)."""
    from audit.log import record
    from audit.models import Action, AuditEvent, Purpose

    sequence = AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True).first()
    return sequence or record(actor=None, action=Action.SEND, purpose=Purpose.SYSTEM).sequence


def method_draft_number(world: World) -> int:
    """The number of the method's draft version, made by the demo method editor when there is none."""
    from method.models import MethodVersion
    from method.services import method_draft_create

    draft = MethodVersion.objects.filter(status=MethodVersion.Status.DRAFT).first()
    return (draft or method_draft_create(acting_user=world.people["metoodik"])).number


def workgroup(world: World) -> dict[str, Any]:
    """The demo working group (workgroup/demo.py), made once per world."""
    if "workgroup" not in world.extra:
        from workgroup.demo import ensure_demo_workgroup

        world.extra["workgroup"] = ensure_demo_workgroup(world.people, {"review": world.review})
    return world.extra["workgroup"]


def workgroup_pk(key: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: {"pk": workgroup(world)[key].pk}


def inquiries(world: World) -> dict[str, Any]:
    """The demo review's involvements and information requests (inquiries/demo.py), made once per world."""
    if "inquiries" not in world.extra:
        from inquiries.demo import ensure_demo_inquiries

        world.extra["inquiries"] = ensure_demo_inquiries(world.people, world.review)
    return world.extra["inquiries"]


def chronology(world: World) -> dict[str, Any]:
    """The demo review's submitted chronologies (chronology/demo.py): {organisation code: InformationRequest},
    made once per world. VALD-LK is the request the demo contributor `asutus` answers."""
    if "chronology" not in world.extra:
        from chronology.demo import ensure_demo_chronology

        inquiries(world)
        world.extra["chronology"] = ensure_demo_chronology(world.people, world.review)
    return world.extra["chronology"]


def demo_entry(world: World, entry_ref: str = "VALD-006") -> Any:
    """A stored entry of the demo chronology (default: the joint home visit that has a duplicate)."""
    from chronology.models import ChronologyEntry

    chronology(world)
    return ChronologyEntry.objects.get(review=world.review, entry_ref=entry_ref)


def review_with_chronology(world: World) -> dict[str, Any]:
    chronology(world)
    return {"pk": world.review.pk}


def demo_entry_kwargs(world: World) -> dict[str, Any]:
    return {"pk": demo_entry(world).pk}


def demo_duplicate(world: World) -> Any:
    """The demo chronology's suggested duplicate: the joint home visit (VALD-006 and POL-001)."""
    from chronology.models import DuplicateLink

    entry = demo_entry(world)
    return DuplicateLink.objects.filter(review=world.review, second=entry).first() or DuplicateLink.objects.get(
        review=world.review, first=entry
    )


def demo_dispute(world: World) -> Any:
    """An open dispute in the demo chronology (the two reports of the joint home visit), made once per world."""
    if "dispute" not in world.extra:
        from chronology.services import dispute_create

        link = demo_duplicate(world)
        world.extra["dispute"] = dispute_create(
            review=world.review,
            entries=[link.first, link.second],
            note="Politsei järgi oli laps kodus, valla järgi mitte.",
            acting_user=world.people["analyytik"],
        )
    return world.extra["dispute"]


def inquiry_pk(key: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: {"pk": inquiries(world)[key].pk}


def api_token_kwargs(world: World) -> dict[str, Any]:
    """The sent demo request and an API token of it (made once per world; the token itself is never used)."""
    if "api_token" not in world.extra:
        from api.models import ApiToken, token_digest

        request = inquiries(world)["sent_request"]
        world.extra["api_token"] = ApiToken.objects.create(
            request=request,
            digest=token_digest("tv_access-matrix"),
            prefix="tv_access-m",
            label="STAR",
            created_by=world.people["koordinaator"],
        )
    return {"pk": world.extra["api_token"].request_id, "token_pk": world.extra["api_token"].pk}


def chronology_review(world: World) -> dict[str, Any]:
    """The demo review, with its chronology submitted (for the timeline and export pages)."""
    chronology(world)
    return {"pk": world.review.pk}


def chronology_export(world: World) -> dict[str, Any]:
    """A finished PDF export of the demo chronology, its file in storage (made once per world)."""
    if "chronology_export" not in world.extra:
        from django.core.files.base import ContentFile
        from django.utils import timezone

        from chronology.models import ChronologyEntry, ChronologyExport

        chronology(world)
        export = ChronologyExport(
            review=world.review,
            format=ChronologyExport.Format.PDF,
            language="et",
            status=ChronologyExport.Status.DONE,
            entry_count=ChronologyEntry.objects.filter(review=world.review).integrated().count(),
            requested_by=world.people["analyytik"],
            finished_at=timezone.now(),
        )
        export.file.save("chronology-demo.pdf", ContentFile(b"%PDF-1.4\n% fictional\n"), save=False)
        export.save()
        world.extra["chronology_export"] = export
    return {"pk": world.extra["chronology_export"].pk}


def demo_detection(world: World) -> Any:
    """The demo chronology's stored detection of missed hospital appointments (was_not_brought at HAIGLA-01)."""
    from detections.models import PatternDetection

    chronology(world)
    return PatternDetection.objects.get(review=world.review, rule="was_not_brought", subject="HAIGLA-01")


def demo_episode(world: World) -> Any:
    """A key practice episode of the demo review, made once per world."""
    if "episode" not in world.extra:
        from analysis.services import episode_create

        world.extra["episode"] = episode_create(
            review=world.review,
            data={"title": "Haigla järelkontrollid 2024", "appraisal": "shortcoming"},
            acting_user=world.people["analyytik"],
        )
    return world.extra["episode"]


def detected_review(world: World) -> dict[str, Any]:
    """The demo review, its chronology submitted and detected."""
    chronology(world)
    return {"pk": world.review.pk}


def demo_detection_run(world: World) -> dict[str, Any]:
    from detections.models import DetectionRun

    chronology(world)
    return {"pk": DetectionRun.objects.filter(review=world.review).latest("pk").pk}


def submissions_of(world: World) -> dict[str, Any]:
    """The demo contributor's request (VALD-LK) with its demo submission, the file kept with it, an
    upload preview of that file by `asutus` and one draft entry (made once per world)."""
    if "submissions" not in world.extra:
        from django.core.files.base import ContentFile

        from chronology.demo import DATA
        from chronology.exchange import entry_values
        from submissions.models import DraftEntry, UploadPreview

        request = chronology(world)["VALD-LK"]
        data = (DATA / "VALD-LK.csv").read_bytes()
        submission = request.submissions.order_by("-number").first()
        submission.file.save("vald-lk.csv", ContentFile(data), save=True)
        preview = UploadPreview(
            request=request, filename="vald-lk.csv", size=len(data), created_by=world.people["asutus"]
        )
        preview.file.save("vald-lk.csv", ContentFile(data), save=True)
        stored = request.entries.filter(is_active=True).order_by("pk").first()
        values = entry_values(stored.to_entry()) | {"entry_ref": "VALD-LISA-1"}
        draft = DraftEntry.objects.create(request=request, values=values, revision=1, updated_by=world.people["asutus"])
        world.extra["submissions"] = {"request": request, "submission": submission, "preview": preview, "draft": draft}
    return world.extra["submissions"]


def submission_request_kwargs(world: World) -> dict[str, Any]:
    return {"pk": submissions_of(world)["request"].pk}


def build_world(people: Mapping[str, Any], demo_case: Mapping[str, Any]) -> World:
    """The world the URLs point at, from the `people` and `demo_case` fixtures (tests/conftest.py)."""
    return World(
        people=people,
        notification=demo_case["notification"],
        review=demo_case["review"],
        open_notification=demo_case["open_notification"],
    )
