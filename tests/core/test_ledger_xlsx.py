"""Excel ledgers: the layout written, the variants read, and the round trip."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from xuncha.core.ledger_xlsx import COLUMNS, LedgerFileError, LedgerRow, read_xlsx, write_xlsx

ROWS = [
    LedgerRow("1", "党建", "“第一议题”落实不到位", "每次支部会议第一项学习", "李书记", "社区党委", dt.date(2025, 12, 1),
              False, "已召开5次", "done", dt.date(2025, 11, 1), "会议记录.pdf", ""),
    LedgerRow("1", "党建", "“第一议题”落实不到位", "建立学习台账", "李书记", "社区党委", None, True, "", "ongoing",
              None, "", ""),
    LedgerRow("2", "财务", "财务管理不规范", "补签合同", "王主任", "财务室", dt.date(2026, 1, 31), False, "", "planned",
              None, "", "待供应商盖章"),
]


def plain(rows):
    return [(r.number, r.category, r.finding, r.measure, r.lead, r.owner, r.deadline, r.ongoing, r.progress, r.status,
             r.completed_on, r.evidence, r.remarks) for r in rows]


def test_export_then_import_gives_back_the_same_rows():
    book = read_xlsx(write_xlsx(ROWS))
    assert book.errors == []
    assert plain(book.rows) == plain(ROWS)
    assert [len(f.rows) for f in book.findings] == [2, 1]


def test_a_rounds_workbook_is_read_from_the_units_own_sheet_never_its_summary():
    from xuncha.core.ledger_xlsx import UnitLedger, write_round_xlsx

    data = write_round_xlsx([UnitLedger("天宝社区", rows=ROWS[:2]), UnitLedger("建设社区", rows=ROWS[2:])])
    assert [r.finding for r in read_xlsx(data, prefer="建设社区").rows] == ["财务管理不规范"]
    assert plain(read_xlsx(data, prefer="天宝社区").rows) == plain(ROWS[:2])
    assert plain(read_xlsx(data).rows) == plain(ROWS[:2])  # no unit named: the first ledger sheet, not 汇总
    assert plain(read_xlsx(data, prefer="别的社区").rows) == plain(ROWS[:2])


def test_the_written_sheet_has_merged_finding_cells_a_frozen_header_and_a_status_list():
    sheet = load_workbook(io.BytesIO(write_xlsx(ROWS))).active
    assert [c.value for c in sheet[2]] == list(COLUMNS)
    assert {str(r) for r in sheet.merged_cells.ranges} >= {"A3:A4", "B3:B4", "C3:C4"}
    assert sheet.freeze_panes == "D3"
    validation = sheet.data_validations.dataValidation[0]
    assert "已完成" in validation.formula1 and "I3" in str(validation.sqref)
    assert round(sheet.column_dimensions["C"].width) in (40, 41)  # Excel adds its padding


def sheet_bytes(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_it_reads_other_orders_synonyms_blank_rows_and_text_dates():
    data = sheet_bytes([
        ["某社区巡察整改台账"],
        ["问题描述", "序号", "具体措施", "责任人", "整改时限", "状态", "备注"],
        ["财务管理不规范", "1", "补签合同", "财务室", "2025年12月31日", "已完成", ""],
        [None, None, "建立报销审核制度", "财务室", "2026.1.15", "正在整改", ""],
        [],
        ["议事程序不规范", "2", "按“四议两公开”议事", "社区两委", "长期坚持", "", ""],
    ])
    book = read_xlsx(data)
    assert book.errors == []
    assert [(f.number, f.text, len(f.rows)) for f in book.findings] == [("1", "财务管理不规范", 2),
                                                                         ("2", "议事程序不规范", 1)]
    first, second, third = book.rows
    assert (first.deadline, first.status) == (dt.date(2025, 12, 31), "done")
    assert (second.deadline, second.status, second.finding) == (dt.date(2026, 1, 15), "in_progress", "财务管理不规范")
    assert third.ongoing and third.deadline is None
    assert book.columns["反馈问题"] == "问题描述"


def test_it_lists_every_bad_row_in_chinese():
    data = sheet_bytes([
        ["反馈问题", "整改措施", "完成时限", "整改状态"],
        ["问题一", "措施一", "明年", "已完成"],
        ["问题二", "", "2025-12-01", ""],
        ["问题三", "措施三", "2025-13-01", "差不多"],
    ])
    book = read_xlsx(data)
    messages = [str(e) for e in book.errors]
    assert "第2行“完成时限”：无法识别日期“明年”" in messages[0]
    assert messages[1] == "第3行“整改措施”：缺少整改措施"
    assert any("第4行“完成时限”" in m and "不是有效日期" in m for m in messages)
    assert any("第4行“整改状态”" in m and "差不多" in m for m in messages)


def test_a_sheet_without_the_needed_columns_is_refused():
    with pytest.raises(LedgerFileError, match="没有找到台账表头"):
        read_xlsx(sheet_bytes([["姓名", "电话"], ["张三", "123"]]))
    with pytest.raises(LedgerFileError, match="无法打开"):
        read_xlsx(b"not a workbook")


def test_the_fast_and_the_general_sheet_readers_agree():
    """Our own exports (shared strings) take the fast path; other writers' inline strings the general one."""
    plain_rows = [list(COLUMNS)] + [[r.number, r.category, r.finding, r.measure, r.lead, r.owner,
                                     r.deadline or "长期坚持", r.progress, "已完成" if r.status == "done" else "",
                                     r.completed_on, r.evidence, r.remarks] for r in ROWS]
    general = read_xlsx(sheet_bytes(plain_rows))  # openpyxl writes inline strings
    fast = read_xlsx(write_xlsx(ROWS))
    assert [(r.finding, r.measure, r.deadline, r.ongoing, r.completed_on) for r in general.rows] == \
        [(r.finding, r.measure, r.deadline, r.ongoing, r.completed_on) for r in fast.rows]


