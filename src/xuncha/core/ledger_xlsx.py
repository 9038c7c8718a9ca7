"""The Excel ledger (台账): one row per measure, in the columns units keep today.

`write_xlsx` lays a ledger out with the finding cells merged, a frozen header, sensible widths
and a drop-down for 整改状态. `read_xlsx` reads that layout and the usual variants (other
column order, synonyms such as 问题描述/存在问题, merged or blank finding cells, dates written
as text, blank rows) into a `LedgerBook`: rows grouped by finding, with a per-row error list in
Chinese. Nothing here touches a database.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from xuncha.core.dates import parse_date
from xuncha.core.statuses import MEASURE_STATUS

COLUMNS = ("序号", "问题类别", "反馈问题", "整改措施", "责任领导", "责任部门/责任人", "完成时限", "整改进展",
           "整改状态", "完成时间", "佐证材料", "备注")
FINDING_COLUMNS = ("序号", "问题类别", "反馈问题")  # merged over the finding's measure rows
WIDTHS = {"序号": 8, "问题类别": 18, "反馈问题": 40, "整改措施": 48, "责任领导": 12, "责任部门/责任人": 18,
          "完成时限": 14, "整改进展": 40, "整改状态": 12, "完成时间": 14, "佐证材料": 24, "备注": 16}
SYNONYMS = {
    "序号": ("序号", "编号", "问题序号", "问题编号"),
    "问题类别": ("问题类别", "类别", "问题类型", "问题分类", "分类", "方面"),
    "反馈问题": ("反馈问题", "巡察反馈问题", "问题描述", "存在问题", "具体问题", "问题表现", "问题"),
    "整改措施": ("整改措施", "整改举措", "具体措施", "措施"),
    "责任领导": ("责任领导", "牵头领导", "分管领导", "领导"),
    "责任部门/责任人": ("责任部门/责任人", "责任部门", "责任单位", "责任人", "具体责任人", "牵头部门"),
    "完成时限": ("完成时限", "整改时限", "完成期限", "时限", "计划完成时间"),
    "整改进展": ("整改进展", "进展情况", "整改情况", "落实情况", "工作进展"),
    "整改状态": ("整改状态", "完成状态", "状态", "整改结果", "是否完成"),
    "完成时间": ("完成时间", "完成日期", "实际完成时间", "办结时间"),
    "佐证材料": ("佐证材料", "佐证", "附件", "证明材料"),
    "备注": ("备注", "说明"),
}
STATUS_WORDS = (  # measure status from the words people write; qualifiers first
    ("未开始", "planned"), ("未启动", "planned"), ("基本完成", "in_progress"), ("未完成", "in_progress"),
    ("正在整改", "in_progress"), ("整改中", "in_progress"), ("推进中", "in_progress"), ("进行中", "in_progress"),
    ("长期坚持", "ongoing"), ("持续推进", "ongoing"), ("长期", "ongoing"),
    ("已完成", "done"), ("已整改", "done"), ("已办结", "done"), ("完成", "done"), ("是", "done"), ("否", "in_progress"),
)
ONGOING_WORDS = ("长期坚持", "长期", "持续推进", "常态化")
NUMERIC_DATE = re.compile(r"^\s*((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?\s*$")


@dataclass
class LedgerRow:
    """One measure of the ledger, with its finding's columns repeated."""

    number: str = ""
    category: str = ""
    finding: str = ""
    measure: str = ""
    lead: str = ""
    owner: str = ""
    deadline: dt.date | None = None
    ongoing: bool = False
    progress: str = ""
    status: str = "planned"  # a MEASURE_STATUS value
    completed_on: dt.date | None = None
    evidence: str = ""
    remarks: str = ""
    row: int = 0  # the spreadsheet row it came from (1-based), for messages


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行“{self.column}”：{self.message}"


@dataclass
class LedgerFinding:
    number: str
    category: str
    text: str
    rows: list[LedgerRow] = field(default_factory=list)


@dataclass
class LedgerBook:
    findings: list[LedgerFinding] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # ours → the header found in the file

    @property
    def rows(self) -> list[LedgerRow]:
        return [row for finding in self.findings for row in finding.rows]


