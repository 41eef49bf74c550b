"""Make fictional notifications and reviews at scale: `manage.py seed_synthetic --reviews 2000`."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Make fictional notifications, children, screenings and reviews with milestones (references SYN-...)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--reviews", type=int, default=0, help="How many reviews to make (each with its notification)."
        )
        parser.add_argument("--open", type=int, default=None, help="Open, unscreened notifications (default: a tenth).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for repeatable data.")
        parser.add_argument("--clear", action="store_true", help="First remove the synthetic records made before.")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Synthetic data is never made in production.")
        if options["reviews"] < 0:
            raise CommandError("--reviews must not be negative.")
        from method.loader import ensure_seeded
        from reviews import synthetic

        ensure_seeded()
        if options["clear"]:
            removed = synthetic.clear()
            self.stdout.write(f"Removed {removed} synthetic notifications and their reviews.")
        if options["reviews"]:
            started = time.perf_counter()
            seeded = synthetic.seed(
                reviews=options["reviews"], open_notifications=options["open"], seed=options["seed"]
            )
            self.stdout.write(
                f"Made {seeded.notifications} notifications, {seeded.reviews} reviews and {seeded.milestones} "
                f"milestones in {time.perf_counter() - started:.1f} s."
            )
