"""统计分析 pages: the charts (with tables and Excel), 共性问题, and repeat decisions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.analytics import clusters, export, repeats, report, services
from xuncha.ledger import permissions, selectors
from xuncha.ledger.errors import PermissionDenied, ServiceError
from xuncha.web.refusals import record_refusal
from xuncha.web.views.common import id_param, run_action, staff_view
from xuncha.web.views.files import XLSX, download_name, quote_name


def _round_param(request) -> int | None:
    return id_param(request.GET.get("round"))


@staff_view
def overview(request, actor):
    data = report.build(actor, _round_param(request))
    return render(request, "analytics/overview.html", {
        "r": data, "specs": [c.spec() for c in data.charts],
        "can_common": permissions.allowed(actor, "view_common_issues"),
    })


@staff_view
def export_xlsx(request, actor):
    data = report.build(actor, _round_param(request))
    key = request.GET.get("chart", "")
    charts = [c for c in data.charts if c.key == key] or data.charts
    what = charts[0].title if len(charts) == 1 else "全部图表"
    services.record_export(actor, what, {"round": data.round.pk if data.round else None, "chart": what})
    response = HttpResponse(export.workbook(data, charts), content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote_name(download_name('统计分析-' + what, '.xlsx'))}")
    return response


@staff_view
def common_issues(request, actor):
    run = clusters.latest_run(actor)
    pk = request.GET.get("run", "")
    if pk.isdigit():
        run = clusters.get_run(actor, int(pk))
    return render(request, "analytics/common_issues.html", {
        "run": run, "views": clusters.cluster_views(run) if run and run.state == "done" else [],
        "rounds": selectors.rounds(actor), "can_push": permissions.allowed(actor, "push_common_issues"),
    })


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@require_POST
@staff_view
def cluster_start(request, actor):
    try:
        run = services.start_clustering(actor, _ids(request.POST.getlist("rounds")))
    except PermissionDenied as exc:  # a refused write is recorded, like every other refusal
        record_refusal(request, exc.message, 403)
        messages.error(request, exc.message)
        return redirect("common-issues")
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("common-issues")
    messages.success(request, "已提交聚类任务，完成后本页显示结果。")
    return redirect(f"{reverse('common-issues')}?run={run.pk}")


@require_POST
@staff_view
def common_issue_push(request, actor):
    round_id = request.POST.get("round", "")
    return run_action(
        request, reverse("common-issues"),
        lambda: services.push_common_issue(
            actor, request.POST.get("name", ""), _ids(request.POST.getlist("findings")),
            _ids(request.POST.getlist("units")), int(round_id) if round_id.isdigit() else None,
            request.POST.get("description", "")),
        "已推送共性问题，各单位的自查问题已建立。")


@require_POST
@staff_view
def repeat_decide(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    earlier_id = request.POST.get("earlier", "")
    confirm = request.POST.get("decision") == "confirm"

    def decide():
        earlier = repeats.earlier_finding(actor, finding, int(earlier_id) if earlier_id.isdigit() else 0)
        services.decide_repeat(actor, finding, earlier, confirm)

    return run_action(request, reverse("finding", args=[pk]), decide,
                      "已确认屡查屡犯。" if confirm else "已标记为不是同一问题。")


