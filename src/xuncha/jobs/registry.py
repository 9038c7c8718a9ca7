"""The registered tasks: a plain dict a test can list, filled by the @job decorator."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Task:
    name: str
    title: str  # Chinese, shown on the 后台任务 page
    func: Callable[..., None]
    max_attempts: int = 3
    # True: the handler only writes to the database and runs in the transaction that marks the
    # job done, so its effect happens exactly once. False: it writes files or runs long (a long
    # transaction would hold SQLite's write lock), and must be idempotent.
    atomic: bool = True
    # Called with the job's args and reason=… once the job has failed for good (after its last
    # attempt, or when its worker died on it), so a handler keeping its own state can close it.
    on_failure: Callable[..., None] | None = None


TASKS: dict[str, Task] = {}


class JobError(Exception):
    """Raised by a handler to fail with a reason people can read (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def job(name: str, *, title: str, max_attempts: int = 3, atomic: bool = True,
        on_failure: Callable[..., None] | None = None) -> Callable:
    """Register a handler under `name`; it is called with the job's args as keywords."""

    def register(func: Callable[..., None]) -> Callable[..., None]:
        TASKS[name] = Task(name, title, func, max_attempts, atomic, on_failure)
        return func

    return register


def discover() -> None:
    """Import every app's `tasks` module, then the extra modules of XUNCHA_JOB_MODULES."""
    autodiscover_modules("tasks")
    for module in getattr(settings, "JOB_MODULES", []):
        importlib.import_module(module)
