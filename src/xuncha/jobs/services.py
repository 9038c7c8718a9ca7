"""What people do with jobs: list them (the 后台任务 page) and retry a failed one."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from xuncha.core.statuses import JOB_STATE, JobState
from xuncha.jobs import queue
from xuncha.jobs.models import Job
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidMove, NotFound
from xuncha.ledger.services import audit


def visible_jobs(actor: Actor, state: str = "") -> QuerySet[Job]:
    """Newest first, optionally of one state; one query with the submitters."""
    permissions.require(actor, "view_jobs")
    jobs = Job.objects.select_related("created_by").order_by("-created_at", "-id")
    return jobs.filter(state=state) if state in JOB_STATE else jobs


def retry(actor: Actor, job_id: int) -> Job:
    """Queue a failed job again with fresh attempts; the audit record keeps the failure."""
    permissions.require(actor, "retry_jobs")
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    with transaction.atomic():
        if not Job.objects.filter(pk=job.pk, state=JobState.FAILED, attempts=job.attempts).update(
                state=JobState.QUEUED, attempts=0, next_attempt_at=None, finished_at=None,
                error="", error_detail=""):
            raise InvalidMove("只有失败的任务可以重试（该任务的状态已变化，请刷新）。")
        audit.record(actor, "job.retry", job, f"重试后台任务：{job.title}",
                     before={"state": job.state, "attempts": job.attempts, "error": job.error},
                     after={"state": JobState.QUEUED})
        transaction.on_commit(lambda: queue.hand_off(job.pk))
    job.refresh_from_db()
    return job
