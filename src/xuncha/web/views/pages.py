"""Staff pages (GET): parse the request, ask a selector, render."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from xuncha.core.statuses import FINDING_STATUS
from xuncha.ledger import permissions, selectors
from xuncha.web import forms
from xuncha.web.views.common import paginate, staff_view


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
    page = paginate(request, selectors.search_findings(actor, q=q, status=status))
    return render(request, "web/finding_list.html",
                  {"page": page, "q": q, "status": status, "statuses": FINDING_STATUS})


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
