"""The charts' numbers as an Excel workbook: one sheet per chart, the same rows as its table."""

from __future__ import annotations

import io

import xlsxwriter

from xuncha.analytics.report import Chart, Report


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "统计"
    base, n = name, 2
    while name in used:
        name, n = f"{base[:26]}{n}", n + 1
    used.add(name)
    return name


def workbook(report: Report, charts: list[Chart]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    used: set[str] = set()
    for chart in charts:
        sheet = book.add_worksheet(_sheet_name(chart.title, used))
        sheet.write(0, 0, chart.title, bold)
        if report.as_of:
            sheet.write(1, 0, f"统计日期：{report.as_of.isoformat()}")
        sheet.write_row(2, 0, [chart.axis, *(s.name for s in chart.series)], bold)
        for r, (label, values, _) in enumerate(chart.rows(), start=3):
            sheet.write(r, 0, label)
            sheet.write_row(r, 1, values)
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, len(chart.series), 14)
    book.close()
    return out.getvalue()
