"""The exchange format's rules for good files: delimiters, BOM, headings, date forms, values."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chronology.entry import Precision, UncertainDate, YesNo
from chronology.exchange import ImportResult, Vocabularies, read_chronology

from .builders import EXAMPLE_CSV, csv_bytes, csv_text, read, rows_of, seed_vocabularies, valid_row, xlsx_of


def only_entry(result: ImportResult):
    assert result.ok, [str(problem) for problem in result.errors]
    assert len(result.entries) == 1
    return result.entries[0]


def test_the_example_file_of_the_format_is_read_whole():
    result = read_chronology(EXAMPLE_CSV, vocabularies=seed_vocabularies())
    assert result.ok and not result.errors
    assert [entry.entry_ref for entry in result.entries] == ["PA-001", "PA-002", "HAIGLA-001", "HAIGLA-002", "KOOL-001"]
    first, month, missed, shared, school = result.entries
    assert first.date == UncertainDate(dt.date(2019, 3, 4), dt.date(2019, 3, 4), Precision.DAY)
    assert first.time == dt.time(10, 30)
    assert first.description == "Tervisekontroll, 9-aastane. Kaal vanusele vastav."
    assert month.date.precision == Precision.MONTH and month.date.latest == dt.date(2019, 9, 30)
    assert month.concern == "medical_neglect" and month.practitioner_role == "pereõde"
    assert missed.key_event is True and first.key_event is False
    assert shared.addressee == "PERE-01" and shared.shared_with == ("PERE-01",)
    assert school.child_seen == YesNo.YES and school.child_views_recorded == YesNo.YES
    assert {entry.source for entry in result.entries} == {EXAMPLE_CSV}
    assert [entry.row for entry in result.entries] == [2, 3, 4, 5, 6]


def test_a_comma_separated_file_is_read():
    entry = only_entry(read(csv_bytes([valid_row(description="Kaal, pikkus; vastavad")]), filename="a.csv"))
    assert entry.description == "Kaal, pikkus; vastavad"


def test_a_semicolon_separated_file_is_read():
    data = csv_bytes([valid_row(description="Kaal, pikkus; vastavad", shared_with="KOOL-01;KOV-01")], delimiter=";")
    entry = only_entry(read(data))
    assert entry.description == "Kaal, pikkus; vastavad"
    assert entry.shared_with == ("KOOL-01", "KOV-01")


def test_the_delimiter_is_taken_from_the_header_row_even_when_a_cell_holds_the_other():
    text = csv_text([valid_row(description="a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q;r")])
    assert only_entry(read(text.encode())).description == "a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q;r"


def test_a_byte_order_mark_is_allowed():
    entry = only_entry(read(csv_bytes([valid_row()], bom=True)))
    assert entry.entry_ref == "PA-001"


def test_a_byte_order_mark_with_semicolons_is_allowed():
    assert read(csv_bytes(rows_of(3), bom=True, delimiter=";")).ok


def test_estonian_headings_in_any_letter_case_are_accepted():
    header = [
        "VIIDE",
        "Kuupäev",
        "täpsus",
        "Kellaaeg",
        "asutus",
        "Ametikoht",
        "SÜNDMUS",
        "adressaat",
        "Mure",
        "kirjeldus",
        "Allikas",
        "Laps nähtud",
        "LAPSE ARVAMUS",
        "jagatud",
        "Võtmesündmus",
    ]
    keys = [
        "entry_ref",
        "date",
        "date_precision",
        "time",
        "organisation",
        "practitioner_role",
        "event_type",
        "addressee",
        "concern",
        "description",
        "source_document",
        "child_seen",
        "child_views_recorded",
        "shared_with",
        "key_event",
    ]
    row = valid_row(key_event="jah", child_seen="EI")
    text = csv_text([{heading: row[key] for heading, key in zip(header, keys, strict=True)}], header=header)
    entry = only_entry(read(text.encode()))
    assert entry.key_event is True
    assert entry.child_seen == YesNo.NO
    assert entry.time == dt.time(10, 30)


def test_english_keys_in_any_letter_case_and_mixed_with_estonian_labels_are_accepted():
    header = ["Entry_Ref", "kuupäev", "ORGANISATION", "sündmus", "Description", "allikas"]
    row = valid_row()
    values = dict(zip(header, [row[key] for key in ("entry_ref", "date", "organisation", "event_type")], strict=False))
    values.update({"Description": row["description"], "allikas": row["source_document"]})
    entry = only_entry(read(csv_text([values], header=header).encode()))
    assert entry.source_document == row["source_document"]


def test_only_the_required_columns_are_needed_and_the_rest_take_their_defaults():
    header = ["entry_ref", "date", "organisation", "event_type", "description", "source_document"]
    entry = only_entry(read(csv_text([valid_row()], header=header).encode()))
    assert entry.time is None and entry.practitioner_role == "" and entry.concern == ""
    assert entry.child_seen == YesNo.UNKNOWN and entry.child_views_recorded == YesNo.UNKNOWN
    assert entry.shared_with == () and entry.key_event is False


def test_columns_may_come_in_any_order():
    header = ["description", "source_document", "event_type", "organisation", "date", "entry_ref"]
    entry = only_entry(read(csv_text([valid_row()], header=header).encode()))
    assert entry.entry_ref == "PA-001" and entry.event_type == "appointment_attended"


@pytest.mark.parametrize(
    ("date", "precision", "earliest", "latest"),
    [
        ("2019-03-04", "", dt.date(2019, 3, 4), dt.date(2019, 3, 4)),
        ("2019-3-4", "", dt.date(2019, 3, 4), dt.date(2019, 3, 4)),
        ("04.03.2019", "", dt.date(2019, 3, 4), dt.date(2019, 3, 4)),
        ("4.3.2019", "päev", dt.date(2019, 3, 4), dt.date(2019, 3, 4)),
        ("2019-03", "", dt.date(2019, 3, 1), dt.date(2019, 3, 31)),
        ("03.2019", "kuu", dt.date(2019, 3, 1), dt.date(2019, 3, 31)),
        ("3.2019", "MONTH", dt.date(2019, 3, 1), dt.date(2019, 3, 31)),
        ("2019", "aasta", dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
        ("2019-03-04", "approximate", dt.date(2019, 2, 25), dt.date(2019, 3, 11)),
        ("03.2019", "ligikaudne", dt.date(2019, 2, 1), dt.date(2019, 4, 30)),
        ("2019", "Ligikaudne", dt.date(2018, 1, 1), dt.date(2020, 12, 31)),
    ],
)
def test_every_date_form_is_read_as_its_interval(date, precision, earliest, latest):
    entry = only_entry(read(csv_bytes([valid_row(date=date, date_precision=precision, time="")])))
    assert (entry.date.earliest, entry.date.latest) == (earliest, latest)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yes", YesNo.YES),
        ("YES", YesNo.YES),
        ("Jah", YesNo.YES),
        ("no", YesNo.NO),
        ("EI", YesNo.NO),
        ("unknown", YesNo.UNKNOWN),
        ("Teadmata", YesNo.UNKNOWN),
        ("", YesNo.UNKNOWN),
    ],
)
def test_yes_no_values_are_read_in_english_and_estonian_in_any_case(text, answer):
    entry = only_entry(read(csv_bytes([valid_row(child_seen=text, child_views_recorded=text)])))
    assert entry.child_seen == answer and entry.child_views_recorded == answer


@pytest.mark.parametrize(("text", "answer"), [("yes", True), ("JAH", True), ("no", False), ("ei", False), ("", False)])
def test_key_event_is_yes_or_no_and_no_by_default(text, answer):
    assert only_entry(read(csv_bytes([valid_row(key_event=text)]))).key_event is answer


def test_shared_with_codes_are_separated_by_semicolons_and_empty_parts_and_repeats_dropped():
    entry = only_entry(read(csv_bytes([valid_row(shared_with=" KOOL-01 ; KOV-01;;KOOL-01;")])))
    assert entry.shared_with == ("KOOL-01", "KOV-01")


@pytest.mark.parametrize("text", ["=SUM(A1:A3)", "+372 5555 5555", "-5 kg kaalulangus", "@ema teatas"])
def test_a_cell_that_starts_like_a_formula_is_just_text(text):
    entry = only_entry(read(csv_bytes([valid_row(description=text, practitioner_role=text)])))
    assert entry.description == text and entry.practitioner_role == text


def test_an_exported_formula_safe_cell_reads_back_without_its_apostrophe():
    entry = only_entry(read(csv_bytes([valid_row(description="'=HYPERLINK(1)", practitioner_role="'it's")])))
    assert entry.description == "=HYPERLINK(1)"
    assert entry.practitioner_role == "'it's"


def test_quoted_cells_may_hold_delimiters_quotes_and_line_breaks():
    description = 'Ema ütles: "tuleme, kui saame"; laps\r\nnutt.\nJärgmine rida.'
    result = read(csv_bytes([valid_row(description=description), valid_row(entry_ref="PA-002")]))
    assert result.ok
    assert result.entries[0].description == description
    assert [entry.row for entry in result.entries] == [2, 3]


def test_surrounding_spaces_in_cells_are_dropped():
    entry = only_entry(
        read(csv_bytes([valid_row(entry_ref="  PA-9 ", organisation=" PERE-01 ", event_type=" contact")]))
    )
    assert (entry.entry_ref, entry.organisation, entry.event_type) == ("PA-9", "PERE-01", "contact")


def test_blank_rows_are_skipped_and_rows_keep_the_numbers_the_spreadsheet_shows():
    lines = csv_text([valid_row(entry_ref="A"), valid_row(entry_ref="B")]).split("\r\n")
    text = "\r\n".join([*lines[:2], ",,,,,,,,,,,,,,", " ", *lines[2:]])
    result = read(text.encode())
    assert result.ok
    assert [(entry.entry_ref, entry.row) for entry in result.entries] == [("A", 2), ("B", 5)]


def test_an_addressee_is_read_for_a_referral():
    entry = only_entry(read(csv_bytes([valid_row(event_type="referral", addressee="KOV-01", time="")])))
    assert entry.addressee == "KOV-01"


def test_organisation_codes_are_checked_only_when_the_review_lists_them():
    data = csv_bytes([valid_row(organisation="ANY-CODE", shared_with="OTHER")])
    assert read(data).ok
    known = Vocabularies(
        event_types=seed_vocabularies().event_types,
        concerns=seed_vocabularies().concerns,
        organisations=frozenset({"ANY-CODE", "OTHER"}),
    )
    assert read(data, vocabularies=known).ok


def test_a_later_method_version_may_add_event_types_and_concerns():
    vocabularies = Vocabularies(
        event_types=seed_vocabularies().event_types | {"video_call"},
        concerns=seed_vocabularies().concerns | {"online_risk"},
    )
    data = csv_bytes([valid_row(event_type="video_call", concern="online_risk")])
    assert read(data, vocabularies=vocabularies).ok
    assert not read(data).ok


def test_vocabularies_come_from_a_method_version_in_the_database(method_v1):
    vocabularies = Vocabularies.current(organisations=["PERE-01"])
    assert "appointment_missed" in vocabularies.event_types
    assert "medical_neglect" in vocabularies.concerns
    assert vocabularies.organisations == frozenset({"PERE-01"})
    assert vocabularies == Vocabularies.from_method(method_v1.data, ["PERE-01"])


def test_a_file_object_a_path_and_bytes_read_the_same(tmp_path):
    data = csv_bytes(rows_of(3))
    path = tmp_path / "asutus.csv"
    path.write_bytes(data)
    from_bytes = read_chronology(data, vocabularies=seed_vocabularies(), source="x")
    from_path = read_chronology(path, vocabularies=seed_vocabularies(), source="x")
    from_stream = read_chronology(io.BytesIO(data), vocabularies=seed_vocabularies(), source="x")
    assert from_bytes == from_path == from_stream
    assert read_chronology(path, vocabularies=seed_vocabularies()).entries[0].source == str(path)


def test_reading_starts_where_an_uploaded_file_stands():
    stream = io.BytesIO(csv_bytes(rows_of(2)))
    stream.seek(0)
    assert len(read_chronology(stream, vocabularies=seed_vocabularies()).entries) == 2


def test_an_uploaded_file_is_read_as_it_comes_from_the_form():
    for name, data in (("asutus.csv", csv_bytes(rows_of(2), bom=True)), ("asutus.xlsx", xlsx_of(rows_of(2)))):
        upload = SimpleUploadedFile(name, data)
        result = read_chronology(upload, vocabularies=seed_vocabularies(), filename=upload.name)
        assert result.ok and [entry.source for entry in result.entries] == [name, name]
