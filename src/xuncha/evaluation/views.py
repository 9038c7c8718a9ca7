"""评估 pages: the scheme, a round's results, a unit's score and report; 随机抽查 draws and re-checks."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_POST

from xuncha.core import scoring
from xuncha.core.render.pdf import PdfUnavailable
from xuncha.evaluation import checks, report, runs, selectors, services
from xuncha.evaluation.defaults import DEFAULT_CHECKLIST
from xuncha.ledger import permissions
from xuncha.web.views.common import back, run_action, staff_view


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@staff_view
def index(request, actor):
    rounds = selectors.rounds(actor)[:50]
    latest = selectors.latest_runs([r.pk for r in rounds])
    return render(request, "evaluation/index.html", {
        "rows": [(r, latest.get(r.pk)) for r in rounds], "scheme": selectors.current_scheme(),
        "can_checks": permissions.allowed(actor, "view_random_checks"),
    })


@staff_view
def scheme(request, actor):
    selectors.require_view(actor)
    found = selectors.current_scheme()
    if request.method == "POST":
        p = request.POST
        return run_action(request, reverse("evaluation-scheme"), lambda: services.update_scheme(
            actor, found, _version(request), p.get("name", ""), p.get("grades", ""), p.get("groups", ""),
            p.get("sources", "")), "已保存评估方案。")
    rows = selectors.items(found)
    return render(request, "evaluation/scheme.html", {
        "scheme": found, "items": rows, "kinds": scoring.KINDS.items(), "facts": scoring.FACTS + scoring.RATED,
        "grades": "\n".join(f"{label} {low:g}" for label, low in found.grades),
        "groups": "\n".join(found.rater_groups),
        "full_marks": sum(float(i.weight) for i in rows if i.kind == scoring.INDICATOR),
        "can_edit": permissions.allowed(actor, "manage_evaluation"),
    })


@require_POST
@staff_view
def item_save(request, actor, pk: int):
    found = selectors.current_scheme()
    p = request.POST
    position = p.get("position", "")
    return run_action(request, reverse("evaluation-scheme"), lambda: services.save_item(
        actor, found, _version(request), pk or None, kind=p.get("kind", ""), name=p.get("name", ""),
        weight=p.get("weight", "0"), formula=p.get("formula", ""), rated=p.get("rated") == "1",
        note=p.get("note", ""), position=int(position) if position.isdigit() else 0), "已保存评估项目。")


@require_POST
@staff_view
def item_delete(request, actor, pk: int):
    found = selectors.current_scheme()
    return run_action(request, reverse("evaluation-scheme"),
                      lambda: services.delete_item(actor, found, _version(request), pk), "已删除评估项目。")


@staff_view
def round_results(request, actor, pk: int):
    round_ = selectors.get_round(actor, pk)
    latest, done = selectors.latest_run(pk), selectors.latest_done_run(pk)
    items = done.snapshot.get("items", []) if done else []
    shown = [n for n, i in enumerate(items) if i["kind"] == scoring.INDICATOR]
    rows = [(r, [None if n >= len(r.points) or r.not_applicable[n] else r.points[n] for n in shown])
            for r in selectors.results(done)]
    return render(request, "evaluation/round.html", {
        "round": round_, "latest": latest, "run": done, "rows": rows,
        "indicators": [items[n] for n in shown],
        "can_run": permissions.allowed(actor, "manage_evaluation"),
    })


@require_POST
@staff_view
def run_start(request, actor, pk: int):
    round_ = selectors.get_round(actor, pk)
    return run_action(request, reverse("evaluation-round", args=[pk]),
                      lambda: services.start_run(actor, round_), "已提交评分任务，完成后本页显示结果。")


@staff_view
def unit(request, actor, pk: int, unit: int):
    inspection = selectors.get_inspection(actor, pk, unit)
    unit_score, measured = runs.score_unit(inspection)
    missing = scoring.not_applicable(measured)
    found = selectors.current_scheme()
    rated = [i for i in selectors.items(found) if i.rated]
    table = selectors.rating_table(pk, unit)
    return render(request, "evaluation/unit.html", {
        "inspection": inspection, "score": unit_score, "scheme": found,
        "facts": [(f, None if f.key in missing else measured[f.key]) for f in scoring.FACTS],
        "full_marks": selectors.compiled(found).full_marks,
        "stored": selectors.result_of(selectors.latest_done_run(pk), unit),
        "rated": [(i, [(g, table.get((i.pk, g))) for g in found.rater_groups]) for i in rated],
        "can_rate": permissions.allowed(actor, "manage_evaluation"),
    })


@require_POST
@staff_view
def ratings(request, actor, pk: int, unit: int):
    inspection = selectors.get_inspection(actor, pk, unit)
    scores = {}
    for key, value in request.POST.items():
        if key.startswith("score:"):
            _, item_id, group = key.split(":", 2)
            if item_id.isdigit():
                scores[int(item_id), group] = value
    return run_action(request, reverse("evaluation-unit", args=[pk, unit]),
                      lambda: services.save_ratings(actor, inspection, scores), "已保存评分。")


@staff_view
def report_download(request, actor, pk: int, unit: int, fmt: str):
    inspection = selectors.get_inspection(actor, pk, unit)
    if fmt not in report.FORMATS:
        raise Http404("没有这种格式。")
    try:
        data, content_type, name = report.render(inspection, fmt)
    except PdfUnavailable as exc:
        messages.error(request, exc.message)
        return back(request, reverse("evaluation-unit", args=[pk, unit]))
    services.record_report(actor, inspection, name, fmt)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- 随机抽查 ---------------------------------------------------------------------------------

@staff_view
def check_list(request, actor):
    found = selectors.draws(actor)
    return render(request, "evaluation/checks.html", {
        "draws": found, "rounds": selectors.rounds(actor) if permissions.allowed(actor, "view_evaluation") else [],
        "checklist": "\n".join(DEFAULT_CHECKLIST), "can_draw": permissions.allowed(actor, "random_checks"),
    })


@require_POST
@staff_view
def check_draw(request, actor):
    p = request.POST
    round_id = p.get("round", "")
    if not round_id.isdigit():
        messages.error(request, "请选择巡察轮次。")
        return back(request, reverse("random-checks"))
    round_ = selectors.get_round(actor, int(round_id))
    made = []

    def draw():
        made.append(checks.draw(actor, round_, p.get("mode", "count"), p.get("size", ""), p.get("seed", ""),
                                p.get("checklist", "")))

    response = run_action(request, reverse("random-checks"), draw, "已完成随机抽取。")
    if made:
        response["Location"] = reverse("random-check", args=[made[0].pk])
    return response


@staff_view
def check_detail(request, actor, pk: int):
    found = selectors.get_draw(actor, pk)
    items = selectors.draw_items(found)
    return render(request, "evaluation/check.html", {
        "draw": found, "items": items, "reproduces": checks.reproduces(found, items),
        "population": len(found.population), "can_record": permissions.allowed(actor, "random_checks"),
    })


@require_POST
@staff_view
def check_record(request, actor, pk: int):
    item = selectors.get_check_item(actor, pk)
    p = request.POST
    ticks = {int(v) for v in p.getlist("ok") if v.isdigit()}
    return run_action(request, reverse("random-check", args=[item.draw_id]), lambda: checks.record(
        actor, item, _version(request), p.get("result", ""), p.get("note", ""), p.getlist("text"), ticks),
        "已登记抽查结果。")
