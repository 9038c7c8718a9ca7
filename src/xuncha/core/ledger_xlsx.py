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
from html import unescape

from xuncha.core import safezip
from xuncha.core.dates import parse_date
from xuncha.core.statuses import MEASURE_STATUS, measure_status_word
from xuncha.core.vocabulary import ledger_status_of

COLUMNS = ("序号", "问题类别", "反馈问题", "整改措施", "责任领导", "责任部门/责任人", "完成时限", "整改进展",
           "整改状态", "完成时间", "佐证材料", "备注")
FINDING_COLUMNS = ("序号", "问题类别", "反馈问题")  # merged over the finding's measure rows
# All blank on a row with a finding: the finding has no measures yet (not a blank required cell).
MEASURE_COLUMNS = ("整改措施", "责任领导", "责任部门/责任人", "完成时限", "整改进展", "整改状态", "完成时间",
                   "佐证材料")
FINDING_FIELDS = {"序号": "number", "问题类别": "category", "反馈问题": "finding"}
WIDTHS = {"序号": 8, "问题类别": 18, "反馈问题": 40, "整改措施": 48, "责任领导": 12, "责任部门/责任人": 18,
          "完成时限": 14, "整改进展": 40, "整改状态": 12, "完成时间": 14, "佐证材料": 24, "备注": 16}
# Headings as units' real templates spell them. Exact names first: a heading is matched by the
# first of our columns that names it exactly, else by the first whose synonym it starts with.
SYNONYMS = {
    "序号": ("序号", "编号", "问题序号", "问题编号"),
    "问题类别": ("问题类别", "类别", "问题类型", "问题分类", "分类", "方面", "问题领域"),
    "反馈问题": ("反馈问题", "巡察反馈问题", "问题描述", "存在问题", "具体问题", "问题表现", "问题清单", "问题"),
    "整改措施": ("整改措施", "整改举措", "具体措施", "整改任务", "措施"),
    "责任领导": ("责任领导", "牵头领导", "分管领导", "领导"),
    "责任部门/责任人": ("责任部门/责任人", "责任部门", "责任单位", "责任人", "具体责任人", "牵头部门", "责任主体"),
    "完成时限": ("完成时限", "整改时限", "完成期限", "时限", "计划完成时间", "整改期限"),
    "整改进展": ("整改进展", "进展情况", "整改情况", "落实情况", "工作进展", "完成情况", "整改落实情况",
                 "整改完成情况"),
    "整改状态": ("整改状态", "完成状态", "状态", "整改结果", "是否完成", "是否整改到位", "是否完成整改"),
    "完成时间": ("完成时间", "完成日期", "实际完成时间", "办结时间", "整改完成时间"),
    "佐证材料": ("佐证材料", "佐证", "附件", "证明材料", "佐证资料"),
    "备注": ("备注", "说明"),
}
# Columns of real templates that have no place of their own in the ledger: kept in 备注, labelled,
# so nothing in the file is lost (措施类型 and 是否常态化坚持 also say a measure is 长期坚持).
EXTRA_COLUMNS = ("整改落实目标", "整改目标", "是否常态化坚持", "措施类型", "任务是否完成序时进度", "序时进度",
                 "应整改数", "已整改数", "验收时间", "验收情况", "验收人")
ONGOING_WORDS = ("长期坚持", "长期", "持续推进", "常态化")
NUMERIC_DATE = re.compile(r"^\s*((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?\s*$")
# A month without a day: 2025.12, 2025-12, 2025年12月, 2025年12月底/末/前, 2025年12月下旬.
MONTH_DATE = re.compile(r"^\s*((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})\s*月?\s*(底|末|上旬|中旬|下旬|份)?"
                        r"\s*(?:前|之前|以前)?\s*$")
NO_YEAR = re.compile(r"^\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号])?\s*(底|末|上旬|中旬|下旬)?\s*(?:前|之前|以前)?\s*$")
# Excel serials from 2000 to 2100: a number outside cannot be a deadline typed as a date.
FIRST_SERIAL, LAST_SERIAL = 36526, 73415


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
    kind: str = ""  # 措施类型 as written (立行立改, 限期整改, 长期坚持), when the file has the column


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
    unrecognised: list[str] = field(default_factory=list)  # headings of columns not read
    extra: list[str] = field(default_factory=list)  # headings kept in 备注 (EXTRA_COLUMNS)

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


