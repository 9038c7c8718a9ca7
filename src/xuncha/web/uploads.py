"""Upload limits enforced while the request body streams in, before any view reads a file.

Django writes a large upload to a temporary file before the view runs, and has no per-file
limit of its own. This handler comes first in FILE_UPLOAD_HANDLERS: past the limit of the
page being posted to, it skips the rest of that file (Django closes and removes what was
spooled) and marks the request, and the view answers 413 with a Chinese message.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xuncha.ledger.services.storage import megabytes

# URL name → the setting holding its per-file limit in bytes. Pages not listed keep their
# own limits in their services (the 雷同 batch check counts each document it unpacks).
LIMITS: dict[str, str] = {
    "import": "IMPORT_MAX_BYTES",
    "progress-create": "EVIDENCE_MAX_BYTES",
    "measure-reports": "EVIDENCE_MAX_BYTES",  # the same act through the API (xuncha.api)
}


def limit_for(request: HttpRequest) -> int | None:
    match = getattr(request, "resolver_match", None)
    setting = LIMITS.get(match.url_name) if match is not None else None
    return getattr(settings, setting) if setting else None


class CappedUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive and drops a file past its page's limit."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = limit_for(request) if request is not None else None
        self.received = 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.limit is not None and self.received > self.limit:
            refused = getattr(self.request, "refused_uploads", [])
            refused.append(self.file_name or "")
            self.request.refused_uploads = refused
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the uploaded file


def too_large_message(request: HttpRequest) -> str | None:
    """The Chinese refusal for a request whose file was dropped for its size, if any."""
    request.FILES  # noqa: B018 (parses the body, if nothing has yet, so the handler has run)
    refused = getattr(request, "refused_uploads", None)
    if not refused:
        return None
    limit = limit_for(request) or 0
    return f"文件“{refused[0]}”超过 {megabytes(limit)} 的大小限制，未保存。"


def too_large(request: HttpRequest, message: str, back: str) -> HttpResponse:
    return render(request, "web/upload_refused.html", {"message": message, "back": back},
                  status=413)
