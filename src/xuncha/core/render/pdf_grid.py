"""Outline → PDF drawn directly on the GB/T 9704-2012 grid, without an HTML layout engine.

The official page is a fixed grid (A4; a 156 × 225 mm text block of 22 lines × 28 characters;
margins 37/35/28/26 mm, mirrored on even pages), so a notice needs no general layout engine:
characters advance by their font's width less 0.21 pt (a full line holds 28 Chinese characters
edge to edge), lines break between characters under the Chinese line-breaking rules (a comma
never starts a line, an opening quotation mark never ends one, Latin words and numbers stay
whole), every line but a paragraph's last is justified to both edges, and pages break every 22
lines with a heading kept with its next line and the signature never alone.

Fonts come from fontconfig's list (the official faces where an office has them installed, else
the open faces named in `html.FONTS`); a character a face lacks is drawn from the next face of
its list. Each face is subset to the glyphs the notice uses by HarfBuzz (uharfbuzz) and embedded
as a CID font with its widths and a ToUnicode map, so the text can be copied and read back. The
PDF objects are written by pydyf (WeasyPrint's own PDF writer). The faces are opened once a
process; a notice costs its layout, its subsets and its compression.

Unavailable (no uharfbuzz, no fontconfig, no CJK face): `GridUnavailable`, and `render.pdf`
falls back to WeasyPrint.
"""

from __future__ import annotations

import functools
import hashlib
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field

from xuncha.core.dates import format_date
from xuncha.core.render.html import FONTS, GRID_PITCH_PT, LETTER_SPACING_PT, LINE_PT
from xuncha.core.render.outline import Block, Outline, signature_indents
from xuncha.core.render.title import break_title

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
TOP, BOTTOM, INNER, OUTER = 37 * MM, 35 * MM, 28 * MM, 26 * MM
BLOCK_W = 156 * MM
LINES = 22
BODY_PT, TITLE_PT, TITLE_LINE_PT, PAGE_NUMBER_PT = 16.0, 22.0, 33.0, 14.0
INDENT = 2 * GRID_PITCH_PT - 0.01
# Characters that may not start a line, and those that may not end one (they go with the
# character after; quotation marks also hold the one before, Unicode LB19).
NO_START = set("，。、；：？！）》」』】〉”’…—·,.;:?!)%")
NO_END = set("“‘（《「『【〈(")
LATIN = re.compile(r"[A-Za-z0-9@._\-/:%+#&]")


class GridUnavailable(RuntimeError):
    """uharfbuzz, fontconfig or a CJK face is missing: the caller uses another writer."""


# ---- faces ---------------------------------------------------------------------------------

def _families(css: str) -> list[str]:
    return [name.strip().strip('"') for name in css.split(",")
            if name.strip() not in {"serif", "sans-serif"}]


