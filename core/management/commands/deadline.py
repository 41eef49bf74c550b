"""`manage.py deadline 2026-12-22 --working-days 5` prints the deadline as an ISO date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.workdays import add_calendar_days, add_working_days


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"The event date must be an ISO date (YYYY-MM-DD), not {value!r}.")


class Command(BaseCommand):
    help = (
        "Print the deadline of a period that starts the day after DATE: N working days (skipping weekends "
        "and Estonian public holidays) or N calendar days (moved off a day off to the next working day)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("date", help="The event date, YYYY-MM-DD.")
        unit = parser.add_mutually_exclusive_group()
        unit.add_argument("--working-days", type=int, metavar="N", help="A period of N working days.")
        unit.add_argument("--days", type=int, metavar="N", help="A period of N calendar days.")

    def handle(self, *args: Any, **options: Any) -> None:
        event = _iso_date(options["date"])
        working_days, days = options["working_days"], options["days"]
        if working_days is None and days is None:
            raise CommandError("Give the period: --working-days N or --days N.")
        if working_days is not None and days is not None:  # call_command bypasses the parser's group
            raise CommandError("Give either --working-days or --days, not both.")
        count = working_days if working_days is not None else days
        if count < 0:
            raise CommandError("The number of days must not be negative.")
        end = add_working_days(event, count) if working_days is not None else add_calendar_days(event, count)
        self.stdout.write(end.isoformat())
