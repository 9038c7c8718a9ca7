"""Loaders: text encodings, Word paragraphs and tables, saved web pages, PDF text layers."""

import io

import docx
import pytest

from xuncha.core.parse import LoadError, NotANotice, parse_file, parse_text
from xuncha.core.parse.loaders import load_bytes, load_docx, load_html

NOTICE = """关于巡察整改进展情况的通报
根据区委统一部署，2025年7月2日至8月10日，区委第四巡察组对天宝社区进行了巡察。9月15日，第四巡察组向天宝社区反馈了巡察意见。
一、集中整改期内已完成的整改事项
（一）“第一议题”落实不到位
整改结果：已完成
整改情况：召开支部会议5次。
"""


def test_gb18030_text_is_read_like_utf8(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_bytes(NOTICE.encode("gb18030"))
    doc = parse_file(path)
    assert doc.team == "区委第四巡察组" and doc.findings[0].status == "done"


def test_word_paragraphs_and_tables_are_read_in_order():
    document = docx.Document()
    for line in NOTICE.splitlines()[:4]:
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "整改结果", "已完成"
    table.cell(1, 0).text, table.cell(1, 1).text = "整改情况", "召开支部会议5次。"
    document.add_paragraph("（二）财务管理不规范")
    out = io.BytesIO()
    document.save(out)
    text = load_docx(out.getvalue())
    assert text.index("（一）") < text.index("整改结果　已完成") < text.index("（二）")


def test_a_saved_government_page_keeps_the_article_and_drops_the_rest():
    page = f"""<html><head><title>通报_某区人民政府</title><script>var nav = "首页";</script></head><body>
    <div class="nav"><a>首页</a><a>政务公开</a><a>巡察工作</a></div>
    <div id="zoom" class="TRS_Editor">{"".join(f"<p>{line}</p>" for line in NOTICE.splitlines())}</div>
    <div class="footer">版权所有 某区人民政府 联系电话：010-12345678</div></body></html>"""
    text = load_html(page.encode("utf-8"))
    assert "首页" not in text and "版权所有" not in text and "var nav" not in text
    doc = parse_text(text)
    assert doc.findings[0].title == "“第一议题”落实不到位" and doc.contacts.phones == []


def test_the_claims_of_a_large_notice_are_read_with_parts_and_rate():
    doc = parse_text(NOTICE + "截至目前，完成整改688个，基本完成4个，未完成5个，总体完成率98.71%。\n")
    claim = doc.claims[0]
    assert (claim.done, claim.partly, claim.not_done, claim.rate) == (688, 4, 5, 98.71)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("x.txt", b"   ", "文件是空的"),
    ("x.pages", b"\xd0\xcf\x11\xe0", "不支持的文件类型"),
    ("x.docx", b"PK not really", "无法打开 Word 文件"),
    ("x.pdf", b"%PDF-1.4 broken", "PDF"),
    ("x.txt", b"\x00\x01\x02binary", "不是文本文件"),
])
def test_unreadable_files_get_a_chinese_message(name, data, message):
    with pytest.raises(LoadError, match=message):
        load_bytes(data, name)


def test_a_text_that_is_not_a_notice_says_what_is_missing(tmp_path):
    path = tmp_path / "minutes.txt"
    path.write_text("会议纪要：本周例会讨论了卫生检查安排。", encoding="utf-8")
    with pytest.raises(NotANotice, match="缺少反馈问题"):
        parse_file(path)
