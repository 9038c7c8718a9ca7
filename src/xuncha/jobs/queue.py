"""Putting work on the queue: the Job row first, then django-q2 once the row is committed."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction

from xuncha import clock
from xuncha.jobs.models import Job
from xuncha.jobs.registry import TASKS
from xuncha.ledger.actor import Actor
from xuncha.ledger.services import audit

log = logging.getLogger(__name__)

RUN = "xuncha.jobs.runner.run"


def enqueue(name: str, args: dict[str, Any] | None = None, *, actor: Actor | None = None,
            key: str | None = None, delay: dt.timedelta | None = None, title: str = "",
            dispatch: bool = True) -> Job:
    """Create the job and hand it to a worker when the transaction commits.

    With a `key` that a job already has, that job is returned and nothing is queued again.
    `dispatch=False` leaves it to the caller (`xuncha daily` runs it in its own process).
    """
    task = TASKS[name]  # an unknown name is a programming error: fail loudly
    if key is not None and (existing := Job.objects.filter(key=key).first()) is not None:
        return existing
    at = clock.now() + delay if delay else None
    try:
        with transaction.atomic():
            job = Job.objects.create(
                name=name, title=(title or task.title)[:200], args=args or {},
                max_attempts=task.max_attempts,
                next_attempt_at=at, key=key, created_at=clock.now(),
                created_by=actor.user if actor is not None and actor.role != "system" else None)
            if actor is not None:
                audit.record(actor, "job.enqueue", job, f"提交后台任务：{job.title}",
                             after={"args": job.args})
    except IntegrityError:
        if key is None:
            raise
        return Job.objects.get(key=key)  # another process created it a moment ago
    if dispatch:
        transaction.on_commit(lambda: hand_off(job.pk, at))
    return job


def hand_off(job_id: int, at: dt.datetime | None = None) -> None:
    """Give "run job N" to django-q2: now, or as a one-off schedule for a later time."""
    from django_q.models import Schedule
    from django_q.tasks import async_task

    if at is None or at <= clock.now():
        async_task(RUN, job_id, task_name=f"job-{job_id}", group="xuncha")
    else:
        Schedule.objects.create(func=RUN, args=repr(job_id), schedule_type=Schedule.ONCE,
                                next_run=at, repeats=-1)  # -1: deleted once it has fired
    log.debug("job %s handed to the queue (at %s)", job_id, at or "now")
