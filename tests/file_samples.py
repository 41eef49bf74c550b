"""Small files of each type the uploads allow, built here (no binary fixtures in the repository)."""

from __future__ import annotations

import io
import zipfile

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def ooxml(main_part: str) -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", main_part: b"<document/>"})


def opendocument(kind: str) -> bytes:
    return zip_bytes({"mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(), "content.xml": b"<x/>"})


SAMPLES: dict[str, bytes] = {
    "pdf": b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
    "docx": ooxml("word/document.xml"),
    "xlsx": ooxml("xl/workbook.xml"),
    "pptx": ooxml("ppt/presentation.xml"),
    "doc": OLE2 + b"\x00" * 504,
    "xls": OLE2 + b"\x00" * 504,
    "ppt": OLE2 + b"\x00" * 504,
    "odt": opendocument("text"),
    "ods": opendocument("spreadsheet"),
    "odp": opendocument("presentation"),
    "rtf": b"{\\rtf1\\ansi Kokkuv\\'f5te}",
    "txt": "Päevakord\n1. Avamine\n".encode(),
    "csv": b"entry_ref,date\nK-1,04.03.2019\n",
    "png": b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17,
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16,
}

SCRIPT = b"<script>fetch('/api/').then(r => r.text()).then(alert)</script>\n"
