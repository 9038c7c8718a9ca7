"""Notices out: NoticeDoc → text, HTML, .docx (GB/T 9704-2012), PDF. One entry per format in RENDERERS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xuncha.core.document import NoticeDoc
from xuncha.core.render.docx import render_docx
from xuncha.core.render.html import render_html
from xuncha.core.render.pdf import PdfUnavailable, render_pdf
from xuncha.core.render.text import render_text


@dataclass(frozen=True)
class Renderer:
    render: Callable[..., str | bytes]
    suffix: str
    content_type: str


RENDERERS: dict[str, Renderer] = {
    "txt": Renderer(render_text, ".txt", "text/plain; charset=utf-8"),
    "html": Renderer(render_html, ".html", "text/html; charset=utf-8"),
    "docx": Renderer(render_docx, ".docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": Renderer(render_pdf, ".pdf", "application/pdf"),
}


QR_FORMATS = {"pdf", "docx"}  # the formats that print a QR code to the notice's public page


def render_bytes(doc: NoticeDoc, fmt: str, qr: str | None = None) -> bytes:
    """The notice in one format, as bytes ready to store or send; `qr`, the notice's public address,
    is printed as a QR code by the formats that take one (QR_FORMATS)."""
    out = RENDERERS[fmt].render(doc, qr=qr) if qr and fmt in QR_FORMATS else RENDERERS[fmt].render(doc)
    return out.encode("utf-8") if isinstance(out, str) else out


__all__ = ["QR_FORMATS", "RENDERERS", "PdfUnavailable", "Renderer", "render_bytes", "render_docx", "render_html",
           "render_pdf",
           "render_text"]
