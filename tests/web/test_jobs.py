"""后台任务 in the staff site: who sees it, the retry button and its audit record, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.jobs import sample_tasks  # noqa: F401  (registers the test tasks)
from xuncha.jobs.models import Job
from xuncha.jobs.queue import enqueue
from xuncha.ledger.models import AuditEvent


def _failed_job(**fields) -> Job:
    job = enqueue("test.writes", **fields)
    Job.objects.filter(pk=job.pk).update(state="failed", attempts=3,
                                         error="“测试：写一行”在“执行”步骤出现意外错误。")
    return job


@pytest.mark.parametrize("name", ["admin", "supervisor"])
def test_the_office_admin_and_the_supervisor_see_the_jobs_in_chinese(login, cast, name):
    _failed_job()
    page = login(name).get(reverse("jobs")).content.decode()
    assert "后台任务</a>" in page and "测试：写一行" in page
    assert 'badge-red">失败' in page and "步骤出现意外错误" in page and "3 / 3" in page
    assert ("重试</button>" in page) == (name == "admin")


@pytest.mark.parametrize("name", ["team_member", "editor", "leader", "outsider"])
def test_other_staff_are_refused_and_have_no_nav_item(login, cast, name):
    client = login(name)
    assert client.get(reverse("jobs")).status_code == 403
    assert "后台任务</a>" not in client.get(reverse("workbench")).content.decode()


def test_anonymous_visitors_are_sent_to_log_in_and_retry_nothing(client, db):
    job = _failed_job()
    assert client.get(reverse("jobs"))["Location"].startswith(reverse("login"))
    assert client.post(reverse("job-retry", args=[job.pk]))["Location"].startswith(reverse("login"))
    assert Job.objects.get(pk=job.pk).state == "failed"


def test_the_list_filters_by_state(login, cast):
    _failed_job()
    enqueue("test.writes", title="排队的任务")
    page = login("admin").get(reverse("jobs"), {"status": "failed"}).content.decode()
    assert "测试：写一行" in page and "排队的任务" not in page


def test_the_office_admin_retries_a_failed_job_with_an_audit_record(
        login, cast, django_capture_on_commit_callbacks):
    job = _failed_job()
    with django_capture_on_commit_callbacks(execute=True):
        response = login("admin").post(reverse("job-retry", args=[job.pk]), follow=True)
    assert "已重新排队" in response.content.decode()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == ("done", 1, "")  # the queue ran it at once here
    event = AuditEvent.objects.get(action="job.retry")
    assert event.actor == cast.users["admin"] and event.object_id == job.pk
    assert event.before["state"] == "failed" and event.before["attempts"] == 3


def test_only_a_failed_job_can_be_retried_and_only_by_the_office_admin(login, cast):
    job = _failed_job()
    assert login("supervisor").post(reverse("job-retry", args=[job.pk])).status_code == 403
    Job.objects.filter(pk=job.pk).update(state="done")
    page = login("admin").post(reverse("job-retry", args=[job.pk]), follow=True).content.decode()
    assert "只有失败的任务可以重试" in page
    assert not AuditEvent.objects.filter(action="job.retry").exists()
    assert login("admin").post(reverse("job-retry", args=[987654])).status_code == 404


def test_the_jobs_page_keeps_its_query_count_whatever_the_rows(login, cast):
    client = login("admin")
    client.get(reverse("jobs"))  # the first request renews the session (at most once a minute)
    counts = []
    for extra in (5, 40):
        for _ in range(extra):
            _failed_job(actor=cast.actor("team_member"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("jobs")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[0] <= 8, counts
