"""The offline checker: `manage.py analyse_chronology FILE [FILE ...] [--json]` (issue 4 point 9)."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from method.seeds import load_seed

from .builders import EXAMPLE_CSV, csv_bytes, csv_text, valid_row, xlsx_of

ROOT = Path(__file__).resolve().parent.parent.parent


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("analyse_chronology", *args, "--language", "en", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> tuple[str, str, CommandError]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("analyse_chronology", *args, "--language", "en", stdout=out, stderr=err)
    assert failure.value.returncode == 2
    return out.getvalue(), err.getvalue(), failure.value


@pytest.fixture
def agency_files(tmp_path):
    """Three agencies' files: the family doctor (CSV), the hospital (XLSX) and the school (semicolons).

    The hospital and the school both report the network meeting of 12.11.2019; entry_ref 1 appears in
    two files."""
    doctor = tmp_path / "perearst.csv"
    doctor.write_bytes(
        csv_bytes(
            [
                valid_row(entry_ref="1", organisation="PERE-01"),
                valid_row(entry_ref="2", organisation="PERE-01", date="2019-09", date_precision="", time=""),
            ]
        )
    )
    meeting = "Võrgustikukohtumine koolis: arutati lapse ravi ja puudumisi, lepiti kokku järgmised sammud."
    hospital = tmp_path / "haigla.xlsx"
    hospital.write_bytes(
        xlsx_of(
            [
                valid_row(
                    entry_ref="1",
                    organisation="HAIGLA-01",
                    date="2019-11-12",
                    event_type="network_meeting",
                    description=meeting,
                    time="",
                ),
                valid_row(entry_ref="H-2", organisation="HAIGLA-01", date="2020", date_precision="", time=""),
            ]
        )
    )
    school = tmp_path / "kool.csv"
    school.write_bytes(
        csv_bytes(
            [
                valid_row(
                    entry_ref="K-1",
                    organisation="KOOL-01",
                    date="12.11.2019",
                    event_type="network_meeting",
                    description="Võrgustikukohtumisel koolis arutati lapse ravi ja puudumisi.",
                    time="",
                ),
            ],
            delimiter=";",
            bom=True,
        )
    )
    return doctor, hospital, school


def test_valid_files_are_merged_and_summarised(agency_files, db):
    out, err = run(*map(str, agency_files))
    assert err == ""
    assert "5 entries in 3 files." in out
    assert "  HAIGLA-01: 2\n  KOOL-01: 1\n  PERE-01: 2" in out
    assert "Period: 04.03.2019 – 31.12.2020" in out
    assert "Suggested duplicates: 1" in out
    assert "haigla.xlsx row 2 (HAIGLA-01, 1) and " in out and "kool.csv row 2 (KOOL-01, K-1)" in out
    assert "Pattern detections: " in out


def test_the_json_summary_has_entries_organisations_period_duplicates_and_detections(agency_files, db):
    doctor, hospital, school = map(str, agency_files)
    out, _err = run(doctor, hospital, school, "--json")
    data = json.loads(out)
    assert data["entries"] == 5
    assert data["organisations"] == {"HAIGLA-01": 2, "KOOL-01": 1, "PERE-01": 2}
    assert data["period"] == {"start": "2019-03-04", "end": "2020-12-31"}
    assert data["files"] == [
        {"file": doctor, "entries": 2},
        {"file": hospital, "entries": 2},
        {"file": school, "entries": 1},
    ]
    (duplicate,) = data["duplicates"]
    assert (duplicate["first"]["file"], duplicate["first"]["entry_ref"]) == (hospital, "1")
    assert (duplicate["second"]["file"], duplicate["second"]["entry_ref"]) == (school, "K-1")
    assert duplicate["reason"].startswith("Same event type (network_meeting) on the same day")
    assert isinstance(data["detections"], list)
    for detection in data["detections"]:
        assert {"rule", "start", "end", "organisations", "entries"} <= set(detection)


def test_the_example_file_of_the_format_passes_the_checker(db):
    data = json.loads(run(EXAMPLE_CSV, "--json")[0])
    assert data["entries"] == 5
    assert data["organisations"] == {"HAIGLA-01": 2, "KOOL-01": 1, "PERE-01": 2}
    assert data["period"] == {"start": "2019-03-04", "end": "2020-02-11"}
    assert data["duplicates"] == []
    rules = {detection["rule"] for detection in data["detections"]}
    assert "concern_without_escalation" in rules


def test_every_problem_of_every_file_is_printed_and_the_exit_status_is_2(agency_files, tmp_path, db):
    bad = tmp_path / "vigane.csv"
    bad.write_bytes(csv_bytes([valid_row(date="31.02.2019", time=""), valid_row(entry_ref="B", event_type="kõne")]))
    out, err, failure = refused(str(agency_files[0]), str(bad), str(tmp_path / "puudub.csv"))
    assert out == ""
    assert err.splitlines() == [
        f"{bad}: Row 2, column date: “31.02.2019” is not a real date: 02.2019 has 28 days.",
        f"{bad}: Row 3, column event_type: “kõne” is not an event type of the method. The event types are: "
        "appointment_attended, appointment_cancelled, appointment_missed, assessment, case_closed, case_opened, "
        "concern_recorded, contact, court, emergency_visit, home_visit, hospital_admission, information_shared, "
        "network_meeting, notification, other, police_call, referral, response, school_absence.",
        f"{tmp_path / 'puudub.csv'}: The file does not exist.",
    ]
    assert str(failure) == "3 problems found; nothing was merged."


def test_an_unreadable_file_is_refused(tmp_path, db):
    if os.geteuid() == 0:
        # root reads any file: a folder stands in for an unreadable file.
        _out, err, _failure = refused(str(tmp_path))
        assert err == f"{tmp_path}: This is a folder, not a file.\n"
    else:
        locked = tmp_path / "lukus.csv"
        locked.write_bytes(csv_bytes([valid_row()]))
        locked.chmod(0)
        _out, err, _failure = refused(str(locked))
        assert "The file cannot be read" in err


def test_a_file_that_is_not_a_spreadsheet_is_refused(tmp_path, db):
    picture = tmp_path / "pilt.xlsx"
    picture.write_bytes(bytes.fromhex("89504e470d0a1a0a") + b"\x00" * 100)
    _out, err, _failure = refused(str(picture))
    assert err.startswith(f"{picture}: This file is not a spreadsheet.")


def test_the_same_file_given_twice_is_refused(agency_files, db):
    doctor = str(agency_files[0])
    _out, err, _failure = refused(doctor, doctor)
    assert err == f"{doctor}: the file is given twice.\n"


def test_entry_refs_may_repeat_across_files_but_not_within_one(agency_files, tmp_path, db):
    assert json.loads(run(*map(str, agency_files), "--json")[0])["entries"] == 5
    twice = tmp_path / "kaks.csv"
    twice.write_bytes(csv_bytes([valid_row(entry_ref="1"), valid_row(entry_ref="1")]))
    _out, err, _failure = refused(str(twice))
    assert "Row 3, column entry_ref: The entry_ref “1” is already used in row 2" in err


def test_organisations_file_limits_the_codes_and_gives_their_sectors(agency_files, tmp_path, db):
    listing = tmp_path / "asutused.csv"
    listing.write_text(
        "code,name,sector\nPERE-01,Perearstikeskus,health.primary_care\nHAIGLA-01,Lastehaigla,health\n",
        encoding="utf-8",
    )
    _out, err, _failure = refused(*map(str, agency_files), "--organisations", str(listing))
    assert err.startswith(
        f"{agency_files[2]}: Row 2, column organisation: “KOOL-01” is not the code of an organisation"
    )

    listing.write_text(listing.read_text() + "KOOL-01,Kool,education\n", encoding="utf-8")
    out, _err = run(*map(str, agency_files), "--organisations", str(listing))
    assert "  HAIGLA-01 (Lastehaigla): 2" in out


def test_a_bad_organisations_file_is_refused(agency_files, tmp_path, db):
    listing = tmp_path / "asutused.csv"
    listing.write_text("PERE-01,Perearst,tervis\nPERE-01,Perearst,health\nKOOL-01\n", encoding="utf-8")
    _out, err, _failure = refused(str(agency_files[0]), "--organisations", str(listing))
    assert err.splitlines() == [
        f"{listing}: row 1: tervis is not a sector of the method.",
        f"{listing}: row 3: write code, name and sector.",
    ]


def test_a_method_file_sets_the_vocabularies(tmp_path, db):
    document = copy.deepcopy(load_seed())
    document["event_types"].append(
        {"code": "video_call", "label": {"et": "Videokõne", "en": "Video call", "ru": "Видео"}}
    )
    method = tmp_path / "metoodika.yaml"
    method.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    agency = tmp_path / "asutus.csv"
    agency.write_bytes(csv_bytes([valid_row(event_type="video_call")]))
    refused(str(agency))
    assert json.loads(run(str(agency), "--json", "--method", str(method))[0])["entries"] == 1


def test_an_invalid_method_file_is_refused(tmp_path, db):
    method = tmp_path / "metoodika.yaml"
    method.write_text("event_types: [", encoding="utf-8")
    _out, err, _failure = refused(EXAMPLE_CSV, "--method", str(method))
    assert "metoodika.yaml, line" in err


def test_the_vocabularies_come_from_the_current_method_version_in_the_database(method_v1, tmp_path):
    from django.utils import timezone

    from method.models import MethodVersion

    agency = tmp_path / "asutus.csv"
    agency.write_bytes(csv_bytes([valid_row(concern="online_risk")]))
    refused(str(agency))
    content = copy.deepcopy(method_v1.content)
    content["concerns"].append({"code": "online_risk", "label": {"et": "Veebioht", "en": "Online risk", "ru": "Риск"}})
    MethodVersion.objects.create(
        number=2, status=MethodVersion.Status.PUBLISHED, content=content, published_at=timezone.now()
    )
    assert json.loads(run(str(agency), "--json")[0])["entries"] == 1


def checker(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "analyse_chronology", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_checker_runs_as_a_program_without_a_database(agency_files, tmp_path):
    database = tmp_path / "puudub.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "tagasivaade.settings"}
    good = checker(*map(str, agency_files), "--json", "--language", "en", env=env)
    assert good.returncode == 0, good.stderr
    data = json.loads(good.stdout)
    assert data["entries"] == 5 and len(data["duplicates"]) == 1
    assert not database.exists(), "the checker must not create a database"

    bad = tmp_path / "vigane.csv"
    bad.write_bytes(csv_text([valid_row(description="Pereõde: laps väsinud, kõhuvalu.")]).encode("cp1257"))
    refused_run = checker(str(bad), "--language", "en", env=env)
    assert refused_run.returncode == 2
    assert refused_run.stdout == ""
    assert f"{bad}: The file is not saved as UTF-8" in refused_run.stderr