@functools.cache
def _installed() -> dict[tuple[str, bool], tuple[str, int]]:
    """(family, bold) → (file, index) of every installed face, from fontconfig."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise GridUnavailable("fontconfig's fc-list is not installed")
    out = subprocess.run([fc_list, "--format", "%{file}\t%{index}\t%{family}\t%{style}\n"],
                         capture_output=True, text=True, timeout=60, check=False).stdout
    faces: dict[tuple[str, bool], tuple[str, int]] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[0].lower().endswith((".ttf", ".otf", ".ttc", ".otc")):
            continue
        path, index, families, styles = parts
        bold = any(s.strip().lower() in {"bold", "heavy", "black"} for s in styles.split(","))
        regular = any(s.strip().lower() in {"regular", "book", "normal", "roman", "w3", "medium"}
                      for s in styles.split(",")) or not bold
        for family in families.split(","):
            key = (family.strip(), bold)
            if (bold or regular) and key not in faces:
                faces[key] = (path, int(index or 0))
    return faces


class Face:
    """One font face: its glyphs, widths and vertical metrics, read through HarfBuzz."""

    def __init__(self, path: str, index: int) -> None:
        import uharfbuzz as hb

        self.path, self.index = path, index
        with open(path, "rb") as handle:
            self.blob = hb.Blob(handle.read())
        self.face = hb.Face(self.blob, index)
        self.font = hb.Font(self.face)
        self.upem = self.face.upem
        extents = self.font.get_font_extents("ltr")
        ascent, descent = extents.ascender, -extents.descender
        self.ascent = ascent / (ascent + descent) if ascent + descent else 0.88
        self.name = re.sub(r"[^A-Za-z0-9-]", "", self.face.get_name(hb.OTNameIdPredefined.POSTSCRIPT_NAME) or
                           "Font") or "Font"
        self._glyphs: dict[str, tuple[int, float] | None] = {}
        self.lock = threading.Lock()

    def glyph(self, char: str) -> tuple[int, float] | None:
        """(glyph id, advance in em) of a character, or None where the face lacks it."""
        try:
            return self._glyphs[char]
        except KeyError:
            gid = self.font.get_nominal_glyph(ord(char))
            found = (gid, self.font.get_glyph_h_advance(gid) / self.upem) if gid else None
            self._glyphs[char] = found
            return found

    def dash_middle(self) -> float:
        """Where the 一字线's ink is, in em above the baseline (for the page number's place)."""
        found = self.glyph("—")
        if not found:
            return 0.35
        extents = self.font.get_glyph_extents(found[0])
        return (extents.y_bearing + extents.height / 2) / self.upem if extents else 0.35


@functools.cache
def _face(path: str, index: int) -> Face:
    return Face(path, index)


ROLES = {"body": (FONTS["body"], False), "h1": (FONTS["h1"], False), "h2": (FONTS["h2"], False),
         "page": (FONTS["page"], False), "label": ('"Noto Serif CJK SC", ' + FONTS["h1"], True)}
TITLE_ROLE = (["方正小标宋简体", "FZXiaoBiaoSong-B05S"], False, ["Noto Serif CJK SC"])


@functools.cache
def _chain(role: str) -> tuple[Face, ...]:
    """The faces of a role, first choice first; the body's faces close every chain."""
    installed = _installed()
    if role == "title":
        wanted = [(name, False) for name in TITLE_ROLE[0]] + [(name, True) for name in TITLE_ROLE[2]]
    else:
        css, bold = ROLES[role]
        wanted = [(name, bold) for name in _families(css)]
    faces = [_face(*installed[key]) for key in wanted if key in installed]
    if role != "body":
        faces += [face for face in _chain("body") if face not in faces]
    if not faces:
        raise GridUnavailable(f"no installed face for {role}")
    return tuple(faces)


def available() -> bool:
    """Can this process draw notices itself (uharfbuzz, fontconfig, a face with Chinese)?"""
    try:
        import pydyf  # noqa: F401
        import uharfbuzz  # noqa: F401

        return _chain("body")[0].glyph("中") is not None
    except (ImportError, GridUnavailable, OSError, ValueError, subprocess.SubprocessError):
        return False


# ---- laying out ----------------------------------------------------------------------------

@dataclass
class Glyph:
    char: str
    face: Face
    gid: int
    advance: float  # points, letter spacing included
    size: float
    spacing: float  # the letter spacing in that advance
    em: float  # the font's own advance, in em


@dataclass
class Line:
    glyphs: list[Glyph]
    x: float  # from the block's left edge
    gap: float  # extra space after each glyph but the last (justification)
    height: float
    size: float
    keep_with_next: bool = False


def _shape(text: str, role: str, size: float, spacing: float) -> list[Glyph]:
    chain = _chain(role)
    out = []
    for char in text:
        if char in "\r\n\t":
            char = " "
        for face in chain:
            found = face.glyph(char)
            if found:
                out.append(Glyph(char, face, found[0], found[1] * size + spacing, size, spacing, found[1]))
                break
    return out


