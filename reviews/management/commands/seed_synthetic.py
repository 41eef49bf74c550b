"""Make fictional notifications and reviews at scale: `manage.py seed_synthetic --reviews 2000`.

`--entries-per-review M` gives chronologies too: with `--reviews`, to the new reviews; without it, to
every synthetic review that has no organisations involved yet (so running it twice adds nothing).
"""

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
        parser.add_argument(
            "--entries-per-review",
            type=int,
            default=0,
            help="Chronology entries per review, submitted by its organisations (default: none). Without "
            "--reviews, given to the synthetic reviews that have no chronology yet.",
        )
        parser.add_argument(
            "--organisations-per-review",
            type=int,
            default=None,
            help="Organisations involved per review, each with a sent request and a submission "
            "(default: 20, or fewer when there are fewer entries).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for repeatable data.")
        parser.add_argument("--clear", action="store_true", help="First remove the synthetic records made before.")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Synthetic data is never made in production.")
        if options["reviews"] < 0:
            raise CommandError("--reviews must not be negative.")
        if options["entries_per_review"] < 0:
            raise CommandError("--entries-per-review must not be negative.")
        if options["organisations_per_review"] is not None:
            if options["organisations_per_review"] < 1:
                raise CommandError("--organisations-per-review must be at least 1.")
            if not options["entries_per_review"]:
                raise CommandError("--organisations-per-review needs --entries-per-review.")
        from chronology.synthetic import seed_chronologies
        from method.seeds import ensure_seeded
        from reviews import synthetic
        from reviews.models import Review

        ensure_seeded()
        if options["clear"]:
            removed = synthetic.clear()
            self.stdout.write(f"Removed {removed} synthetic notifications and their reviews.")
        chronologies = None
        if options["reviews"]:
            started = time.perf_counter()
            seeded = synthetic.seed(
                reviews=options["reviews"],
                open_notifications=options["open"],
                seed=options["seed"],
                entries_per_review=options["entries_per_review"],
                organisations_per_review=options["organisations_per_review"],
            )
            self.stdout.write(
                f"Made {seeded.notifications} notifications, {seeded.reviews} reviews and {seeded.milestones} "
                f"milestones in {time.perf_counter() - started:.1f} s."
            )
            chronologies = seeded.chronologies
        elif options["entries_per_review"]:
            reviews = (
                Review.objects.filter(reference__startswith=synthetic.PREFIX)
                .select_related("notification", "method_version")
                .order_by("reference")
            )
            chronologies = seed_chronologies(
                reviews=reviews,
                entries_per_review=options["entries_per_review"],
                organisations_per_review=options["organisations_per_review"],
                seed=options["seed"],
            )
        if chronologies is not None:
            per_entry = chronologies.seconds / chronologies.entries * 1000 if chronologies.entries else 0.0
            self.stdout.write(
                f"Gave {chronologies.reviews} reviews chronologies: {chronologies.organisations} organisations "
                f"involved, {chronologies.requests} requests, {chronologies.entries} entries submitted in "
                f"{chronologies.seconds:.1f} s ({per_entry:.2f} ms per entry)."
            )
