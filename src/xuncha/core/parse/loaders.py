"""Loaders: a file's bytes → raw text. One function per format, registered in LOADERS.

Every loader returns plain text with one paragraph per line; the normaliser does the rest.
"""

from __future__ import annotations

import functools
import io
import logging
import re
from collections.abc import Callable
from pathlib import Path

from xuncha.core import safezip
from xuncha.core.parse.docx_numbering import Numbering, read_numbering

log = logging.getLogger(__name__)

MAX_BYTES = 50 * 1024 * 1024  # a notice is a few pages; anything bigger is not one


class LoadError(ValueError):
    """The file could not be read as text; `message` is for people (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise LoadError("无法识别文件编码（既不是 UTF-8 也不是 GB18030）。") from None


def load_text(data: bytes) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("这不是文本文件。")
    return decode_text(data)


def _numbering_of(document) -> Numbering:
    """The document's list definitions (numbering.xml, styles.xml); none when it has none."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = document.part
    try:
        numbering = part.part_related_by(RT.NUMBERING).element
    except (KeyError, AttributeError):
        numbering = None
    try:
        styles = document.styles.element
    except (KeyError, AttributeError):
        styles = None
    return read_numbering(numbering, styles)


def load_docx(data: bytes) -> str:
    """Paragraphs and tables in document order; a table row becomes one line of its cells."""
    import docx
    from docx.document import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        safezip.check(data)  # before python-docx unpacks or parses anything
    except safezip.ZipRefused as exc:
        raise LoadError(f"无法打开 Word 文件：{exc.message}") from None
    try:
        document: Document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises several types for a damaged or foreign file
        raise LoadError("无法打开 Word 文件（文件已损坏，或不是 .docx 格式）。") from None
    numbering = _numbering_of(document)

    labels: dict = {}  # a merged table cell comes back once per cell it spans: count it once

    def numbered(paragraph: Paragraph) -> str:
        if paragraph._p not in labels:
            labels[paragraph._p] = numbering.label(paragraph._p)
        label, text = labels[paragraph._p], paragraph.text
        # Word puts a tab after the number; a space keeps "1." apart from a year after it.
        return label + (" " if label and text[:1].isascii() and text[:1].isalnum() else "") + text

    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(numbered(block))
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = "\n".join(numbered(p) for p in cell.paragraphs).strip()
                    if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                        cells.append(text)
                lines.append("　".join(cells))
    return "\n".join(lines)


_ARTICLE_HINTS = re.compile(r"(article|content|TRS_Editor|zoom|detail|main-text|con_text|text)", re.I)
_DROP = ("script", "style", "nav", "header", "footer", "noscript", "iframe", "form", "button", "select")
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "table",
           "blockquote", "pre", "dd", "dt"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _block_text(element) -> str:
    parts: list[str] = []

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _BLOCKS:
            parts.append("\n")
        if node.text and tag not in _DROP:
            parts.append(node.text)
        for child in node:
            walk(child)
        if tag in _BLOCKS:
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    walk(element)
    return "".join(parts)


def load_html(data: bytes) -> str:
    """A saved government web page: find the article, drop navigation and scripts."""
    import lxml.html

    declared = re.search(rb"""charset\s*=\s*["']?([\w-]+)""", data[:4096], re.I)
    try:
        charset = declared.group(1).decode("ascii").lower() if declared else ""
        # Pages that say gb2312 or gbk routinely hold characters only GB18030 has.
        charset = "gb18030" if charset in {"gb2312", "gbk", "gb_2312-80"} else charset
        markup = data.decode(charset) if charset else decode_text(data)
    except (LookupError, UnicodeDecodeError):
        markup = decode_text(data)
    markup = re.sub(r"^\s*<\?xml[^>]*>", "", markup)  # lxml refuses a str with an encoding declaration
    try:
        tree = lxml.html.fromstring(markup)
    except (ValueError, lxml.etree.ParserError):
        raise LoadError("无法解析网页文件。") from None
    for element in tree.iter(*_DROP):
        element.drop_tree()
    title = tree.findtext(".//title") or ""
    candidates = [e for e in tree.iter("div", "article", "td", "section")
                  if _ARTICLE_HINTS.search((e.get("id") or "") + " " + (e.get("class") or ""))]
    pool = candidates or list(tree.iter("div", "article", "td", "section", "body"))

    def density(element) -> int:
        # Chinese characters in the element's own paragraphs: the article, not the page around it.
        return sum(len(_CJK.findall(p.text_content())) for p in element.iter("p")) or \
            len(_CJK.findall(element.text_content())) // 4

    best = max(pool, key=density, default=tree)
    text = _block_text(best)
    heading = tree.find(".//h1")
    if heading is not None and heading.text_content().strip() and heading.text_content().strip() not in text:
        text = heading.text_content().strip() + "\n" + text
    elif title and not _CJK.search(text[:200]):
        text = title + "\n" + text
    return text


