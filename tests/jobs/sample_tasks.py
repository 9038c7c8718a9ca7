"""Tasks for the tests only, registered through XUNCHA_JOB_MODULES (or imported by a test)."""

from __future__ import annotations

import time
from pathlib import Path

from django.utils import timezone

from xuncha.jobs.registry import JobError, job
from xuncha.jobs.runner import step
from xuncha.ledger.models import AuditEvent


def _write_row(action: str, summary: str = "") -> None:
    AuditEvent.objects.create(at=timezone.now(), actor_name="test", action=action,
                              object_type="test", summary=summary)


@job("test.blocking", title="测试：等待信号后写一行", max_attempts=3)
def blocking(flag: str) -> None:
    """Waits for the flag file (bounded), then writes one row in the job's transaction."""
    deadline = time.monotonic() + 60
    while not Path(flag).exists():
        if time.monotonic() > deadline:
            raise JobError("等待信号超时。")
        time.sleep(0.05)
    _write_row("test.blocking")


@job("test.always_fails", title="测试：总是出错", max_attempts=4)
def always_fails() -> None:
    step("核对材料")
    raise RuntimeError("disk on fire")


@job("test.refuses", title="测试：拒绝处理", max_attempts=2)
def refuses() -> None:
    raise JobError("材料不全，无法处理。")


@job("test.writes", title="测试：写一行")
def writes(note: str = "") -> None:
    _write_row("test.writes", note)


@job("test.taken_over", title="测试：运行中被接管")
def taken_over(job_id: int) -> None:
    """Writes a row, while another worker takes the job over (as after an expired lease)."""
    from django.db.models import F

    from xuncha.jobs.models import Job

    _write_row("test.taken_over")
    Job.objects.filter(pk=job_id).update(attempts=F("attempts") + 1)
