"""Sign-off (销号) of findings and look-backs (回头看) that may reopen them."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from xuncha import clock
from xuncha.core.statuses import FINDING_STATUS, LOOKBACK_RESULT
from xuncha.ledger import derived, permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import Conflict, InvalidInput, InvalidMove
from xuncha.ledger.models import Closeout, Finding, Lookback
from xuncha.ledger.services import audit
from xuncha.ledger.services.cas import swap


def _require_ready(finding: Finding) -> None:
    if derived.ready_for_closeout(finding):
        return
    if finding.status == "reopened":
        raise InvalidMove("该问题因回头看发现反弹而重新打开，须补充并完成新的整改措施后才能再次销号。")
    raise InvalidMove(f"该问题当前为“{FINDING_STATUS.label(finding.status)}”，还有整改措施未完成，不能销号。")


def request_closeout(actor: Actor, finding: Finding, comment: str = "") -> Closeout:
    permissions.require(actor, "request_closeout", finding.inspection)
    try:
        with transaction.atomic():
            finding = Finding.objects.select_for_update().get(pk=finding.pk)
            _require_ready(finding)
            if finding.closeouts.filter(state="requested").exists():
                raise InvalidMove("该问题已有待审核的销号申请。")
            closeout = Closeout.objects.create(finding=finding, requested_by=actor.user,
                                               requested_at=clock.now(), request_comment=comment.strip())
            audit.record(actor, "closeout.request", closeout, "申请销号", after={"comment": comment})
            return closeout
    except IntegrityError:
        # The partial unique index caught a request made at the same moment.
        raise Conflict() from None


def _decide(actor: Actor, closeout: Closeout, state: str, comment: str) -> Closeout:
    permissions.require(actor, "decide_closeout", closeout.finding.inspection)
    now = clock.now()
    count = Closeout.objects.filter(pk=closeout.pk, state="requested").update(
        state=state, decided_by=actor.user, decided_at=now, decision_comment=comment.strip())
    if count != 1:
        raise Conflict("该销号申请已被他人处理，请刷新。")
    closeout.refresh_from_db()
    return closeout


@transaction.atomic
def approve_closeout(actor: Actor, closeout: Closeout, comment: str = "") -> Closeout:
    permissions.require(actor, "decide_closeout", closeout.finding.inspection)
    # Lock first: a second approver waits here, then finds the request already decided.
    finding = Finding.objects.select_for_update().get(pk=closeout.finding_id)
    closeout.refresh_from_db()
    if closeout.state != "requested":
        raise Conflict("该销号申请已被他人处理，请刷新。")
    _require_ready(finding)
    closeout = _decide(actor, closeout, "approved", comment)
    if finding.reopened:
        swap(Finding, finding.pk, {"version": finding.version}, reopened=False)
    finding = derived.refresh_finding(finding.pk)
    audit.record(actor, "closeout.approve", closeout, "同意销号", before={"finding_status": "done"},
                 after={"finding_status": finding.status, "comment": comment})
    return closeout


@transaction.atomic
def return_closeout(actor: Actor, closeout: Closeout, comment: str) -> Closeout:
    if not comment.strip():
        raise InvalidInput("退回销号申请时请写明理由。", field="comment")
    closeout = _decide(actor, closeout, "returned", comment)
    audit.record(actor, "closeout.return", closeout, f"退回销号申请：{comment[:60]}",
                 after={"comment": comment})
    return closeout


@transaction.atomic
def record_lookback(actor: Actor, finding: Finding, date: dt.date, result: str, comment: str = "") -> Lookback:
    permissions.require(actor, "lookback", finding.inspection)
    if result not in LOOKBACK_RESULT:
        raise InvalidInput("回头看结论应为“整改成果巩固”或“问题反弹”。", field="result")
    if date > clock.today():
        raise InvalidInput("回头看日期不能晚于今天。", field="date")
    if result == "rebounded" and not comment.strip():
        raise InvalidInput("问题反弹时请说明具体情况。", field="comment")
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != "closed":
        raise InvalidMove("只能对已销号的问题开展回头看。")
    lookback = Lookback.objects.create(finding=finding, date=date, result=result, comment=comment.strip(),
                                       checked_by=actor.user)
    if result == "rebounded":
        swap(Finding, finding.pk, {"version": finding.version}, reopened=True)
        derived.refresh_finding(finding.pk)
    audit.record(actor, "lookback.record", lookback, f"回头看：{LOOKBACK_RESULT.label(result)}",
                 after={"result": result, "comment": comment})
    return lookback
