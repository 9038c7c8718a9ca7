"""The PDF drawn on the GB/T 9704 grid: justification, page breaks, faces, and the fallback."""

import datetime as dt

import pytest

from xuncha.core.render import pdf_grid, render_pdf
from xuncha.core.render.outline import Block, Outline

from .test_official_layout import MM, _rows

pytestmark = pytest.mark.skipif(not pdf_grid.available(), reason="uharfbuzz, fontconfig or a CJK face missing")


def _line(text="正文", keep=False):
    return pdf_grid.Line(pdf_grid._shape(text, "body", 16, pdf_grid.LETTER_SPACING_PT), 0.0, 0.0,
                         pdf_grid.LINE_PT, 16, keep_with_next=keep)


def test_every_line_but_a_paragraphs_last_reaches_both_edges():
    text = "社区党委对照2025年9月15日反馈的12个问题，逐项制定整改措施43条，" * 4
    pdf = pdf_grid.write(Outline(title="关于巡察整改进展情况的通报", blocks=[Block(text)]))
    width, _, rows = _rows(pdf)[0]
    body = [row for row in rows if row[0][4] != "—" and row[0][2] / MM > 60]
    assert len(body) >= 4
    for row in body[:-1]:
        assert abs((width - row[-1][1]) / MM - 26) <= 0.5, "".join(c[4] for c in row)
    assert (width - body[-1][-1][1]) / MM > 26 + 5  # the last line is not spread


def test_no_line_starts_with_a_comma_or_ends_with_an_opening_mark():
    text = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八，“第一议题”" * 3
    lines = pdf_grid.break_lines(pdf_grid._shape(text, "body", 16, pdf_grid.LETTER_SPACING_PT),
                                 pdf_grid.BLOCK_W, pdf_grid.INDENT)
    for line in lines:
        chars = "".join(g.char for g in line.glyphs)
        assert chars[0] not in pdf_grid.NO_START and chars[-1] not in pdf_grid.NO_END, chars


def test_a_heading_is_never_the_last_line_of_a_page():
    body = [_line() for _ in range(21)] + [_line("一、总体情况", keep=True), _line()]
    pages = pdf_grid.paginate([], body, [])
    assert len(pages[0].lines) == 21 and pages[1].lines[0][1].glyphs[0].char == "一"


def test_the_signature_takes_the_texts_last_two_lines_to_a_new_page():
    body = [_line(f"第{n}行") for n in range(22)]
    pages = pdf_grid.paginate([], body, [_line("某社区党委"), _line("2025年12月31日")])
    assert len(pages) == 2 and len(pages[0].lines) == 20
    assert ["".join(g.char for g in line.glyphs) for _, line in pages[1].lines] == \
        ["第20行", "第21行", "某社区党委", "2025年12月31日"]
    assert pages[1].lines[2][0] == pytest.approx(3 * pdf_grid.LINE_PT)  # one blank line above it


def test_a_character_no_face_has_is_left_out_and_the_rest_drawn():
    glyphs = pdf_grid._shape("整改\U000f0000完成", "body", 16, 0.0)
    assert "".join(g.char for g in glyphs) == "整改完成"


def test_the_pdf_has_its_title_language_and_copyable_text():
    plan = Outline(title="关于巡察整改进展情况的通报", blocks=[Block("一、总体情况", level=1), Block("正文。")],
                   issuer="中共某社区委员会", date=dt.date(2025, 12, 31))
    pdf = pdf_grid.write(plan)
    import io

    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    assert PDFDocument(PDFParser(io.BytesIO(pdf))).catalog["Lang"] == b"zh-CN"
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(pdf)
    text = document[0].get_textpage().get_text_range()
    assert "一、总体情况" in text and "中共某社区委员会" in text and "2025年12月31日" in text
    assert document.get_metadata_dict()["Title"] == plan.title
    document.close()


def test_without_the_grid_writer_weasyprint_draws_the_same_notice(monkeypatch):
    pytest.importorskip("weasyprint")
    monkeypatch.setattr(pdf_grid, "available", lambda: False)
    from xuncha.core.parse import parse_text
    from xuncha.core.parse.loaders import load_pdf

    doc = parse_text("关于巡察整改进展情况的通报\n"
                     "根据区委统一部署，区委第四巡察组于2025年7月2日至8月10日对天宝社区党委开展了巡察。\n"
                     "一、整改落实情况\n（一）“第一议题”落实不到位\n整改结果：已完成。\n中共天宝社区委员会\n2025年12月31日")
    pdf = render_pdf(doc)
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(pdf)
    assert "WeasyPrint" in document.get_metadata_dict()["Producer"]
    document.close()
    assert "“第一议题”落实不到位" in load_pdf(pdf)


def test_the_qr_code_stands_beside_a_short_signature_or_under_a_long_one():
    blocks = [Block("正文。")]
    short = Outline(title="通报", blocks=blocks, issuer="中共某社区委员会", date=dt.date(2025, 12, 31),
                    qr="https://gk.example.gov.cn/public/notices/1/")
    long_ = Outline(title="通报", blocks=blocks, issuer="中共深圳市福田区福田街道福华社区委员会",
                    date=dt.date(2025, 12, 31), qr=short.qr)
    for plan, beside in ((short, True), (long_, False)):
        _, _, rows = _rows(pdf_grid.write(plan))[0]
        texts = ["".join(c[4] for c in row) for row in rows]
        issuer_row = next(i for i, t in enumerate(texts) if plan.issuer in t)
        caption_row = next(i for i, t in enumerate(texts) if "扫码查看" in t)
        assert (caption_row <= issuer_row + 1) is beside, texts
    without = Outline(title="通报", blocks=blocks, issuer="中共某社区委员会", date=dt.date(2025, 12, 31))
    assert "扫码查看" not in "".join(c[4] for row in _rows(pdf_grid.write(without))[0][2] for c in row)