def _units(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Unbreakable pieces: a Chinese character, a Latin word or number, with the punctuation
    that may not start or end a line attached; spaces are pieces of their own."""
    units: list[list[Glyph]] = []
    glue_next = False
    for glyph in glyphs:
        char = glyph.char
        attach = units and not units[-1][-1].char.isspace() and not char.isspace() and (
            glue_next or char in NO_START
            or (LATIN.match(char) and LATIN.match(units[-1][-1].char) is not None))
        if attach:
            units[-1].append(glyph)
        else:
            units.append([glyph])
        glue_next = char in NO_END
    return units


def _width(glyphs: list[Glyph]) -> float:
    return sum(g.advance for g in glyphs)


def break_lines(glyphs: list[Glyph], width: float, indent: float = 0.0, align: str = "justify",
                line_height: float = LINE_PT, size: float = BODY_PT) -> list[Line]:
    """Greedy line filling over the pieces; justified lines spread the rest between glyphs."""
    lines: list[list[Glyph]] = []
    current: list[Glyph] = []
    used, room = 0.0, width - indent
    for unit in _units(glyphs):
        unit_width = _width(unit)
        space = unit[0].char.isspace()
        if current and used + unit_width > room + 0.01 and not space:
            lines.append(current)
            current, used, room = [], 0.0, width
        if not current and space:
            continue  # no line starts with a space
        if not current and unit_width > room + 0.01:  # a piece wider than a line: split it
            for glyph in unit:
                if current and used + glyph.advance > room + 0.01:
                    lines.append(current)
                    current, used, room = [], 0.0, width
                current.append(glyph)
                used += glyph.advance
            continue
        current.extend(unit)
        used += unit_width
    if current or not lines:
        lines.append(current)
    out = []
    for number, line in enumerate(lines):
        while line and line[-1].char.isspace():
            line = line[:-1]
        start = indent if number == 0 else 0.0
        natural = _width(line) - (line[-1].spacing if line else 0.0)  # to the last glyph's edge
        last = number == len(lines) - 1
        gap, x = 0.0, start
        free = width - start - natural
        if align == "justify" and not last and len(line) > 1:
            gap = free / (len(line) - 1)
        elif align == "center":
            x = start + free / 2
        elif align == "right":
            x = start + free
        out.append(Line(line, x, gap, line_height, size))
    return out


# ---- the document --------------------------------------------------------------------------

@dataclass
class Page:
    lines: list[tuple[float, Line]] = field(default_factory=list)  # (top from the block's top, line)


def _paragraph(block: Block) -> list[Line]:
    if block.rest:  # a run-in heading: the heading in its face, the sentence after in the body's
        role = {1: "h1", 2: "h2"}.get(block.level, "body")
        glyphs = _shape(block.text, role, BODY_PT, LETTER_SPACING_PT) + \
            _shape(block.rest, "body", BODY_PT, LETTER_SPACING_PT)
        return break_lines(glyphs, BLOCK_W, INDENT)
    if block.label:
        glyphs = _shape(block.label + "：", "label", BODY_PT, LETTER_SPACING_PT) + \
            _shape(block.text, "body", BODY_PT, LETTER_SPACING_PT)
        return break_lines(glyphs, BLOCK_W, INDENT)
    role = {1: "h1", 2: "h2"}.get(block.level, "body")
    lines = break_lines(_shape(block.text, role, BODY_PT, LETTER_SPACING_PT), BLOCK_W, INDENT)
    if block.level:
        for line in lines:
            line.keep_with_next = True  # headings stay with what follows them
    return lines


def _signature(plan: Outline) -> list[Line]:
    date = format_date(plan.date) if plan.date else ""
    issuer_indent, date_indent = signature_indents(plan.issuer, date)
    lines = []
    for text, indent in ((plan.issuer, issuer_indent), (date, date_indent)):
        if text:
            glyphs = _shape(text, "body", BODY_PT, LETTER_SPACING_PT)
            lines.append(Line(glyphs, BLOCK_W - indent * GRID_PITCH_PT - _width(glyphs), 0.0, LINE_PT, BODY_PT))
    return lines


def _head(plan: Outline) -> list[Line]:
    """发文字号, title and 主送机关: above the body, on the first page."""
    lines: list[Line] = []
    if plan.number:
        lines += break_lines(_shape(plan.number, "body", BODY_PT, 0.0), BLOCK_W, align="center")
        lines.append(Line([], 0.0, 0.0, BODY_PT, BODY_PT))  # 1em under it
    for text in break_title(plan.title):
        lines += break_lines(_shape(text, "title", TITLE_PT, 0.0), BLOCK_W, align="center",
                             line_height=TITLE_LINE_PT, size=TITLE_PT)
    lines.append(Line([], 0.0, 0.0, LINE_PT, BODY_PT))  # one blank line under the title
    if plan.addressee:
        lines += break_lines(_shape(plan.addressee + "：", "body", BODY_PT, LETTER_SPACING_PT), BLOCK_W,
                             align="left")
    return lines


def paginate(head: list[Line], body: list[Line], signature: list[Line]) -> list[Page]:
    """Lines onto pages of 22 body lines: a heading is never the last line of a page, and the
    signature (one blank line above it) takes the text's last two lines along when it must move."""
    height = LINES * LINE_PT + 0.5
    pages = [Page()]
    top = 0.0
    flow = list(head) + list(body)
    index = 0
    while index < len(flow):
        line = flow[index]
        if top + line.height > height:
            pages.append(Page())
            top = 0.0
            if not line.glyphs:  # a blank line is not carried to the top of a page
                index += 1
                continue
        if line.keep_with_next and index + 1 < len(flow) and top + line.height + flow[index + 1].height > height \
                and pages[-1].lines:
            pages.append(Page())
            top = 0.0
        pages[-1].lines.append((top, line))
        top += line.height
        index += 1
    if signature:
        need = LINE_PT + sum(line.height for line in signature)
        if top + need > height:
            carried = [line for _, line in pages[-1].lines[-2:]] if len(pages[-1].lines) > 2 else []
            del pages[-1].lines[len(pages[-1].lines) - len(carried):]
            pages.append(Page())
            top = 0.0
            for line in carried:
                pages[-1].lines.append((top, line))
                top += line.height
        top += LINE_PT
        for line in signature:
            pages[-1].lines.append((top, line))
            top += line.height
    return pages


# ---- writing the PDF -----------------------------------------------------------------------

class _Used:
    """The glyphs a document draws from each face, and the text each stands for."""

    def __init__(self) -> None:
        self.faces: dict[Face, dict[int, tuple[str, float]]] = {}

    def add(self, glyph: Glyph) -> None:
        self.faces.setdefault(glyph.face, {}).setdefault(glyph.gid, (glyph.char, glyph.em))


def _hex(gids: list[int]) -> bytes:
    return b"<" + "".join(f"{gid:04X}" for gid in gids).encode() + b">"


def _subset(face: Face, gids: list[int]) -> tuple[bytes, dict[int, int]]:
    """The face cut down to the glyphs a notice uses (numbered anew, so the embedded font is a few
    kilobytes per hundred characters), with the old → new glyph numbers."""
    import uharfbuzz as hb

    job = hb.SubsetInput()
    for gid in gids:
        job.glyph_set.add(gid)
    job.flags = hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NOTDEF_OUTLINE | hb.SubsetFlags.NO_HINTING
    drop = job.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT",
                "SVG ", "VORG", "vhea", "vmtx", "GDEF", "meta"):
        drop.add(int.from_bytes(tag.encode(), "big"))
    with face.lock:  # one HarfBuzz face, one subset at a time
        plan = hb.SubsetPlan(face.face, job)
        mapping = plan.old_to_new_glyph_mapping
        numbers = {gid: mapping[gid] for gid in gids}
        subset = plan.execute()
    if subset is None:
        raise GridUnavailable(f"HarfBuzz could not subset {face.name}")
    return subset.blob.data, numbers


