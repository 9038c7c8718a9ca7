"""NoticeDoc → PDF, from the HTML renderer's print layout with WeasyPrint.

Why HTML → PDF and not .docx → PDF: one layout (print CSS) serves the web page and the PDF,
CSS page-margin boxes give the GB/T 9704 page numbers (— 1 —, odd right, even left), and no
office suite or browser has to run on the server. The CJK fonts come from the system (Debian's
fonts-noto-cjk); the official fonts are used where installed.
"""

from __future__ import annotations

from xuncha.core.document import NoticeDoc
from xuncha.core.render.html import page
from xuncha.core.render.outline import Outline, outline


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries are missing; `message` says what to install (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def pdf_of(plan: Outline) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        raise PdfUnavailable("服务器未安装生成 PDF 所需的组件（WeasyPrint 与 Pango），"
                             "请安装后重试，或先下载 Word 版本。") from None
    return HTML(string=page(plan, print_layout=True)).write_pdf()


def render_pdf(doc: NoticeDoc) -> bytes:
    return pdf_of(outline(doc))
