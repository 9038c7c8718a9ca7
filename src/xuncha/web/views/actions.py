"""Staff actions (POST): parse the form, call one service, redirect with a message."""

from __future__ import annotations

from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.ledger import selectors
from xuncha.ledger.services import closeouts, findings, measures
from xuncha.web import forms
from xuncha.web.views.common import back, form_errors, run_action, staff_view


def _finding_url(pk: int) -> str:
    return reverse("finding", args=[pk])


@require_POST
@staff_view
def finding_create(request, actor, pk: int):
    inspection = selectors.get_inspection(actor, pk)
    fallback = reverse("inspection", args=[pk])
    form = forms.FindingForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return back(request, fallback)
    return run_action(request, fallback, lambda: findings.create_finding(actor, inspection, **form.cleaned_data),
                      "已新增反馈问题。")


@require_POST
@staff_view
def finding_update(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    form = forms.FindingForm(request.POST)
    version = forms.VersionForm(request.POST)
    if not (form.is_valid() and version.is_valid()):
        form_errors(request, form)
        form_errors(request, version)
        return back(request, _finding_url(pk))
    return run_action(request, _finding_url(pk), lambda: findings.update_finding(
        actor, finding, version.cleaned_data["version"], **form.cleaned_data), "已保存反馈问题。")


@require_POST
@staff_view
def measure_update(request, actor, pk: int):
    measure = selectors.get_measure(actor, pk)
    form = forms.MeasureForm(request.POST)
    version = forms.VersionForm(request.POST)
    fallback = _finding_url(measure.finding_id)
    if not (form.is_valid() and version.is_valid()):
        form_errors(request, form)
        form_errors(request, version)
        return back(request, fallback)
    return run_action(request, fallback, lambda: measures.update_measure(
        actor, measure, version.cleaned_data["version"], **form.cleaned_data), "已保存整改措施。")


@require_POST
@staff_view
def measure_create(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    form = forms.MeasureForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return back(request, _finding_url(pk))
    return run_action(request, _finding_url(pk),
                      lambda: measures.create_measure(actor, finding, **form.cleaned_data), "已新增整改措施。")


@require_POST
@staff_view
def measure_status(request, actor, pk: int):
    measure = selectors.get_measure(actor, pk)
    form = forms.MeasureStatusForm(request.POST)
    fallback = _finding_url(measure.finding_id)
    if not form.is_valid():
        form_errors(request, form)
        return back(request, fallback)
    data = form.cleaned_data
    return run_action(request, fallback, lambda: measures.change_measure_status(
        actor, measure, data["status"], data["version"], data["completed_on"]), "已更新措施状态。")


@require_POST
@staff_view
def progress_create(request, actor, pk: int):
    measure = selectors.get_measure(actor, pk)
    form = forms.ProgressForm(request.POST, request.FILES)
    fallback = _finding_url(measure.finding_id)
    if not form.is_valid():
        form_errors(request, form)
        return back(request, fallback)
    data = form.cleaned_data
    files = [(f.name, f.chunks()) for f in data["files"]]
    return run_action(request, fallback, lambda: measures.report_progress(
        actor, measure, data["date"], data["text"], files, data["mark"] or None, data["version"]),
        "已报送整改进展。")


@require_POST
@staff_view
def closeout_request(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    form = forms.CommentForm(request.POST)
    form.is_valid()
    return run_action(request, _finding_url(pk), lambda: closeouts.request_closeout(
        actor, finding, form.cleaned_data.get("comment", "")), "已提交销号申请，等待巡察办审核。")


@require_POST
@staff_view
def closeout_decide(request, actor, pk: int, decision: str):
    closeout = selectors.get_closeout(actor, pk)
    form = forms.CommentForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    if decision == "approve":
        call, done = (lambda: closeouts.approve_closeout(actor, closeout, comment)), "已同意销号。"
    else:
        call, done = (lambda: closeouts.return_closeout(actor, closeout, comment)), "已退回销号申请。"
    return run_action(request, _finding_url(closeout.finding_id), call, done)


@require_POST
@staff_view
def lookback_create(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    form = forms.LookbackForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return back(request, _finding_url(pk))
    return run_action(request, _finding_url(pk),
                      lambda: closeouts.record_lookback(actor, finding, **form.cleaned_data), "已记录回头看。")