LINE_PT = 13.5  # a line of 10 pt text
CJK_UNITS = 1.9  # a Chinese character of 10 pt in Excel's column-width units (a digit of the default font)


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell of `width` units needs for `text` (Chinese counted wider than Latin)."""
    if not text:
        return 1
    total = 0
    for part in text.split("\n"):
        wide = (len(part.encode("utf-8")) - len(part)) // 2  # 3 bytes a Chinese character in UTF-8
        units = len(part) - wide + wide * CJK_UNITS
        total += max(1, -(-int(units) // max(1, int(width - 1))))
    return total


def row_heights(rows: list[LedgerRow]) -> list[float]:
    """Heights (pt) for the rows so every wrapped cell shows its whole text when printed: Excel
    and WPS do not grow rows for text on opening a file, least of all under merged cells."""
    measure_widths = [(COLUMNS.index(name), WIDTHS[name]) for name in COLUMNS if name not in FINDING_COLUMNS]
    heights = []
    for row in rows:
        values = _values(row)
        heights.append(max(_lines(str(values[i]) if not isinstance(values[i], dt.date) else "", width)
                           for i, width in measure_widths) * LINE_PT + 4)
    # A finding's merged cells are as tall as its rows together: the last row takes what is missing.
    start = 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or (rows[index].number, rows[index].finding) != (rows[start].number,
                                                                                rows[start].finding):
            needed = max(_lines(getattr(rows[start], FINDING_FIELDS[name]), WIDTHS[name])
                         for name in FINDING_COLUMNS) * LINE_PT + 4
            have = sum(heights[start:index])
            if needed > have:
                heights[index - 1] += needed - have
            start = index
    return [min(height, 409) for height in heights]  # Excel's largest row height


def _values(row: LedgerRow) -> list:
    # 逾期完成 when finished after the deadline; a finding without measures has no status yet
    status = measure_status_word(row.status, row.deadline, row.completed_on) if row.measure else ""
    return [row.number, row.category, row.finding, row.measure, row.lead, row.owner, _deadline_text(row),
            row.progress, status, row.completed_on or "", row.evidence, row.remarks]


def _workbook(out: io.BytesIO):
    import xlsxwriter

    return xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False})


class _Formats:
    """The cell formats of one workbook (xlsxwriter formats belong to the book that made them)."""

    def __init__(self, book) -> None:
        base = {"border": 1, "border_color": "#999999", "valign": "top", "text_wrap": True, "font_size": 10}
        self.title = book.add_format({"font_name": "黑体", "font_size": 16, "align": "center",
                                      "valign": "vcenter"})
        self.header = book.add_format({**base, "font_name": "黑体", "font_size": 11, "bg_color": "#E8EEF4",
                                       "align": "center", "valign": "vcenter"})
        self.cell = book.add_format(base)
        self.date = book.add_format({**base, "num_format": "yyyy-mm-dd"})
        self.number = book.add_format({**base, "num_format": "0"})
        self.percent = book.add_format({**base, "num_format": "0.0%"})


def _write_cell(sheet, row: int, column: int, value, formats: _Formats) -> None:
    if isinstance(value, dt.date):
        sheet.write_datetime(row, column, dt.datetime(value.year, value.month, value.day), formats.date)
    elif isinstance(value, float):
        sheet.write_number(row, column, value, formats.percent)
    elif isinstance(value, int):
        sheet.write_number(row, column, value, formats.number)
    else:
        sheet.write_string(row, column, str(value), formats.cell)


def _ledger_sheet(book, formats: _Formats, name: str, rows: list[LedgerRow], title: str) -> None:
    """One 台账 sheet: title, header, a row per measure, the finding cells merged."""
    sheet = book.add_worksheet(name)
    cell = formats.cell
    last_column = len(COLUMNS) - 1
    sheet.merge_range(0, 0, 0, last_column, title, formats.title)
    sheet.set_row(0, 30)
    sheet.write_row(1, 0, COLUMNS, formats.header)
    for index, (row, height) in enumerate(zip(rows, row_heights(rows), strict=True), start=2):
        sheet.set_row(index, height)
        for column, value in enumerate(_values(row)):
            if isinstance(value, dt.date):
                _write_cell(sheet, index, column, value, formats)
            else:
                sheet.write_string(index, column, str(value), cell)
    # Merge the finding cells over each finding's consecutive rows.
    start = 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or (rows[index].number, rows[index].finding) != (rows[start].number,
                                                                                rows[start].finding):
            if index - 1 > start:
                for name in FINDING_COLUMNS:
                    column = COLUMNS.index(name)
                    value = getattr(rows[start], FINDING_FIELDS[name])
                    sheet.merge_range(start + 2, column, index + 1, column, value, cell)
            start = index
    for position, name in enumerate(COLUMNS):
        sheet.set_column(position, position, WIDTHS[name])
    sheet.freeze_panes(2, 3)
    status_column = COLUMNS.index("整改状态")
    sheet.data_validation(2, status_column, max(2, len(rows) + 1) + 500, status_column, {
        "validate": "list", "source": [c.label for c in MEASURE_STATUS], "error_title": "整改状态",
        "error_message": "请从下拉列表中选择整改状态"})
    # On paper: A4 landscape, one page wide (as many pages long as it takes), the title and the
    # header on every page, narrow margins, the page number in the footer.
    sheet.repeat_rows(0, 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")
    sheet.center_horizontally()


def write_xlsx(rows: list[LedgerRow], title: str = "巡察整改台账") -> bytes:
    out = io.BytesIO()
    book = _workbook(out)
    _ledger_sheet(book, _Formats(book), "整改台账", rows, title)
    book.set_properties({"title": title})
    book.close()
    return out.getvalue()


# ---- a round: one workbook, a summary sheet and a sheet per unit -----------------------------

SUMMARY_SHEET = "汇总"
SUMMARY_COLUMNS = ("序号", "被巡察单位", "巡察组", "反馈日期", "集中整改期截止", "反馈问题", "完成整改",
                   "已销号", "整改措施", "措施完成", "逾期未完成措施", "问题整改完成率", "工作表")
SUMMARY_WIDTHS = (6, 28, 18, 12, 14, 10, 10, 8, 10, 10, 14, 14, 24)
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31  # Excel's limit


@dataclass
class UnitLedger:
    """One unit's part of a round's workbook: its summary figures and its 台账 rows."""

    unit: str
    team: str = ""
    feedback_date: dt.date | None = None
    rectification_end: dt.date | None = None
    findings_total: int = 0
    findings_finished: int = 0
    findings_closed: int = 0
    measures_total: int = 0
    measures_finished: int = 0
    measures_overdue: int = 0
    rows: list[LedgerRow] = field(default_factory=list)


def sheet_name(name: str, used: set[str]) -> str:
    """A legal, unique sheet name: no []:*?/\\, at most 31 characters, "(2)" etc. on a clash."""
    base = SHEET_NAME_FORBIDDEN.sub("_", name).strip("'").strip() or "单位"
    candidate, counter = base[:SHEET_NAME_MAX], 1
    while candidate.casefold() in {u.casefold() for u in used} or candidate == SUMMARY_SHEET:
        counter += 1
        suffix = f"({counter})"
        candidate = base[:SHEET_NAME_MAX - len(suffix)] + suffix
    used.add(candidate)
    return candidate


def _summary_sheet(book, formats: _Formats, units: list[UnitLedger], names: list[str], title: str) -> None:
    sheet = book.add_worksheet(SUMMARY_SHEET)
    sheet.merge_range(0, 0, 0, len(SUMMARY_COLUMNS) - 1, title, formats.title)
    sheet.set_row(0, 30)
    sheet.write_row(1, 0, SUMMARY_COLUMNS, formats.header)
    for index, (unit, name) in enumerate(zip(units, names, strict=True), start=2):
        share = unit.findings_finished / unit.findings_total if unit.findings_total else ""
        values = [index - 1, unit.unit, unit.team, unit.feedback_date or "", unit.rectification_end or "",
                  unit.findings_total, unit.findings_finished, unit.findings_closed, unit.measures_total,
                  unit.measures_finished, unit.measures_overdue, share]
        for column, value in enumerate(values):
            _write_cell(sheet, index, column, value, formats)
        sheet.write_url(index, len(values), f"internal:'{name}'!A1", string=name)
    total_row = len(units) + 2
    sheet.write_string(total_row, 1, "合计", formats.header)
    for column in range(5, 11):
        letter = chr(ord("A") + column)
        total = sum(_summary_value(u, column) for u in units)
        sheet.write_formula(total_row, column, f"=SUM({letter}3:{letter}{total_row})", formats.number, total)
    for position, width in enumerate(SUMMARY_WIDTHS):
        sheet.set_column(position, position, width)
    sheet.freeze_panes(2, 2)


def _summary_value(unit: UnitLedger, column: int) -> int:
    return [unit.findings_total, unit.findings_finished, unit.findings_closed, unit.measures_total,
            unit.measures_finished, unit.measures_overdue][column - 5]


def write_round_xlsx(units: list[UnitLedger], title: str = "巡察整改台账") -> bytes:
    """A round's workbook: the 汇总 sheet first, then one 台账 sheet per unit, laid out as
    `write_xlsx` lays out one inspection's."""
    out = io.BytesIO()
    book = _workbook(out)
    formats = _Formats(book)
    used: set[str] = set()
    names = [sheet_name(u.unit, used) for u in units]
    _summary_sheet(book, formats, units, names, title)
    for unit, name in zip(units, names, strict=True):
        _ledger_sheet(book, formats, name, unit.rows, f"{unit.unit}巡察整改台账")
    book.set_properties({"title": title})
    book.close()
    return out.getvalue()


