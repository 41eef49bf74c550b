"""Shared set-up for the tests of the integrated chronology pages (tests/chronology/test_pages_*.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chronology.dates import day_date
from chronology.entry import Entry, YesNo
from chronology.models import ChronologyEntry, DuplicateLink
from chronology.store import apply_submission
from tests import access_world


@pytest.fixture(name="world")
def world_fixture(people, demo_case) -> access_world.World:
    """The demo world with the demo review's chronology submitted by five agencies."""
    world = access_world.build_world(people, demo_case)
    access_world.chronology(world)
    return world


def entry_of(world: access_world.World, ref: str) -> ChronologyEntry:
    return ChronologyEntry.objects.get(review=world.review, entry_ref=ref)


def home_visit(ref: str, day: dt.date, organisation: str, **changes: Any) -> Entry:
    values: dict[str, Any] = {
        "entry_ref": ref,
        "date": day_date(day),
        "organisation": organisation,
        "event_type": "home_visit",
        "description": f"Ühine kodukülastus {day.isoformat()}, laps kodus ja rahulik.",
        "source_document": f"Toimik {ref}",
        "child_seen": YesNo.YES,
    }
    values.update(changes)
    return Entry(**values)


def bulk_chronology(world: access_world.World, count: int) -> None:
    """Replace the municipality's and the family doctor's submissions with `count` entries each, the
    same joint visits on the same days, two days apart (so that each pair is suggested as duplicates),
    merge every third pair and dispute some entries."""
    from chronology.services import dispute_create, duplicate_decide

    requests = access_world.chronology(world)
    start = dt.date(2020, 1, 1)
    for code, prefix in (("VALD-LK", "V"), ("PERE-01", "P")):
        apply_submission(
            information_request=requests[code],
            entries=[home_visit(f"{prefix}-{n}", start + dt.timedelta(days=2 * n), code) for n in range(count)],
            channel="upload",
        )
    links = list(DuplicateLink.objects.filter(review=world.review, status=DuplicateLink.Status.SUGGESTED))
    for link in links[::3]:
        duplicate_decide(
            link=link, decision="confirm", note="", revision=link.revision, acting_user=world.people["analyytik"]
        )
    rows = list(ChronologyEntry.objects.filter(review=world.review, organisation="VALD-LK", is_active=True)[::7])
    for first, second in zip(rows[::2], rows[1::2], strict=False):
        dispute_create(
            review=world.review, entries=[first, second], note="Ei klapi.", acting_user=world.people["analyytik"]
        )
