"""审计日志: the audit trail for the audit administrator, the office and the supervisor (纪委)."""

from __future__ import annotations

import datetime as dt
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from xuncha.ledger import audit_selectors
from xuncha.ledger.actor import Actor
from xuncha.ledger.audit_selectors import AuditFilters
from xuncha.ledger.models import Inspection
from xuncha.ledger.services import audit, audit_chain
from xuncha.web import audit_words
from xuncha.web.views.common import id_param, paginate, staff_view
from xuncha.web.views.files import XLSX, quote_name

EXPORT_MAX_ROWS = 50_000  # one sheet of a size Excel and WPS open quickly; narrow the filters beyond it


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _filters(request: HttpRequest, actor: Actor) -> tuple[AuditFilters, dict]:
    """The filters from the query string (bad values are ignored), and what the form shows."""
    get = request.GET
    unit_pk, inspection_pk = id_param(get.get("unit")), id_param(get.get("inspection"))
    unit = audit_selectors.units_for(actor, levels=None).filter(pk=unit_pk).first() if unit_pk else None
    inspection = Inspection.objects.filter(pk=inspection_pk).first() if inspection_pk else None
    scope = audit_selectors.scope_unit(actor)
    if inspection is not None and scope is not None and not inspection.unit.path.startswith(scope.path):
        inspection = None
    action = get.get("action", "")
    result = get.get("result", "")
    filters = AuditFilters(date_from=_date(get.get("from")), date_to=_date(get.get("to")),
                           person=get.get("person", "").strip()[:50], unit=unit, inspection=inspection,
                           action=action if action in audit_words.ACTIONS else "",
                           result=result if result in audit_words.RESULTS else "")
    shown = {"from": filters.date_from.isoformat() if filters.date_from else "",
             "to": filters.date_to.isoformat() if filters.date_to else "",
             "person": filters.person, "unit": unit.pk if unit else "",
             "inspection": inspection.pk if inspection else "", "action": filters.action,
             "result": filters.result}
    return filters, shown


def _row(event, people: dict[int, str]) -> dict:
    return {"event": event, "at": timezone.localtime(event.at),
            "action": audit_words.action_label(event.action),
            "object": audit_words.object_words(event.object_type, event.object_id),
            "changes": audit_words.changes(event.before, event.after, event.object_type, event.action,
                                           people),
            "result": audit_words.RESULTS.get(event.result, event.result)}


@staff_view
def audit_log(request: HttpRequest, actor: Actor) -> HttpResponse:
    filters, shown = _filters(request, actor)
    page = paginate(request, audit_selectors.filtered(actor, filters).select_related("actor"))
    query = "&".join(f"{k}={v}" for k, v in shown.items() if v)
    scope = audit_selectors.scope_unit(actor)
    people = audit_words.people_of(page)
    return render(request, "web/audit_log.html", {
        "page": page, "rows": [_row(e, people) for e in page], "shown": shown, "query": query,
        "chain": audit_chain.latest("chain"), "published": audit_chain.latest("published"),
        "units": audit_selectors.units_for(actor), "inspections": audit_selectors.inspections_for(actor),
        "actions": sorted(audit_words.ACTIONS.items(), key=lambda item: item[0]),
        "results": audit_words.RESULTS.items(), "scope": scope})


COLUMNS = ["序号", "时间", "操作人", "地址", "操作", "对象", "内容", "变更", "结果", "哈希"]
WIDTHS = [8, 20, 14, 16, 16, 14, 40, 50, 8, 18]


@staff_view
def audit_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    import xlsxwriter

    filters, _ = _filters(request, actor)
    events = list(audit_selectors.filtered(actor, filters)[:EXPORT_MAX_ROWS + 1])
    truncated = len(events) > EXPORT_MAX_ROWS
    events = events[:EXPORT_MAX_ROWS]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False,
                                     "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("审计日志")
    header = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    cell = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    sheet.write_row(0, 0, COLUMNS, header)
    people = audit_words.people_of(events)
    for index, event in enumerate(events, start=1):
        row = _row(event, people)
        values = [str(event.seq), row["at"].strftime("%Y-%m-%d %H:%M:%S"), event.actor_name, event.ip or "",
                  row["action"], row["object"], event.summary, "\n".join(row["changes"]), row["result"],
                  event.hash[:16]]
        for column, value in enumerate(values):
            sheet.write_string(index, column, value, cell)
    if truncated:
        sheet.write_string(len(events) + 1, 0, f"仅导出最近 {EXPORT_MAX_ROWS} 条，请缩小筛选范围后分批导出。")
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    book.close()
    audit.record_now(actor, "audit.export", None, f"导出审计日志 {len(events)} 条",
                     after={"rows": len(events), "filters": filters.as_dict()})
    name = f"审计日志_{timezone.localdate().isoformat()}.xlsx"
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote_name(name)}"
    return response


