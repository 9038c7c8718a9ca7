"""Evidence downloads: only for users allowed to see the finding, always as attachments."""

from __future__ import annotations

from django.http import FileResponse, Http404

from xuncha.ledger import selectors
from xuncha.ledger.services import evidence as evidence_files
from xuncha.web.views.common import staff_view


@staff_view
def evidence_download(request, actor, pk: int):
    evidence = selectors.evidence_for_download(actor, pk)
    path = evidence_files.path_of(evidence.stored_name)
    if not path.exists():
        raise Http404("文件已丢失，请联系管理员。")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
