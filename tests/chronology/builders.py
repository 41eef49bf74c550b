"""Building exchange-format files for the chronology tests (CSV and XLSX, good and bad)."""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import openpyxl

from chronology.exchange import KEYS, ImportResult, Vocabularies, read_chronology

EXAMPLE_CSV = "/work/shared/formats/chronology-example.csv"


@functools.cache
def seed_vocabularies() -> Vocabularies:
    """The method's event types and concerns from the seed files (no database needed)."""
    from method.loader import load_seed

    return Vocabularies.from_method(load_seed())


def valid_row(**changes: Any) -> dict[str, Any]:
    """One valid entry as cell values by key; keyword arguments replace cells."""
    values: dict[str, Any] = {
        "entry_ref": "PA-001",
        "date": "2019-03-04",
        "date_precision": "day",
        "time": "10:30",
        "organisation": "PERE-01",
        "practitioner_role": "perearst",
        "event_type": "appointment_attended",
        "addressee": "",
        "concern": "",
        "description": "Tervisekontroll, 9-aastane.",
        "source_document": "Perearsti e-tervise kanne 04.03.2019",
        "child_seen": "yes",
        "child_views_recorded": "no",
        "shared_with": "",
        "key_event": "no",
    }
    values.update(changes)
    return values


def rows_of(count: int, **changes: Any) -> list[dict[str, Any]]:
    return [valid_row(entry_ref=f"PA-{number:05d}", **changes) for number in range(1, count + 1)]


def csv_text(rows: Iterable[Mapping[str, Any]], *, header: Sequence[str] | None = None, delimiter: str = ",") -> str:
    """CSV with `header` (default: every key) and the rows' values under it, quoted where needed."""
    import csv

    header = list(header) if header is not None else list(KEYS)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(key, "") for key in header])
    return out.getvalue()


def csv_bytes(rows: Iterable[Mapping[str, Any]], *, bom: bool = False, **options: Any) -> bytes:
    return ("\ufeff" if bom else "").encode() + csv_text(rows, **options).encode("utf-8")


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, write_only: bool = False) -> bytes:
    """A workbook whose first sheet holds `rows` as given (header included), cell types kept."""
    workbook = openpyxl.Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Kronoloogia") if write_only else workbook.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_of(rows: Iterable[Mapping[str, Any]], *, header: Sequence[str] | None = None) -> bytes:
    header = list(header) if header is not None else list(KEYS)
    return xlsx_bytes([header, *([row.get(key) for key in header] for row in rows)])


def read(data: bytes, *, filename: str = "", vocabularies: Vocabularies | None = None) -> ImportResult:
    return read_chronology(data, vocabularies=vocabularies or seed_vocabularies(), filename=filename)


def messages(result: ImportResult) -> list[str]:
    return [str(problem) for problem in result.errors]
