"""The jobs app's own daily work. (Each app keeps its background work in its `tasks` module.)"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings

from xuncha.jobs import runner
from xuncha.jobs.registry import job


@job("sessions.purge", title="清理过期会话")
def purge_sessions(day: str = "") -> None:
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@job("jobs.sweep", title="后台任务巡检", atomic=False)
def sweep(day: str = "") -> None:
    runner.sweep()