class LedgerFileError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---- writing ------------------------------------------------------------------------------

def _deadline_text(row: LedgerRow) -> str | dt.date:
    if row.ongoing:
        return "长期坚持"
    return row.deadline or ""


def write_xlsx(rows: list[LedgerRow], title: str = "巡察整改台账") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "整改台账"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(name="黑体", size=16)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    sheet.append(list(COLUMNS))
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[2]:
        cell.font = Font(name="黑体", size=11)
        cell.fill = PatternFill("solid", fgColor="E8EEF4")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    wrap = Alignment(vertical="top", wrap_text=True)
    first_data = 3
    for row in rows:
        sheet.append([row.number, row.category, row.finding, row.measure, row.lead, row.owner, _deadline_text(row),
                      row.progress, MEASURE_STATUS.label(row.status), row.completed_on or "", row.evidence,
                      row.remarks])
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            cell.border = border
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    # Merge the finding cells over each finding's consecutive rows.
    start = first_data
    for index in range(first_data, sheet.max_row + 2):
        current = rows[index - first_data] if index - first_data < len(rows) else None
        previous = rows[start - first_data] if start - first_data < len(rows) else None
        if current is None or previous is None or (current.number, current.finding) != (previous.number,
                                                                                         previous.finding):
            if previous is not None and index - 1 > start:
                for column in FINDING_COLUMNS:
                    letter = get_column_letter(COLUMNS.index(column) + 1)
                    sheet.merge_cells(f"{letter}{start}:{letter}{index - 1}")
            start = index
    for position, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = WIDTHS[name]
    sheet.freeze_panes = "D3"
    status_column = get_column_letter(COLUMNS.index("整改状态") + 1)
    labels = ",".join(c.label for c in MEASURE_STATUS)
    validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True,
                                error="请从下拉列表中选择整改状态", errorTitle="整改状态", showErrorMessage=True)
    sheet.add_data_validation(validation)
    validation.add(f"{status_column}3:{status_column}{max(3, sheet.max_row) + 500}")
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- reading ------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"[ \t\u3000]+", " ", str(value)).strip()


def read_date(value) -> tuple[dt.date | None, bool, str | None]:
    """(date, ongoing, error) from a cell: a date, "2025-12-31", "2025年12月31日", "长期坚持" …"""
    if value is None or _text(value) == "":
        return None, False, None
    if isinstance(value, dt.datetime):
        return value.date(), False, None
    if isinstance(value, dt.date):
        return value, False, None
    text = _text(value)
    if any(word in text for word in ONGOING_WORDS):
        return None, True, None
    numeric = NUMERIC_DATE.match(text)
    if numeric:
        try:
            return dt.date(int(numeric[1]), int(numeric[2]), int(numeric[3])), False, None
        except ValueError:
            return None, False, f"“{text}”不是有效日期"
    day = parse_date(text)
    if day:
        return day, False, None
    return None, False, f"无法识别日期“{text}”（可写作 2025-12-31、2025年12月31日或“长期坚持”）"


def read_status(text: str) -> str | None:
    text = _text(text)
    if not text:
        return None
    if text in MEASURE_STATUS:
        return text
    for choice in MEASURE_STATUS:
        if text == choice.label:
            return choice.value
    return next((status for word, status in STATUS_WORDS if word in text), None)


def _find_header(rows: list[tuple]) -> tuple[int, dict[str, int], dict[str, str]]:
    """The header row among the first ten, and the column index of each of our columns."""
    best: tuple[int, dict[str, int], dict[str, str]] = (-1, {}, {})
    for index, row in enumerate(rows[:10]):
        found: dict[str, int] = {}
        names: dict[str, str] = {}
        cells = [_text(v).replace("\n", "") for v in row]
        for ours, words in SYNONYMS.items():
            for position, cell in enumerate(cells):
                if position in found.values() or not cell:
                    continue
                if cell in words or any(cell.startswith(w) for w in words if len(w) > 1):
                    found[ours], names[ours] = position, cell
                    break
        if len(found) > len(best[1]):
            best = (index, found, names)
    return best


