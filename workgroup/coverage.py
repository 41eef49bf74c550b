"""Sector coverage of the working group on a day: who holds each seat, and which seats are vacant.

A member's term end is their last day: the seat is vacant from the day after. Vacancy warnings list
the health seat first (the model depends on it most), then the others in the method's sector order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import content
from .models import Membership, Seat

HEALTH = "health"


@dataclass
class SeatCoverage:
    seat: Seat
    label: str
    holders: list[Membership] = field(default_factory=list)
    # Members holding the seat now whose last day is already recorded.
    leaving: list[Membership] = field(default_factory=list)
    invited: list[Membership] = field(default_factory=list)
    vacant_since: dt.date | None = None

    @property
    def size(self) -> int:
        return self.seat.size

    @property
    def vacant(self) -> int:
        return max(self.seat.size - len(self.holders), 0)

    @property
    def is_health(self) -> bool:
        return self.seat.sector == HEALTH

    @property
    def next_vacancy(self) -> dt.date | None:
        """The first day a place falls vacant because a current member leaves."""
        ends = [member.vacant_from for member in self.leaving if member.vacant_from]
        return min(ends) if ends else None


def coverage(on: dt.date, language: str) -> list[SeatCoverage]:
    """Every seat's coverage on `on`, in the method's sector order (health first)."""
    order = {code: index for index, (code, _label) in enumerate(content.seat_sectors(language))}
    seats = sorted(Seat.objects.all(), key=lambda seat: (seat.sector != HEALTH, order.get(seat.sector, 999), seat.pk))
    members = Membership.objects.filter(seat__in=seats).select_related("organisation", "user")
    by_seat: dict[int, list[Membership]] = {}
    for member in members:
        by_seat.setdefault(member.seat_id, []).append(member)
    result = []
    for seat in seats:
        row = SeatCoverage(seat=seat, label=content.sector_label(seat.sector, language))
        ended: list[dt.date] = []
        for member in by_seat.get(seat.pk, []):
            if member.status == Membership.Status.INVITED:
                row.invited.append(member)
            elif member.occupies(on):
                row.holders.append(member)
                if member.term_end is not None:
                    row.leaving.append(member)
            elif member.term_end is not None and member.term_end < on:
                ended.append(member.term_end)
        if row.vacant and ended:
            row.vacant_since = max(ended) + dt.timedelta(days=1)
        result.append(row)
    return result


def vacancy_warnings(rows: list[SeatCoverage]) -> list[SeatCoverage]:
    """The vacant seats, the health seat first."""
    return sorted((row for row in rows if row.vacant), key=lambda row: not row.is_health)