# ---- reading ------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u3000]{2,}|[\t\u3000]")


def _text(value) -> str:
    if value is None or value is NO_VALUE:
        return ""
    if value.__class__ is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    text = value.strip()
    return _SPACES.sub(" ", text) if ("  " in text or "\t" in text or "\u3000" in text) else text


def _month_end(year: int, month: int, part: str | None) -> dt.date | None:
    """The last day a deadline given to the month (or its ten days) allows."""
    if not 1 <= month <= 12:
        return None
    if part in ("上旬",):
        return dt.date(year, month, 10)
    if part in ("中旬",):
        return dt.date(year, month, 20)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def read_date(value) -> tuple[dt.date | None, bool, str | None]:
    """(date, ongoing, error) from a cell: a date, "2025-12-31", "2025年12月31日", "2025.12" (typed
    into a number cell, so stored as 2025.12), "2025年12月底", "长期坚持" … Never a guess: a
    number that is no date of this century, or a month without its year, is an error."""
    if value is None or _text(value) == "":
        return None, False, None
    if isinstance(value, dt.datetime):
        return value.date(), False, None
    if isinstance(value, dt.date):
        return value, False, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        year = int(value)
        if 1990 <= year <= 2100 and value != year:
            # "2025.12" typed into a cell Excel thought numeric: year.month, the day left out.
            digits = f"{value:.2f}".split(".")[1]
            if digits == "10" and abs(value * 100 - round(value * 100)) < 1e-6:
                return None, False, (f"“{value:g}”无法确定是{year}年1月还是10月（Excel 把 {year}.10 存成了 {year}.1），"
                                     f"请写作“{year}年1月底”或“{year}年10月底”")
            month = int(digits[0]) if digits[1] == "0" else int(digits)
            day = _month_end(year, month, "底") if abs(value * 100 - round(value * 100)) < 1e-6 else None
            if day:
                return day, False, None
        if FIRST_SERIAL <= value <= LAST_SERIAL:  # an Excel date serial (days since 1899-12-30)
            return EXCEL_EPOCH + dt.timedelta(days=int(value)), False, None
        return None, False, f"“{value:g}”不是有效日期（可写作 2025-12-31、2025年12月底或“长期坚持”）"
    text = _text(value)
    if any(word in text for word in ONGOING_WORDS):
        return None, True, None
    numeric = NUMERIC_DATE.match(text)
    if numeric:
        try:
            return dt.date(int(numeric[1]), int(numeric[2]), int(numeric[3])), False, None
        except ValueError:
            return None, False, f"“{text}”不是有效日期"
    month = MONTH_DATE.match(text)
    if month:
        day = _month_end(int(month[1]), int(month[2]), month[3] or "底")
        return (day, False, None) if day else (None, False, f"“{text}”不是有效日期")
    if NO_YEAR.match(text):
        return None, False, f"“{text}”没有写年份，请写明年份（如“2025年{text.strip()}”）"
    day = parse_date(text)
    if day:
        return day, False, None
    return None, False, f"无法识别日期“{text}”（可写作 2025-12-31、2025年12月底或“长期坚持”）"


