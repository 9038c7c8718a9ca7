"""Putting jobs on the queue: idempotency keys, django-q2 hand-over, audit."""

from __future__ import annotations

import datetime as dt

from django_q.models import OrmQ, Schedule

from tests.jobs import sample_tasks  # noqa: F401  (registers the test tasks)
from xuncha.jobs.models import Job
from xuncha.jobs.queue import enqueue
from xuncha.jobs.queue import hand_off as real_hand_off  # before tests/conftest.py swaps it
from xuncha.ledger.models import AuditEvent


def test_enqueue_with_an_existing_key_returns_the_same_job_and_queues_nothing(
        cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = enqueue("test.writes", {"note": "甲"}, key="once:1", actor=cast.actor("admin"))
        again = enqueue("test.writes", {"note": "乙"}, key="once:1", actor=cast.actor("admin"))
    assert again.pk == first.pk and again.args == {"note": "甲"}
    assert Job.objects.count() == 1 and len(callbacks) == 1
    assert AuditEvent.objects.filter(action="job.enqueue", object_id=first.pk).count() == 1
    assert first.created_by == cast.users["admin"] and first.title == "测试：写一行"


def test_a_job_enqueued_by_the_system_names_no_submitter_and_runs_on_commit(
        db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue("test.writes")
    job.refresh_from_db()
    assert job.created_by is None and job.state == "done"
    assert not AuditEvent.objects.filter(action="job.enqueue").exists()


def test_hand_off_puts_a_task_on_django_q2_now_or_a_one_off_schedule_for_later(db):
    job = enqueue("test.writes")
    real_hand_off(job.pk)
    assert OrmQ.objects.count() == 1
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    real_hand_off(job.pk, later)
    schedule = Schedule.objects.get(func="xuncha.jobs.runner.run")
    assert (schedule.schedule_type, schedule.args) == (Schedule.ONCE, repr(job.pk))
    assert schedule.next_run == later
