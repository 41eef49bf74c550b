"""`manage.py audit_verify`: exit 0 when the audit chain is intact, 1 naming the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.verify import check_anchor, check_chain


class Command(BaseCommand):
    help = (
        "Check the audit log: a gapless sequence, each event's hash and its link to the event before, "
        "and the chain head (which catches the removal of the latest events). Exits 1 when broken."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQUENCE:HASH",
            help="An anchor from a daily check's e-mail; checked too (may be given more than once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for text in options["anchor"]:
            sequence, _colon, expected = text.partition(":")
            if not sequence.isdigit() or len(expected.strip()) != 64:
                raise CommandError(f"Anchor {text!r}: write it as SEQUENCE:HASH, as the e-mail gives it.")
            problem = check_anchor(int(sequence), expected)
            if problem:
                raise CommandError(f"Audit log does not match anchor {sequence}: {problem}.", returncode=1)
        check = check_chain()
        if check.problem is not None:
            message = f"Audit log broken at event {check.problem.sequence}: {check.problem.reason}."
            if check.events:
                message += f" Events 1–{check.events} verify."
            raise CommandError(message, returncode=1)
        self.stdout.write(f"Audit log intact: {check.events} events")
