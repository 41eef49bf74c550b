"""core.files: a file's type comes from its allowed extension, believed only when the content agrees."""

from __future__ import annotations

import io
import struct

import pytest

from core.files import (
    KINDS,
    MAX_ZIP_ENTRIES,
    OCTET_STREAM,
    content_matches,
    extension_of,
    upload_refusal,
    verified_content_type,
)
from tests.file_samples import OLE2, SAMPLES, SCRIPT, ooxml, opendocument, zip_bytes

ALL = tuple(KINDS)


@pytest.mark.parametrize("extension", sorted(SAMPLES))
def test_each_kind_of_file_is_recognised_by_its_content(extension):
    stream = io.BytesIO(SAMPLES[extension])
    assert content_matches(extension, stream)
    assert stream.tell() == 0
    assert verified_content_type(f"kokkuvote.{extension.upper()}", stream, allowed=ALL) == KINDS[extension].content_type


@pytest.mark.parametrize("extension", sorted(set(SAMPLES) - {"txt", "csv"}))
def test_a_script_named_as_a_document_is_not_that_document(extension):
    assert not content_matches(extension, io.BytesIO(SCRIPT))
    assert verified_content_type(f"notes.{extension}", io.BytesIO(SCRIPT), allowed=ALL) == OCTET_STREAM


@pytest.mark.parametrize(
    ("extension", "data"),
    [
        ("docx", ooxml("xl/workbook.xml")),  # a workbook named as a Word document
        ("xlsx", zip_bytes({"index.html": SCRIPT})),  # any ZIP is not a workbook
        ("odt", opendocument("spreadsheet")),
        ("ods", zip_bytes({"mimetype": b"text/html"})),
        ("pdf", b" %PDF-1.4"),
        ("png", SAMPLES["jpg"]),
        ("jpg", SAMPLES["png"]),
        ("doc", SAMPLES["docx"]),
        ("txt", OLE2 + b"\x00" * 504),
        ("csv", SAMPLES["xlsx"]),
        ("rtf", b"{\\rt"),
        ("docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_content_of_another_type_does_not_match(extension, data):
    assert not content_matches(extension, io.BytesIO(data))


def test_a_zip_with_more_parts_than_any_document_is_not_opened():
    data = bytearray(SAMPLES["docx"])
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = struct.pack("<HH", MAX_ZIP_ENTRIES + 1, MAX_ZIP_ENTRIES + 1)
    assert not content_matches("docx", io.BytesIO(bytes(data)))


def test_an_unknown_or_missing_extension_never_has_a_type():
    assert extension_of("run.EXE") == "exe"
    assert extension_of("folder.d/README") == ""
    assert extension_of("C:\\Users\\mari\\kokkuvote.PDF") == "pdf"
    assert verified_content_type("README", io.BytesIO(b"text"), allowed=ALL) == OCTET_STREAM
    # A known extension that the channel does not allow is not served as its type either.
    assert verified_content_type("a.pdf", io.BytesIO(SAMPLES["pdf"]), allowed=("csv", "xlsx")) == OCTET_STREAM


def test_the_refusal_says_what_is_wrong():
    assert upload_refusal("a.pdf", io.BytesIO(SAMPLES["pdf"]), allowed=("pdf",)) is None
    assert upload_refusal("a.html", io.BytesIO(SCRIPT), allowed=("pdf", "txt")) == (
        "Files of this type cannot be uploaded; allowed: pdf, txt."
    )
    assert upload_refusal("notes.pdf", io.BytesIO(SCRIPT), allowed=("pdf",)) == (
        "The content of notes.pdf is not a .pdf file: the file is damaged or of another type. "
        "Save it again in that format, or give it the extension of its real type."
    )
