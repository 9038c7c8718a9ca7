"""Stored-file downloads: only for users allowed to see the row, always as attachments."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.http import FileResponse, Http404

from xuncha.ledger import selectors
from xuncha.ledger.services import audit, storage
from xuncha.ledger.services.evidence import KIND as EVIDENCE
from xuncha.web.views.common import staff_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stored_download(kind: str, name: str, filename: str, content_type: str) -> FileResponse:
    """Stream a stored file to the browser in chunks; a missing file is a 404 in Chinese."""
    try:
        handle, size = storage.open_stream(kind, name)
    except FileNotFoundError:
        raise Http404("文件已丢失，请联系管理员。") from None
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=content_type)
    response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view
def evidence_download(request, actor, pk: int) -> FileResponse:
    evidence = selectors.evidence_for_download(actor, pk)
    response = stored_download(EVIDENCE, evidence.stored_name, evidence.original_name,
                               evidence.content_type)
    audit.record_now(actor, "evidence.download", evidence, f"下载佐证材料：{evidence.original_name}"[:300],
                     after={"file": evidence.original_name})
    return response


def download_name(text: str, suffix: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text)[:80] + suffix


def quote_name(name: str) -> str:
    return quote(name)
