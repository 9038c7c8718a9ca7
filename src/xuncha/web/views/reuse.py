"""雷同检测 in the staff site: upload a batch, watch it run, read and export the report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from xuncha.core.reuse import Pair, ReuseIndex
from xuncha.core.reuse.report import CSS as REPORT_CSS
from xuncha.core.reuse.report import html_report, summaries, xlsx_report
from xuncha.ledger import permissions
from xuncha.ledger.errors import InvalidInput, ServiceError
from xuncha.ledger.services import audit, reuse_checks
from xuncha.web.csp import allow_inline_style
from xuncha.web.views.common import staff_view
from xuncha.web.views.files import XLSX, download_name, quote_name

PERCENTS = (10, 20, 30, 40, 50, 60, 70, 80)


def _number(raw: str | None, default: int, label: str) -> int:
    try:
        return int(raw) if raw not in (None, "") else default
    except ValueError:
        raise InvalidInput(f"{label}应为整数。") from None


@staff_view
def check_list(request, actor):
    permissions.require(actor, "check_reuse")
    if request.method == "POST":
        try:
            check = reuse_checks.start_check(
                actor, [(f.name, f.chunks()) for f in request.FILES.getlist("files")],
                title=request.POST.get("title", ""),
                min_run=_number(request.POST.get("min_run"), 13, "最短雷同字数"),
                threshold=_number(request.POST.get("threshold"), 30, "复制比阈值") / 100)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("reuse-checks")
        messages.success(request, f"已提交 {check.files} 份文档，正在后台检测。")
        return redirect("reuse-check", pk=check.pk)
    return render(request, "web/reuse_list.html", {
        "checks": reuse_checks.visible_checks(actor)[:100], "percents": PERCENTS})


def _report(check) -> tuple[ReuseIndex, list[Pair], list[tuple[str, int]]]:
    """The stored result as the engine's objects, for the report writers (no recomputation)."""
    index = ReuseIndex(min_run=check.min_run)
    for name, text in sorted(reuse_checks.texts(check).items()):
        index.add(name, text)
    pairs = [Pair.from_dict(p) for p in (check.result or {}).get("pairs", [])]
    common = [(c["text"], c["documents"]) for c in (check.result or {}).get("common", [])]
    return index, pairs, common


@staff_view
def check_detail(request, actor, pk: int):
    check = reuse_checks.get_check(actor, pk)
    context = {"check": check, "percent": round(check.progress * 100)}
    if check.state == "done":
        index, pairs, common = _report(check)
        context.update(pairs=list(enumerate(pairs, 1)), summaries=summaries(index, pairs), common=common)
    return render(request, "web/reuse_detail.html", context)


@staff_view
def check_export(request, actor, pk: int, fmt: str):
    check = reuse_checks.get_check(actor, pk)
    if check.state != "done":
        messages.error(request, "检测尚未完成，完成后才能导出报告。")
        return redirect("reuse-check", pk=pk)
    index, pairs, common = _report(check)
    audit.record_now(actor, "reuse.export", check, f"导出雷同检测报告：{check.title}"[:300],
                     after={"format": "xlsx" if fmt == "xlsx" else "html"})
    if fmt == "xlsx":
        response = HttpResponse(xlsx_report(index, pairs, common), content_type=XLSX)
        name = download_name(f"雷同检测报告_{check.title}", ".xlsx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote_name(name)}"
        return response
    report = html_report(index, pairs, common, check.threshold)
    response = HttpResponse(report, content_type="text/html; charset=utf-8")
    return allow_inline_style(response, REPORT_CSS)

