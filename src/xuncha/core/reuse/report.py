"""Reports of a reuse run: a per-document summary, a printable HTML report, an Excel workbook."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html import escape

import numpy as np

from xuncha.core.reuse import Pair, ReuseIndex


@dataclass
class DocumentSummary:
    name: str
    length: int
    share: float  # share of the document covered by passages it shares with any other
    sources: list[tuple[str, float]]  # (other document, share of this one shared with it)


def summaries(index: ReuseIndex, pairs: list[Pair]) -> list[DocumentSummary]:
    spans: dict[str, list[tuple[int, int]]] = {}
    sources: dict[str, list[tuple[str, float]]] = {}
    for pair in pairs:
        spans.setdefault(pair.a, []).extend(p.a for p in pair.passages)
        spans.setdefault(pair.b, []).extend(p.b for p in pair.passages)
        sources.setdefault(pair.a, []).append((pair.b, pair.share_a))
        sources.setdefault(pair.b, []).append((pair.a, pair.share_b))
    result = []
    for document in index.documents:
        if document.name not in spans:
            continue
        # Counted on the matching text (no spaces or punctuation), like each pair's share.
        starts, ends = zip(*spans[document.name], strict=True)
        size = len(document.original) + 1
        inside = np.cumsum(np.bincount(starts, minlength=size) - np.bincount(ends, minlength=size)) > 0
        offsets = document.encoded[1]
        found = sorted(sources[document.name], key=lambda s: -s[1])
        # With one source the total is that pair's share (the same measure, so the report never
        # shows two figures for it); with several, the union, never below the largest pair's.
        union = np.count_nonzero(inside[offsets]) / max(1, len(offsets))
        share = found[0][1] if len(found) == 1 else max(union, found[0][1])
        result.append(DocumentSummary(document.name, len(document.original), share, found))
    return sorted(result, key=lambda s: -s.share)


def _marked(text: str, spans: list[tuple[int, int]], prefix: str) -> str:
    out, position = [], 0
    for number, (start, end) in sorted(enumerate(spans, start=1), key=lambda item: item[1]):
        if start < position:
            continue
        out.append(escape(text[position:start]))
        other = ("b" if prefix[0] == "a" else "a") + prefix[1:]  # the same passage in the other text
        out.append(f'<mark id="{prefix}-{number}"><a href="#{other}-{number}">{escape(text[start:end])}</a></mark>')
        position = end
    out.append(escape(text[position:]))
    return "".join(out).replace("\n", "<br>")


CSS = """
body { font-family: "Noto Serif CJK SC", "SimSun", serif; margin: 1.5rem; color: #111; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid #b3261e; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid #999; padding: .3rem .5rem; text-align: left; vertical-align: top; font-size: .95rem; }
td { overflow-wrap: anywhere; } th { background: #eef1f4; white-space: nowrap; } td.num { white-space: nowrap; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.side div { border: 1px solid #ccc; padding: .6rem; font-size: .9rem; line-height: 1.7; min-width: 0;
  overflow-wrap: anywhere; }
.side div::before { content: attr(data-doc); display: block; font-weight: bold; color: #555; margin-bottom: .3rem; }
mark { background: #ffe08a; } mark a { color: inherit; text-decoration: none; }
/* A phone: each table row a card, its cells labelled; the two texts of a pair one above the other. */
@media screen and (max-width: 700px) {
  body { margin: .8rem; } h1 { font-size: 1.3rem; } h2 { font-size: 1.1rem; }
  table.stack thead { display: none; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: auto; }
  table.stack { border-top: 1px solid #999; }
  table.stack tr { border: 1px solid #999; border-top: 0; padding: .3rem .5rem; }
  table.stack td { border: 0; padding: .1rem 0; }
  table.stack td[data-label]::before { content: attr(data-label) "："; color: #555; }
  .side { grid-template-columns: 1fr; gap: .6rem; }
}
@media print {
  body { margin: 0; } .side { display: block; } .side div { margin-bottom: .6rem; } .pair { break-before: page; }
}
"""


def html_report(index: ReuseIndex, pairs: list[Pair], common: list[tuple[str, int]], threshold: float) -> str:
    texts = {d.name: d.original for d in index.documents}
    rows = [[str(n), f'<a href="#pair-{n}">{escape(p.a)}</a>', escape(p.b), f"{p.share_a:.1%}",
             f"{p.share_b:.1%}", str(len(p.passages))] for n, p in enumerate(pairs, start=1)]
    docs = [[escape(s.name), f"{s.share:.1%}", "；".join(f"{escape(name)}（{share:.1%}）" for name, share in s.sources)]
            for s in summaries(index, pairs)]
    sections = []
    for n, pair in enumerate(pairs, start=1):
        left = _marked(texts[pair.a], [p.a for p in pair.passages], f"a{n}")
        right = _marked(texts[pair.b], [p.b for p in pair.passages], f"b{n}")
        sections.append(
            f'<section class="pair" id="pair-{n}"><h2>第{n}对：{escape(pair.a)} ↔ {escape(pair.b)}</h2>'
            f"<p>复制比 {pair.share_a:.1%} / {pair.share_b:.1%}，字串重合度 {pair.jaccard:.1%}，"
            f"雷同段落 {len(pair.passages)} 处（点击高亮段落可跳到对方文档的同一段）。</p>"
            f'<div class="side"><div data-doc="{escape(pair.a)}">{left}</div>'
            f'<div data-doc="{escape(pair.b)}">{right}</div></div></section>')
    formulae = [[escape(text), str(count)] for text, count in common]
    head = ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>雷同检测报告</title><style>{CSS}</style></head>")
    return (f"{head}<body><h1>雷同检测报告</h1>"
            f"<p>共检测 {len(index.documents)} 份文档，最短雷同 {index.min_run} 字；"
            f"复制比不低于 {threshold:.0%} 的文档 {len(pairs)} 对。</p>"
            "<h2>雷同文档对（按复制比排序）</h2>"
            + _table(("序号", "文档甲", "文档乙", "甲的复制比", "乙的复制比", "段落数"), rows)
            + "<h2>各文档汇总</h2>" + _table(("文档", "总复制比", "来源"), docs)
            + "<h2>常用套话（已排除，不计入雷同）</h2>" + _table(("内容", "出现文档数"), formulae)
            + f"{''.join(sections)}</body></html>")


NUMBER, _NUMBER = re.compile(r"[\d.]+%?"), ' class="num"'  # a figure is never broken across lines


def _table(columns: tuple[str, ...], rows: list[list[str]]) -> str:
    """A table; on a phone each row becomes a card with its cells labelled (data-label)."""
    header = "".join(f"<th>{column}</th>" for column in columns)
    body = "".join("<tr>" + "".join(f'<td data-label="{column}"{_NUMBER if NUMBER.fullmatch(cell) else ""}>{cell}</td>'
                                    for column, cell in zip(columns, row, strict=True)) + "</tr>"
                   for row in rows) or f'<tr><td colspan="{len(columns)}">（无）</td></tr>'
    return f'<table class="stack"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'


def xlsx_report(index: ReuseIndex, pairs: list[Pair], common: list[tuple[str, int]]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    header = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    percent = book.add_format({"num_format": "0.0%"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheets = [
        ("雷同文档对", ["文档甲", "文档甲复制比", "文档乙", "文档乙复制比", "重合度", "段落数"],
         [[p.a, p.share_a, p.b, p.share_b, p.jaccard, len(p.passages)] for p in pairs], [40, 12, 40, 12, 10, 8]),
        ("雷同段落", ["序号", "文档甲", "甲起止", "文档乙", "乙起止", "段落内容"],
         [[n, p.a, f"{s.a[0]}-{s.a[1]}", p.b, f"{s.b[0]}-{s.b[1]}", s.text]
          for n, p in enumerate(pairs, start=1) for s in p.passages], [6, 30, 12, 30, 12, 80]),
        ("各文档汇总", ["文档", "总复制比", "来源"],
         [[s.name, s.share, "；".join(f"{n}（{v:.1%}）" for n, v in s.sources)] for s in summaries(index, pairs)],
         [40, 10, 80]),
        ("常用套话", ["内容", "出现文档数"], [[text, count] for text, count in common], [80, 12]),
    ]
    for title, columns, rows, widths in sheets:
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, columns, header)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, float):
                    sheet.write_number(r, c, value, percent)
                elif isinstance(value, int):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value), wrap)
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
