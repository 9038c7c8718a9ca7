"""NoticeDoc → PDF on the GB/T 9704-2012 grid.

The page is a fixed grid, so the notice is drawn on it directly (`pdf_grid`: HarfBuzz subsets the
faces, pydyf writes the objects), five to ten times faster than a general layout engine. Where
that cannot run (no uharfbuzz, no fontconfig), the HTML renderer's print layout goes through
WeasyPrint: the same geometry (print CSS, page-margin boxes for the page numbers). Neither needs
an office suite or a browser on the server. The CJK fonts come from the system (Debian's
fonts-noto-cjk); the official fonts are used where installed.
"""

from __future__ import annotations

import logging

from xuncha.core.document import NoticeDoc
from xuncha.core.render.html import page
from xuncha.core.render.outline import Outline, outline

log = logging.getLogger(__name__)


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries are missing; `message` says what to install (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def pdf_of(plan: Outline) -> bytes:
    from xuncha.core.render import pdf_grid

    if pdf_grid.available():
        try:
            return pdf_grid.write(plan)
        except pdf_grid.GridUnavailable as exc:  # a face HarfBuzz cannot subset: the slower path
            log.warning("grid PDF writer unavailable for this notice (%s); using WeasyPrint", exc)
    return weasyprint_pdf(plan)


def weasyprint_pdf(plan: Outline) -> bytes:
    """The print layout of the HTML renderer through WeasyPrint (the fallback, and the benchmark's
    baseline)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        raise PdfUnavailable("服务器未安装生成 PDF 所需的组件（WeasyPrint 与 Pango），"
                             "请安装后重试，或先下载 Word 版本。") from None
    return HTML(string=page(plan, print_layout=True)).write_pdf()


def render_pdf(doc: NoticeDoc, qr: str | None = None) -> bytes:
    """`qr`: the notice's public address, drawn as a QR code by the signature."""
    plan = outline(doc)
    plan.qr = qr
    return pdf_of(plan)
