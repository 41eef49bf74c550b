"""`manage.py deadline`: ISO dates in and out, clear errors."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command


def run(*args, **options) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out, **options)
    return out.getvalue().strip()


def test_five_working_days_from_22_december_2026_is_31_december():
    assert run("2026-12-22", "--working-days", "5") == "2026-12-31"


def test_working_days_given_as_a_keyword():
    assert run("2026-12-22", working_days=5) == "2026-12-31"


def test_calendar_days_end_on_the_next_working_day_after_a_holiday():
    # 22 Dec + 10 days is 1 Jan 2027 (holiday, Friday), then the weekend.
    assert run("2026-12-22", "--days", "10") == "2027-01-04"


def test_calendar_days_ending_on_a_working_day():
    assert run("2026-03-02", "--days", "10") == "2026-03-12"


def test_a_malformed_date_is_refused_with_a_clear_message():
    with pytest.raises(CommandError, match="ISO date"):
        run("22.12.2026", "--days", "10")
    with pytest.raises(CommandError, match="ISO date"):
        run("2026-02-30", "--days", "10")


def test_a_missing_period_is_refused():
    with pytest.raises(CommandError, match="--working-days N or --days N"):
        run("2026-12-22")


def test_both_periods_at_once_are_refused():
    with pytest.raises(CommandError, match="not both"):
        run("2026-12-22", working_days=5, days=10)
    with pytest.raises(CommandError, match="not allowed"):
        run("2026-12-22", "--working-days", "5", "--days", "10")


def test_a_negative_period_is_refused():
    with pytest.raises(CommandError, match="negative"):
        run("2026-12-22", days=-1)


def test_a_non_numeric_period_is_refused():
    with pytest.raises(CommandError, match="invalid int value"):
        run("2026-12-22", "--days", "ten")


def test_from_the_shell_it_prints_the_date_and_exits_non_zero_on_bad_input():
    manage = Path(settings.BASE_DIR) / "manage.py"
    good = subprocess.run(  # noqa: S603
        [sys.executable, str(manage), "deadline", "2026-12-22", "--working-days", "5", "--skip-checks"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (good.returncode, good.stdout.strip()) == (0, "2026-12-31"), good.stderr
    bad = subprocess.run(  # noqa: S603
        [sys.executable, str(manage), "deadline", "2026-12-32", "--days", "5", "--skip-checks"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1, bad.stderr
    assert "ISO date" in bad.stderr
