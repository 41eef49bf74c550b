"""Uploaded files are served as what they are.

The type of a file comes from its extension, among the extensions a channel allows, and is believed
only when the file's content agrees (its first bytes, or for office documents the parts inside the
ZIP container). What the uploader's browser said (`UploadedFile.content_type`) is never used: a
`notes.pdf` sent as `application/javascript` is a PDF if it starts with `%PDF-`, and otherwise is
refused at upload. A stored file whose content does not match its name (kept before this check, or
a stored type that lied) is served as `application/octet-stream`.

Every download is an attachment with `X-Content-Type-Options: nosniff` and a content security policy
that allows nothing, so that a browser never runs it as part of our pages.

Pure apart from the response builder: no database.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

OCTET_STREAM = "application/octet-stream"
# How much of a text file is read to tell it from a binary one.
TEXT_SAMPLE_BYTES = 1024 * 1024

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003, Excel 97–2003, PowerPoint 97–2003
_ZIP = b"PK\x03\x04"
_ZIP_END = b"PK\x05\x06"
# A document has a few hundred parts; reading the directory of a ZIP built with millions would take
# hundreds of megabytes, so such a file is not opened at all.
MAX_ZIP_ENTRIES = 10_000


def _starts_with(*signatures: bytes) -> Callable[[IO[bytes]], bool]:
    def check(stream: IO[bytes]) -> bool:
        head = stream.read(max(len(s) for s in signatures))
        return any(head.startswith(signature) for signature in signatures)

    return check


def _is_text(stream: IO[bytes]) -> bool:
    # Text in any of the encodings people save in (UTF-8, Windows-1257, UTF-8 with BOM) has no NUL byte;
    # every binary format this could be confused with has many.
    sample = stream.read(TEXT_SAMPLE_BYTES)
    return b"\x00" not in sample


def _open_zip(stream: IO[bytes]) -> zipfile.ZipFile | None:
    """The ZIP container of a document, or None when it is not one or has more parts than any has."""
    if stream.read(4) != _ZIP:
        return None
    size = stream.seek(0, 2)
    tail_size = min(size, 22 + 65535)  # the end record and the longest comment it may carry
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(_ZIP_END)
    if at < 0 or len(tail) - at < 22:
        return None
    entries = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    if entries > MAX_ZIP_ENTRIES:  # 0xFFFF also stands for a ZIP64 directory: no document needs one
        return None
    stream.seek(0)
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, struct.error):
        return None


def _ooxml(main_part: str) -> Callable[[IO[bytes]], bool]:
    """An Office Open XML document: a ZIP with [Content_Types].xml and its main part."""

    def check(stream: IO[bytes]) -> bool:
        archive = _open_zip(stream)
        if archive is None:
            return False
        with archive:
            names = set(archive.namelist())
        return "[Content_Types].xml" in names and main_part in names

    return check


def _opendocument(mimetype: str) -> Callable[[IO[bytes]], bool]:
    """An OpenDocument file: a ZIP whose `mimetype` entry names the document's type."""

    def check(stream: IO[bytes]) -> bool:
        archive = _open_zip(stream)
        if archive is None:
            return False
        with archive:
            try:
                info = archive.getinfo("mimetype")
                if info.file_size > 200 or info.compress_size > 200:
                    return False
                return archive.read(info).strip() == mimetype.encode()
            except (zipfile.BadZipFile, KeyError, OSError, ValueError, NotImplementedError, RuntimeError):
                return False

    return check


@dataclass(frozen=True)
class FileKind:
    content_type: str
    matches: Callable[[IO[bytes]], bool]


ODF = "application/vnd.oasis.opendocument."
OOXML = "application/vnd.openxmlformats-officedocument."
KINDS: dict[str, FileKind] = {
    "pdf": FileKind("application/pdf", _starts_with(b"%PDF-")),
    "docx": FileKind(OOXML + "wordprocessingml.document", _ooxml("word/document.xml")),
    "xlsx": FileKind(OOXML + "spreadsheetml.sheet", _ooxml("xl/workbook.xml")),
    "pptx": FileKind(OOXML + "presentationml.presentation", _ooxml("ppt/presentation.xml")),
    "doc": FileKind("application/msword", _starts_with(_OLE2)),
    "xls": FileKind("application/vnd.ms-excel", _starts_with(_OLE2)),
    "ppt": FileKind("application/vnd.ms-powerpoint", _starts_with(_OLE2)),
    "odt": FileKind(ODF + "text", _opendocument(ODF + "text")),
    "ods": FileKind(ODF + "spreadsheet", _opendocument(ODF + "spreadsheet")),
    "odp": FileKind(ODF + "presentation", _opendocument(ODF + "presentation")),
    "rtf": FileKind("application/rtf", _starts_with(b"{\\rtf")),
    "txt": FileKind("text/plain", _is_text),
    "csv": FileKind("text/csv", _is_text),
    "png": FileKind("image/png", _starts_with(b"\x89PNG\r\n\x1a\n")),
    "jpg": FileKind("image/jpeg", _starts_with(b"\xff\xd8\xff")),
    "jpeg": FileKind("image/jpeg", _starts_with(b"\xff\xd8\xff")),
}

# The files an agency may send its chronology in (the exchange format, chronology.exchange).
CHRONOLOGY_FILE_EXTENSIONS = ("csv", "xlsx")


def extension_of(name: str) -> str:
    """The lower-cased extension of a file name, without the dot ("" when there is none)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def content_matches(extension: str, stream: IO[bytes]) -> bool:
    """Whether the content of `stream` is a file of the type `extension` names (read from the start;
    the stream is left at its start again)."""
    kind = KINDS.get(extension)
    if kind is None:
        return False
    stream.seek(0)
    try:
        return kind.matches(stream)
    finally:
        stream.seek(0)


def verified_content_type(name: str, stream: IO[bytes], *, allowed: Iterable[str]) -> str:
    """The content type of a stored file: its extension's, when the extension is allowed and the
    content agrees; otherwise `application/octet-stream`, which no browser runs or shows."""
    extension = extension_of(name)
    if extension in allowed and content_matches(extension, stream):
        return KINDS[extension].content_type
    return OCTET_STREAM


def upload_refusal(name: str, stream: IO[bytes], *, allowed: Iterable[str]) -> str | None:
    """Why an uploaded file is refused (its extension is not allowed, or its content is another type
    of file), in the active language; None when it may be kept."""
    allowed = tuple(allowed)
    extension = extension_of(name)
    if extension not in allowed:
        return _("Files of this type cannot be uploaded; allowed: %(types)s.") % {"types": ", ".join(allowed)}
    if not content_matches(extension, stream):
        return _(
            "The content of %(name)s is not a .%(extension)s file: the file is damaged or of another type. "
            "Save it again in that format, or give it the extension of its real type."
        ) % {"name": name, "extension": extension}
    return None


def attachment_response(data: bytes, *, name: str, content_type: str) -> HttpResponse:
    """A download: an attachment the browser saves, never shows inline, sniffs or runs."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
