"""Notifications for events the ledger already audits, derived from AuditEvent rows.

ONE table maps an audit action to a notification kind. A post_save signal on AuditEvent
queues `notify.audit_event` when the writing transaction commits, so no service elsewhere
needs an edit to emit a notification, and a rolled-back change notifies nobody. (Audit rows
made by bulk_create, like the ladder's own, send no signal: the ladder notifies by itself.)

A published file found changed (`published_file.mismatch`, on download or by `xuncha
verify-published`) is told once per changed file: the notification's key is the file and the
digest found, so the same tampered file found again and again tells nobody twice. (Overdue
replies to public comments are the ladder's own step: notify.ladder.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save

from xuncha.ledger.models import AuditEvent, Closeout, ExtensionRequest, Inspection
from xuncha.ledger.services.published import MISMATCH


@dataclass(frozen=True)
class EventRule:
    kind: str  # choices.KIND
    title: str  # "{summary}" and "{unit}" are filled in
    when: Callable[[AuditEvent], bool] = lambda event: True
    key: Callable[[AuditEvent], str] = lambda event: f"audit:{event.pk}"  # the same key: told once
    body: Callable[[AuditEvent], str] | None = None  # default: "{actor}：{summary}"


def _changed_file(event: AuditEvent) -> str:
    """One changed file (notice, format, digest found): its alert is told once."""
    after = event.after or {}
    return f"file_mismatch:{event.object_id}:{after.get('format')}:{after.get('sha256') or 'missing'}"


def _endorsement() -> bool:
    return bool(settings.CLOSEOUT_ENDORSEMENT)


def _by_unit(event: AuditEvent) -> bool:
    """A comment moderated by the unit it is assigned to (not by the office): recorded by
    portal.services.comments.moderate in the audit record's `by_unit`."""
    return bool((event.after or {}).get("by_unit"))


def _with_reason(event: AuditEvent) -> str:
    reason = (event.after or {}).get("reason") or ""
    return f"{event.actor_name}：{event.summary}" + (f"\n理由：{reason}" if reason else "")


EVENT_KINDS: dict[str, EventRule | tuple[EventRule, ...]] = {
    # 销号: the request waits for the unit leader (单位负责人审核), then for the office; the
    # requester and the unit's editors hear the decision.
    # (Without 单位负责人审核, XUNCHA_CLOSEOUT_ENDORSEMENT=false, the request waits for the office.)
    "closeout.request": (EventRule("closeout_to_endorse", "销号申请待单位负责人审核：{unit}",
                                   lambda e: _endorsement()),
                         EventRule("closeout_to_decide", "销号申请待巡察办审核：{unit}",
                                   lambda e: not _endorsement())),
    "closeout.endorse": EventRule("closeout_to_decide", "销号申请待巡察办审核：{unit}"),
    "closeout.approve": EventRule("closeout_approved", "销号申请已同意：{unit}"),
    "closeout.return": EventRule("closeout_returned", "销号申请被退回：{unit}"),
    # 延期: the office's decision, to the requester and the unit's editors.
    "extension.approve": EventRule("extension_decided", "延期申请已同意：{unit}"),
    "extension.refuse": EventRule("extension_decided", "延期申请未获同意：{unit}", body=_with_reason),
    "lookback.record": EventRule("finding_reopened", "回头看发现问题反弹，已重新打开：{unit}",
                                 lambda e: (e.after or {}).get("result") == "rebounded"),
    MISMATCH: EventRule("file_mismatch", "已发布通报的文件校验不符：{unit}", key=_changed_file),
    "finding.recheck_reopen": EventRule("finding_reopened", "随机抽查未通过，已重新打开：{unit}"),
    # A comment from the public, assigned to the unit of its notice: to publish (or not) and answer.
    "comment.post": EventRule("comment_received", "收到群众意见：{unit}"),
    # A unit may decline or merge a comment about itself: the office hears it, with the reason.
    "comment.decline": EventRule("comment_declined", "群众意见被承办单位不予公开：{unit}", _by_unit,
                                 body=_with_reason),
    "comment.merge": EventRule("comment_declined", "群众意见被承办单位合并：{unit}", _by_unit,
                               body=_with_reason),
    "supervision.answer": EventRule("supervision_answered", "督办已报结，待审核：{unit}"),
    "supervision.accept": EventRule("supervision_decided", "督办报结已同意办结：{unit}"),
    "supervision.return": EventRule("supervision_decided", "督办报结被退回：{unit}"),
}


def rule_for(event: AuditEvent) -> EventRule | None:
    """The rule of an audit event: its action's rule (of several, the first whose `when` holds)."""
    found = EVENT_KINDS.get(event.action)
    rules = found if isinstance(found, tuple) else (found,) if found else ()
    return next((rule for rule in rules if rule.when(event)), None)


def rules() -> list[EventRule]:
    return [rule for found in EVENT_KINDS.values() for rule in (found if isinstance(found, tuple) else (found,))]


def _saved(sender, instance: AuditEvent, created: bool, **kwargs) -> None:
    if not created or rule_for(instance) is None:
        return
    event_id = instance.pk
    transaction.on_commit(lambda: _queue(event_id), robust=True)  # a failure never fails the change


def _queue(event_id: int) -> None:
    from xuncha.jobs.queue import enqueue

    enqueue("notify.audit_event", {"event": event_id}, key=f"notify:audit:{event_id}")


def connect() -> None:
    post_save.connect(_saved, sender=AuditEvent, dispatch_uid="xuncha.notify.events")


def notify_event(event_id: int) -> int:
    """The job's work: the notifications of one audit event (once: keyed by the event)."""
    from xuncha.notify import deliver
    from xuncha.notify.ladder_config import current

    event = AuditEvent.objects.filter(pk=event_id).first()
    rule = rule_for(event) if event else None
    if rule is None:
        return 0
    inspection = Inspection.objects.select_related("unit").filter(pk=event.inspection_id).first()
    unit_id = inspection.unit_id if inspection else None
    unit_name = inspection.unit.name if inspection else ""
    if event.object_type == "publiccomment":  # a comment is the business of the unit it is assigned to
        from xuncha.portal.models import PublicComment

        unit_id, unit_name = PublicComment.objects.filter(pk=event.object_id).values_list(
            "unit_id", "unit__name").first() or (unit_id, unit_name)
    requester = _requester(event)
    people = deliver.People.of_units([unit_id] if unit_id else [])
    # A set: someone both requester and editor (or in two audiences) is told once.
    users = people.audience(current().audience(rule.kind), unit_id, requester=requester)
    users.discard(event.actor_id)  # nobody is told of their own act
    link = _link(event)
    title = rule.title.format(unit=unit_name, summary=event.summary)
    body = rule.body(event) if rule.body else f"{event.actor_name}：{event.summary}"
    return deliver.deliver([deliver.Message(rule.kind, rule.key(event), title, body, link, users)])


def _requester(event: AuditEvent) -> int | None:
    """The person whose request (销号 or 延期) the event concerns."""
    model = {"closeout": Closeout, "extensionrequest": ExtensionRequest}.get(event.object_type)
    if model is None:
        return None
    return model.objects.filter(pk=event.object_id).values_list("requested_by_id", flat=True).first()


def _link(event: AuditEvent) -> str:
    if event.object_type == "publiccomment":
        return f"/comments/{event.object_id}/"
    if event.object_type == "supervision":
        return f"/supervisions/{event.object_id}/"
    if event.finding_id:
        return f"/findings/{event.finding_id}/"
    if event.object_type == "notice":
        return f"/notices/{event.object_id}/"
    return f"/inspections/{event.inspection_id}/" if event.inspection_id else ""