def read_status(text: str) -> str | None:
    text = _text(text)
    if not text:
        return None
    if text in MEASURE_STATUS:
        return text
    for choice in MEASURE_STATUS:
        if text == choice.label:
            return choice.value
    return ledger_status_of(text)


def _match(cell: str) -> str | None:
    for ours, words in SYNONYMS.items():
        if cell in words:
            return ours
    for ours, words in SYNONYMS.items():
        if any(cell.startswith(w) for w in words if len(w) > 1):
            return ours
    return None


def _find_header(rows: list[tuple]) -> tuple[int, dict[str, int], dict[str, str]]:
    """The header row among the first ten, and the column index of each of our columns."""
    best: tuple[int, dict[str, int], dict[str, str]] = (-1, {}, {})
    for index, row in enumerate(rows[:10]):
        found: dict[str, int] = {}
        names: dict[str, str] = {}
        for position, value in enumerate(row):
            cell = _text(value).replace("\n", "").replace(" ", "")
            ours = _match(cell) if cell and not any(cell.startswith(w) for w in EXTRA_COLUMNS) else None
            if ours and ours not in found:
                found[ours], names[ours] = position, cell
        if len(found) > len(best[1]):
            best = (index, found, names)
    return best


def _other_columns(header: tuple, columns: dict[str, int]) -> tuple[dict[str, int], list[str]]:
    """Headings beside ours: those kept in 备注 (EXTRA_COLUMNS) by position, and those not read."""
    used = set(columns.values())
    extra: dict[str, int] = {}
    unrecognised: list[str] = []
    for position, value in enumerate(header):
        cell = _text(value).replace("\n", "").replace(" ", "")
        if position in used or not cell:
            continue
        if any(cell.startswith(w) for w in EXTRA_COLUMNS):
            extra[cell] = position
        else:
            unrecognised.append(cell)
    return extra, unrecognised


NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CELL_REF = re.compile(r"([A-Z]+)(\d+)")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


# A ledger is a dozen columns; rows past Excel's own limit cannot be real. Cells beyond these
# bounds are dropped (columns) or refused (rows), so a hostile sheet cannot grow lists without end.
MAX_COLUMNS = 256
MAX_ROWS = 100_000
MAX_MERGED_CELLS = 1_000_000
TOO_MANY_ROWS = f"Excel 表格超过 {MAX_ROWS} 行，无法作为台账读取。"


def _xml(members: dict[str, bytes], name: str):
    from lxml import etree

    if name not in members:
        raise LedgerFileError(f"Excel 文件缺少“{name}”部件（文件已损坏，或不是 .xlsx 格式）。")
    return etree.fromstring(members[name], parser=safezip.xml_parser())


def sheets(members: dict[str, bytes]) -> list[tuple[str, str]]:
    """(name, part) of every worksheet, in the workbook's order."""
    workbook = _xml(members, "xl/workbook.xml")
    rels = {rel.get("Id"): rel.get("Target") for rel in _xml(members, "xl/_rels/workbook.xml.rels")}
    found = []
    for sheet in workbook.iterfind(f"{NS}sheets/{NS}sheet"):
        target = (rels.get(sheet.get(f"{REL_NS}id")) or "").lstrip("/")
        if target:
            found.append((sheet.get("name") or "", target if target.startswith("xl/") else f"xl/{target}"))
    return found or [("", "xl/worksheets/sheet1.xml")]


def _sheet_order(members: dict[str, bytes], prefer: str | None) -> list[str]:
    """The sheets to try for a ledger: the one named for the unit first (a round's workbook has a
    sheet per unit), then the others in order, the round's 汇总 sheet last."""
    named = sheets(members)
    wanted = sheet_name(prefer, set()) if prefer else None
    first = [part for name, part in named if wanted and name == wanted]
    rest = [part for name, part in named if part not in first and name != SUMMARY_SHEET]
    return first + rest + [part for name, part in named if name == SUMMARY_SHEET]


def _shared_strings(members: dict[str, bytes]) -> list[str]:
    if "xl/sharedStrings.xml" not in members:
        return []
    root = _xml(members, "xl/sharedStrings.xml")
    return ["".join(si.itertext(f"{NS}t")) for si in root.iter(f"{NS}si")]


