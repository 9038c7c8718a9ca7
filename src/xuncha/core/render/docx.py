"""NoticeDoc → .docx in the GB/T 9704-2012 layout (党政机关公文格式).

A4; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right (a 156 × 225 mm text block);
22 lines × 28 characters: a line grid (w:docGrid, lines 28.95 pt apart) and 3号 characters
condensed by 0.5 pt (15.5 pt each: 28 fit in 156 mm, 29 do not). Not Word's character grid
(linesAndChars with a negative charSpace): LibreOffice gives every character two cells of such
a grid, 14 a line, and a notice must print the same from Word, WPS and LibreOffice.
Title 2号 方正小标宋简体 centred, broken between words; body 3号 仿宋_GB2312, justified, no
punctuation hanging past the margin; headings 一、 黑体 and （一） 楷体_GB2312 on the heading
itself (the sentence that follows it is 仿宋), kept with the next paragraph; issuer and date
as §7.3.5.2 lays them out for an unsealed document; page numbers "— 1 —" in 4号 宋体, the
一字线 7 mm under the text block, odd pages right and even pages left, one character in.

The East-Asian font is set on every run (w:rFonts w:eastAsia): without it Word and WPS fall
back to a Latin font for Chinese text. The package every notice shares is made once and
finished by hand (`_skeleton`): the fonts declared in the font table, the language zh-CN, and
none of the python-docx template's leftovers (its 2013 dates, "Microsoft Macintosh Word", a
blank thumbnail); each notice's properties are its own (created = the notice date, author =
the issuer).
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from xuncha.core.dates import format_date
from xuncha.core.document import NoticeDoc
from xuncha.core.render.outline import Block, Outline, outline, signature_indents
from xuncha.core.render.title import break_title

TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT, PAGE_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
TITLE_SIZE, BODY_SIZE, PAGE_SIZE = Pt(22), Pt(16), Pt(14)
HEADING_FONTS = {1: H1_FONT, 2: H2_FONT, 3: BODY_FONT, 4: BODY_FONT}

# The text block: 156 mm wide (8844 twips), 225 mm high (12756 twips).
BLOCK_WIDTH_TWIPS = 156 / 25.4 * 1440
CHAR_TWIPS = BLOCK_WIDTH_TWIPS / 28  # 315.9 twips = 15.79 pt: the width a character may take
LINE_TWIPS = 579  # 28.95 pt: 22 lines in 225 mm (23 would need 29.0 pt × 23 > 225 mm)
DOC_GRID = f'<w:docGrid w:type="lines" w:linePitch="{LINE_TWIPS}"/>'
# Twentieths of a point: 16 pt characters drawn 15.5 pt apart, 28 to a line with 8 pt to spare
# (justification spreads it). LibreOffice squeezes a comma that ends a full line into the spare
# width when there is half a character of it, and leaves the comma out of its PDFs when not.
CONDENSED = -10
# Page number: the footer's line (exactly 14 pt) has its 一字线 at mid-height, 7 mm under the block.
FOOTER_MM = 35 - 7 - PAGE_SIZE.pt * 25.4 / 72 / 2
LANG = '<w:lang w:val="zh-CN" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'


def _font(run, name: str, size, bold: bool = False) -> None:
    """Fonts of a run made through python-docx (the footers)."""
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    r_fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attribute), name)


# The body is written as WordprocessingML directly: building each run through python-docx's
# object API cost more than everything else together (about 25 ms a notice).
def _rpr(font: str, size: Pt, bold: bool = False) -> str:
    half_points = int(size.pt * 2)
    spacing = f'<w:spacing w:val="{CONDENSED}"/>' if size == BODY_SIZE else ""
    return (f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
            f'{"<w:b/><w:bCs/>" if bold else ""}{spacing}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
            f"{LANG}</w:rPr>")


def _ppr(line: int = LINE_TWIPS, indent: bool = True, align: str | None = "both", right_chars: float = 0,
         keep_next: bool = False, grid: bool = True) -> str:
    ind = []
    if indent:
        ind.append('w:firstLineChars="200" w:firstLine="640"')  # two characters
    if right_chars:
        ind.append(f'w:rightChars="{round(right_chars * 100)}" w:right="{round(right_chars * CHAR_TWIPS)}"')
    indents = f"<w:ind {' '.join(ind)}/>" if ind else ""
    justify = f'<w:jc w:val="{align}"/>' if align else ""
    off_grid = "" if grid else '<w:snapToGrid w:val="0"/>'
    # No punctuation hanging past the margin: LibreOffice leaves a hanging mark out of its PDFs.
    # (Children in the schema's order: Word refuses a file whose pPr is out of order.)
    return (f'<w:pPr>{"<w:keepNext/>" if keep_next else ""}<w:overflowPunct w:val="0"/>{off_grid}'
            f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>'
            f"{indents}{justify}</w:pPr>")


def _run(text: str, font: str = BODY_FONT, size: Pt = BODY_SIZE, bold: bool = False) -> str:
    return f'<w:r>{_rpr(font, size, bold)}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _p(runs: str = "", **ppr) -> str:
    return f"<w:p>{_ppr(**ppr)}{runs}</w:p>"


def _block(block: Block, keep_next: bool = False) -> str:
    if block.label:
        return _p(_run(f"{block.label}：", bold=True) + _run(block.text), keep_next=keep_next)
    runs = _run(block.text, font=HEADING_FONTS.get(block.level, BODY_FONT))
    if block.rest:
        runs += _run(block.rest)
    # A heading alone at the foot of a page is kept with the paragraph after it.
    return _p(runs, keep_next=keep_next or bool(block.level and not block.rest))


def _title(title: str) -> str:
    lines = break_title(title)
    runs = '<w:r><w:br/></w:r>'.join(_run(line, font=TITLE_FONT, size=TITLE_SIZE) for line in lines)
    # Off the grid: on it, Word would give each 22 pt character two 15.8 pt cells.
    return _p(runs, line=33 * 20, indent=False, align="center", keep_next=True, grid=False)


def _page_number_field(paragraph) -> None:
    """"— PAGE —" as a Word field, so Word and WPS number the pages themselves."""
    _font(paragraph.add_run("— "), PAGE_FONT, PAGE_SIZE)
    run = paragraph.add_run()
    _font(run, PAGE_FONT, PAGE_SIZE)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text.strip() == "PAGE" else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _font(paragraph.add_run(" —"), PAGE_FONT, PAGE_SIZE)


def _page_numbers(document) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.line_spacing = PAGE_SIZE  # exactly one 4号 line
        paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
        setattr(paragraph.paragraph_format, f"{side}_indent", Pt(14))  # one character from the edge
        _page_number_field(paragraph)


def _setup(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(FOOTER_MM)
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    sect_pr.append(parse_xml(DOC_GRID.replace("<w:docGrid ", f"<w:docGrid {nsdecls('w')} ")))
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _page_numbers(document)


def _signature(plan: Outline) -> list[str]:
    if not (plan.issuer or plan.date):
        return []
    # 正文下空一行; never a page of the signature alone (the body's last lines go with it).
    paragraphs = [_p(keep_next=True)]
    date_text = format_date(plan.date) if plan.date else ""
    issuer_right, date_right = signature_indents(plan.issuer, date_text)
    if plan.issuer:
        paragraphs.append(_p(_run(plan.issuer), indent=False, align="right", right_chars=issuer_right,
                             keep_next=bool(date_text)))
    if date_text:
        paragraphs.append(_p(_run(date_text), indent=False, align="right", right_chars=date_right))
    return paragraphs


# ---- the package, finished by hand ------------------------------------------------------------

# name, charset (86 = GB2312), family, panose: what Word writes for these faces on a Chinese PC.
FONT_TABLE = (
    (TITLE_FONT, "86", "script", "02000000000000000000"),
    (BODY_FONT, "86", "modern", "02010609030101010101"),
    (H1_FONT, "86", "modern", "02010609060101010101"),
    (H2_FONT, "86", "modern", "02010609030101010101"),
    (PAGE_FONT, "86", "auto", "02010600030101010101"),
    ("Times New Roman", "00", "roman", "02020603050405020304"),
)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _font_table() -> bytes:
    fonts = "".join(f'<w:font w:name="{name}"><w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
                    f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
                    for name, charset, family, panose in FONT_TABLE)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{W_NS}">{fonts}</w:fonts>'
            ).encode()


def _stamp(day: dt.date | None) -> str:
    return f"{day.isoformat()}T00:00:00Z" if day else ""


def _core(plan: Outline) -> bytes:
    when = _stamp(plan.date)
    dates = (f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
             f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>') if when else ""
    author = escape(plan.issuer or "")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(plan.title)}</dc:title><dc:creator>{author}</dc:creator>"
            f"<cp:lastModifiedBy>{author}</cp:lastModifiedBy><dc:language>zh-CN</dc:language>"
            f"<cp:revision>1</cp:revision>{dates}</cp:coreProperties>").encode()


APP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
       b"<Application>xuncha</Application><DocSecurity>0</DocSecurity></Properties>")
THUMBNAIL_REL = re.compile(rb'<Relationship [^>]*metadata/thumbnail"[^>]*/>|<Relationship [^>]*Target="docProps/'
                           rb'thumbnail\.jpeg"[^>]*/>')
TEMPLATE_LANG = re.compile(rb'<w:lang w:val="[^"]*" w:eastAsia="[^"]*"( w:bidi="[^"]*")?/>')


WITH_EFFECTS = re.compile(rb'<Relationship [^>]*stylesWithEffects[^>]*/>|<Override [^>]*stylesWithEffects[^>]*/>')
BODY_END = "<w:sectPr"


@functools.lru_cache(maxsize=1)
def _skeleton() -> tuple[tuple[str, bytes], ...]:
    """The package every notice shares (styles, settings, footers, section), made once through
    python-docx and finished by hand: the fonts declared, zh-CN, and none of the template's
    leftovers (its core properties, "Microsoft Macintosh Word", a blank thumbnail, Word 2010's
    stylesWithEffects copy of the styles). Each notice then only writes its body and properties:
    opening and saving the template through python-docx was most of the time of a notice."""
    document = Document()
    _setup(document)
    out = io.BytesIO()
    document.save(out)
    parts = []
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source:
        for name in source.namelist():
            if name in ("docProps/thumbnail.jpeg", "word/stylesWithEffects.xml"):
                continue
            body = source.read(name)
            if name == "_rels/.rels":
                body = THUMBNAIL_REL.sub(b"", body)
            elif name in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
                body = WITH_EFFECTS.sub(b"", body)
            elif name == "docProps/app.xml":
                body = APP
            elif name == "word/fontTable.xml":
                body = _font_table()
            elif name == "word/styles.xml":
                body = TEMPLATE_LANG.sub(LANG.encode(), body)
            elif name == "word/settings.xml":
                body = re.sub(rb'<w:themeFontLang [^>]*/>', b'<w:themeFontLang w:val="zh-CN" w:eastAsia="zh-CN"/>',
                              body)
            parts.append((name, body))
    return tuple(parts)


QR_REL = "rIdXunchaQr"
QR_EMU = 720000  # 20 mm: two lines of the grid
QR_CAPTION = "扫码查看整改进展、提出意见"


def _qr_paragraph() -> str:
    """The QR code to the notice's public page (an inline picture, two lines high, off the grid so
    the exact line height does not clip it) and its caption in 五号."""
    picture = (
        '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="114300" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        f'<wp:extent cx="{QR_EMU}" cy="{QR_EMU}"/><wp:docPr id="9001" name="QR" descr="{QR_CAPTION}"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="9001" name="qr.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{QR_REL}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
        '<a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{QR_EMU}" cy="{QR_EMU}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        '</wp:inline></w:drawing></w:r>')
    return _p(picture + _run(QR_CAPTION, size=Pt(10.5)), line=2 * LINE_TWIPS, indent=False, align="left",
              grid=False)


def _qr_png(url: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=10, border=2)
    return out.getvalue()


def _package(plan: Outline, body: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for name, part in _skeleton():
            if plan.qr and name == "word/_rels/document.xml.rels":
                part = part.replace(b"</Relationships>", (
                    f'<Relationship Id="{QR_REL}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/image" Target="media/qr.png"/></Relationships>').encode())
            elif plan.qr and name == "[Content_Types].xml" and b'Extension="png"' not in part:
                part = part.replace(b"<Default ", b'<Default Extension="png" ContentType="image/png"/><Default ', 1)
            if name == "docProps/core.xml":
                part = _core(plan)
            elif name == "word/document.xml":
                text = part.decode("utf-8")
                at = text.rindex(BODY_END)
                start = text.index(">", text.index("<w:body")) + 1
                part = (text[:start] + body + text[at:]).encode("utf-8")
            target.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), part,
                            compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        if plan.qr:
            target.writestr(zipfile.ZipInfo("word/media/qr.png", date_time=(2000, 1, 1, 0, 0, 0)),
                            _qr_png(plan.qr))
    return out.getvalue()


def docx_of(plan: Outline) -> bytes:
    # A letter's 发文字号 above the title and its 主送机关 under it (notices have neither).
    paragraphs = [_p(_run(plan.number), indent=False, align="center"), _p()] if plan.number else []
    paragraphs += [_title(plan.title), _p()]  # one blank line under the title
    if plan.addressee:
        paragraphs.append(_p(_run(f"{plan.addressee}："), indent=False))
    paragraphs += [_block(block) for block in plan.blocks]
    signature = _signature(plan)
    if signature and plan.blocks:
        paragraphs[-1] = _block(plan.blocks[-1], keep_next=True)
    paragraphs += signature
    if plan.qr:  # under the signature, with it (a page of the code alone is never made)
        if signature:
            paragraphs[-1] = paragraphs[-1].replace("<w:pPr>", "<w:pPr><w:keepNext/>", 1) \
                if "<w:keepNext/>" not in paragraphs[-1] else paragraphs[-1]
        paragraphs.append(_qr_paragraph())
    return _package(plan, "".join(paragraphs))


def render_docx(doc: NoticeDoc, qr: str | None = None) -> bytes:
    """`qr`: the notice's public address, printed as a QR code under the signature."""
    plan = outline(doc)
    plan.qr = qr
    return docx_of(plan)
