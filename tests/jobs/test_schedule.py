"""Daily work: the schedules, and `xuncha daily` doing nothing twice on one day."""

from __future__ import annotations

import datetime as dt
import os

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from xuncha.jobs import schedule
from xuncha.jobs.models import Job
from xuncha.ledger.models import AuditEvent, ReuseCheck
from xuncha.ledger.services import reuse, reuse_checks, storage


def _expired_session() -> str:
    store = SessionStore()
    store["x"] = 1
    store.set_expiry(-10)
    store.save()
    return store.session_key


def test_ensure_schedules_creates_one_schedule_per_daily_entry_and_the_sweep_once(db):
    assert schedule.ensure_schedules() == len(schedule.DAILY) + 1
    assert schedule.ensure_schedules() == 0
    daily = Schedule.objects.filter(name__startswith=schedule.PREFIX)
    assert daily.count() == len(schedule.DAILY)
    first = daily.get(name=schedule.PREFIX + "sessions")
    assert first.func == "xuncha.jobs.schedule.run_daily" and first.args == "'sessions'"
    assert timezone.localtime(first.next_run).time() == dt.time(2, 0)
    assert Schedule.objects.get(name=schedule.SWEEP).minutes == schedule.SWEEP_MINUTES


def test_ensure_schedules_drops_a_retired_daily_entry(db):
    Schedule.objects.create(name=schedule.PREFIX + "retired", func="x.y",
                            schedule_type=Schedule.DAILY)
    schedule.ensure_schedules()
    assert not Schedule.objects.filter(name=schedule.PREFIX + "retired").exists()


def test_daily_runs_each_task_once_per_date_and_a_second_run_changes_nothing(cast, settings,
                                                                              capsys):
    settings.REUSE_CHECK_DAYS = 90
    member = cast.users["team_member"]
    old = ReuseCheck.objects.create(title="旧批次", created_by=member, state="done")
    ReuseCheck.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=200))
    recent = ReuseCheck.objects.create(title="新批次", created_by=member, state="done")
    for check in (old, recent, 99999):  # 99999: files whose row never committed
        storage.save_bytes("reuse", f"{reuse_checks.prefix(check)}/files/讲话.txt", "讲话".encode())
    orphan = settings.STORAGES["xuncha-reuse"]["OPTIONS"]["location"] + "/99999/files/讲话.txt"
    os.utime(orphan, (0, 0))
    reuse.store().add_many([("a", "第一份文本" * 20)])
    reuse.store().add_many([("b", "第二份文本" * 20)])
    stale = _expired_session()
    ancient = Job.objects.create(name="test.writes", title="旧任务", state="done",
                                 finished_at=timezone.now() - dt.timedelta(days=400))
    day = timezone.localdate().isoformat()

    call_command("daily", "--date", day)
    out = capsys.readouterr().out
    assert out.count("已完成") == len(schedule.DAILY) and "未重复执行" not in out
    assert not Session.objects.filter(session_key=stale).exists()
    assert list(ReuseCheck.objects.all()) == [recent]
    assert sorted(storage.walk("reuse")) == [f"{recent.pk}/files/讲话.txt"]
    assert AuditEvent.objects.filter(action="reuse.purge", object_id=old.pk).count() == 1
    assert len(reuse.store().segments) == 1
    assert not Job.objects.filter(pk=ancient.pk).exists()
    fields = ("key", "state", "attempts", "finished_at")
    jobs = list(Job.objects.values_list(*fields).order_by("key"))
    assert [key for key, *_ in jobs] == sorted(f"daily:{d.name}:{day}" for d in schedule.DAILY)

    later = _expired_session()
    call_command("daily", "--date", day)
    assert capsys.readouterr().out.count("当天已运行过，未重复执行") == len(schedule.DAILY)
    assert list(Job.objects.values_list(*fields).order_by("key")) == jobs
    assert Session.objects.filter(session_key=later).exists()


def test_daily_refuses_a_bad_date_in_chinese(db):
    import pytest
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="日期“2025-13-01”无效"):
        call_command("daily", "--date", "2025-13-01")
