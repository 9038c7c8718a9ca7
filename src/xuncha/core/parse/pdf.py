"""A PDF's text layer → one paragraph a line, by the layout of its pages.

A PDF holds positioned characters, not paragraphs. pdfminer groups the characters into lines;
this module decides where paragraphs end, from the page's own text block (its left and right
edges, its line pitch, its font size), as a reader does:

- the next line is indented (the first line of an official paragraph starts two characters in),
  or centred or pushed right (title, signature);
- the gap to the next line is clearly larger than the block's line pitch, or its size differs;
- the line stops short of the right edge by more than the next line's first word would need:
  had that word fitted, the layout would have put it there.

Running headers and footers (the same text at the same place on most pages) and page numbers
(— 1 —, - 1 -, 第 1 页) are dropped; spaces the producer put between Chinese and anything are
dropped, spaces between Latin words kept.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import statistics
import threading
from dataclasses import dataclass

from xuncha.core import safezip

PAGE_NUMBER = re.compile(
    r"^(?:[—－\-–]*\s*\d{1,4}\s*[—－\-–]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4})$")
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Characters a line may not start with (line-breaking rules): they go with the word before.
_NO_START = set("，。、；：？！）》」』】〉”’…—·,.;:?!)%")
# … and ones it may not end with: they go with the character after, and quotation marks hold
# on to the character before as well (Unicode line breaking, rule LB19).
_NO_END = set("“‘（《「『【〈(")
_GLUED = _NO_START | _NO_END
_WORD = re.compile(r"[A-Za-z0-9@._\-/:%+]+")


class PdfRefused(ValueError):
    """The PDF has no usable text layer, or is damaged; `message` is for people (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float  # the font size: the median height of its characters
    text: str
    lead: float  # the width of the first word, which would have to fit on the line before


def _is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


def _text_of(chars: list) -> str:
    """Characters in order, a space where a gap separates them (the normaliser drops the ones
    beside Chinese characters, as it does in a text file)."""
    out: list[str] = []
    previous = None
    for char in chars:
        ch = char.get_text()
        if not ch or ch.isspace():
            continue
        if previous is not None and out:
            gap = char.x0 - previous.x1
            if gap > 0.25 * char.size or (getattr(char, "spaced", False) and gap > 0):
                out.append(" ")
        out.append(ch)
        previous = char
    return "".join(out)


def _lead_width(chars: list, text: str) -> float:
    """How wide the first unbreakable piece of the line is (a word, or a character and the
    punctuation that may not start a line)."""
    visible = chars
    word = _WORD.match(text)
    count = len(word.group(0)) if word else 1
    while count < len(visible) and (visible[count - 1].get_text() in _NO_END
                                    or visible[count].get_text() in _GLUED):
        count += 1
    return visible[min(count, len(visible)) - 1].x1 - visible[0].x0


class Glyph:
    """What this module needs of a character: its box, size and text (pdfminer's LTChar
    computes much more, and building it was a third of the reading time)."""

    __slots__ = ("base", "size", "spaced", "text", "x0", "x1", "y0", "y1")

    def __init__(self, box: tuple[float, float, float, float], size: float, text: str,
                 base: float | None = None) -> None:
        self.x0, self.y0, self.x1, self.y1 = box
        self.size, self.text = size, text
        self.base = (box[1] + box[3]) / 2 if base is None else base
        self.spaced = False  # a space character of the text layer stands before it

    def get_text(self) -> str:
        return self.text


class GlyphPage(list):
    """A page's glyphs as PDFium gives them, with the page's height."""

    height: float = 0.0


def _chars(container) -> list:
    """The visible characters of a page, also inside forms (LTFigure)."""
    if isinstance(container, GlyphPage):
        return [glyph for glyph in container if glyph.size > 0]
    from pdfminer.layout import LTChar, LTContainer

    out = []
    for item in container:
        if isinstance(item, Glyph | LTChar):
            if item.get_text().strip() and item.size > 0:
                out.append(item)
        elif isinstance(item, LTContainer):
            out.extend(_chars(item))
    return out


def _level(char) -> float:
    """Where a character stands: its baseline (a character from a fallback font, with other
    ascent and descent, stands on the same one), else its box's middle."""
    base = getattr(char, "base", None)
    return base if base is not None else (char.y0 + char.y1) / 2


def _rows(chars: list) -> list[list]:
    """Characters grouped into rows: the same baseline, within a third of their size."""
    rows: list[tuple[float, list]] = []
    for char in sorted(chars, key=lambda c: -_level(c)):
        middle = _level(char)
        if rows and abs(rows[-1][0] - middle) < char.size / 3:
            rows[-1][1].append(char)
        else:
            rows.append((middle, [char]))
    return [sorted(row, key=lambda c: c.x0) for _, row in rows]


def _page_lines(page, number: int) -> list[Line]:
    lines = []
    for chars in _rows(_chars(page)):
        text = _text_of(chars)
        size = statistics.median(c.size for c in chars)
        top = page.height - max(c.y1 for c in chars)
        bottom = page.height - min(c.y0 for c in chars)
        lines.append(Line(number, top, bottom, chars[0].x0, max(c.x1 for c in chars), size, text,
                          _lead_width(chars, text)))
    return lines


def _furniture(pages: list[list[Line]], heights: list[float]) -> set[tuple[int, float]]:
    """Lines in the top or bottom margin that repeat on most pages (digits aside): headers."""
    seen: dict[tuple[str, int], list[tuple[int, float]]] = {}
    for lines, height in zip(pages, heights, strict=True):
        for line in lines:
            if height * 0.12 < line.top and line.bottom < height * 0.88:
                continue
            key = (re.sub(r"\d+", "#", line.text), round(line.top / 10))
            seen.setdefault(key, []).append((line.page, line.top))
    repeated = [spots for spots in seen.values() if len(spots) >= max(2, len(pages) // 2 + 1)]
    return {spot for spots in repeated for spot in spots}


def _edge(values: list[float], size: float, highest: bool) -> float:
    """The block's edge: the outermost position that at least three lines (or all) share."""
    ordered = sorted(values, reverse=highest)
    need = min(3, len(ordered))
    for value in ordered:
        if sum(abs(other - value) <= size for other in ordered) >= need:
            return value
    return ordered[0] if ordered else 0.0


@dataclass
class Block:
    left: float
    right: float
    pitch: float
    size: float


def _block(lines: list[Line], size: float, pitch: float) -> Block:
    body = [line for line in lines if abs(line.size - size) < 0.15 * size] or lines
    return Block(_edge([ln.x0 for ln in body], size / 2, highest=False),
                 _edge([ln.x1 for ln in body], size, highest=True), pitch, size)


def _within(block: Block, whole: Block) -> Block:
    """A parity's block, unless its few lines put an edge further in than mirrored margins
    would (a page of one-line paragraphs has its indent as its leftmost position)."""
    left = block.left if block.left <= whole.left + block.size else whole.left
    right = block.right if block.right >= whole.right - block.size else whole.right
    return Block(left, right, block.pitch, block.size)


def _pitch(pages: list[list[Line]], size: float) -> float:
    steps = [b.top - a.top for lines in pages for a, b in itertools.pairwise(lines)
             if abs(a.size - size) < 0.15 * size and abs(b.size - size) < 0.15 * size
             and b.top > a.top]
    return statistics.median(steps) if steps else 1.5 * size


def _title_row(line: Line, block: Block) -> bool:
    """Larger than the body and as far from both edges: a row of a centred title. (A body row
    indented two characters can sit as centred by chance.)"""
    before, after = line.x0 - block.left, block.right - line.x1
    return line.size > 1.15 * block.size and abs(before - after) < line.size


def _short(line: Line, following: Line, block: Block) -> bool:
    return block.right - line.x1 > following.lead + 0.5 * line.size


def _gap(line: Line, following: Line, block: Block) -> bool:
    return following.page == line.page and following.top - line.top > 1.6 * block.pitch


def _ends_paragraph(line: Line, following: Line, block: Block) -> bool:
    if abs(following.size - line.size) > 0.15 * max(line.size, following.size):
        return True
    if _gap(line, following, block):
        return True
    if _title_row(line, block) and _title_row(following, block):
        # A title broken between words (GB/T 9704 §7.3.1: its lines balanced, not filled) is one
        # paragraph; a word or two alone over it (通　报) is a heading of its own.
        return len(line.text.replace(" ", "")) < 5 and _short(line, following, block)
    if following.x0 > block.left + 1.5 * following.size or line.x0 < block.left - line.size:
        return True  # indented, centred or pushed right; or a line hanging out of the block
    return _short(line, following, block)


def _join(text: str, tail: str) -> str:
    latin = text[-1].isascii() and text[-1].isalpha() and tail[0].isascii() and tail[0].isalpha()
    return text + (" " if latin else "") + tail


def paragraphs(pages: list[list[Line]], heights: list[float]) -> list[str]:
    """The lines of all pages joined into paragraphs, furniture and page numbers dropped."""
    dropped = _furniture(pages, heights)
    pages = [[ln for ln in lines
              if (ln.page, ln.top) not in dropped and not PAGE_NUMBER.match(ln.text)]
             for lines in pages]
    every = [line for lines in pages for line in lines]
    if not every:
        return []
    size = statistics.median(line.size for line in every)
    pitch = _pitch(pages, size)
    # Odd and even pages may mirror their margins: each parity has its own block.
    whole = _block(every, size, pitch)
    blocks = [_within(_block([ln for lines in pages[parity::2] for ln in lines] or every, size,
                             pitch), whole) for parity in (0, 1)]
    out: list[str] = []
    previous: Line | None = None
    for line in every:
        block = blocks[previous.page % 2] if previous else blocks[0]
        if previous is not None and not _ends_paragraph(previous, line, block):
            out[-1] = _join(out[-1], line.text)
            previous = line
            continue
        if previous is not None and _gap(previous, line, block):
            out.append("")  # space between blocks, as a blank line in a text file
        out.append(line.text)
        previous = line
    return out


def _device(resources):
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdffont import PDFUnicodeNotDefined
    from pdfminer.utils import apply_matrix_rect

    class GlyphAggregator(PDFPageAggregator):
        def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
            if font.is_vertical():  # rare in notices: pdfminer's own character box
                return super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs,
                                           graphicstate)
            try:
                text = font.to_unichr(cid)
            except PDFUnicodeNotDefined:
                text = self.handle_undefined_char(font, cid)
            adv = font.char_width(cid) * fontsize * scaling
            descent = font.get_descent() * fontsize + rise
            x0, y0, x1, y1 = apply_matrix_rect(matrix, (0, descent, adv, descent + fontsize))
            box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            self.cur_item.add(Glyph(box, box[3] - box[1], text, matrix[3] * rise + matrix[5]))
            return adv

    return GlyphAggregator(resources, laparams=None)


def _pdfium_layout(data: bytes) -> list[GlyphPage]:
    """The pages' glyphs through PDFium (Chromium's PDF library): about twice pdfminer's speed,
    whose parsing of the content streams in Python was most of the reading time. Each glyph's
    box is PDFium's loose box (the advance width by the font's ascent and descent), the box
    pdfminer gives; the characters PDFium adds itself (spaces, line ends) are left out."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    with _PDFIUM:
        return _pdfium_pages(pdfium.PdfDocument(data), ctypes, raw)


# PDFium is not thread-safe, and the site serves requests on threads: one document at a time.
_PDFIUM = threading.Lock()


def _pdfium_pages(document, ctypes, raw) -> list[GlyphPage]:
    pages = []
    rect, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
    rect_ref, matrix_ref = ctypes.byref(rect), ctypes.byref(matrix)
    # Bound once: the loop below runs for every character of every page.
    loose_box, char_matrix, font_size, generated = (raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetMatrix,
                                                    raw.FPDFText_GetFontSize, raw.FPDFText_IsGenerated)
    origin, x, y = raw.FPDFText_GetCharOrigin, ctypes.c_double(), ctypes.c_double()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    # The text object a character belongs to, as a plain address: characters of one object share
    # its font, size and matrix, so those are asked once an object, not once a character.
    text_object = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
        ctypes.cast(raw.FPDFText_GetTextObject, ctypes.c_void_p).value)
    try:
        for index in range(len(document)):
            page = document[index]
            text_page = page.get_textpage()
            handle = text_page.raw
            count = raw.FPDFText_CountChars(handle)
            buffer = ctypes.create_string_buffer((count + 1) * 2)
            raw.FPDFText_GetText(handle, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
            text = buffer.raw[:count * 2].decode("utf-16-le", errors="replace")
            glyphs = GlyphPage()
            glyphs.height = page.get_height()
            spaced = False
            address = ctypes.cast(handle, ctypes.c_void_p).value
            current, size, baseline = None, 0.0, 0.0
            for position, char in enumerate(text):
                if char.isspace():
                    # A space between characters (written, or one PDFium saw in the gap between two
                    # words; not a line end) keeps its place even when condensed text leaves less of
                    # a gap than a space usually does.
                    spaced = spaced or char == " "
                    continue
                if not loose_box(handle, position, rect_ref):
                    continue
                owner = text_object(address, position)
                if owner is None and generated(handle, position) == 1:
                    continue  # PDFium's own (a character no object draws)
                if owner != current or owner is None:
                    # pdfminer's box: from the descent up by the font size (the loose box's height
                    # is the font's ascent plus descent, 1.44 em in Noto CJK, not its size), the size
                    # scaled by the character's matrix (the font size is before the page's scaling).
                    # One object is drawn by one show-text operator: its characters share a baseline.
                    char_matrix(handle, position, matrix_ref)
                    size = font_size(handle, position) * abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
                    origin(handle, position, x_ref, y_ref)
                    current, baseline = owner, y.value
                bottom = min(rect.bottom, rect.top)
                glyph = Glyph((rect.left, bottom, rect.right, bottom + size), size, char, baseline)
                glyph.spaced, spaced = spaced, False
                glyphs.append(glyph)
            pages.append(glyphs)
            text_page.close()
            page.close()
    finally:
        document.close()
    return pages


def _layout(data: bytes) -> list:
    """The pages' glyphs: PDFium's where it is installed, else pdfminer's."""
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return _pdfminer_layout(data)
    return _pdfium_layout(data)


def _pdfminer_layout(data: bytes) -> list:
    """pdfminer's pages of positioned characters. No LAParams (extract_pages would supply
    them): rows and paragraphs are found here, at a fraction of the cost of pdfminer's
    grouping of lines into boxes."""
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    resources = PDFResourceManager(caching=True)
    device = _device(resources)
    interpreter = PDFPageInterpreter(resources, device)
    pages = []
    for page in PDFPage.get_pages(io.BytesIO(data)):
        interpreter.process_page(page)
        pages.append(device.get_result())
    return pages


def load_pdf(data: bytes) -> str:
    """The text of a PDF, one paragraph a line; PdfRefused when there is none to read."""
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException  # every pdfminer error derives from it

    try:
        safezip.check_inflated(data, (match.end() for match in _PDF_STREAM.finditer(data)))
    except safezip.ZipRefused as exc:
        raise PdfRefused(f"无法读取 PDF 文件：{exc.message}") from None
    # pdfminer warns in English about every oddity of a damaged file; the refusal says enough.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        from pypdfium2 import PdfiumError
    except ImportError:
        PdfiumError = PSException  # only pdfminer reads, then
    try:
        layout = _layout(data)
        pages = [_page_lines(page, number) for number, page in enumerate(layout)]
    except (PDFSyntaxError, PSException, PdfiumError, ValueError, KeyError, TypeError, IndexError,
            AttributeError, AssertionError, EOFError, RecursionError, statistics.StatisticsError):
        raise PdfRefused("无法读取 PDF 文件（文件已损坏或已加密）。") from None
    text = "\n".join(paragraphs(pages, [page.height for page in layout]))
    if len(re.findall(r"[\u4e00-\u9fff]", text)) < 20:
        raise PdfRefused("PDF 中没有可提取的文字（可能是扫描件，需要先进行文字识别）。")
    return text