def _missing_string(index: int, strings: list[str]) -> str:
    # Checked inline by the callers (they run once per cell); a negative index would
    # otherwise silently read from the end of the list.
    raise LedgerFileError(f"Excel 文件已损坏：单元格引用了不存在的共享字符串（第 {index} 号，"
                          f"文件中共 {len(strings)} 个）。")


_T, _V, _IS, _F = f"{NS}t", f"{NS}v", f"{NS}is", f"{NS}f"


class _NoValue:
    """A formula cell saved without its result (files written by programs that do not calculate)."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = _NoValue()
DIGITS = "0123456789"


def _cell_value(cell, kind: str | None, strings: list[str]):
    # Children are read by position: find() and itertext() cost more than the rest of the read.
    first = cell[0] if len(cell) else None
    if first is None:
        return None
    if kind == "inlineStr":
        if first.tag != _IS:
            return None
        if len(first) == 1 and first[0].tag == _T:
            return first[0].text or ""
        return "".join(first.itertext(_T))
    raw = first.text if first.tag == _V else cell.findtext(_V)
    if raw is None or raw == "":
        return NO_VALUE if first.tag == _F else None
    if kind == "s":
        index = int(raw)
        return strings[index] if 0 <= index < len(strings) else _missing_string(index, strings)
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw == "1"
    return float(raw)


# Cells as Excel, WPS and xlsxwriter write them: r, then optional s and t, then an optional <v>.
PLAIN_CELL = re.compile(
    r'<c r="([A-Z]{1,3})(\d+)"(?: s="\d+")?(?: t="(\w+)")?(?: [^>]*)?(?:/>|>(?:<v>([^<]*)</v>)?</c>|>)')
PLAIN_MERGE = re.compile(r'<mergeCell ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _plain_sheet_cells(xml: str, strings: list[str]) -> tuple[list[list], list[tuple[int, int, int, int]]]:
    """The fast path of sheet_cells for sheets with shared strings only and no namespace prefixes:
    one regular expression over the XML, about twice as fast as walking the parsed tree."""
    rows: list[list] = []
    columns: dict[str, int] = {}
    current_number, values, count = 0, None, len(strings)
    for letters, number_text, kind, raw in PLAIN_CELL.findall(xml):
        number = int(number_text)
        if number > MAX_ROWS:
            if raw == "":
                continue  # styled but empty cells far down the sheet
            raise LedgerFileError(TOO_MANY_ROWS)
        if number != current_number:
            rows.extend([] for _ in range(number - len(rows) - 1))
            values = []
            rows.append(values)
            current_number = number
        column = columns.get(letters)
        if column is None:
            column = columns[letters] = _column_index(letters)
        if column >= MAX_COLUMNS:
            continue
        if column >= len(values):
            values.extend([None] * (column - len(values) + 1))
        if raw == "":
            continue
        if kind == "s":
            index = int(raw)
            if not 0 <= index < count:
                _missing_string(index, strings)
            values[column] = strings[index]
        elif kind in ("str", "e"):
            values[column] = unescape(raw)
        elif kind == "b":
            values[column] = raw == "1"
        else:
            values[column] = float(raw)
    merges = [(int(m[1]), _column_index(m[0]), int(m[3] or m[1]), _column_index(m[2] or m[0]))
              for m in PLAIN_MERGE.findall(xml)]
    return rows, merges


def _members(data: bytes) -> dict[str, bytes]:
    """The workbook's XML parts, each checked and read under the zip limits."""
    try:
        return safezip.read_members(data, keep=lambda name: name.endswith((".xml", ".rels")))
    except safezip.ZipRefused as exc:
        raise LedgerFileError(f"无法打开 Excel 文件：{exc.message}") from None


def plain_sheet(xml: bytes) -> bool:
    """Whether the fast path can read the sheet: no inline strings, no formula cells (a drop-down's
    <formula1> is not one) and no namespace prefixes."""
    return b"inlineStr" not in xml and b"<f>" not in xml and b"<f " not in xml and b"<c " in xml


