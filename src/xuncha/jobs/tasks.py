"""The jobs app's own daily work. (Each app keeps its background work in its `tasks` module.)"""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from xuncha.core.statuses import JobState
from xuncha.jobs import runner
from xuncha.jobs.models import Job
from xuncha.jobs.registry import job


@job("sessions.purge", title="清理过期会话")
def purge_sessions(day: str = "") -> None:
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@job("jobs.purge", title="清理已结束的后台任务")
def purge_jobs(day: str) -> None:
    start = timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time()))
    ended = [JobState.DONE, JobState.FAILED, JobState.CANCELLED]
    Job.objects.filter(state__in=ended, finished_at__lt=start - dt.timedelta(
        days=settings.JOB_KEEP_DAYS)).delete()


@job("jobs.sweep", title="后台任务巡检", atomic=False)
def sweep(day: str = "") -> None:
    runner.sweep()
