"""NoticeDoc → HTML: semantic headings, readable on a phone, printable (the PDF is made from it)."""

from __future__ import annotations

from html import escape

from xuncha.core.dates import format_date
from xuncha.core.document import NoticeDoc
from xuncha.core.render.outline import Block, Outline, outline, signature_indents
from xuncha.core.render.title import break_title

# Official fonts first (as installed on office PCs), then the closest open-licensed faces of Linux
# servers (Debian's fonts-noto-cjk and fonts-arphic-ukai): there is no open 仿宋 or 小标宋 in Debian,
# so 仿宋 falls back to Noto Serif CJK (a 宋 face of the same proportions), 小标宋 to its Bold
# (through the @font-face below, so an installed 小标宋 is never emboldened), 黑体 to Noto Sans
# CJK and 楷体 to AR PL UKai.
FONTS = {
    "title": '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "xuncha-title", "Noto Serif CJK SC", serif',
    "body": '"仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", serif',
    "h1": '"黑体", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif',
    "h2": '"楷体_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN", "Noto Serif CJK SC", serif',
    "page": '"宋体", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC", serif',
}
TITLE_FACE = '@font-face { font-family: "xuncha-title"; src: local("Noto Serif CJK SC Bold"), ' \
    'local("NotoSerifCJKsc-Bold"); }\n'

SCREEN_CSS = f"""
.notice {{ max-width: 42em; margin: 0 auto; padding: 1rem; font-family: {FONTS['body']}; font-size: 1.1rem;
  line-height: 1.9; color: #111; }}
.notice h1 {{ font-family: {FONTS['title']}; font-size: 1.6rem; text-align: center; line-height: 1.5;
  margin: 1rem 0 1.5rem; }}
.notice h2 {{ font-family: {FONTS['h1']}; font-size: 1.15rem; margin: 1.2rem 0 .4rem; }}
.notice h3 {{ font-family: {FONTS['h2']}; font-size: 1.1rem; margin: 1rem 0 .3rem; }}
.notice h4, .notice h5 {{ font-size: 1.1rem; margin: .8rem 0 .2rem; }}
.notice h2, .notice h3, .notice h4, .notice h5, .notice p {{ text-indent: 2em; font-weight: normal; }}
.notice p {{ margin: .2rem 0; }}
.notice .label {{ font-weight: bold; }}
.notice h2, .notice h3, .notice h4, .notice h5 {{ break-after: avoid; }}
.notice .heading[aria-level="2"] {{ font-family: {FONTS['h1']}; }}
.notice .heading[aria-level="3"] {{ font-family: {FONTS['h2']}; }}
.notice .signature {{ text-align: right; margin-top: 2rem; text-indent: 0; }}
.notice .signature p {{ text-indent: 0; }}
.notice p.number {{ text-align: center; text-indent: 0; margin-bottom: 1em; }}
.notice p.addressee {{ text-indent: 0; }}
@media (max-width: 600px) {{ .notice {{ font-size: 1rem; padding: .5rem; }} .notice h1 {{ font-size: 1.3rem; }} }}
"""

# GB/T 9704-2012 on paper: A4, 37 mm top, 28 mm binding side, a 156 × 225 mm text block of 22
# lines × 28 characters (3号 characters drawn 15.79 pt apart: letter-spacing −0.21 pt; lines
# 28.95 pt apart), justified; page numbers "— 1 —" in 4号 宋体, the 一字线 7 mm under the text
# block, one character in from its outer edge. WeasyPrint's default 8 px body margin is reset,
# or every line loses two characters and every margin grows by 2 mm.
GRID_PITCH_PT = 156 / 25.4 * 72 / 28  # 15.79 pt
LETTER_SPACING_PT = round(GRID_PITCH_PT - 16, 3) - 0.002
LINE_PT = 28.95
PAGE_NUMBER = ('content: "— " counter(page) " —"; font: 14pt/14pt ' + FONTS["page"] + "; vertical-align: top;"
               " padding-top: 3.75mm; letter-spacing: 0;")
