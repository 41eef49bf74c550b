"""core.scheduler and `manage.py run_due`: each due-work producer is called; failures are contained."""

from __future__ import annotations

import os
import signal
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core import scheduler
from core.scheduler import ProducerRun, run_due, run_forever

CALLS: list[str] = []


def produces_two() -> list[str]:
    CALLS.append("two")
    return ["reminder for meeting 3", "reminder for meeting 4"]


def produces_count() -> int:
    CALLS.append("count")
    return 3


def produces_nothing() -> int:
    CALLS.append("nothing")
    return 0


def produces_none() -> None:
    CALLS.append("none")


def fails() -> int:
    CALLS.append("fails")
    raise RuntimeError("the mail server is down")


def returns_nonsense() -> str:
    return "done"


HERE = __name__


@pytest.fixture(autouse=True)
def _clear_calls():
    CALLS.clear()


def run(*args, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("run_due", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_each_producer_is_called_once_in_order(settings):
    settings.DUE_WORK_PRODUCERS = [f"{HERE}.produces_two", f"{HERE}.produces_count", f"{HERE}.produces_none"]
    runs = run_due()
    assert CALLS == ["two", "count", "none"]
    assert [(r.producer.rsplit(".", 1)[1], r.enqueued) for r in runs] == [
        ("produces_two", 2),
        ("produces_count", 3),
        ("produces_none", 0),
    ]
    assert runs[0].descriptions == ["reminder for meeting 3", "reminder for meeting 4"]


def test_the_command_prints_what_each_producer_enqueued(settings):
    settings.DUE_WORK_PRODUCERS = [f"{HERE}.produces_two", f"{HERE}.produces_nothing"]
    out, err = run()
    assert "produces_two: enqueued 2: reminder for meeting 3; reminder for meeting 4" in out
    assert "produces_nothing: enqueued 0" in out
    assert err == ""


def test_with_no_producers_the_command_says_so(settings):
    settings.DUE_WORK_PRODUCERS = []
    out, _err = run()
    assert "No due-work producers are configured" in out


def test_a_failing_producer_does_not_stop_the_others_but_the_command_fails(settings, caplog):
    settings.DUE_WORK_PRODUCERS = [f"{HERE}.fails", f"{HERE}.produces_count"]
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="fails") as raised:
        call_command("run_due", stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert CALLS == ["fails", "count"]
    assert "produces_count: enqueued 3" in out.getvalue()
    assert "FAILED: RuntimeError: the mail server is down" in err.getvalue()
    assert "Due-work producer tests.core.test_scheduler.fails failed" in caplog.text


def test_a_producer_returning_something_else_is_reported_as_failed(settings):
    settings.DUE_WORK_PRODUCERS = [f"{HERE}.returns_nonsense"]
    (result,) = run_due()
    assert result.failed and "returns an int or a list" in result.error


def test_a_producer_that_cannot_be_imported_is_a_clear_error(settings):
    settings.DUE_WORK_PRODUCERS = ["reviews.due.no_such_producer"]
    with pytest.raises(CommandError, match="cannot be imported"):
        run()


def test_the_configured_producers_import():
    """The real settings name only producers that exist."""
    for path, producer in scheduler.producers():
        assert callable(producer), path


# The loop closes stale connections between runs, which needs real transactions.
@pytest.mark.django_db(transaction=True)
def test_the_loop_runs_until_stopped():
    stop = threading.Event()
    seen: list[list[ProducerRun]] = []

    def on_run(runs):
        seen.append(runs)
        if len(seen) == 3:
            stop.set()

    assert run_forever(0.001, on_run, stop, paths=[f"{HERE}.produces_count"]) == 3
    assert CALLS == ["count", "count", "count"]


# The loop closes stale connections between runs, which needs real transactions.
@pytest.mark.django_db(transaction=True)
def test_the_loop_keeps_going_after_a_producer_fails():
    stop = threading.Event()
    seen: list[list[ProducerRun]] = []

    def on_run(runs):
        seen.append(runs)
        if len(seen) == 2:
            stop.set()

    run_forever(0.001, on_run, stop, paths=[f"{HERE}.fails", f"{HERE}.produces_nothing"])
    assert CALLS == ["fails", "nothing", "fails", "nothing"]


# The loop closes stale connections between runs, which needs real transactions.
@pytest.mark.django_db(transaction=True)
def test_the_loop_command_stops_on_ctrl_c_and_restores_the_signal_handler(settings):
    settings.DUE_WORK_PRODUCERS = [f"{HERE}.produces_count"]
    before = signal.getsignal(signal.SIGINT)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        out, _err = run(loop=0.05)
    finally:
        timer.cancel()
    assert "every 0.05 s from 1 producer(s)" in out
    assert "produces_count: enqueued 3" in out
    assert out.rstrip().endswith("Stopped.")
    assert len(CALLS) >= 2
    assert signal.getsignal(signal.SIGINT) is before


def test_the_loop_needs_a_positive_interval(settings):
    settings.DUE_WORK_PRODUCERS = []
    with pytest.raises(CommandError, match="greater than 0"):
        run(loop=0)
