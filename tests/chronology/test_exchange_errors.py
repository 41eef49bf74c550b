"""Bad input: every problem named by row, column and reason, and nothing taken from a refused file."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from chronology import exchange
from chronology.exchange import MAX_DESCRIPTION, MAX_ROWS, Problem, Vocabularies, read_chronology

from .builders import csv_bytes, csv_text, messages, read, rows_of, seed_vocabularies, valid_row

ENCODING_ADVICE = (
    "Excel on Estonian Windows saves plain “CSV” in the Windows-1257 encoding: in Excel choose File → Save As "
    "and the type “CSV UTF-8 (comma delimited) (*.csv)”, or save the file as an Excel workbook (.xlsx)."
)
NOT_A_SPREADSHEET = (
    "This file is not a spreadsheet. Upload the chronology as an Excel workbook (.xlsx) or as a CSV file saved "
    "as “CSV UTF-8”."
)


def refused(data: bytes, **options) -> list[str]:
    result = read(data, **options)
    assert not result.ok
    assert result.entries == (), "a refused file gives no entries at all"
    return messages(result)


def one_problem(data: bytes, **options) -> str:
    found = refused(data, **options)
    assert len(found) == 1, found
    return found[0]


def test_a_csv_in_windows_1257_is_refused_with_advice_on_saving_as_utf8():
    text = csv_text([valid_row(), valid_row(entry_ref="PA-002", description="Pereõde märkis: laps väsinud.")])
    problem = one_problem(text.encode("cp1257"))
    assert problem.startswith("The file is not saved as UTF-8 (line 3 holds characters that cannot be read).")
    assert ENCODING_ADVICE in problem


def test_a_csv_in_utf16_is_refused_as_not_utf8():
    problem = one_problem(csv_text([valid_row()]).encode("utf-16"))
    assert "The file is not saved as UTF-8" in problem


def test_an_unknown_column_is_named_with_the_list_of_columns():
    data = csv_text([{**valid_row(), "isikukood": "39001010000"}], header=[*exchange.KEYS, "isikukood"]).encode()
    assert one_problem(data) == (
        "Row 1, column isikukood: There is no column “isikukood” in the exchange format. The columns are: "
        + ", ".join(exchange.KEYS)
        + "."
    )


def test_a_missing_required_column_is_named_once_not_on_every_row():
    header = [key for key in exchange.KEYS if key != "source_document"]
    assert refused(csv_text(rows_of(5), header=header).encode()) == [
        "Row 1, column source_document: The required column source_document (allikas) is missing."
    ]


def test_a_column_given_twice_in_two_languages_is_refused():
    header = [*exchange.KEYS, "Kuupäev"]
    row = {**valid_row(), "Kuupäev": "2019-03-05"}
    assert one_problem(csv_text([row], header=header).encode()) == (
        "Row 1, column Kuupäev: The column date appears twice (“date” and “Kuupäev”)."
    )


@pytest.mark.parametrize("key", ["entry_ref", "date", "organisation", "event_type", "description", "source_document"])
def test_a_missing_required_value_is_named_by_row_and_column(key):
    data = csv_bytes([valid_row(), valid_row(**{"entry_ref": "PA-002", key: "  "})])
    assert one_problem(data) == f"Row 3, column {key}: This value is required."


def test_the_column_is_named_as_the_file_writes_it():
    header = ["Viide", "KUUPÄEV", "asutus", "sündmus", "kirjeldus", "allikas"]
    row = dict(zip(header, ["PA-1", "", "PERE-01", "contact", "Kõne.", "Päevik"], strict=True))
    assert one_problem(csv_text([row], header=header).encode()) == "Row 2, column KUUPÄEV: This value is required."


def test_an_unknown_event_type_is_refused_with_the_known_ones():
    problem = one_problem(csv_bytes([valid_row(event_type="phone_call")]))
    assert problem.startswith(
        "Row 2, column event_type: “phone_call” is not an event type of the method. The event types are: "
    )
    assert "appointment_missed" in problem


def test_an_unknown_concern_is_refused_with_the_known_ones():
    problem = one_problem(csv_bytes([valid_row(concern="poverty")]))
    assert problem.startswith("Row 2, column concern: “poverty” is not a concern of the method. The concerns are: ")
    assert "medical_neglect" in problem


def test_an_impossible_date_is_refused():
    assert one_problem(csv_bytes([valid_row(date="31.02.2019", time="")])) == (
        "Row 2, column date: “31.02.2019” is not a real date: 02.2019 has 28 days."
    )


def test_a_date_in_an_unknown_form_is_refused():
    assert one_problem(csv_bytes([valid_row(date="03/04/2019", date_precision="")])) == (
        "Row 2, column date: Write the date as YYYY-MM-DD, YYYY-MM, YYYY, DD.MM.YYYY or MM.YYYY, not “03/04/2019”."
    )


def test_a_time_with_a_month_precision_date_is_refused():
    assert one_problem(csv_bytes([valid_row(date="2019-03", date_precision="month", time="10:30")])) == (
        "Row 2, column time: A time is allowed only with an exact day; remove the time or write the date as one day."
    )


def test_a_time_with_an_approximate_day_is_refused():
    problem = one_problem(csv_bytes([valid_row(date_precision="approximate", time="10:30")]))
    assert problem.startswith("Row 2, column time: A time is allowed only with an exact day")


def test_a_precision_that_does_not_fit_the_date_is_refused():
    assert one_problem(csv_bytes([valid_row(date="2019-03", date_precision="day", time="")])) == (
        "Row 2, column date_precision: The date “2019-03” names a month: its precision must be month or "
        "approximate, not “day”."
    )


def test_an_unknown_precision_is_refused():
    problem = one_problem(csv_bytes([valid_row(date_precision="umbes")]))
    assert problem.startswith("Row 2, column date_precision: “umbes” is not a precision: write day, month, year")


def test_a_badly_written_time_is_refused():
    assert one_problem(csv_bytes([valid_row(time="10.30")])) == (
        "Row 2, column time: Write the time as HH:MM, from 00:00 to 23:59, not “10.30”."
    )


def test_a_duplicate_entry_ref_names_the_row_that_has_it_first():
    data = csv_bytes([valid_row(entry_ref="PA-1"), valid_row(entry_ref="PA-2"), valid_row(entry_ref="PA-1")])
    assert one_problem(data) == (
        "Row 4, column entry_ref: The entry_ref “PA-1” is already used in row 2; each entry needs its own."
    )


def test_a_description_over_the_limit_is_refused_and_one_at_the_limit_is_taken():
    assert read(csv_bytes([valid_row(description="ä" * MAX_DESCRIPTION)])).ok
    assert one_problem(csv_bytes([valid_row(description="ä" * (MAX_DESCRIPTION + 1))])) == (
        "Row 2, column description: The text is 4,001 characters long; at most 4,000 are allowed."
    )


def test_an_over_long_entry_ref_is_refused():
    problem = one_problem(csv_bytes([valid_row(entry_ref="X" * 101)]))
    assert problem == "Row 2, column entry_ref: The text is 101 characters long; at most 100 are allowed."


@pytest.mark.parametrize("event_type", ["referral", "notification", "information_shared"])
def test_a_referral_notification_or_information_shared_needs_an_addressee(event_type):
    assert one_problem(csv_bytes([valid_row(event_type=event_type, addressee="")])) == (
        f"Row 2, column addressee: An entry of type {event_type} needs the code of the organisation it went to."
    )


@pytest.mark.parametrize(("key", "value"), [("child_seen", "maybe"), ("child_views_recorded", "1")])
def test_a_yes_no_value_outside_yes_no_unknown_is_refused(key, value):
    assert one_problem(csv_bytes([valid_row(**{key: value})])) == (
        f"Row 2, column {key}: Write yes, no or unknown (jah, ei, teadmata), not “{value}”."
    )


@pytest.mark.parametrize("value", ["unknown", "teadmata", "x"])
def test_key_event_is_only_yes_or_no(value):
    assert one_problem(csv_bytes([valid_row(key_event=value)])) == (
        f"Row 2, column key_event: Write yes or no (jah or ei), not “{value}”."
    )


def test_shared_with_codes_separated_by_commas_are_refused():
    assert one_problem(csv_bytes([valid_row(shared_with="KOOL-01, KOV-01")])) == (
        "Row 2, column shared_with: Separate the organisation codes with “;”, not with commas."
    )


def test_organisation_codes_not_in_the_review_are_refused():
    vocabularies = Vocabularies(
        event_types=seed_vocabularies().event_types,
        concerns=seed_vocabularies().concerns,
        organisations=frozenset({"PERE-01", "KOV-01"}),
    )
    data = csv_bytes([valid_row(organisation="PERE-02", event_type="referral", addressee="KOV-9", shared_with="X")])
    assert refused(data, vocabularies=vocabularies) == [
        "Row 2, column organisation: “PERE-02” is not the code of an organisation in this review. "
        "The codes are: KOV-01, PERE-01.",
        "Row 2, column addressee: “KOV-9” is not the code of an organisation in this review. "
        "The codes are: KOV-01, PERE-01.",
        "Row 2, column shared_with: “X” is not the code of an organisation in this review. "
        "The codes are: KOV-01, PERE-01.",
    ]


def test_values_in_a_column_without_a_heading_are_reported_once():
    text = csv_text(rows_of(3)).replace("\r\n", ",stray\r\n")
    text = text.replace("key_event,stray", "key_event,", 1)
    assert refused(text.encode()) == ["Row 2, column P: Column P has values but no heading (the first in this row)."]


def test_an_empty_heading_above_empty_cells_is_fine():
    text = csv_text(rows_of(2)).replace("\r\n", ",\r\n")
    assert read(text.encode()).ok


def test_every_problem_of_every_row_is_listed_in_row_order():
    data = csv_bytes(
        [
            valid_row(entry_ref="PA-1", event_type="call", concern="x"),
            valid_row(entry_ref="PA-2"),
            valid_row(entry_ref="PA-3", date="2019-02-30", time="25:00", child_seen="?"),
        ]
    )
    result = read(data)
    assert [(problem.row, problem.column) for problem in result.errors] == [
        (2, "event_type"),
        (2, "concern"),
        (4, "date"),
        (4, "time"),
        (4, "child_seen"),
    ]
    assert result.entries == ()


def test_problems_keep_the_format_key_for_forms_and_the_api():
    header = [*exchange.KEYS[:1], "KUUPÄEV", *exchange.KEYS[2:]]
    result = read(csv_text([{**valid_row(), "KUUPÄEV": "x"}], header=header).encode())
    assert result.errors == (
        Problem(
            "Write the date as YYYY-MM-DD, YYYY-MM, YYYY, DD.MM.YYYY or MM.YYYY, not “x”.",
            row=2,
            column="KUUPÄEV",
            field="date",
        ),
    )


# --- whole files ------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \n", b"\xef\xbb\xbf\n"])
def test_an_empty_file_is_refused(data):
    assert one_problem(data) == "The file is empty."


def test_a_file_with_a_header_but_no_entries_is_refused():
    assert one_problem(csv_text([]).encode()) == "Row 2: The file has a header row but no entries."
    assert one_problem(csv_text([]).encode() + b",,,\r\n\r\n") == "Row 2: The file has a header row but no entries."


def test_a_file_whose_first_row_is_empty_is_refused():
    assert one_problem(b"\r\n" + csv_bytes(rows_of(1))) == "Row 1: Row 1 must hold the column names; it is empty."


def test_a_header_without_commas_or_semicolons_is_refused():
    assert one_problem(csv_text(rows_of(1)).replace(",", "\t").encode()) == (
        "Row 1: The header row must hold the column names separated by commas or semicolons."
    )


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (PNG, "kronoloogia.xlsx"),
        (PNG, "kronoloogia.csv"),
        (os.urandom(4096), "kronoloogia.xlsx"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "kronoloogia.pdf"),
        (b"entry_ref,date\nthis is really text", "kronoloogia.xlsx"),
        (b"<html><body><table><tr><td>entry_ref</td></tr></table></body></html>", "kronoloogia.csv"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(data, filename):
    assert one_problem(data, filename=filename) == NOT_A_SPREADSHEET


def test_random_bytes_without_a_name_are_refused_as_not_a_spreadsheet():
    data = bytes(range(256)) * 16
    assert one_problem(data) == NOT_A_SPREADSHEET


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert one_problem(out.getvalue(), filename="kronoloogia.xlsx") == NOT_A_SPREADSHEET


def test_an_old_excel_workbook_is_refused_with_advice():
    data = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 512
    assert one_problem(data, filename="kronoloogia.xls") == (
        "This is an old Excel workbook (.xls) or another Office document, which is not accepted. Save it as an "
        "Excel workbook (.xlsx) or as “CSV UTF-8”."
    )


def test_a_file_over_ten_megabytes_is_refused_before_it_is_read():
    row = csv_text([valid_row(description="x" * 3000)]).split("\r\n", 1)[1]
    data = csv_text([]).encode() + row.encode() * (10 * 1024 * 1024 // len(row) + 1)
    assert len(data) > 10 * 1024 * 1024
    assert one_problem(data) == (
        "The file is 10.0 MB; at most 10 MB is accepted. "
        "Save it as CSV, which is smaller, or ask the review coordinator how to send it."
    )


def test_a_file_of_exactly_ten_megabytes_is_not_refused_for_its_size():
    data = csv_bytes(rows_of(3300, description="x" * 3000))
    data += b"\n" * (10 * 1024 * 1024 - len(data))
    assert len(data) == 10 * 1024 * 1024
    assert len(read(data).entries) == 3300


def test_more_than_fifty_thousand_rows_are_refused():
    header, row = csv_text([valid_row(entry_ref="R", description="x", source_document="y")]).split("\r\n", 1)
    body = "".join(row.replace("R,", f"R{number},", 1) for number in range(MAX_ROWS + 1))
    data = (header + "\r\n" + body).encode()
    assert len(data) < 10 * 1024 * 1024
    assert (
        one_problem(data) == "The file has more than 50,000 entries, the most one submission can hold. "
        "Ask the review coordinator how to send a chronology this long."
    )


def test_fifty_thousand_rows_are_accepted(monkeypatch):
    monkeypatch.setattr(exchange, "MAX_ROWS", 3)
    assert read(csv_bytes(rows_of(3))).ok
    assert not read(csv_bytes(rows_of(4))).ok


def test_a_row_that_breaks_the_csv_rules_is_refused():
    data = csv_bytes([valid_row(description="x" * 200_000)])
    problem = one_problem(data)
    assert problem.startswith("Row 2: Row 2 cannot be read as CSV (field larger than field limit")


def test_a_missing_file_is_refused(tmp_path):
    result = read_chronology(tmp_path / "puudub.csv", vocabularies=seed_vocabularies())
    assert messages(result) == ["The file does not exist."]


def test_a_folder_is_refused(tmp_path):
    result = read_chronology(tmp_path, vocabularies=seed_vocabularies())
    assert messages(result) == ["This is a folder, not a file."]


def test_problems_are_translated_when_they_are_found(monkeypatch):
    from chronology import dates, fields

    # The catalogues are filled in later; a stand-in translation shows that messages go through gettext
    # each time a file is read, not once when the module is loaded.
    for module in (exchange, fields, dates):
        monkeypatch.setattr(module, "_", lambda message: "[et] " + message)
    result = read(csv_bytes([valid_row(entry_ref=""), valid_row(date="2019-13")]))
    assert [problem.message for problem in result.errors] == [
        "[et] This value is required.",
        "[et] “2019-13” is not a real date: the month must be from 1 to 12.",
    ]
    assert str(result.errors[0]) == "[et] Row 2, column entry_ref: [et] This value is required."
