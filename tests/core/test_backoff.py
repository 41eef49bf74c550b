"""core.backoff: the wait before trying again doubles from the base and stops at the cap."""

from __future__ import annotations

import datetime as dt

import pytest

from core.backoff import backoff, schedule


def test_the_wait_doubles_after_each_failure_up_to_the_cap():
    waits = schedule(7, base_seconds=60, max_seconds=600)
    assert [wait.total_seconds() for wait in waits] == [60, 120, 240, 480, 600, 600]


def test_a_very_late_attempt_still_waits_the_cap():
    assert backoff(10_000, base_seconds=1, max_seconds=7200) == dt.timedelta(hours=2)


def test_the_outbox_schedule_spans_about_six_hours(settings):
    waits = schedule(
        settings.OUTBOX_MAX_ATTEMPTS,
        base_seconds=settings.OUTBOX_RETRY_BASE_SECONDS,
        max_seconds=settings.OUTBOX_RETRY_MAX_SECONDS,
    )
    assert len(waits) == settings.OUTBOX_MAX_ATTEMPTS - 1
    assert sum(waits, dt.timedelta()) == dt.timedelta(hours=6, minutes=7)


@pytest.mark.parametrize(("failed", "base", "cap"), [(0, 60, 600), (1, 0, 600), (1, 60, 30)])
def test_nonsense_is_refused(failed, base, cap):
    with pytest.raises(ValueError):
        backoff(failed, base_seconds=base, max_seconds=cap)
