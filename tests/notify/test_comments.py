"""Public comments whose reply is overdue join the ladder: told once per comment and deadline."""

from __future__ import annotations

import datetime as dt

from xuncha.ledger.models import AuditEvent
from xuncha.notify import ladder, selectors
from xuncha.notify.choices import COMMENT_OVERDUE
from xuncha.notify.models import CommentStep, Notification
from xuncha.portal.services import comments


def _comment(cast, notice, clock, text: str = "小区路灯坏了三个月，一直没有人修，请尽快处理。"):
    clock.set(dt.date(2025, 11, 3))  # a Monday
    return comments.post(cast.system, notice, text).comment


def _told(user) -> int:
    return Notification.objects.filter(recipient=user, kind="comment_overdue").count()


def test_an_overdue_reply_tells_the_units_editor_and_leader_once_across_daily_runs(cast, notice, clock):
    comment = _comment(cast, notice, clock)
    day = comment.reply_due
    while day <= comment.reply_due + dt.timedelta(days=10):
        for _ in range(2):
            counts = ladder.run(clock.set(day))
            if day <= comment.reply_due:
                assert counts[COMMENT_OVERDUE] == 0, day
        day += dt.timedelta(days=1)
    assert list(CommentStep.objects.values_list("comment_id", "step", "day")) == [
        (comment.pk, COMMENT_OVERDUE, comment.reply_due + dt.timedelta(days=1))]
    assert selectors.ladder_counts(cast.actor("admin"))["steps"][COMMENT_OVERDUE] == 1
    assert COMMENT_OVERDUE not in selectors.ladder_counts(cast.actor("outsider"))["steps"]
    assert (_told(cast.users["editor"]), _told(cast.users["leader"])) == (1, 1)
    assert _told(cast.users["admin"]) == 0 and _told(cast.users["outsider"]) == 0
    note = Notification.objects.filter(kind="comment_overdue").first()
    assert note.title == "群众意见逾期未答复：天宝社区有 1 条意见已超过答复期限"
    assert note.link == f"/comments/{comment.pk}/" and "小区路灯坏了三个月" in note.body
    (event,) = AuditEvent.objects.filter(action="comment.reply_overdue")
    assert (event.object_type, event.object_id, event.inspection_id) == (
        "publiccomment", comment.pk, cast.inspection.pk)


def test_a_reply_in_time_or_a_declined_comment_tells_nobody(cast, notice, clock):
    answered = _comment(cast, notice, clock)
    declined = _comment(cast, notice, clock, "另一条意见：社区活动室长期上锁，群众无法使用。")
    comments.reply(cast.actor("editor"), answered, "已安排维修，本周内完成。")
    comments.moderate(cast.actor("admin"), declined, "decline", "与整改事项无关")
    ladder.run(clock.set(answered.reply_due + dt.timedelta(days=3)))
    assert not CommentStep.objects.exists()
    assert not Notification.objects.filter(kind="comment_overdue").exists()


def test_steps_stored_under_the_old_name_are_renamed_and_not_taken_again(cast, notice, clock):
    """Migration notify 0004: an installation that took the step as "reply-overdue" keeps its count
    and tells nobody a second time."""
    import importlib

    from django.apps import apps

    comment = _comment(cast, notice, clock)
    late = comment.reply_due + dt.timedelta(days=1)
    ladder.run(clock.set(late))
    CommentStep.objects.update(step="reply-overdue")
    importlib.import_module("xuncha.notify.migrations.0004_comment_step_name").forwards(apps, None)
    assert list(CommentStep.objects.values_list("step", flat=True)) == [COMMENT_OVERDUE]
    assert selectors.ladder_counts(cast.actor("admin"))["steps"][COMMENT_OVERDUE] == 1
    assert ladder.run(clock.set(late + dt.timedelta(days=1)))[COMMENT_OVERDUE] == 0
    assert _told(cast.users["editor"]) == 1
