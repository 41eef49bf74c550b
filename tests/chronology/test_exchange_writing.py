"""Writing the exchange format: formula-safe cells, and what is written reads back identically."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chronology.dates import approximate, parse_written_date
from chronology.entry import Entry, Precision, YesNo
from chronology.exchange import (
    ADDRESSEE_REQUIRED_FOR,
    KEYS,
    entries_from_mappings,
    entries_to_rows,
    entry_values,
    formula_safe,
    read_chronology,
    write_csv,
    write_xlsx,
)

from .builders import EXAMPLE_CSV, seed_vocabularies


def plain(entries):
    """Entries without where they were read from, for comparing what they say."""
    return [dataclasses.replace(entry, source="", row=None) for entry in entries]


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+372 555", "'+372 555"),
        ("-5 kg", "'-5 kg"),
        ("@ema", "'@ema"),
        ("'=juba kaitstud", "''=juba kaitstud"),
        ("tavaline tekst", "tavaline tekst"),
        ("kaal -5 kg", "kaal -5 kg"),
        ("'tsitaat'", "'tsitaat'"),
        ("", ""),
    ],
)
def test_formula_safe_prefixes_cells_a_spreadsheet_would_run(text, safe):
    assert formula_safe(text) == safe


def example_entries():
    return read_chronology(EXAMPLE_CSV, vocabularies=seed_vocabularies()).entries


def test_the_example_written_as_csv_is_the_example_file():
    written = write_csv(example_entries(), bom=False)
    with open(EXAMPLE_CSV, encoding="utf-8") as example:
        assert written.replace("\r\n", "\n") == example.read()


def test_a_written_csv_reads_back_identically():
    entries = example_entries()
    again = read_chronology(write_csv(entries).encode(), vocabularies=seed_vocabularies())
    assert again.ok and plain(again.entries) == plain(entries)


def test_a_written_csv_with_semicolons_reads_back_identically():
    entries = example_entries()
    again = read_chronology(write_csv(entries, delimiter=";").encode(), vocabularies=seed_vocabularies())
    assert plain(again.entries) == plain(entries)


def test_write_csv_writes_to_a_stream():
    stream = io.StringIO()
    assert write_csv(example_entries(), stream, bom=False) == ""
    assert stream.getvalue().startswith("entry_ref,date,")


def test_a_written_workbook_reads_back_identically_and_has_no_formulas():
    entries = [dataclasses.replace(example_entries()[0], description='=HYPERLINK("http://x")')]
    out = io.BytesIO()
    write_xlsx(entries, out)
    again = read_chronology(out.getvalue(), vocabularies=seed_vocabularies())
    assert plain(again.entries) == plain(entries)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(KEYS)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_rows_hold_the_keys_and_each_entrys_cells():
    rows = list(entries_to_rows(example_entries()))
    assert rows[0] == list(KEYS)
    assert rows[2][:4] == ["PA-002", "2019-09", "month", ""]
    assert rows[4][KEYS.index("shared_with")] == "PERE-01"


def test_an_approximate_date_is_written_as_its_written_form_with_approximate():
    entry = dataclasses.replace(example_entries()[1], date=approximate(parse_written_date("2019-09")))
    values = entry_values(entry)
    assert (values["date"], values["date_precision"]) == ("2019-09", "approximate")


def test_api_entries_follow_the_same_rules():
    values = {key: value for key, value in entry_values(example_entries()[3]).items() if value}
    values["shared_with"] = ["PERE-01", "KOOL-01"]
    values["key_event"] = True
    result = entries_from_mappings([values], vocabularies=seed_vocabularies(), source="api")
    assert result.ok
    assert result.entries[0].shared_with == ("PERE-01", "KOOL-01") and result.entries[0].key_event is True

    bad = entries_from_mappings(
        [values, {**values, "date": "2019-02-30", "colour": "red"}], vocabularies=seed_vocabularies()
    )
    assert bad.entries == ()
    assert [(problem.index, problem.field) for problem in bad.errors] == [
        (1, "colour"),
        (1, "entry_ref"),
        (1, "date"),
    ]
    assert str(bad.errors[1]) == (
        "Entry 1, field entry_ref: The entry_ref “HAIGLA-002” is already used by entry 0; each entry needs its own."
    )
    assert entries_from_mappings([], vocabularies=seed_vocabularies()).errors[0].message == (
        "The chronology has no entries."
    )
    not_an_object = entries_from_mappings([values, "PA-1"], vocabularies=seed_vocabularies())
    assert [str(problem) for problem in not_an_object.errors] == [
        "Entry 1: An entry must be an object with the format's fields."
    ]


# --- round trips of any entry ----------------------------------------------------------------

VOCABULARIES = seed_vocabularies()
# Any character a cell can hold: no control characters but line breaks and tabs (XML cannot hold the
# others), no surrogates or non-characters. Cells are read with surrounding white space dropped.
cell_characters = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co"), blacklist_characters="\x85")
line_characters = st.one_of(cell_characters, st.sampled_from("\n\t'=+-@;,\""))


def cell_text(*, min_size: int = 0, max_size: int = 60):
    return (
        st.text(line_characters, min_size=min_size, max_size=max_size)
        .map(str.strip)
        .filter(lambda text: len(text) >= min_size)
    )


codes = st.from_regex(r"[A-Z]{2,8}-[0-9]{2}", fullmatch=True)
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def entries(draw, entry_ref: str) -> Entry:
    day = draw(days)
    precision = draw(st.sampled_from(list(Precision)[:3]))
    written = {
        Precision.DAY: day.isoformat(),
        Precision.MONTH: day.isoformat()[:7],
        Precision.YEAR: day.isoformat()[:4],
    }[precision]
    date = parse_written_date(written)
    if draw(st.booleans()):
        date = approximate(date)
    event_type = draw(st.sampled_from(sorted(VOCABULARIES.event_types)))
    addressee = draw(codes) if event_type in ADDRESSEE_REQUIRED_FOR else draw(st.one_of(st.just(""), codes))
    return Entry(
        entry_ref=entry_ref,
        date=date,
        time=draw(st.one_of(st.none(), st.times().map(lambda t: dt.time(t.hour, t.minute)))) if date.is_exact else None,
        organisation=draw(codes),
        practitioner_role=draw(cell_text(max_size=40)),
        event_type=event_type,
        addressee=addressee,
        concern=draw(st.sampled_from(["", *sorted(VOCABULARIES.concerns)])),
        description=draw(cell_text(min_size=1, max_size=300)),
        source_document=draw(cell_text(min_size=1)),
        child_seen=draw(st.sampled_from(list(YesNo))),
        child_views_recorded=draw(st.sampled_from(list(YesNo))),
        shared_with=tuple(draw(st.lists(codes, max_size=3, unique=True))),
        key_event=draw(st.booleans()),
    )


@st.composite
def chronologies(draw) -> list[Entry]:
    references = draw(st.lists(cell_text(min_size=1, max_size=20), min_size=1, max_size=6, unique=True))
    return [draw(entries(reference)) for reference in references]


@given(chronology=chronologies())
def test_any_chronology_written_as_csv_reads_back_identically(chronology):
    result = read_chronology(write_csv(chronology).encode(), vocabularies=VOCABULARIES)
    assert result.ok, [str(problem) for problem in result.errors]
    assert plain(result.entries) == chronology


@given(chronology=chronologies())
def test_any_chronology_written_as_xlsx_reads_back_identically(chronology):
    out = io.BytesIO()
    write_xlsx(chronology, out)
    result = read_chronology(out.getvalue(), vocabularies=VOCABULARIES)
    assert result.ok, [str(problem) for problem in result.errors]
    assert plain(result.entries) == chronology
