"""A published notice's file is served only while it is the file that was published."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from xuncha.ledger.models import AuditEvent, AuditVerification, Notice
from xuncha.ledger.services import measures, notices, published, storage
from xuncha.web.refusals import ACTION as DENIED

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(cast, today) -> Notice:
    measures.report_progress(cast.actor("editor"), cast.measure, today, "已召开5次支部会议", mark="done")
    draft = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    approved = notices.approve(cast.actor("leader"), draft)
    return notices.publish(cast.actor("admin"), approved, override_reason="测试")


def _path(notice: Notice, fmt: str) -> Path:
    entry = next(f for f in notice.files if f["format"] == fmt)
    return Path(storage.backend(notices.FILES).path(notices.stored_name(notice, entry)))


def test_an_unchanged_published_file_is_served_and_the_download_recorded(login, notice):
    response = login("admin").get(reverse("notice-download", args=[notice.pk, "txt"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _path(notice, "txt").read_bytes()
    event = AuditEvent.objects.get(action="notice.download")
    assert event.actor_name == "admin" and event.object_id == notice.pk and event.result == "ok"


def test_a_file_changed_on_disk_is_refused_in_chinese_recorded_and_the_office_alerted(login, notice, capsys):
    path = _path(notice, "txt")
    path.write_bytes(path.read_bytes().replace("整改".encode(), "改过".encode(), 1))
    client = login("leader")
    response = client.get(reverse("notice-download", args=[notice.pk, "txt"]), follow=True)
    page = response.content.decode()
    assert "与发布时不一致" in page and "已拒绝下载" in page
    alert = AuditEvent.objects.get(action=published.MISMATCH)
    assert alert.result == "mismatch" and alert.inspection_id == notice.inspection_id
    assert alert.after["sha256"] != alert.before["sha256"] and not alert.after["missing"]
    assert not AuditEvent.objects.filter(action="notice.download").exists()
    # The office sees the alert in 审计日志.
    office = login("admin").get(reverse("audit-log"), {"action": published.MISMATCH}).content.decode()
    assert "发布文件与发布时不一致" in office
    # And the command finds it: exit 1, the file named.
    with pytest.raises(SystemExit) as exit_:
        call_command("verify-published")
    assert exit_.value.code == 1
    assert "notice-v1.txt：内容已改变" in capsys.readouterr().out
    stored = AuditVerification.objects.get(kind="published")
    assert not stored.ok and stored.bad_count == 1 and stored.checked == len(notice.files)


def test_a_missing_published_file_is_refused_too(login, notice):
    _path(notice, "docx").unlink()
    response = login("admin").get(reverse("notice-download", args=[notice.pk, "docx"]), follow=True)
    assert "与发布时不一致" in response.content.decode()
    assert AuditEvent.objects.get(action=published.MISMATCH).after["missing"] is True


def test_verify_published_exits_0_when_every_file_matches(notice, capsys):
    call_command("verify-published")
    assert f"共校验 {len(notice.files)} 个发布文件，全部与发布时一致" in capsys.readouterr().out
    assert AuditVerification.objects.get(kind="published").ok


def test_the_daily_task_checks_published_files(notice):
    from xuncha.jobs import runner
    from xuncha.jobs.schedule import run_daily

    _path(notice, "html").write_bytes(b"<p>changed</p>")
    assert runner.run(run_daily("published-verify", "2025-11-21", dispatch=False).pk) == "done"
    assert AuditEvent.objects.filter(action=published.MISMATCH).count() == 1
    assert not AuditVerification.objects.get(kind="published").ok


def test_a_refused_write_is_recorded_with_the_reason(login, cast):
    client = login("supervisor")
    client.post(reverse("measure-create", args=[cast.finding.pk]), {"text": "x", "kind": "ongoing"})
    refusal = AuditEvent.objects.get(action=DENIED)
    assert refusal.result == "denied" and refusal.actor_name == "supervisor"
    assert "只有本单位联络员或巡察办可以修改整改措施" in refusal.summary
