"""Daily work: one table, turned into django-q2 schedules by ensure_schedules().

Adding a daily purge is one line in DAILY plus a @job function (which takes `day`, YYYY-MM-DD).
Each day's run is the job keyed daily:<name>:<day>, so a second run on one day does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.utils import timezone

from xuncha import clock
from xuncha.jobs import runner
from xuncha.jobs.models import Job
from xuncha.jobs.queue import enqueue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Daily:
    name: str
    task: str  # a registered job name
    title: str
    at: dt.time  # local time of day (TIME_ZONE)


DAILY: tuple[Daily, ...] = (
    Daily("sessions", "sessions.purge", "清理过期会话", dt.time(2, 0)),
    Daily("reuse-checks", "reuse.purge", "清理过期雷同检测", dt.time(2, 10)),
    Daily("reuse-index", "reuse.index_maintenance", "雷同索引维护", dt.time(2, 30)),
    Daily("imports", "imports.purge", "清理过期的待导入文件", dt.time(2, 40)),
    Daily("exports", "exports.purge", "清理过期的导出台账", dt.time(2, 45)),
    Daily("orphans", "files.purge_orphans", "清理无主文件", dt.time(2, 50)),
    Daily("sweeper", "jobs.sweep", "后台任务巡检", dt.time(3, 0)),
    Daily("jobs", "jobs.purge", "清理已结束的后台任务", dt.time(3, 10)),
    Daily("audit-verify", "audit.verify", "审计日志完整性校验", dt.time(3, 20)),
    Daily("published-verify", "published.verify", "发布文件完整性校验", dt.time(3, 30)),
    Daily("ladder", "notify.ladder", "督办阶梯：到期提醒、逾期督办、约谈", dt.time(6, 0)),
    Daily("digest", "notify.digest", "发送每日通知汇总邮件", dt.time(7, 30)),
    Daily("analytics", "analytics.rebuild", "重算统计分析汇总", dt.time(0, 20)),
    Daily("provenance", "provenance.scan", "佐证材料核验（全省）", dt.time(1, 0)),
    Daily("form-tokens", "forms.purge", "清理过期的表单令牌", dt.time(3, 40)),
)
BY_NAME = {d.name: d for d in DAILY}
PREFIX = "xuncha:daily:"
SWEEP = "xuncha:sweep"  # the frequent sweep, apart from the daily one
SWEEP_MINUTES = 1


def today() -> dt.date:
    return timezone.localdate(clock.now())


def run_daily(name: str, day: str = "", dispatch: bool = True) -> Job:
    """Queue (or find) the day's job of `name`; what the schedule calls, and `xuncha daily` too."""
    entry = BY_NAME[name]
    day = day or today().isoformat()
    return enqueue(entry.task, {"day": day}, key=f"daily:{name}:{day}",
                   title=f"{entry.title}（{day}）", dispatch=dispatch)


def run_day(day: dt.date) -> list[tuple[Daily, Job, str]]:
    """Run every daily job of `day` in this process: (entry, job, what happened)."""
    results = []
    for entry in DAILY:
        job = run_daily(entry.name, day.isoformat(), dispatch=False)
        outcome = runner.run(job.pk)
        job.refresh_from_db()
        results.append((entry, job, outcome))
    return results


def _next_run(at: dt.time) -> dt.datetime:
    now = timezone.localtime(clock.now())
    run = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return run if run > now else run + dt.timedelta(days=1)


def ensure_schedules() -> int:
    """Create or update the django-q2 schedules of DAILY and the sweep; drop retired ones.

    A schedule's next run is set only when it is new or its time changed, so a restart never
    skips the day's run of a worker that was down at its time.
    """
    from django_q.models import Schedule

    changed = 0
    for entry in DAILY:
        schedule = Schedule.objects.filter(name=PREFIX + entry.name).first()
        wanted = {"func": "xuncha.jobs.schedule.run_daily", "args": repr(entry.name),
                  "schedule_type": Schedule.DAILY, "repeats": -1}
        if schedule is None:
            Schedule.objects.create(name=PREFIX + entry.name, next_run=_next_run(entry.at),
                                    **wanted)
            changed += 1
            continue
        moved = timezone.localtime(schedule.next_run).time().replace(second=0) != entry.at
        if moved or any(getattr(schedule, field) != value for field, value in wanted.items()):
            Schedule.objects.filter(pk=schedule.pk).update(
                **wanted, **({"next_run": _next_run(entry.at)} if moved else {}))
            changed += 1
    retired = Schedule.objects.filter(name__startswith=PREFIX).exclude(
        name__in=[PREFIX + d.name for d in DAILY]).delete()[0]
    _, created = Schedule.objects.update_or_create(name=SWEEP, defaults={
        "func": "xuncha.jobs.runner.sweep", "schedule_type": Schedule.MINUTES,
        "minutes": SWEEP_MINUTES, "repeats": -1})
    return changed + retired + int(created)