def _to_unicode(glyphs: dict[int, tuple[str, float]]) -> bytes:
    entries = sorted(glyphs.items())
    chunks = []
    for start in range(0, len(entries), 100):
        part = entries[start:start + 100]
        body = "\n".join(f"<{gid:04X}> <{char.encode('utf-16-be').hex().upper()}>" for gid, (char, _) in part)
        chunks.append(f"{len(part)} beginbfchar\n{body}\nendbfchar")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + "\n".join(chunks)
            + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend").encode()


def _font_object(pdf, face: Face, glyphs: dict[int, tuple[str, float]], tag: str):
    import pydyf

    data, numbers = _subset(face, sorted(glyphs))
    glyphs = {numbers[gid]: value for gid, value in glyphs.items()}  # keyed by the subset's numbers
    gids = sorted(glyphs)
    base = f"/{tag}+{face.name}"
    cff = data[:4] == b"OTTO"
    file_stream = pydyf.Stream([data], pydyf.Dictionary({"Subtype": "/OpenType"} if cff else
                                                        {"Length1": len(data)}), compress=True)
    pdf.add_object(file_stream)
    descriptor = pydyf.Dictionary({
        "Type": "/FontDescriptor", "FontName": base, "Flags": 4,
        "FontBBox": pydyf.Array([-1000, -1000, 2000, 2000]), "ItalicAngle": 0,
        "Ascent": round(face.ascent * 1000), "Descent": -round((1 - face.ascent) * 1000),
        "CapHeight": 700, "StemV": 80,
        ("FontFile3" if cff else "FontFile2"): file_stream.reference})
    pdf.add_object(descriptor)
    # The subset numbers its glyphs 1…n (0 is .notdef): one run of widths, written as text
    # (pydyf's arrays of numbers were a tenth of the writing time).
    widths = "[" + " ".join(f"{gid} [{round(glyphs[gid][1] * 1000)}]" for gid in gids) + "]"
    cid = pydyf.Dictionary({
        "Type": "/Font", "Subtype": "/CIDFontType0" if cff else "/CIDFontType2", "BaseFont": base,
        "CIDSystemInfo": pydyf.Dictionary({"Registry": pydyf.String("Adobe"),
                                           "Ordering": pydyf.String("Identity"), "Supplement": 0}),
        "FontDescriptor": descriptor.reference, "W": widths, "DW": 1000})
    if not cff:
        cid["CIDToGIDMap"] = "/Identity"
    pdf.add_object(cid)
    cmap = pydyf.Stream([_to_unicode(glyphs)], compress=True)
    pdf.add_object(cmap)
    font = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type0", "BaseFont": base, "Encoding": "/Identity-H",
                             "DescendantFonts": pydyf.Array([cid.reference]), "ToUnicode": cmap.reference})
    pdf.add_object(font)
    return font.reference, numbers