def sheet_cells(data: bytes, part: str | None = None,
                members: dict[str, bytes] | None = None) -> tuple[list[list], list[tuple[int, int, int, int]]]:
    """A sheet's values by row (1-based rows, 0-based columns) and its merged ranges: the first
    sheet, or the part named.

    The sheet XML is parsed in one go by lxml and walked once: openpyxl builds an object per
    cell (and per merged cell) and read a 20,000-row ledger at 1,300 rows a second.
    """
    from lxml import etree

    shared = members is not None  # the caller may try other sheets of the same parts
    members = members if shared else _members(data)
    strings = _shared_strings(members)
    name = part or sheets(members)[0][1]
    if name not in members:
        raise LedgerFileError("Excel 文件中找不到第一个工作表（文件已损坏）。")
    xml = members[name] if shared else members.pop(name)
    del members  # the other parts are no longer needed here: free them before the sheet is parsed
    if plain_sheet(xml):
        return _plain_sheet_cells(xml.decode("utf-8"), strings)
    root = etree.fromstring(xml, parser=safezip.xml_parser(huge=True))
    rows: list[list] = []
    cell_tag = f"{NS}c"
    columns: dict[str, int] = {}  # "AB" → 27, computed once per letter group
    for row in root.iter(f"{NS}row"):
        number = int(row.get("r") or len(rows) + 1)
        if number > MAX_ROWS:
            if any(len(cell) for cell in row):
                raise LedgerFileError(TOO_MANY_ROWS)
            continue  # styled but empty rows far down the sheet
        values: list = []
        for cell in row.iterchildren(cell_tag):
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip(DIGITS)
                column = columns.get(letters)
                if column is None:
                    column = columns[letters] = _column_index(letters)
            else:
                column = len(values)
            if column >= MAX_COLUMNS:
                continue
            if column == len(values):
                values.append(None)
            elif column > len(values):
                values.extend([None] * (column - len(values) + 1))
            values[column] = _cell_value(cell, cell.get("t"), strings)
        rows.extend([] for _ in range(number - len(rows) - 1))
        rows.append(values)
    merges = []
    for merge in root.iter(f"{NS}mergeCell"):
        first, _, last = merge.get("ref", "").partition(":")
        a, b = CELL_REF.match(first), CELL_REF.match(last or first)
        if a and b:
            merges.append((int(a[2]), _column_index(a[1]), int(b[2]), _column_index(b[1])))
    return rows, merges


MAX_SHEETS_TRIED = 20


def read_xlsx(data: bytes, prefer: str | None = None) -> LedgerBook:
    """The ledger in an .xlsx; raises LedgerFileError (Chinese) for a file that cannot be read.

    A workbook of several sheets is read from the first sheet with a ledger's header, the sheet
    named `prefer` (the unit's, in a round's workbook) tried first and a 汇总 sheet last."""
    try:
        members = _members(data)
        refusal = None
        for part in _sheet_order(members, prefer)[:MAX_SHEETS_TRIED]:
            try:
                return _read_sheet(*sheet_cells(data, part, members))
            except NoLedgerHeader as exc:
                refusal = refusal or exc
        raise refusal or NoLedgerHeader(NO_HEADER)
    except LedgerFileError:
        raise
    except (KeyError, ValueError, OSError, SyntaxError, IndexError, TypeError, AttributeError,
            UnicodeDecodeError, RecursionError):  # lxml's XMLSyntaxError is a SyntaxError
        raise LedgerFileError("无法打开 Excel 文件（文件已损坏，或不是 .xlsx 格式）。") from None


def _read_sheet(rows: list[list], merges: list[tuple[int, int, int, int]]) -> LedgerBook:
    # Merged cells keep their value in the top-left cell only: copy it into the whole range.
    area = 0
    for top, left, bottom, right in merges:
        if top < 1 or left < 0 or bottom < top or right < left:
            continue  # a range written backwards or from row 0 is damage, not a merge
        right = min(right, MAX_COLUMNS - 1)
        area += (min(bottom, len(rows)) - top + 1) * (right - left + 1)
        if area > MAX_MERGED_CELLS:
            raise LedgerFileError("Excel 表格的合并单元格过多，无法作为台账读取。")
        value = rows[top - 1][left] if top <= len(rows) and left < len(rows[top - 1]) else None
        for row in range(top, min(bottom, len(rows)) + 1):
            cells = rows[row - 1]
            cells.extend([None] * (right - len(cells) + 1))
            for column in range(left, right + 1):
                cells[column] = value
    header, columns, names = _find_header([tuple(r) for r in rows[:10]])
    if header < 0 or "反馈问题" not in columns or "整改措施" not in columns:
        raise NoLedgerHeader(NO_HEADER)
    extra, unrecognised = _other_columns(tuple(rows[header]), columns)
    book = _book(rows[header + 1:], header + 2, columns, names, extra)
    book.unrecognised, book.extra = unrecognised, list(extra)
    return book