def load_pdf(data: bytes) -> str:
    """The text layer of a PDF, joined into paragraphs by the layout (see core/parse/pdf.py)."""
    from xuncha.core.parse import pdf

    try:
        return pdf.load_pdf(data)
    except pdf.PdfRefused as exc:
        raise LoadError(exc.message) from None


def _converted(data: bytes, suffix: str) -> bytes:
    from xuncha.core.parse import convert

    try:
        return convert.convert(data, suffix)
    except convert.ConvertRefused as exc:
        raise LoadError(exc.message) from None


def load_doc(data: bytes, suffix: str = ".doc") -> str:
    """A Word 97-2003 (.doc) or WPS (.wps) document, through LibreOffice's .docx."""
    return load_docx(_converted(data, suffix))


def load_xls(data: bytes, suffix: str = ".xls") -> str:
    """An Excel 97-2003 (.xls) or WPS (.et) workbook, through LibreOffice's .xlsx: its first
    sheet, a row a line, as a table in a .docx reads."""
    from xuncha.core.ledger_xlsx import LedgerFileError, sheet_cells

    try:
        rows, _ = sheet_cells(_converted(data, suffix))
    except LedgerFileError as exc:
        raise LoadError(exc.message) from None
    return "\n".join("　".join(str(value).strip() for value in row if str(value or "").strip())
                     for row in rows if row)


LOADERS: dict[str, Callable[[bytes], str]] = {
    ".txt": load_text,
    ".text": load_text,
    ".md": load_text,
    ".docx": load_docx,
    ".html": load_html,
    ".htm": load_html,
    ".shtml": load_html,
    ".pdf": load_pdf,
    ".doc": load_doc,
    ".wps": functools.partial(load_doc, suffix=".wps"),
    ".xls": load_xls,
    ".et": functools.partial(load_xls, suffix=".et"),
}


def load_bytes(data: bytes, name: str) -> str:
    suffix = Path(name).suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        supported = "、".join(sorted(LOADERS))
        raise LoadError(f"不支持的文件类型“{suffix or '无扩展名'}”（支持：{supported}）。")
    if not data.strip():
        raise LoadError("文件是空的。")
    if len(data) > MAX_BYTES:
        raise LoadError(f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，不像是一份通报。")
    try:
        return loader(data)
    except (LoadError, MemoryError):
        raise
    except Exception as exc:
        # A damaged file may trip a library somewhere we did not foresee: still a refusal.
        log.warning("loader %s failed on %s: %s: %s", suffix, name, type(exc).__name__, exc)
        raise LoadError("无法读取文件（文件已损坏，或格式与扩展名不符）。") from None


def read_file(path: Path, limit: int = MAX_BYTES) -> bytes:
    """A file's bytes, refused before reading when it is bigger than any notice or ledger."""
    try:
        if path.stat().st_size > limit:
            raise LoadError(f"文件超过 {limit // (1024 * 1024)} MB，不像是一份通报或台账。")
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"无法读取文件：{exc.strerror or exc}") from None


def load_path(path: Path) -> str:
    return load_bytes(read_file(path), path.name)
