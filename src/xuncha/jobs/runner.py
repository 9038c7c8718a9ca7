"""Running a job: claim it by a conditional UPDATE, run its handler, record the outcome.

Exactly-once contract: a handler registered with atomic=True (the default) runs inside the
transaction that marks the job done, and that mark is a compare-and-swap on (state, attempts);
a worker that lost its lease (another took the job over) rolls its handler's writes back. So a
database-only effect happens once however often the job is presented. A handler with
atomic=False (files, long runs) may run again after a crash and must be idempotent.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import traceback

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from xuncha import clock
from xuncha.core.statuses import JobState
from xuncha.jobs import queue
from xuncha.jobs.models import Job
from xuncha.jobs.registry import TASKS, JobError

log = logging.getLogger(__name__)

MAX_DELAY = dt.timedelta(hours=1)
# The job this thread is running and the step it is in (for step() and a failure's reason).
_current: contextvars.ContextVar[tuple[Job, str] | None] = contextvars.ContextVar(
    "job", default=None)


class LeaseLost(Exception):
    """Another worker took the job over while this one ran it (its lease had expired)."""


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next try after `attempts` failed: base, 2×base, 4×base… capped."""
    delay = dt.timedelta(seconds=settings.JOB_RETRY_SECONDS * 2 ** max(0, attempts - 1))
    return min(delay, MAX_DELAY)


def lease() -> dt.timedelta:
    # django-q2 kills a task after JOB_TIMEOUT, so past this the worker is surely gone.
    return dt.timedelta(seconds=settings.JOB_TIMEOUT)


def step(label: str) -> None:
    """Name the step a handler is in (Chinese): shown on the page and in a failure's reason."""
    current = _current.get()
    if current is not None:
        _current.set((current[0], label))
        Job.objects.filter(pk=current[0].pk).update(stage=label[:100])


def run(job_id: int) -> str:
    """Run job `job_id` if it is due (or its worker died); returns what happened, for logs."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    task = TASKS.get(job.name)
    token = _current.set((job, ""))
    try:
        if task is None:
            raise JobError(f"任务类型“{job.name}”未登记，无法运行。")
        if task.atomic:
            with transaction.atomic():
                task.func(**job.args)
                _finish(job)
        else:
            task.func(**job.args)
            _finish(job)
    except LeaseLost:
        log.warning("job %s: lease lost to another worker, its work rolled back", job.pk)
        return "lost"
    except JobError as exc:
        return _failed(job, exc.message, f"JobError: {exc.message}")
    except Exception as exc:
        log.exception("job %s (%s) failed", job.pk, job.name)
        where = (_current.get() or (job, ""))[1] or "执行"
        reason = f"“{job.title}”在“{where}”步骤出现意外错误，已记入日志。"
        return _failed(job, reason, "".join(traceback.format_exception_only(exc)).strip())
    finally:
        _current.reset(token)
    return "done"


def _claim(job_id: int) -> Job | None:
    """queued/retrying and due, or running with its lease expired → running, attempts + 1."""
    now = clock.now()
    due = Q(state__in=[JobState.QUEUED, JobState.RETRYING]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    dead = Q(state=JobState.RUNNING, lease_until__lt=now)
    job = Job.objects.filter(due | dead, pk=job_id).first()
    if job is None:
        return None
    same = Job.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts)
    if job.state == JobState.RUNNING and job.attempts >= job.max_attempts:
        # Its worker died on every attempt (killed, or over the time limit): stop presenting it.
        if same.update(state=JobState.FAILED, finished_at=now, lease_until=None, error=_lost(job),
                       error_detail="worker lost on the last attempt"):
            _gave_up(job, _lost(job))
        return None
    if job.state == JobState.RUNNING:
        log.warning("job %s: worker lost on attempt %s, running it again", job.pk, job.attempts)
    if not same.update(state=JobState.RUNNING, attempts=F("attempts") + 1, started_at=now,
                       lease_until=now + lease(), next_attempt_at=None, stage=""):
        return None  # another worker claimed it first
    job.refresh_from_db()
    return job


def _mine(job: Job):
    return Job.objects.filter(pk=job.pk, state=JobState.RUNNING, attempts=job.attempts)


def _finish(job: Job) -> None:
    if not _mine(job).update(state=JobState.DONE, finished_at=clock.now(), lease_until=None,
                             error="", error_detail=""):
        raise LeaseLost()


def _failed(job: Job, reason: str, detail: str) -> str:
    """Retry later with a growing delay, or fail for good after the last attempt."""
    now = clock.now()
    if job.attempts < job.max_attempts:
        at = now + backoff(job.attempts)
        if _mine(job).update(state=JobState.RETRYING, next_attempt_at=at, lease_until=None,
                             error=reason[:300], error_detail=detail):
            log.warning("job %s attempt %s failed (%s); retry at %s",
                        job.pk, job.attempts, detail, at)
            transaction.on_commit(lambda: queue.hand_off(job.pk, at))
        return "retrying"
    if _mine(job).update(state=JobState.FAILED, finished_at=now, lease_until=None,
                         error=reason[:300], error_detail=detail):
        _gave_up(job, reason)
    return "failed"


def _gave_up(job: Job, reason: str) -> None:
    log.error("job %s (%s) failed for good after %s attempt(s)", job.pk, job.name, job.attempts)
    task = TASKS.get(job.name)
    if task is not None and task.on_failure is not None:
        try:
            task.on_failure(**job.args, reason=reason)
        except Exception:  # the job is failed either way; the hook's trouble goes to the log
            log.exception("on_failure of job %s failed", job.pk)


def sweep() -> int:
    """Bring back jobs whose worker died or whose queue entry was lost; returns how many.

    A dead worker's job is failed after its last attempt, else queued again at once. A due job
    still waiting one broker redelivery window later (django-q2's `retry`) is handed over again
    and its time moved on, so a long backlog is not handed over on every sweep.
    """
    now = clock.now()
    count = sum(_requeue_dead(job, now) for job in
                Job.objects.filter(state=JobState.RUNNING, lease_until__lt=now)[:1000])
    window = now - dt.timedelta(seconds=settings.Q_CLUSTER["retry"])
    waiting = [JobState.QUEUED, JobState.RETRYING]
    stale = Job.objects.filter(state__in=waiting).filter(
        Q(next_attempt_at__lte=window) | Q(next_attempt_at__isnull=True, created_at__lte=window))
    ids = list(stale.values_list("pk", flat=True)[:1000])
    Job.objects.filter(pk__in=ids, state__in=waiting).update(next_attempt_at=now)
    for pk in ids:
        queue.hand_off(pk)
    if count or ids:
        log.info("sweeper: %s job(s) of dead workers, %s lost queue entries", count, len(ids))
    return count + len(ids)


def _requeue_dead(job: Job, now: dt.datetime) -> int:
    same = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, attempts=job.attempts,
                              lease_until__lt=now)
    if job.attempts >= job.max_attempts:
        if same.update(state=JobState.FAILED, finished_at=now, lease_until=None, error=_lost(job),
                       error_detail="worker lost on the last attempt"):
            _gave_up(job, _lost(job))
        return 0
    if not same.update(state=JobState.RETRYING, next_attempt_at=now, lease_until=None,
                       error="工作进程中断，已重新排队。", error_detail="worker lost"):
        return 0
    queue.hand_off(job.pk)
    return 1


def _lost(job: Job) -> str:
    return f"“{job.title}”多次运行中断（超时或工作进程退出），已停止重试。"
