"""Create the published method version 1 from method/seed/ when it does not exist (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.log import record
from audit.models import Action, Purpose
from method.loader import MethodContentError, seed_version_one
from method.models import MethodVersion


class Command(BaseCommand):
    help = "Create method version 1 from the seed files when no version exists; print the current version."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version, created = seed_version_one()
        except MethodContentError as error:
            raise CommandError("The method's seed files are not valid:\n" + "\n".join(error.errors)) from error
        if created:
            record(
                actor=None,
                action=Action.CREATE,
                purpose=Purpose.SYSTEM,
                obj=version,
                detail={"number": version.number, "source": "seed"},
            )
            self.stdout.write(f"Created method version {version.number} (published) from the seed.")
        else:
            self.stdout.write(f"Method version {version.number} exists; it is left as it is.")
        current = MethodVersion.objects.current()
        self.stdout.write(f"Current method version: {current.number} (published {current.published_at:%Y-%m-%d}).")