def read_xlsx(data: bytes) -> LedgerBook:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many types for files that are not workbooks
        raise LedgerFileError("无法打开 Excel 文件（文件已损坏，或不是 .xlsx 格式）。") from None
    sheet = book.worksheets[0]
    # Merged cells keep their value in the top-left cell only: copy it into the whole range.
    merged = {}
    for cell_range in sheet.merged_cells.ranges:
        value = sheet.cell(cell_range.min_row, cell_range.min_col).value
        for row in range(cell_range.min_row, cell_range.max_row + 1):
            for column in range(cell_range.min_col, cell_range.max_col + 1):
                merged[(row, column)] = value
    rows = [[merged.get((r, c + 1), value) for c, value in enumerate(row)]
            for r, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    header, columns, names = _find_header([tuple(r) for r in rows])
    if header < 0 or "反馈问题" not in columns or "整改措施" not in columns:
        raise LedgerFileError("没有找到台账表头：至少需要“反馈问题”（或问题描述、存在问题）和“整改措施”两列。")
    return _book(rows[header + 1:], header + 2, columns, names)


def _book(rows: list[list], first_row: int, columns: dict[str, int], names: dict[str, str]) -> LedgerBook:
    book = LedgerBook(columns=names)
    last = {"序号": "", "问题类别": "", "反馈问题": ""}

    def cell(row: list, name: str):
        position = columns.get(name)
        return row[position] if position is not None and position < len(row) else None

    for offset, values in enumerate(rows):
        number = first_row + offset
        if not any(_text(v) for v in values):
            continue  # blank row
        texts = {name: _text(cell(values, name)) for name in COLUMNS if name not in ("完成时限", "完成时间")}
        # A blank finding cell continues the finding above (unmerged or hand-filled ledgers);
        # a blank category continues the category above.
        if not texts["反馈问题"]:
            texts.update({name: texts[name] or last[name] for name in FINDING_COLUMNS})
        elif not texts["问题类别"]:
            texts["问题类别"] = last["问题类别"]
        last = {name: texts[name] for name in FINDING_COLUMNS}
        if not texts["反馈问题"]:
            book.errors.append(RowError(number, names.get("反馈问题", "反馈问题"), "缺少反馈问题"))
            continue
        if not texts["整改措施"]:
            book.errors.append(RowError(number, names.get("整改措施", "整改措施"), "缺少整改措施"))
            continue
        deadline, ongoing, error = read_date(cell(values, "完成时限"))
        if error:
            book.errors.append(RowError(number, names.get("完成时限", "完成时限"), error))
        completed_on, _, error = read_date(cell(values, "完成时间"))
        if error:
            book.errors.append(RowError(number, names.get("完成时间", "完成时间"), error))
        status = read_status(texts["整改状态"])
        if texts["整改状态"] and status is None:
            book.errors.append(RowError(number, names.get("整改状态", "整改状态"),
                                        f"无法识别整改状态“{texts['整改状态']}”（可选：已完成、正在整改、未开始、长期坚持）"))
        if status is None:
            status = "in_progress" if texts["整改进展"] else "planned"
        if status == "ongoing":
            ongoing = True
        row = LedgerRow(number=texts["序号"], category=texts["问题类别"], finding=texts["反馈问题"],
                        measure=texts["整改措施"], lead=texts["责任领导"], owner=texts["责任部门/责任人"],
                        deadline=deadline, ongoing=ongoing, progress=texts["整改进展"], status=status,
                        completed_on=completed_on, evidence=texts["佐证材料"], remarks=texts["备注"], row=number)
        current = book.findings[-1] if book.findings else None
        if current is None or (current.number, current.text) != (row.number, row.finding):
            current = LedgerFinding(number=row.number, category=row.category, text=row.finding)
            book.findings.append(current)
        current.rows.append(row)
    if not book.findings and not book.errors:
        book.errors.append(RowError(first_row, "整改措施", "表头下面没有任何台账行"))
    return book
