"""Crafted workbooks meant to exhaust memory or time (issue 10 point 1): each is refused with its
message, through the offline checker, which reads a file exactly as an upload does.

Each is read in its own process under an address-space and a CPU-time ceiling far above the goal (the
goal, 2 s and 200 MB above the resting size, is measured by bench/bench_hostile_workbooks.py), so that
a regression fails here instead of exhausting the machine. The upload page's refusal of the same files
is in tests/submissions/test_upload_errors.py."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from .builders import HOSTILE_WORKBOOKS, rows_of, xlsx_of

ROOT = Path(__file__).resolve().parent.parent.parent
ADDRESS_SPACE = 3 * 1024**3  # the checker rests at about 1 GB of address space (not of memory)
CPU_SECONDS = 60


def ceilings() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def check(path: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'puudub.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "tagasivaade.settings",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "analyse_chronology", str(path), "--language", "en"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=ceilings,
    )


@pytest.mark.parametrize("name", list(HOSTILE_WORKBOOKS))
def test_a_hostile_workbook_is_refused_by_the_checker_with_its_message(name, tmp_path):
    build, message = HOSTILE_WORKBOOKS[name]
    path = tmp_path / "kronoloogia.xlsx"
    path.write_bytes(build())
    result = check(path, tmp_path)
    assert result.returncode == 2, (result.returncode, result.stderr[-3000:])
    assert f"{path}: {message}" in result.stderr, result.stderr[-3000:]
    assert "Traceback" not in result.stderr


def test_the_ceilings_leave_room_for_a_real_workbook(tmp_path):
    path = tmp_path / "kronoloogia.xlsx"
    path.write_bytes(xlsx_of(rows_of(2000)))
    result = check(path, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2000 entries in 1 file." in result.stdout