def _page_number(number: int) -> Line:
    glyphs = _shape(f"— {number} —", "page", PAGE_NUMBER_PT, 0.0)
    width = _width(glyphs)
    x = BLOCK_W - PAGE_NUMBER_PT - width if number % 2 else PAGE_NUMBER_PT
    return Line(glyphs, x, 0.0, PAGE_NUMBER_PT, PAGE_NUMBER_PT)


def _draw(line: Line, left: float, top: float, names: dict[Face, tuple[str, dict[int, int]]],
          out: list[bytes]) -> None:
    """One line: runs of one face each, placed from the line's own left, top down."""
    if not line.glyphs:
        return
    face = line.glyphs[0].face
    baseline = PAGE_H - (top + (line.height - line.size) / 2 + face.ascent * line.size)
    x = left + line.x
    run: list[Glyph] = []

    def flush(start: float) -> None:
        name, numbers = names[run[0].face]
        out.append(f"BT /{name} {run[0].size:g} Tf {run[0].spacing + line.gap:.4f} Tc "
                   f"1 0 0 1 {start:.3f} {baseline:.3f} Tm ".encode() + _hex([numbers[g.gid] for g in run])
                   + b" Tj ET\n")

    start = x
    for glyph in line.glyphs:
        if run and (glyph.face is not run[0].face or glyph.size != run[0].size or glyph.spacing != run[0].spacing):
            flush(start)
            run, start = [], x
        run.append(glyph)
        x += glyph.advance + line.gap
    flush(start)


QR_PT = 2 * LINE_PT  # the code is two lines high (20.4 mm), its caption beside it
QR_CAPTION = ("扫码查看", "整改进展、", "提出意见")
QR_CAPTION_PT = 10.5  # 五号


def _qr_place(plan: Outline, page: Page) -> tuple[float, float] | None:
    """(left, top) in the block of the QR code on the last page: at the left of the signature's two
    lines where they leave room for it and its caption, else on the two lines under the text;
    None where neither fits (the layout is never pushed for it)."""
    caption = max(_width(_shape(text, "body", QR_CAPTION_PT, 0.0)) for text in QR_CAPTION)
    need = QR_PT + QR_CAPTION_PT + caption
    if not page.lines:
        return None
    signature = [(top, line) for top, line in page.lines[-2:]
                 if (plan.issuer or plan.date) and line.x > 0 and not line.gap]
    if signature and min(line.x for _, line in signature) >= need + GRID_PITCH_PT:
        return 0.0, signature[0][0]
    top, line = page.lines[-1]
    below = top + line.height + (LINE_PT if signature else 0.0)
    if below + QR_PT <= LINES * LINE_PT + 0.5:
        return 0.0, below
    return None


