"""Excel ledgers as units really fill them: headings of real templates, dates typed every way,
blank and uncalculated cells caught with their row, nothing dropped, and an export that prints."""

import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from xuncha.core.ledger_xlsx import LedgerRow, plain_sheet, read_date, read_xlsx, row_heights, write_xlsx
from xuncha.core.vocabulary import ledger_status_of, status_of


def sheet_bytes(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["序号", "反馈问题", "整改措施", "责任单位", "完成时限", "完成情况", "佐证材料", "备注"]


@pytest.mark.parametrize(("value", "expected"), [
    (2025.12, dt.date(2025, 12, 31)),  # "2025.12" typed into a General cell: Excel keeps a number
    (2025.05, dt.date(2025, 5, 31)),
    (2026.2, dt.date(2026, 2, 28)),
    ("2025.12", dt.date(2025, 12, 31)),
    ("2025年12月底", dt.date(2025, 12, 31)),
    ("2025年12月底前", dt.date(2025, 12, 31)),
    ("2025年6月上旬", dt.date(2025, 6, 10)),
    ("2025年12月31日前", dt.date(2025, 12, 31)),
    (45991, dt.date(2025, 11, 30)),  # a real date cell: its serial
])
def test_deadlines_as_units_type_them(value, expected):
    assert read_date(value) == (expected, False, None)


def test_long_term_is_ongoing():
    assert read_date("长期") == (None, True, None)
    assert read_date("长期坚持") == (None, True, None)


@pytest.mark.parametrize("value", [2025.1, 2025, 1905.5, 12.5, "12月底前", "明年", 2025.13])
def test_what_cannot_be_a_deadline_is_refused_never_guessed(value):
    day, ongoing, error = read_date(value)
    assert day is None and not ongoing and error
    if value == 2025.1:
        assert "1月还是10月" in error
    if value == "12月底前":
        assert "年份" in error


def test_refusals_name_their_row_and_never_give_a_1905_date():
    data = sheet_bytes([HEADER,
                        ["1", "问题甲", "措施一", "党办", 2025.12, "", "", ""],
                        ["2", "问题乙", "措施二", "党办", 2025.1, "", "", ""],
                        ["3", "问题丙", "措施三", "党办", "12月底前", "", "", ""],
                        ["4", "问题丁", "措施四", "党办", None, "", "", ""]])
    book = read_xlsx(data)
    messages = [str(e) for e in book.errors]
    assert any(m.startswith("第3行“完成时限”") and "10月" in m for m in messages)
    assert any(m.startswith("第4行“完成时限”") and "年份" in m for m in messages)
    assert any(m.startswith("第5行“完成时限”") and "缺少完成时限" in m for m in messages)
    assert all(r.deadline is None or r.deadline.year >= 2000 for r in book.rows)
    assert book.rows[0].deadline == dt.date(2025, 12, 31)


def test_columns_of_real_templates_are_read_or_listed():
    data = sheet_bytes([
        ["序号", "问题清单", "整改措施", "整改落实目标", "责任单位", "整改期限", "措施类型", "是否常态化坚持",
         "完成情况", "整改结果", "验收时间", "佐证材料", "备注", "填报人"],
        ["1", "财务管理不规范", "补签合同", "合同全部补签", "财务室", "2025年12月底", "限期整改", "否",
         "已补签3份", "已完成", "2026年1月", "合同扫描件", "供应商已盖章", "张三"],
        ["2", "议事程序不规范", "按“四议两公开”议事", "", "社区两委", "", "长期坚持", "是",
         "已按程序议事2次", "长期坚持", "", "", "", "张三"],
    ])
    book = read_xlsx(data)
    assert book.errors == []
    first, second = book.rows
    assert first.progress == "已补签3份" and first.status == "done" and first.evidence == "合同扫描件"
    assert first.deadline == dt.date(2025, 12, 31)
    assert "供应商已盖章" in first.remarks and "整改落实目标：合同全部补签" in first.remarks
    assert "验收时间：2026年1月" in first.remarks
    assert second.ongoing and second.status == "ongoing"
    assert book.unrecognised == ["填报人"]
    assert set(book.extra) == {"整改落实目标", "措施类型", "是否常态化坚持", "验收时间"}


def test_a_formula_saved_without_its_value_is_caught_with_its_row():
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["1", "问题甲", "措施一", "党办", "2025-12-31", "", "", ""])
    sheet.append(["2", "问题乙", "措施二", "党办", None, "", "", ""])
    sheet["E3"] = "=DATE(2025,12,31)"  # openpyxl stores the formula and no result, as scripts do
    out = io.BytesIO()
    book.save(out)
    messages = [str(e) for e in read_xlsx(out.getvalue()).errors]
    assert len(messages) == 1 and messages[0].startswith("第3行“完成时限”：公式没有计算结果")


REMARKED = [
    LedgerRow("1", "党建", "“第一议题”落实不到位", "每次支部会议第一项学习" * 6, "李书记", "社区党委",
              dt.date(2025, 12, 1), False, "已召开5次", "done", dt.date(2025, 11, 1), "会议记录.pdf、签到表.jpg",
              "已纳入年度计划"),
    LedgerRow("1", "党建", "“第一议题”落实不到位", "建立学习台账", "李书记", "社区党委", None, True, "", "ongoing",
              None, "", "每季度检查"),
]


def test_remarks_and_evidence_round_trip_and_the_fast_reader_serves_our_own_export():
    data = write_xlsx(REMARKED)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<formula1>" in sheet and plain_sheet(sheet)  # the drop-down no longer sends it the slow way
    rows = read_xlsx(data).rows
    assert [(r.evidence, r.remarks) for r in rows] == [(r.evidence, r.remarks) for r in REMARKED]


def test_the_export_prints_one_page_wide_with_titles_repeated_and_rows_tall_enough():
    data = write_xlsx(REMARKED)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        workbook = archive.read("xl/workbook.xml").decode()
    assert re.search(r'<pageSetUpPr fitToPage="1"/>', sheet)
    setup = re.search(r"<pageSetup [^>]*/>", sheet)[0]
    assert 'orientation="landscape"' in setup and 'fitToHeight="0"' in setup and 'paperSize="9"' in setup
    assert "Print_Titles" in workbook and "$1:$2" in workbook
    heights = row_heights(REMARKED)
    assert heights[0] >= 3 * 13.5  # 66 characters in a 48-wide column: three lines at least
    written = float(re.search(r'<row r="3"[^>]*ht="([\d.]+)"[^>]*customHeight="1"', sheet)[1])
    assert abs(written - heights[0]) < 1  # Excel keeps heights in whole pixels


def test_basically_done_means_the_same_in_the_notice_and_the_ledger():
    assert status_of("基本完成") == "partly"
    assert ledger_status_of("基本完成") == "in_progress"
    assert ledger_status_of("已完成") == "done" and ledger_status_of("是") == "done"
    assert ledger_status_of("未开始") == "planned" and ledger_status_of("长期坚持") == "ongoing"
