"""销号 and 回头看: requesting, deciding and looking back at a finding's sign-off."""

from __future__ import annotations

from django.conf import settings
from django.views.decorators.http import require_POST

from xuncha.ledger import selectors
from xuncha.ledger.services import closeouts
from xuncha.web import forms
from xuncha.web.views.common import staff_view, submit
from xuncha.web.views.ledger import finding_url, once


@require_POST
@staff_view
def closeout_request(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    waiting = "单位负责人审核" if settings.CLOSEOUT_ENDORSEMENT else "巡察办审核"
    return submit(request, finding_url(pk), f"已提交销号申请，等待{waiting}。",
                  once(request, lambda data: closeouts.request_closeout(actor, finding, **data)),
                  forms.CloseoutRequestForm(request.POST))


DECISIONS = {
    "endorse": (closeouts.endorse_closeout, "已审核同意，报巡察办销号。"),
    "approve": (closeouts.approve_closeout, "已同意销号。"),
    "return": (closeouts.return_closeout, "已退回销号申请。"),
}


@require_POST
@staff_view
def closeout_decide(request, actor, pk: int, decision: str):
    closeout = selectors.get_closeout(actor, pk)
    call, done = DECISIONS[decision]
    return submit(request, finding_url(closeout.finding_id), done,
                  lambda data: call(actor, closeout, data["comment"]), forms.CommentForm(request.POST))


@require_POST
@staff_view
def lookback_create(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    return submit(request, finding_url(pk), "已记录回头看。",
                  lambda data: closeouts.record_lookback(actor, finding, **data), forms.LookbackForm(request.POST))