NO_HEADER = "没有找到台账表头：至少需要“反馈问题”（或问题描述、存在问题）和“整改措施”两列。"


class NoLedgerHeader(LedgerFileError):
    """A sheet without a ledger's header: another sheet of the workbook may have one."""


FORMULA_WITHOUT_VALUE = "公式没有计算结果（文件由不计算公式的程序生成）：请在 Excel 或 WPS 中打开并保存后重新导入"


def _blank(value) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


def _book(rows: list[list], first_row: int, columns: dict[str, int], names: dict[str, str],
          extra: dict[str, int] | None = None) -> LedgerBook:
    book = LedgerBook(columns=names)
    last = {"序号": "", "问题类别": "", "反馈问题": ""}
    extra = extra or {}
    read_positions = {**columns, **extra}

    text_columns = [(name, columns.get(name)) for name in COLUMNS if name not in ("完成时限", "完成时间")]

    def cell(row: list, name: str):
        position = columns.get(name)
        return row[position] if position is not None and position < len(row) else None

    for offset, values in enumerate(rows):
        number = first_row + offset
        if all(_blank(v) for v in values):
            continue  # blank row
        texts = {name: _text(values[position]) if position is not None and position < len(values) else ""
                 for name, position in text_columns}
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
            if all(_blank(cell(values, name)) for name in MEASURE_COLUMNS) and all(
                    position >= len(values) or _blank(values[position]) for position in extra.values()):
                # A finding listed without measures yet (our own export writes one so): kept, no row.
                if not book.findings or (book.findings[-1].number, book.findings[-1].text) != (
                        texts["序号"], texts["反馈问题"]):
                    book.findings.append(LedgerFinding(number=texts["序号"], category=texts["问题类别"],
                                                       text=texts["反馈问题"]))
                continue
            book.errors.append(RowError(number, names.get("整改措施", "整改措施"), "缺少整改措施"))
            continue
        blank_formulas = [name for name, position in read_positions.items()
                          if position < len(values) and values[position] is NO_VALUE]
        for name in blank_formulas:
            book.errors.append(RowError(number, names.get(name, name), FORMULA_WITHOUT_VALUE))
        kept = {name: _text(values[position]) for name, position in extra.items()
                if position < len(values) and values[position] is not NO_VALUE and _text(values[position])}
        kind = next((kept[name] for name in kept if name.startswith("措施类型")), "")
        deadline, ongoing, deadline_error = read_date(cell(values, "完成时限"))
        if any(name.startswith("是否常态化") and value.startswith("是") for name, value in kept.items()) or \
                "长期" in kind:
            ongoing = True
        if deadline_error:
            book.errors.append(RowError(number, names.get("完成时限", "完成时限"), deadline_error))
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
        if deadline is None and not ongoing and not deadline_error and "完成时限" not in blank_formulas:
            book.errors.append(RowError(number, names.get("完成时限", "完成时限"),
                                        "缺少完成时限（写明日期，或写“长期坚持”）"))
        remarks = "；".join(([texts["备注"]] if texts["备注"] else []) +
                           [f"{name}：{value}" for name, value in kept.items()])
        row = LedgerRow(number=texts["序号"], category=texts["问题类别"], finding=texts["反馈问题"],
                        measure=texts["整改措施"], lead=texts["责任领导"], owner=texts["责任部门/责任人"],
                        deadline=deadline, ongoing=ongoing, progress=texts["整改进展"], status=status,
                        completed_on=completed_on, evidence=texts["佐证材料"], remarks=remarks, row=number,
                        kind=kind)
        current = book.findings[-1] if book.findings else None
        if current is None or (current.number, current.text) != (row.number, row.finding):
            current = LedgerFinding(number=row.number, category=row.category, text=row.finding)
            book.findings.append(current)
        current.rows.append(row)
    if not book.findings and not book.errors:
        book.errors.append(RowError(first_row, "整改措施", "表头下面没有任何台账行"))
    return book
