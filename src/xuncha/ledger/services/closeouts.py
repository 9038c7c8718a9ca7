"""Sign-off (销号) of findings and look-backs (回头看) that may reopen them.

The moves and what each requires (the unit leader's endorsement, a second person, evidence
or a written account, a reason to return) are the tables in ledger.transitions; the policy
switches are the XUNCHA_CLOSEOUT_* settings.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction

from xuncha import clock
from xuncha.core.statuses import CLOSEOUT_OPEN, LOOKBACK_RESULT
from xuncha.ledger import derived, permissions, transitions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import Conflict, InvalidInput, InvalidMove
from xuncha.ledger.models import Closeout, Finding, Lookback
from xuncha.ledger.services import audit


def request_closeout(actor: Actor, finding: Finding, comment: str = "", root_cause: str = "",
                     lessons: str = "") -> Closeout:
    """Ask for sign-off: with the 销号 sheet's optional 问题根源 and 举一反三."""
    if settings.CLOSEOUT_REQUIRE_ANALYSIS:
        if not root_cause.strip():
            raise InvalidInput("请填写问题根源。", field="root_cause")
        if not lessons.strip():
            raise InvalidInput("请填写举一反三情况。", field="lessons")
    try:
        with transaction.atomic():
            finding = Finding.objects.select_for_update().select_related("inspection__unit").get(pk=finding.pk)
            transitions.check(actor, finding, "request_closeout")
            closeout = Closeout.objects.create(
                finding=finding, requested_by=actor.user, requested_at=clock.now(),
                request_comment=comment.strip(), root_cause=root_cause.strip(), lessons=lessons.strip())
            if finding.returned:  # asked again: no longer 待补充
                Finding.objects.filter(pk=finding.pk).update(returned=False)
                derived.refresh_finding(finding.pk, actor)
            event = audit.record(actor, "closeout.request", closeout, "申请销号",
                                 after={"comment": comment.strip(), "root_cause": root_cause.strip(),
                                        "lessons": lessons.strip(), "finding_status": finding.status})
            transitions.record_created(actor, closeout, "request", event)
            return closeout
    except IntegrityError:
        # The partial unique index caught a request made at the same moment.
        raise Conflict() from None


def _lock(closeout: Closeout) -> tuple[Closeout, Finding]:
    # Lock the finding first: a second decider waits here, then finds the request already decided.
    finding = Finding.objects.select_for_update().select_related("inspection__unit").get(pk=closeout.finding_id)
    closeout = Closeout.objects.select_related("finding__inspection__unit").get(pk=closeout.pk)
    closeout.finding = finding
    return closeout, finding


def _decided(actor: Actor, comment: str) -> dict:
    return {"decided_by": actor.user, "decided_at": clock.now(), "decision_comment": comment.strip()}


@transaction.atomic
def endorse_closeout(actor: Actor, closeout: Closeout, comment: str = "") -> Closeout:
    """单位负责人审核: the unit leader endorses the request; then the office decides."""
    closeout, _ = _lock(closeout)
    transitions.apply(actor, closeout, "endorse", comment, changes={
        "endorsed_by": actor.user, "endorsed_at": clock.now(), "endorse_comment": comment.strip()})
    return closeout


@transaction.atomic
def approve_closeout(actor: Actor, closeout: Closeout, comment: str = "") -> Closeout:
    closeout, finding = _lock(closeout)
    if closeout.state not in CLOSEOUT_OPEN:
        raise Conflict("该销号申请已被他人处理，请刷新。")
    if (closeout.state == "requested" and settings.CLOSEOUT_ENDORSEMENT
            and permissions.allowed(actor, "decide_closeout", finding.inspection)):
        raise InvalidMove("该销号申请尚待单位负责人审核，审核同意后巡察办才能销号。")
    transitions.apply(actor, closeout, "approve", comment, changes=_decided(actor, comment))
    # The finding's own move states its real previous status (done, ongoing, reopened …).
    transitions.apply(actor, finding, "close", comment, cascade=True,
                      changes={"reopened": False, "returned": False, "next_deadline": None})
    derived.refresh_finding(finding.pk, actor)
    return closeout


@transaction.atomic
def return_closeout(actor: Actor, closeout: Closeout, comment: str) -> Closeout:
    """退回: by the office, or by the unit leader before endorsing; the finding is 待补充 with
    the reason, on the editor's list, until requested again."""
    if not comment.strip():
        raise InvalidInput("退回销号申请时请写明理由。", field="comment")
    closeout, finding = _lock(closeout)
    if closeout.state not in CLOSEOUT_OPEN:
        raise Conflict("该销号申请已被他人处理，请刷新。")
    transitions.apply(actor, closeout, "return", comment, changes=_decided(actor, comment))
    if finding.status in transitions.FINDING_RETURNABLE:
        transitions.apply(actor, finding, "return", comment, cascade=True, changes={"returned": True})
    else:  # measures were reopened meanwhile: keep the flag, the derived status follows them
        Finding.objects.filter(pk=finding.pk).update(returned=True)
    derived.refresh_finding(finding.pk, actor)
    return closeout


@transaction.atomic
def record_lookback(actor: Actor, finding: Finding, date: dt.date, result: str, comment: str = "") -> Lookback:
    if result not in LOOKBACK_RESULT:
        raise InvalidInput("回头看结论应为“整改成果巩固”或“问题反弹”。", field="result")
    if date > clock.today():
        raise InvalidInput("回头看日期不能晚于今天。", field="date")
    if result == "rebounded" and not comment.strip():
        raise InvalidInput("问题反弹时请说明具体情况。", field="comment")
    finding = Finding.objects.select_for_update().select_related("inspection__unit").get(pk=finding.pk)
    transitions.check(actor, finding, "lookback")
    lookback = Lookback.objects.create(finding=finding, date=date, result=result, comment=comment.strip(),
                                       checked_by=actor.user)
    audit.record(actor, "lookback.record", lookback, f"回头看：{LOOKBACK_RESULT.label(result)}",
                 after={"result": result, "comment": comment})
    if result == "rebounded":
        transitions.apply(actor, finding, "reopen", comment, changes={"reopened": True})
        derived.refresh_finding(finding.pk, actor)
    return lookback
