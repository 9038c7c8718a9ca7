"""延期: a measure's deadline moves only by a request with a reason, decided by the office.

The first deadline stays on the measure (`original_deadline`), so the ledger, the notice and
the export show both.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from xuncha import clock
from xuncha.ledger import derived, permissions, transitions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import Conflict, InvalidInput
from xuncha.ledger.models import ExtensionRequest, Measure
from xuncha.ledger.services import audit
from xuncha.ledger.services.measures import _lock_changeable


def request_extension(actor: Actor, measure: Measure, new_deadline: dt.date | None,
                      reason: str) -> ExtensionRequest:
    permissions.require(actor, "request_extension", measure.finding.inspection)
    if not reason.strip():
        raise InvalidInput("申请延期须写明理由。", field="reason")
    if new_deadline is None:
        raise InvalidInput("请填写申请延至的日期。", field="new_deadline")
    try:
        with transaction.atomic():
            finding = _lock_changeable(measure.finding_id)
            measure = Measure.objects.get(pk=measure.pk)
            measure.finding = finding
            transitions.check(actor, measure, "extend", reason)
            if new_deadline <= measure.deadline:
                raise InvalidInput("申请延至的日期应晚于现在的完成时限。", field="new_deadline")
            if new_deadline <= clock.today():
                raise InvalidInput("申请延至的日期已经过去，请填写今天以后的日期。", field="new_deadline")
            request = ExtensionRequest.objects.create(
                measure=measure, old_deadline=measure.deadline, new_deadline=new_deadline, reason=reason.strip(),
                requested_by=actor.user, requested_at=clock.now())
            # A request moves no deadline yet: the record says what is asked (申请延至), not a change.
            event = audit.record(actor, "extension.request", request,
                                 f"申请延期：{measure.deadline:%Y-%m-%d} → {new_deadline:%Y-%m-%d}（待审核）",
                                 after={"old_deadline": measure.deadline.isoformat(),
                                        "new_deadline": new_deadline.isoformat(), "reason": reason.strip()})
            transitions.record_created(actor, request, "request", event)
            return request
    except IntegrityError:
        raise Conflict() from None


def _lock(request: ExtensionRequest) -> ExtensionRequest:
    return (ExtensionRequest.objects.select_for_update().select_related("measure__finding__inspection__unit")
            .get(pk=request.pk))


@transaction.atomic
def approve_extension(actor: Actor, request: ExtensionRequest, comment: str = "") -> ExtensionRequest:
    request = _lock(request)
    measure = request.measure
    transitions.apply(actor, request, "approve", comment, changes={
        "decided_by": actor.user, "decided_at": clock.now(), "decision_comment": comment.strip()})
    if measure.deadline != request.old_deadline:
        raise Conflict("该措施的完成时限已有变化，请刷新后重新审核。")
    before = {"deadline": audit.plain(measure.deadline)}
    Measure.objects.filter(pk=measure.pk).update(
        deadline=request.new_deadline, original_deadline=measure.original_deadline or measure.deadline)
    measure.refresh_from_db()
    derived.refresh_finding(measure.finding_id, actor)
    audit.record(actor, "measure.extend", measure,
                 f"完成时限：{request.old_deadline:%Y-%m-%d} → {request.new_deadline:%Y-%m-%d}（同意延期）",
                 before=before, after={"deadline": audit.plain(measure.deadline),
                                       "original_deadline": audit.plain(measure.original_deadline)})
    return request


@transaction.atomic
def refuse_extension(actor: Actor, request: ExtensionRequest, comment: str) -> ExtensionRequest:
    request = _lock(request)
    transitions.apply(actor, request, "refuse", comment, changes={
        "decided_by": actor.user, "decided_at": clock.now(), "decision_comment": comment.strip()})
    return request