def _qr_drawing(url: str, left: float, top: float, names, out: list[bytes]) -> list[tuple[float, Line]]:
    """The code as filled squares (vector, sharp at any size) and its caption's lines to draw."""
    import segno

    code = segno.make(url, error="m")
    matrix = code.matrix
    module = QR_PT / len(matrix)
    paths = []
    for row, cells in enumerate(matrix):
        column = 0
        while column < len(cells):
            if cells[column]:
                end = column
                while end < len(cells) and cells[end]:
                    end += 1
                y = PAGE_H - (top + (row + 1) * module)
                paths.append(f"{left + column * module:.3f} {y:.3f} {(end - column) * module:.3f} {module:.3f} re")
                column = end
            else:
                column += 1
    out.append(("q 0 g\n" + "\n".join(paths) + "\nf Q\n").encode())
    lines = []
    for number, text in enumerate(QR_CAPTION):
        glyphs = _shape(text, "body", QR_CAPTION_PT, 0.0)
        caption_top = top + (QR_PT - len(QR_CAPTION) * 1.3 * QR_CAPTION_PT) / 2 + number * 1.3 * QR_CAPTION_PT
        lines.append((caption_top, Line(glyphs, QR_PT + QR_CAPTION_PT, 0.0, 1.3 * QR_CAPTION_PT, QR_CAPTION_PT)))
    return lines


def write(plan: Outline, title: str = "", author: str = "") -> bytes:
    """The notice laid out on the grid, as PDF bytes."""
    import io

    import pydyf

    head = _head(plan)
    body = [line for block in plan.blocks for line in _paragraph(block)]
    signature = _signature(plan) if plan.issuer or plan.date else []
    pages = paginate(head, body, signature)
    qr_place = _qr_place(plan, pages[-1]) if plan.qr else None
    qr_out: list[bytes] = []
    if qr_place is not None:
        block_left = INNER if len(pages) % 2 else OUTER
        for top, line in _qr_drawing(plan.qr, block_left + qr_place[0], TOP + qr_place[1], None, qr_out):
            line.x += qr_place[0]
            pages[-1].lines.append((top - TOP, line))
    used = _Used()
    numbers = [_page_number(n) for n in range(1, len(pages) + 1)]
    for page, number in zip(pages, numbers, strict=True):
        for _, line in page.lines:
            for glyph in line.glyphs:
                used.add(glyph)
        for glyph in number.glyphs:
            used.add(glyph)
    pdf = pydyf.PDF()
    digest = hashlib.sha256((plan.title + str(len(pages))).encode()).digest()
    names, fonts = {}, pydyf.Dictionary()
    for index, (face, glyphs) in enumerate(used.faces.items()):
        tag = "".join(chr(65 + (b + index) % 26) for b in digest[:6])
        fonts[f"F{index}"], renumbered = _font_object(pdf, face, glyphs, tag)
        names[face] = (f"F{index}", renumbered)
    resources = pydyf.Dictionary({"Font": fonts})
    pdf.add_object(resources)
    for count, (page, number) in enumerate(zip(pages, numbers, strict=True), start=1):
        left = INNER if count % 2 else OUTER
        out: list[bytes] = []
        for top, line in page.lines:
            _draw(line, left, TOP + top, names, out)
        if count == len(pages):
            out.extend(qr_out)
        face = number.glyphs[0].face if number.glyphs else None
        if face is not None:
            # The 一字线's ink 7 mm under the block (GB/T 9704 §7.5).
            middle = PAGE_H - BOTTOM + 7 * MM  # from the top
            line_top = middle + face.dash_middle() * number.size - face.ascent * number.size
            _draw(number, left, line_top, names, out)
        content = pydyf.Stream([b"".join(out)], compress=True)
        pdf.add_object(content)
        pdf.add_page(pydyf.Dictionary({
            "Type": "/Page", "Parent": pdf.pages.reference,
            "MediaBox": pydyf.Array([0, 0, round(PAGE_W, 3), round(PAGE_H, 3)]),
            "Contents": content.reference, "Resources": resources.reference}))
    pdf.info["Title"] = pydyf.String(title or plan.title)
    if author:
        pdf.info["Author"] = pydyf.String(author)
    pdf.info["Producer"] = pydyf.String("xuncha")
    pdf.catalog["Lang"] = pydyf.String("zh-CN")
    output = io.BytesIO()
    pdf.write(output, version=b"1.7", identifier=digest[:16].hex().encode(), compress=True)
    return output.getvalue()
