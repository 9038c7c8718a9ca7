"""NoticeDoc → HTML: semantic headings, readable on a phone, printable (the PDF is made from it)."""

from __future__ import annotations

from html import escape

from xuncha.core.dates import format_date
from xuncha.core.document import NoticeDoc
from xuncha.core.render.outline import Block, Outline, outline

# Official fonts first (as installed on office PCs), then the free CJK fonts of Linux servers.
FONTS = {
    "title": '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "Source Han Serif SC", serif',
    "body": '"仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", serif',
    "h1": '"黑体", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif',
    "h2": '"楷体_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN", "Noto Serif CJK SC", serif',
}

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
.notice .signature {{ text-align: right; margin-top: 2rem; text-indent: 0; }}
.notice .signature p {{ text-indent: 0; }}
.notice p.number {{ text-align: center; text-indent: 0; margin-bottom: 1em; }}
.notice p.addressee {{ text-indent: 0; }}
@media (max-width: 600px) {{ .notice {{ font-size: 1rem; padding: .5rem; }} .notice h1 {{ font-size: 1.3rem; }} }}
"""

# GB/T 9704-2012 on paper: A4, 37 mm top, 28 mm binding side, 156 × 225 mm text block,
# 3号 (16 pt) body at 22 lines a page, page numbers "— 1 —" in 4号 outside.
PRINT_CSS = f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
@page :right {{ @bottom-right {{ content: "— " counter(page) " —"; font: 14pt {FONTS['title']};
  margin-right: 7mm; margin-bottom: 7mm; vertical-align: top; }} }}
@page :left {{ margin: 37mm 28mm 35mm 26mm; @bottom-left {{ content: "— " counter(page) " —";
  font: 14pt {FONTS['title']}; margin-left: 7mm; margin-bottom: 7mm; vertical-align: top; }} }}
html {{ font-size: 16pt; }}
.notice {{ max-width: none; margin: 0; padding: 0; font-size: 16pt; line-height: 28.9pt; }}
.notice h1 {{ font-size: 22pt; line-height: 33pt; margin: 0 0 28.9pt; }}
.notice h2, .notice h3, .notice h4, .notice h5 {{ font-size: 16pt; margin: 0; }}
.notice p {{ margin: 0; }}
.notice .signature {{ margin-top: 57.8pt; }}
.notice .signature .block {{ display: inline-block; text-align: center; margin-right: 4em; }}
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


def fragment(plan: Outline) -> str:
    """The notice as an <article>, for embedding in a page."""
    body = "\n".join(_block(block) for block in plan.blocks)
    signature = ""
    if plan.issuer or plan.date:
        issuer = f'<p class="issuer">{escape(plan.issuer)}</p>' if plan.issuer else ""
        date = f'<p class="date">{format_date(plan.date)}</p>' if plan.date else ""
        signature = f'\n<div class="signature"><div class="block">{issuer}{date}</div></div>'
    number = f'<p class="number">{escape(plan.number)}</p>\n' if plan.number else ""
    addressee = f'<p class="addressee">{escape(plan.addressee)}：</p>\n' if plan.addressee else ""
    return (f'<article class="notice" lang="zh-CN">\n{number}<h1>{escape(plan.title)}</h1>\n{addressee}'
            f"{body}{signature}\n</article>")


def page(plan: Outline, print_layout: bool = False) -> str:
    css = SCREEN_CSS + (PRINT_CSS if print_layout else "")
    return (f'<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(plan.title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
            f"{fragment(plan)}\n</body>\n</html>\n")


def render_html(doc: NoticeDoc) -> str:
    return page(outline(doc))
