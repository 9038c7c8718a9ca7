"""Staff actions (POST): parse the form, call one service, redirect with a message."""

from __future__ import annotations

from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.ledger import selectors
from xuncha.ledger.services import closeouts, findings, measures
from xuncha.web import forms, uploads
from xuncha.web.views.common import staff_view, submit


def _finding_url(pk: int) -> str:
    return reverse("finding", args=[pk])


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
    return submit(request, _finding_url(pk), "已保存反馈问题。",
                  lambda data, seen: findings.update_finding(actor, finding, seen["version"], **data),
                  forms.FindingForm(request.POST), forms.VersionForm(request.POST))


@require_POST
@staff_view
def measure_create(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    return submit(request, _finding_url(pk), "已新增整改措施。",
                  lambda data: measures.create_measure(actor, finding, **data), forms.MeasureForm(request.POST))


@require_POST
@staff_view
def measure_update(request, actor, pk: int):
    measure = selectors.get_measure(actor, pk)
    return submit(request, _finding_url(measure.finding_id), "已保存整改措施。",
                  lambda data, seen: measures.update_measure(actor, measure, seen["version"], **data),
                  forms.MeasureForm(request.POST), forms.VersionForm(request.POST))


@require_POST
@staff_view
def measure_status(request, actor, pk: int):
    measure = selectors.get_measure(actor, pk)
    return submit(request, _finding_url(measure.finding_id), "已更新措施状态。",
                  lambda data: measures.change_measure_status(
                      actor, measure, data["status"], data["version"], data["completed_on"]),
                  forms.MeasureStatusForm(request.POST))


@require_POST
@staff_view
def progress_create(request, actor, pk: int):
    measure = selectors.get_measure(actor, pk)
    too_large = uploads.too_large_message(request)
    if too_large:  # the file was dropped while streaming in: nothing to report with
        return uploads.too_large(request, too_large, _finding_url(measure.finding_id))

    def report(data):
        files = [(f.name, f.chunks()) for f in data["files"]]
        return measures.report_progress(actor, measure, data["date"], data["text"], files, data["mark"] or None,
                                        data["version"])

    return submit(request, _finding_url(measure.finding_id), "已报送整改进展。", report,
                  forms.ProgressForm(request.POST, request.FILES))


@require_POST
@staff_view
def closeout_request(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    return submit(request, _finding_url(pk), "已提交销号申请，等待巡察办审核。",
                  lambda data: closeouts.request_closeout(actor, finding, data["comment"]),
                  forms.CommentForm(request.POST))


@require_POST
@staff_view
def closeout_decide(request, actor, pk: int, decision: str):
    closeout = selectors.get_closeout(actor, pk)
    call, done = ((closeouts.approve_closeout, "已同意销号。") if decision == "approve"
                  else (closeouts.return_closeout, "已退回销号申请。"))
    return submit(request, _finding_url(closeout.finding_id), done,
                  lambda data: call(actor, closeout, data["comment"]), forms.CommentForm(request.POST))


@require_POST
@staff_view
def lookback_create(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    return submit(request, _finding_url(pk), "已记录回头看。",
                  lambda data: closeouts.record_lookback(actor, finding, **data), forms.LookbackForm(request.POST))