PRINT_CSS = f"""
{TITLE_FACE}
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
@page :right {{ @bottom-right {{ {PAGE_NUMBER} margin-right: 14pt; }} }}
@page :left {{ margin: 37mm 28mm 35mm 26mm; @bottom-left {{ {PAGE_NUMBER} margin-left: 14pt; }} }}
html, body {{ margin: 0; padding: 0; font-size: 16pt; }}
.notice {{ max-width: none; margin: 0; padding: 0; font-size: 16pt; line-height: {LINE_PT}pt;
  letter-spacing: {LETTER_SPACING_PT}pt; text-align: justify; }}
.notice h1 {{ font-size: 22pt; line-height: 33pt; margin: 0 0 {LINE_PT}pt; letter-spacing: 0; text-indent: 0; }}
.notice h2, .notice h3, .notice h4, .notice h5 {{ font-size: 16pt; margin: 0; text-align: justify; }}
.notice p {{ margin: 0; }}
.notice h2, .notice h3, .notice h4, .notice h5, .notice p {{ text-indent: {2 * GRID_PITCH_PT - 0.01:.2f}pt; }}
.notice .signature {{ margin-top: {LINE_PT}pt; text-align: right; break-before: avoid; break-inside: avoid; }}
.notice .signature p {{ margin: 0; white-space: nowrap; text-indent: 0; }}
"""

TAGS = {0: "p", 1: "h2", 2: "h3", 3: "h4", 4: "h5"}


def _block(block: Block) -> str:
    tag = TAGS[block.level]
    if block.rest:
        # A run-in heading: a heading for assistive technology, one splittable paragraph on paper.
        return (f'<p class="run-in"><span class="heading" role="heading" aria-level="{block.level + 1}">'
                f"{escape(block.text)}</span>{escape(block.rest)}</p>")
    if block.label:
        return f'<p><span class="label">{escape(block.label)}：</span>{escape(block.text)}</p>'
    return f"<{tag}>{escape(block.text)}</{tag}>"


def fragment(plan: Outline, print_layout: bool = False) -> str:
    """The notice as an <article>, for embedding in a page; on paper the title broken between words."""
    body = "\n".join(_block(block) for block in plan.blocks)
    signature = ""
    if plan.issuer or plan.date:
        issuer = f'<p class="issuer">{escape(plan.issuer)}</p>' if plan.issuer else ""
        date = f'<p class="date">{format_date(plan.date)}</p>' if plan.date else ""
        signature = f'\n<div class="signature">{issuer}{date}</div>'
    title = "<br>".join(escape(line) for line in break_title(plan.title)) if print_layout else escape(plan.title)
    number = f'<p class="number">{escape(plan.number)}</p>\n' if plan.number else ""
    addressee = f'<p class="addressee">{escape(plan.addressee)}：</p>\n' if plan.addressee else ""
    return (f'<article class="notice" lang="zh-CN">\n{number}<h1>{title}</h1>\n{addressee}'
            f"{body}{signature}\n</article>")


def _signature_css(plan: Outline) -> str:
    """§7.3.5.2's right indents of the issuer and the date, in grid characters."""
    issuer, date = signature_indents(plan.issuer, format_date(plan.date) if plan.date else "")
    return (f".notice .signature .issuer {{ margin-right: {issuer * GRID_PITCH_PT:.2f}pt; }}\n"
            f".notice .signature .date {{ margin-right: {date * GRID_PITCH_PT:.2f}pt; }}\n")


def page(plan: Outline, print_layout: bool = False) -> str:
    css = SCREEN_CSS + (PRINT_CSS + _signature_css(plan) if print_layout else "")
    return (f'<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(plan.title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
            f"{fragment(plan, print_layout)}\n</body>\n</html>\n")


def render_html(doc: NoticeDoc) -> str:
    return page(outline(doc))