def test_formula_cells_are_read_by_their_cached_values():
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["序号", "反馈问题", "整改措施"])
    sheet.write_formula(1, 0, "=ROW()-1", None, 1)
    sheet.write_row(1, 1, ["问题一", "措施一"])
    book.close()
    assert read_xlsx(out.getvalue()).rows[0].number == "1"


# ---- damaged workbooks: a Chinese refusal, never an exception of another type ----------------

def rewritten(data: bytes, member: str, change) -> bytes:
    """The workbook with one member changed by `change(bytes) -> bytes | None` (None: removed)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                content = change(content)
            if content is not None:
                archive.writestr(info.filename, content)
    return out.getvalue()


def _string_index(value: str):
    import re

    def change(xml: bytes) -> bytes:
        # Without the status drop-down (its <formula1>) the sheet takes the fast path.
        xml = re.sub(rb"<dataValidations.*</dataValidations>", b"", xml)
        return re.sub(rb'(t="s"><v>)\d+', rb"\g<1>" + value.encode(), xml, count=1)

    return change


def _with_formula(change):
    # A formula sends the sheet down the general (lxml) path instead of the fast one.
    return lambda xml: change(xml).replace(b"</sheetData>", b'<row r="900"><c r="A900"><f>1+1</f>'
                                                           b"<v>2</v></c></row></sheetData>")


DAMAGE = [
    ("xl/worksheets/sheet1.xml", _string_index("99999"), "不存在的共享字符串（第 99999 号"),
    ("xl/worksheets/sheet1.xml", _string_index("-1"), "不存在的共享字符串（第 -1 号"),
    ("xl/worksheets/sheet1.xml", _with_formula(_string_index("99999")), "不存在的共享字符串"),
    ("xl/workbook.xml", lambda xml: None, "缺少“xl/workbook.xml”"),
    ("xl/_rels/workbook.xml.rels", lambda xml: None, "缺少“xl/_rels/workbook.xml.rels”"),
    ("xl/worksheets/sheet1.xml", lambda xml: None, "找不到第一个工作表"),
    ("xl/workbook.xml", lambda xml: xml[: len(xml) // 2], "无法打开 Excel 文件"),
    ("xl/sharedStrings.xml", lambda xml: b"<sst><si><t>x</t>", "无法打开 Excel 文件"),
    ("xl/worksheets/sheet1.xml", _with_formula(lambda xml: xml.replace(b"</row>", b"", 1)),
     "无法打开 Excel 文件"),
]


@pytest.mark.parametrize(("member", "change", "message"), DAMAGE)
def test_a_damaged_workbook_is_refused_in_chinese(member, change, message):
    with pytest.raises(LedgerFileError, match=message):
        read_xlsx(rewritten(write_xlsx(ROWS), member, change))


def test_a_file_that_is_not_a_zip_is_refused_in_chinese():
    with pytest.raises(LedgerFileError, match="不是有效的压缩文件"):
        read_xlsx(b"\xd0\xcf\x11\xe0 an old .xls renamed")


def test_cells_far_off_the_sheet_cannot_blow_up_memory():
    def far(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", b'<row r="3000"><c r="XFD3000" t="s"><v>0</v></c></row>'
                                            b"</sheetData>")

    book = read_xlsx(rewritten(write_xlsx(ROWS), "xl/worksheets/sheet1.xml", far))
    assert len(book.rows) == 3  # the cell in column XFD is beyond any ledger column: dropped
    far_down = b'<row r="900000"><c r="A900000" t="s"><v>0</v></c></row></sheetData>'
    with pytest.raises(LedgerFileError, match="超过 100000 行"):
        read_xlsx(rewritten(write_xlsx(ROWS), "xl/worksheets/sheet1.xml",
                            lambda xml: xml.replace(b"</sheetData>", far_down)))


def test_the_import_preview_reads_the_inspections_own_unit_sheet():
    from xuncha.core.ledger_xlsx import UnitLedger, write_round_xlsx
    from xuncha.ledger.services.imports import preview

    data = write_round_xlsx([UnitLedger("天宝社区", rows=ROWS[:2]), UnitLedger("建设社区", rows=ROWS[2:])])
    assert [r.finding for r in preview("台账.xlsx", data, "建设社区").book.rows] == ["财务管理不规范"]
