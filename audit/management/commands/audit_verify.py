"""`manage.py audit_verify`: exit 0 when the audit chain is intact, 1 naming the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.verify import check_chain


class Command(BaseCommand):
    help = (
        "Check the audit log: a gapless sequence, each event's hash and its link to the event before, "
        "and the chain head (which catches the removal of the latest events). Exits 1 when broken."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        check = check_chain()
        if check.problem is not None:
            message = f"Audit log broken at event {check.problem.sequence}: {check.problem.reason}."
            if check.events:
                message += f" Events 1–{check.events} verify."
            raise CommandError(message, returncode=1)
        self.stdout.write(f"Audit log intact: {check.events} events")
