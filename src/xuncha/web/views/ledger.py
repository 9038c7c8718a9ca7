"""The ledger: rounds, inspections, findings, measures and progress (pages and actions)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.analytics import drill
from xuncha.core.statuses import FINDING_STATUS
from xuncha.ledger import permissions, selectors
from xuncha.ledger.services import findings, measures
from xuncha.web import forms, uploads
from xuncha.web.views.common import paginate, staff_view, submit


def finding_url(pk: int) -> str:
    return reverse("finding", args=[pk])


@staff_view
def workbench(request, actor):
    return render(request, "web/workbench.html", {"wb": selectors.workbench(actor)})


@staff_view
def round_list(request, actor):
    return render(request, "web/round_list.html", {"rounds": selectors.rounds(actor)})


@staff_view
def round_detail(request, actor, pk: int):
    round_ = selectors.get_round(actor, pk)
    search = forms.SearchForm(request.GET)
    search.is_valid()
    q, status = search.cleaned_data.get("q", ""), search.cleaned_data.get("status", "")
    context = {"round": round_, "q": q, "status": status, "statuses": FINDING_STATUS,
               "inspections": paginate(request, selectors.round_inspections(actor, round_), "upage")}
    if q or status:
        context["page"] = paginate(request, selectors.search_findings(actor, round_, q, status))
    return render(request, "web/round_detail.html", context)


@staff_view
def finding_list(request, actor):
    search = forms.SearchForm(request.GET)
    search.is_valid()
    q, status = search.cleaned_data.get("q", ""), search.cleaned_data.get("status", "")
    filters = drill.clean(request.GET)
    extra = drill.finding_filter(filters, selectors.findings_in_scope(actor)) if filters else None
    page = paginate(request, selectors.search_findings(actor, q=q, status=status, extra=extra))
    return render(request, "web/finding_list.html",
                  {"page": page, "q": q, "status": status, "statuses": FINDING_STATUS,
                   "drill": filters, "drill_query": urlencode(filters),
                   "drill_label": drill.describe(filters) if filters else ""})


@staff_view
def inspection_detail(request, actor, pk: int):
    inspection = selectors.get_inspection(actor, pk)
    category = request.GET.get("category", "")
    page = selectors.inspection_page(inspection, int(category) if category.isdigit() else None,
                                     request.GET.get("page"))
    return render(request, "web/inspection_detail.html", {
        "inspection": inspection, "p": page, "tree": page.tree,
        "actions": permissions.actions_for(actor, inspection),
        "finding_form": forms.FindingForm(), "notices": selectors.inspection_notices(inspection),
    })


@staff_view
def finding_detail(request, actor, pk: int):
    page = selectors.finding_page(actor, pk)
    for m in page.measures:
        m.edit_form = forms.MeasureForm(auto_id=f"m{m.pk}_%s", initial={
            "text": m.text, "lead": m.lead, "owner": m.owner, "kind": m.kind, "deadline": m.deadline})
    return render(request, "web/finding_detail.html", {
        "p": page, "finding": page.finding, "actions": page.actions,
        "measure_form": forms.MeasureForm(), "lookback_form": forms.LookbackForm(),
        "finding_form": forms.FindingForm(initial={
            "category": page.finding.category, "number": page.finding.number, "title": page.finding.title,
            "description": page.finding.description, "source": page.finding.source}),

        "here": reverse("finding", args=[pk]),
    })


@require_POST
@staff_view
def finding_create(request, actor, pk: int):
    inspection = selectors.get_inspection(actor, pk)
    return submit(request, reverse("inspection", args=[pk]), "已新增反馈问题。",
                  lambda data: findings.create_finding(actor, inspection, **data), forms.FindingForm(request.POST))


@require_POST
@staff_view
def finding_update(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    return submit(request, finding_url(pk), "已保存反馈问题。",
                  lambda data, seen: findings.update_finding(actor, finding, seen["version"], **data),
                  forms.FindingForm(request.POST), forms.VersionForm(request.POST))


@require_POST
@staff_view
def measure_create(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    return submit(request, finding_url(pk), "已新增整改措施。",
                  lambda data: measures.create_measure(actor, finding, **data), forms.MeasureForm(request.POST))


@require_POST
@staff_view
def measure_update(request, actor, pk: int):
    measure = selectors.get_measure(actor, pk)
    return submit(request, finding_url(measure.finding_id), "已保存整改措施。",
                  lambda data, seen: measures.update_measure(actor, measure, seen["version"], **data),
                  forms.MeasureForm(request.POST), forms.VersionForm(request.POST))


@require_POST
@staff_view
def measure_status(request, actor, pk: int):
    measure = selectors.get_measure(actor, pk)
    return submit(request, finding_url(measure.finding_id), "已更新措施状态。",
                  lambda data: measures.change_measure_status(
                      actor, measure, data["status"], data["version"], data["completed_on"]),
                  forms.MeasureStatusForm(request.POST))


@require_POST
@staff_view
def progress_create(request, actor, pk: int):
    measure = selectors.get_measure(actor, pk)
    too_large = uploads.too_large_message(request)
    if too_large:  # the file was dropped while streaming in: nothing to report with
        return uploads.too_large(request, too_large, finding_url(measure.finding_id))

    def report(data):
        files = [(f.name, f.chunks()) for f in data["files"]]
        return measures.report_progress(actor, measure, data["date"], data["text"], files, data["mark"] or None,
                                        data["version"])

    return submit(request, finding_url(measure.finding_id), "已报送整改进展。", report,
                  forms.ProgressForm(request.POST, request.FILES))
