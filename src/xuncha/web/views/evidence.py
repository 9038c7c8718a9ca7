"""Evidence reviewed in the finding page: image thumbnails and PDFs in a sandboxed frame."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from xuncha.ledger import selectors
from xuncha.ledger.services import audit, evidence_review
from xuncha.ledger.services.evidence import KIND as EVIDENCE
from xuncha.web.views.common import staff_view
from xuncha.web.views.files import stored_download

# The PDF response alone may be framed, by this site only, and it is sandboxed by its own policy
# (a unique origin, no scripts, nothing loaded). Not by the <iframe sandbox> attribute: Chromium
# refuses to show a PDF in a frame carrying it, while the response's `sandbox` still shows it.
PDF_CSP = {"sandbox": True, "default-src": ["'none'"], "script-src": ["'none'"], "style-src": ["'none'"],
           "img-src": ["'none'"], "object-src": ["'self'"], "form-action": ["'none'"],
           "frame-ancestors": ["'self'"]}


@staff_view
def evidence_thumbnail(request, actor, pk: int) -> HttpResponse:
    evidence = selectors.evidence_for_download(actor, pk)
    data = evidence_review.thumbnail(evidence)
    if data is None:
        raise Http404("该文件没有缩略图。")
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@xframe_options_sameorigin
@staff_view
def evidence_inline(request, actor, pk: int):
    evidence = selectors.evidence_for_download(actor, pk)
    if not evidence_review.shown_inline(evidence):  # SVG, HTML and the rest: download only
        raise Http404("该文件不能在页面中查看，请下载。")
    response = stored_download(EVIDENCE, evidence.stored_name, evidence.original_name,
                               evidence.content_type)
    # The whole file, shown in the page: recorded like a download (thumbnails are previews only).
    audit.record_now(actor, "evidence.view", evidence, f"查看佐证材料：{evidence.original_name}"[:300])
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    response._csp_replace = PDF_CSP
    return response
