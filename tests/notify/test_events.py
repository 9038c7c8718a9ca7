"""Audit actions become notifications through one table; other apps need no edit."""

from __future__ import annotations

from xuncha.ledger.models import AuditEvent
from xuncha.ledger.services import audit
from xuncha.notify import events
from xuncha.notify.choices import KIND
from xuncha.notify.models import Notification


def test_every_mapped_kind_is_a_known_kind_with_a_default_audience(settings):
    for rule in events.EVENT_KINDS.values():
        assert rule.kind in KIND
        assert settings.NOTIFY_LADDER["audiences"][rule.kind], rule.kind


def test_the_portal_hook_an_overdue_reply_reaches_the_units_editor_and_leader(cast, committed):
    with committed():
        audit.record(cast.system, "comment.reply_overdue", cast.inspection, "群众意见逾期未答复：关于路灯维修")
    notified = set(Notification.objects.filter(kind="comment_overdue").values_list("recipient__username",
                                                                                 flat=True))
    assert notified == {"editor", "leader"}
    note = Notification.objects.filter(kind="comment_overdue").first()
    assert note.title == "群众意见逾期未答复：天宝社区" and note.link == f"/inspections/{cast.inspection.pk}/"


def test_an_unmapped_action_queues_nothing(cast, committed):
    from xuncha.jobs.models import Job

    with committed():
        audit.record(cast.system, "finding.update", cast.finding, "修改反馈问题")
    assert not Job.objects.filter(name="notify.audit_event").exists()


def test_the_same_event_never_notifies_twice(cast, committed):
    with committed():
        event = audit.record(cast.system, "comment.reply_overdue", cast.inspection, "逾期")
    assert events.notify_event(event.pk) == 0
    assert Notification.objects.count() == 2
    assert AuditEvent.objects.filter(action="comment.reply_overdue").count() == 1
