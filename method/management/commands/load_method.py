"""Bring the method versions up to the seed files (method/seed/v1, v2, ...); safe on every release.

Publishes each seed version the database lacks, in order, and applies wording corrections made to the
files of a published version (audited, listed on the version's page). A seed version that differs from
the published version of its number in more than wording is refused, and nothing is changed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from method.loader import MethodContentError
from method.models import MethodVersion
from method.services import SeedConflict, method_seed_sync


class Command(BaseCommand):
    help = "Publish the seed's method versions the database lacks and apply seed wording corrections."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = method_seed_sync()
        except MethodContentError as error:
            raise CommandError("The method's seed files are not valid:\n" + "\n".join(error.errors)) from error
        except SeedConflict as conflict:
            raise CommandError(conflict.message) from conflict
        for line in done:
            self.stdout.write(line)
        current = MethodVersion.objects.current()
        self.stdout.write(f"Current method version: {current.number} (published {current.published_at:%Y-%m-%d}).")
