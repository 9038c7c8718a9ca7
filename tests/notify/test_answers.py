"""A 报结 date passing without the unit's answer is told to the unit head and the office, once."""

from __future__ import annotations

import datetime as dt

from xuncha.ledger.models import AuditEvent
from xuncha.notify import ladder, services
from xuncha.notify.models import Notification, Supervision


def _told(user) -> int:
    return Notification.objects.filter(recipient=user, kind="reply_overdue").count()


def _open(clock) -> Supervision:
    ladder.run(clock.set(dt.date(2025, 11, 16)))  # the cast's measure is due 2025-11-15
    return Supervision.objects.get()


def test_an_unanswered_supervision_is_told_once_after_its_reply_date(cast, clock):
    supervision = _open(clock)
    day, told = supervision.opened_on, []
    while day <= supervision.reply_due + dt.timedelta(days=20):
        for _ in range(2):  # each day twice
            if ladder.run(clock.set(day))["answer-overdue"]:
                told.append(day)
        day += dt.timedelta(days=1)
    assert told == [supervision.reply_due + dt.timedelta(days=1)]
    assert (_told(cast.users["leader"]), _told(cast.users["admin"])) == (1, 1)
    assert _told(cast.users["editor"]) == 0 and _told(cast.users["outsider"]) == 0
    supervision.refresh_from_db()
    assert supervision.reply_overdue_on == supervision.reply_due + dt.timedelta(days=1)
    (event,) = AuditEvent.objects.filter(action="ladder.reply_overdue")
    assert (event.object_type, event.object_id) == ("supervision", supervision.pk)
    note = Notification.objects.get(recipient=cast.users["leader"], kind="reply_overdue")
    assert note.title == f"督办逾期未报结：天宝社区（{supervision.number}）"
    assert note.link == f"/supervisions/{supervision.pk}/"


def test_an_answer_in_time_is_not_told_nor_a_later_return(cast, clock):
    supervision = _open(clock)
    services.move(cast.actor("editor"), supervision, "answer", "已全部整改完毕。")
    ladder.run(clock.set(supervision.reply_due + dt.timedelta(days=1)))
    assert not Notification.objects.filter(kind="reply_overdue").exists()
    supervision.refresh_from_db()
    services.move(cast.actor("admin"), supervision, "return", "佐证材料不全")
    # Returned after its 报结 date: waiting for the unit again, so told the next day, once.
    for offset in (2, 2, 3):
        ladder.run(clock.set(supervision.reply_due + dt.timedelta(days=offset)))
    assert (_told(cast.users["leader"]), _told(cast.users["admin"])) == (1, 1)
