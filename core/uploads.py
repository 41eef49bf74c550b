"""Limits on what a request may send, kept by the application itself and not only by a proxy in front.

- A body that is not a file upload (a form's fields) may be at most DATA_UPLOAD_MAX_MEMORY_SIZE. One
  that declares more is answered 413 with a page saying so, before any of it is read (Django itself
  would answer a bare 400 once a view touched `request.POST`).
- A file upload may carry at most MAX_UPLOAD_BYTES of files, the largest upload any page takes.
  `UploadLimitHandler` counts the bytes as they stream in and stops reading at the limit, or at the
  first file when the declared length is already too large; the fields sent before the file (the
  CSRF token, a title) are kept, and the file arrives as a `RefusedUpload` that holds no data but
  the size, so that the page's own size check shows its usual message in the form.
- The JSON API (namespace "api") keeps its own limit (10 MB, answered in JSON: api.endpoints).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

MB = 1024 * 1024
# Views that read and limit their own body.
OWN_LIMIT_NAMESPACES = ("api",)


def multipart_limit() -> int:
    """The most a file upload's whole body may declare: the files and the form's other fields."""
    return settings.MAX_UPLOAD_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


@dataclass(frozen=True)
class Refused:
    field_name: str
    file_name: str
    size: int


class RefusedUpload(UploadedFile):
    """A file that was too large to take: its name and (at least) its size, none of its content."""

    def __init__(self, refused: Refused):
        super().__init__(
            file=io.BytesIO(b""), name=refused.file_name, content_type="application/octet-stream", size=refused.size
        )


class UploadLimitHandler(FileUploadHandler):
    """Stops reading a multipart body once its files pass MAX_UPLOAD_BYTES (first in FILE_UPLOAD_HANDLERS)."""

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        self.declared = content_length
        self.received = 0
        return None

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if getattr(self, "declared", 0) > multipart_limit():
            self._refuse(self.declared)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > settings.MAX_UPLOAD_BYTES:
            self._refuse(max(self.received, getattr(self, "declared", 0)))
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self, size: int) -> None:
        if self.request is not None:
            self.request.upload_refused = Refused(  # type: ignore[attr-defined]
                field_name=self.field_name, file_name=self.file_name or "", size=size
            )
        # The rest of the body is not read: that is the point of the limit.
        raise StopUpload(connection_reset=True)


class RequestBodyLimitMiddleware:
    """Refuse oversized bodies before they are read; give a refused upload to the view as a RefusedUpload.

    Stands before CsrfViewMiddleware, whose check would read the body first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        match = request.resolver_match
        if match is not None and any(namespace in OWN_LIMIT_NAMESPACES for namespace in match.namespaces):
            return None
        size = declared_length(request)
        if not size:
            return None
        if request.content_type != "multipart/form-data":
            if size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return too_large(request, size)
            return None
        try:
            files = request.FILES  # parsed here, through UploadLimitHandler
        except RequestDataTooBig:
            return too_large(request, size)
        refused: Refused | None = getattr(request, "upload_refused", None)
        if refused is not None:
            files.setlist(refused.field_name, [RefusedUpload(refused)])
        return None


def megabytes(size: int) -> str:
    return f"{size / MB:.1f}".rstrip("0").rstrip(".")


def too_large(request: HttpRequest, size: int) -> HttpResponse:
    """413: the page says how much was sent and how much a form may send."""
    context = {
        "size": megabytes(size),
        "limit": megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        "upload_limit": megabytes(settings.MAX_UPLOAD_BYTES),
        "back": request.get_full_path(),
    }
    return render(request, "core/413.html", context, status=413)
