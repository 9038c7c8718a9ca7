"""NoticeDoc → .docx in the GB/T 9704-2012 layout (党政机关公文格式).

A4; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right (a 156 × 225 mm text block);
title 2号 方正小标宋简体 centred; body 3号 仿宋_GB2312 at a fixed 28.9 pt line (22 lines of
28 characters); headings 一、 黑体, （一） 楷体_GB2312, 1. and （1） 仿宋; issuer centred over the
date, the date 4 characters from the right; page numbers "— 1 —" in 4号 宋体, odd pages
right and even pages left, one character in from the edge.

The East-Asian font is set on every run (w:rFonts w:eastAsia): without it Word and WPS fall
back to a Latin font for Chinese text.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from xuncha.core.dates import format_date
from xuncha.core.document import NoticeDoc
from xuncha.core.render.outline import Block, Outline, outline

TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT, PAGE_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
TITLE_SIZE, BODY_SIZE, PAGE_SIZE = Pt(22), Pt(16), Pt(14)
LINE = Pt(28.9)
HEADING_FONTS = {1: H1_FONT, 2: H2_FONT, 3: BODY_FONT, 4: BODY_FONT}


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
    return (f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
            f'{"<w:b/><w:bCs/>" if bold else ""}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>')


def _ppr(line: Pt = LINE, indent: bool = True, align: str | None = None, right_chars: float = 0) -> str:
    twips = int(line.pt * 20)
    ind = []
    if indent:
        ind.append('w:firstLine="640"')  # two characters of 16 pt
    if right_chars:
        ind.append(f'w:right="{int(right_chars * 320)}"')
    indents = f"<w:ind {' '.join(ind)}/>" if ind else ""
    justify = f'<w:jc w:val="{align}"/>' if align else ""
    return (f'<w:pPr><w:spacing w:before="0" w:after="0" w:line="{twips}" w:lineRule="exact"/>'
            f"{indents}{justify}</w:pPr>")


def _run(text: str, font: str = BODY_FONT, size: Pt = BODY_SIZE, bold: bool = False) -> str:
    return f'<w:r>{_rpr(font, size, bold)}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _p(runs: str = "", **ppr) -> str:
    return f"<w:p>{_ppr(**ppr)}{runs}</w:p>"


def _block(block: Block) -> str:
    if block.label:
        return _p(_run(f"{block.label}：", bold=True) + _run(block.text))
    runs = _run(block.text, font=HEADING_FONTS.get(block.level, BODY_FONT))
    if block.rest:
        runs += _run(block.rest)
    return _p(runs)


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
        setattr(paragraph.paragraph_format, f"{side}_indent", Pt(14))  # one character from the edge
        _page_number_field(paragraph)


def _setup(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _page_numbers(document)


def _signature(plan: Outline) -> list[str]:
    if not (plan.issuer or plan.date):
        return []
    paragraphs = [_p(), _p()]
    date_text = format_date(plan.date) if plan.date else ""
    if plan.issuer:
        # Centred over the date: its right indent is the date's, plus half the difference in length.
        offset = 4 + max(0, (len(date_text) - len(plan.issuer))) / 2 if date_text else 2
        paragraphs.append(_p(_run(plan.issuer), indent=False, align="right", right_chars=offset))
    if date_text:
        paragraphs.append(_p(_run(date_text), indent=False, align="right", right_chars=4))
    return paragraphs


def docx_of(plan: Outline) -> bytes:
    document = Document()
    _setup(document)
    document.core_properties.title = plan.title
    document.core_properties.author = plan.issuer or ""
    paragraphs = [_p(_run(plan.number), indent=False, align="center"), _p()] if plan.number else []
    paragraphs += [_p(_run(plan.title, font=TITLE_FONT, size=TITLE_SIZE), line=Pt(33), indent=False,
                      align="center"), _p()]  # one blank line under the title
    if plan.addressee:
        paragraphs.append(_p(_run(f"{plan.addressee}："), indent=False))
    paragraphs += [_block(block) for block in plan.blocks]
    paragraphs += _signature(plan)
    body = document.element.body
    fragment = parse_xml(f"<w:body {nsdecls('w')}>{''.join(paragraphs)}</w:body>")
    anchor = body.sectPr
    for element in list(fragment):
        anchor.addprevious(element)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_docx(doc: NoticeDoc) -> bytes:
    return docx_of(outline(doc))
