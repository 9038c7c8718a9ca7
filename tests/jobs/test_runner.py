"""The job runner: claims, growing retry delays, Chinese reasons, leases and the sweeper."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.jobs import sample_tasks  # noqa: F401  (registers the test tasks)
from xuncha.jobs import runner, schedule
from xuncha.jobs.models import Job
from xuncha.jobs.queue import enqueue
from xuncha.jobs.registry import TASKS
from xuncha.ledger.models import AuditEvent

T0 = dt.datetime(2025, 11, 20, 2, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.at = T0

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch, settings):
    settings.JOB_RETRY_SECONDS = 30
    settings.JOB_TIMEOUT = 600
    fake = Clock()
    monkeypatch.setattr("xuncha.clock.now", fake)
    return fake


def test_it_lists_every_registered_task_and_every_daily_task_is_one_of_them():
    ours = {"reuse.check", "reuse.purge", "reuse.index_maintenance", "sessions.purge", "jobs.sweep"}
    assert ours <= set(TASKS)
    assert all(entry.task in TASKS for entry in schedule.DAILY)
    assert TASKS["reuse.check"].title == "雷同检测" and TASKS["reuse.check"].max_attempts == 3
    assert not TASKS["reuse.check"].atomic and TASKS["sessions.purge"].atomic


def test_it_retries_after_growing_delays_then_fails_naming_the_step_in_chinese(db, clock, caplog):
    job = enqueue("test.always_fails")
    delays = []
    for _ in range(3):
        assert runner.run(job.pk) == "retrying"
        job.refresh_from_db()
        assert job.state == "retrying" and job.lease_until is None
        delays.append((job.next_attempt_at - clock()).total_seconds())
        assert runner.run(job.pk) == "skipped"  # not due yet
        clock.at = job.next_attempt_at
    assert delays == [30, 60, 120]
    assert runner.run(job.pk) == "failed"
    job.refresh_from_db()
    assert (job.state, job.attempts, job.next_attempt_at) == ("failed", 4, None)
    assert job.error == "“测试：总是出错”在“核对材料”步骤出现意外错误，已记入日志。"
    assert "RuntimeError: disk on fire" in job.error_detail and "Traceback" not in job.error
    assert "disk on fire" in caplog.text
    assert f"job {job.pk} (test.always_fails) failed" in caplog.text
    assert runner.run(job.pk) == "skipped"


def test_it_caps_the_retry_delay_at_an_hour():
    assert runner.backoff(1).total_seconds() == 30
    assert runner.backoff(12) == dt.timedelta(hours=1)


def test_a_handler_gives_its_own_chinese_reason_with_job_error(db, clock):
    job = enqueue("test.refuses")
    runner.run(job.pk)
    clock.advance(30)
    runner.run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == ("failed", 2, "材料不全，无法处理。")


def test_a_database_handler_runs_in_the_transaction_of_its_done_mark(db, clock):
    job = enqueue("test.writes", {"note": "一次"})
    assert runner.run(job.pk) == "done"
    assert runner.run(job.pk) == "skipped"
    job.refresh_from_db()
    assert (job.state, job.attempts, job.finished_at) == ("done", 1, T0)
    assert AuditEvent.objects.filter(action="test.writes").count() == 1


def test_a_worker_that_lost_its_job_to_another_rolls_its_writes_back(db, clock):
    job = enqueue("test.taken_over")
    Job.objects.filter(pk=job.pk).update(args={"job_id": job.pk})
    assert runner.run(job.pk) == "lost"
    assert not AuditEvent.objects.filter(action="test.taken_over").exists()


def test_a_running_job_is_claimed_again_only_once_its_lease_has_expired(db, clock):
    job = enqueue("test.writes")
    lease = T0 + dt.timedelta(seconds=600)
    Job.objects.filter(pk=job.pk).update(state="running", attempts=1, lease_until=lease)
    assert runner.run(job.pk) == "skipped"
    clock.advance(601)
    assert runner.run(job.pk) == "done"
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 2)


def test_the_sweeper_brings_back_a_dead_workers_job_and_fails_one_out_of_attempts(db, clock):
    dead = enqueue("test.writes")
    spent = enqueue("test.writes")
    expired = T0 - dt.timedelta(seconds=1)
    Job.objects.filter(pk=dead.pk).update(state="running", attempts=1, lease_until=expired)
    Job.objects.filter(pk=spent.pk).update(state="running", attempts=3, lease_until=expired)
    assert runner.sweep() == 1  # handed over again, and run at once here (tests/conftest.py)
    dead.refresh_from_db()
    spent.refresh_from_db()
    assert (dead.state, dead.attempts) == ("done", 2)
    assert spent.state == "failed" and "多次运行中断" in spent.error


def test_the_sweeper_hands_over_a_job_whose_queue_entry_was_lost(db, clock, settings):
    job = enqueue("test.writes")  # its hand-over never fires: the test's transaction never commits
    assert runner.sweep() == 0  # the broker may still deliver it
    clock.advance(settings.Q_CLUSTER["retry"] + 1)
    assert runner.sweep() == 1
    job.refresh_from_db()
    assert job.state == "done"
