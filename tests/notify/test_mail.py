"""E-mail: the kinds each person chose, sent once by a job; the daily digest, once a day."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from xuncha.notify import ladder, services
from xuncha.notify import mail as notify_mail
from xuncha.notify.models import DigestSent

DEADLINE = dt.date(2025, 11, 15)


def _addresses(cast) -> None:
    for name, user in cast.users.items():
        get_user_model().objects.filter(pk=user.pk).update(email=f"{name}@example.org")


def test_by_default_a_supervision_is_mailed_and_a_reminder_is_not(cast, clock, committed):
    _addresses(cast)
    with committed():
        ladder.run(clock.set(DEADLINE - dt.timedelta(days=20)))
    assert mail.outbox == []  # reminders wait for the inbox and the digest
    with committed():
        ladder.run(clock.set(DEADLINE + dt.timedelta(days=1)))
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["admin@example.org", "leader@example.org"]
    assert mail.outbox[0].subject.startswith("【巡察整改】督办：请天宝社区于")
    assert "/supervisions/" in mail.outbox[0].body
    notify_mail.send_pending()
    assert len(mail.outbox) == 2  # each once


def test_a_person_chooses_the_kinds_mailed_to_them(cast, clock, committed):
    _addresses(cast)
    services.save_preferences(cast.actor("editor"), ["reminder"], digest=False)
    services.save_preferences(cast.actor("admin"), [], digest=True)
    with committed():
        ladder.run(clock.set(DEADLINE - dt.timedelta(days=20)))
        ladder.run(clock.set(DEADLINE + dt.timedelta(days=1)))
    assert sorted(m.to[0] for m in mail.outbox) == ["editor@example.org", "leader@example.org"]


def test_the_daily_digest_lists_the_unread_notifications_since_the_last_one_once(cast, clock):
    _addresses(cast)
    ladder.run(clock.set(DEADLINE - dt.timedelta(days=10)))
    mail.outbox.clear()
    assert notify_mail.send_digests(clock.day) == 1  # the morning's reminders, the same morning
    assert notify_mail.send_digests(clock.day) == 0
    (message,) = mail.outbox
    assert message.to == ["editor@example.org"]
    assert message.subject == "【巡察整改】每日通知汇总（2025年11月5日）：1 条新通知"
    assert "【到期提醒】到期前10天提醒：天宝社区有 1 项整改措施将到期" in message.body
    assert "目前共有未读通知 1 条" in message.body
    assert DigestSent.objects.get().count == 1
    ladder.run(clock.set(DEADLINE - dt.timedelta(days=9)))  # nothing new that day
    assert notify_mail.send_digests(clock.day) == 0  # nothing since the last digest


def test_read_notifications_and_people_without_the_digest_get_none(cast, clock):
    _addresses(cast)
    ladder.run(clock.set(DEADLINE - dt.timedelta(days=10)))
    services.mark_all_read(cast.actor("editor"))
    mail.outbox.clear()
    assert notify_mail.send_digests(DEADLINE - dt.timedelta(days=10)) == 0
    assert mail.outbox == []


def test_xuncha_daily_sends_the_digest(cast, clock):
    _addresses(cast)
    ladder.run(clock.set(DEADLINE - dt.timedelta(days=10)))
    mail.outbox.clear()
    call_command("daily", date=(DEADLINE - dt.timedelta(days=10)).isoformat())
    call_command("daily", date=(DEADLINE - dt.timedelta(days=10)).isoformat())
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]
