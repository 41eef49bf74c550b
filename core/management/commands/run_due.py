"""`manage.py run_due`: enqueue the time-based work that is due; `--loop 60` repeats every 60 s."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.scheduler import ProducerRun, producers, run_due, run_forever

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Command(BaseCommand):
    help = (
        "Call each due-work producer in settings.DUE_WORK_PRODUCERS once, which enqueues background tasks "
        "for what is due, and print what was enqueued. Safe to run repeatedly. With --loop SECONDS, repeat "
        "until interrupted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=float, metavar="SECONDS", help="Repeat every SECONDS until stopped.")

    def handle(self, *args: Any, **options: Any) -> None:
        loop = options["loop"]
        try:
            names = [path for path, _producer in producers()]
        except ImportError as error:
            raise CommandError(f"A producer in DUE_WORK_PRODUCERS cannot be imported: {error}")
        if loop is None:
            runs = run_due()
            self.report(runs, quiet=False)
            failed = [run.producer for run in runs if run.failed]
            if failed:
                raise CommandError(f"Failed: {', '.join(failed)}", returncode=1)
            return
        if loop <= 0:
            raise CommandError("--loop needs a number of seconds greater than 0.")
        stop = threading.Event()
        # Ctrl-C (from `make run`) or a service manager's TERM ends the loop after the current run.
        previous = {signum: signal.signal(signum, lambda *_args: stop.set()) for signum in STOP_SIGNALS}
        try:
            self.stdout.write(f"Enqueuing due work every {loop:g} s from {len(names)} producer(s); Ctrl-C stops.")
            run_forever(loop, lambda runs: self.report(runs, quiet=options["verbosity"] < 2), stop)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write("Stopped.")

    def report(self, runs: list[ProducerRun], *, quiet: bool) -> None:
        """Print each producer's outcome; `quiet` leaves out those that had nothing to enqueue."""
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        if not runs and not quiet:
            self.stdout.write(f"{stamp} No due-work producers are configured (DUE_WORK_PRODUCERS).")
        for run in runs:
            if run.failed:
                self.stderr.write(f"{stamp} {run.producer}: FAILED: {run.error}")
            elif run.descriptions:
                self.stdout.write(f"{stamp} {run.producer}: enqueued {run.enqueued}: {'; '.join(run.descriptions)}")
            elif run.enqueued or not quiet:
                self.stdout.write(f"{stamp} {run.producer}: enqueued {run.enqueued}")
