"""Load the fictional demo data: method version 1, one demo user per role and the demo case. Idempotent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the demo organisations, users and the fictional demo case (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Load even when demo mode is off (never in production)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Demo data is never loaded in production.")
        if not settings.DEMO_MODE and not options["force"]:
            # `make run` calls this every time: with demo mode off it is a no-op, not a failure.
            self.stdout.write("Demo mode is off (DEMO_MODE=false): no demo data loaded. Use --force to load it.")
            return
        from accounts.demo import ensure_demo_people
        from method.seeds import ensure_seeded
        from reviews.demo import ensure_demo_case

        version = ensure_seeded()
        people = ensure_demo_people()
        case = ensure_demo_case(people)
        from workgroup.demo import ensure_demo_workgroup

        group = ensure_demo_workgroup(people, case)
        from chronology.demo import ensure_demo_chronology

        requests = ensure_demo_chronology(people, case["review"])
        self.stdout.write(f"Demo chronology ready: submissions from {len(requests)} organisations.")
        self.stdout.write(
            f"Demo working group ready: {len(group['seats'])} seats, next meeting {group['meeting'].local_date}."
        )
        self.stdout.write(
            f"Demo data ready: method version {version.number}, {len(people)} demo users, "
            f"notification {case['notification'].reference}, review {case['review'].reference}, "
            f"open notification {case['open_notification'].reference}."
        )
