"""Audit actions become notifications through one table; other apps need no edit."""

from __future__ import annotations

import pytest

from xuncha.ledger.models import AuditEvent
from xuncha.ledger.services import audit
from xuncha.notify import events
from xuncha.notify.choices import KIND
from xuncha.notify.models import Notification


def test_every_mapped_kind_is_a_known_kind_with_a_default_audience(settings):
    for rule in events.rules():
        assert rule.kind in KIND
        assert settings.NOTIFY_LADDER["audiences"][rule.kind], rule.kind


def _change(notice, fmt: str, data: bytes) -> None:
    from pathlib import Path

    from xuncha.ledger.services import notices, storage

    entry = next(f for f in notice.files if f["format"] == fmt)
    Path(storage.backend(notices.FILES).path(notices.stored_name(notice, entry))).write_bytes(data)


def _told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_a_changed_published_file_tells_the_office_and_the_administrators_once(cast, notice, committed):
    from xuncha.ledger.services import published

    _change(notice, "txt", b"changed")
    entry = next(f for f in notice.files if f["format"] == "txt")
    for _ in range(3):  # found on download again and again, then by the daily check
        with committed(), pytest.raises(published.PublishedFileChanged):
            published.ensure_unchanged(cast.actor("leader"), notice, entry)
    with committed():
        published.verify_all(cast.system)
    assert AuditEvent.objects.filter(action=published.MISMATCH).count() == 4
    assert _told("file_mismatch") == ["admin", "secadmin", "sysadmin"]
    note = Notification.objects.filter(kind="file_mismatch").first()
    assert note.title == "已发布通报的文件校验不符：天宝社区" and note.link == f"/notices/{notice.pk}/"
    # Changed again (another digest): a new alert, told once more.
    _change(notice, "txt", b"changed twice")
    with committed():
        published.verify_all(cast.system)
    assert Notification.objects.filter(kind="file_mismatch", recipient=cast.users["admin"]).count() == 2


def test_a_missing_published_file_found_by_the_command_is_told(cast, notice, committed):
    from django.core.management import call_command

    entry = next(f for f in notice.files if f["format"] == "docx")
    from xuncha.ledger.services import notices, storage

    storage.delete(notices.FILES, [notices.stored_name(notice, entry)])
    with committed(), pytest.raises(SystemExit):
        call_command("verify-published")
    assert _told("file_mismatch") == ["admin", "secadmin", "sysadmin"]


def test_an_unmapped_action_queues_nothing(cast, committed):
    from xuncha.jobs.models import Job

    with committed():
        audit.record(cast.system, "finding.update", cast.finding, "修改反馈问题")
    assert not Job.objects.filter(name="notify.audit_event").exists()


def test_the_same_event_never_notifies_twice(cast, committed):
    with committed():
        event = audit.record(cast.system, "closeout.return", cast.finding, "退回")
    assert events.notify_event(event.pk) == 0
    assert Notification.objects.filter(kind="closeout_returned").count() == 1  # the unit's editor
    assert AuditEvent.objects.filter(action="closeout.return").count() == 1


def test_a_comment_from_the_public_tells_the_units_editor_with_a_link_to_it(cast, notice, committed):
    from xuncha.portal.services import comments

    with committed():
        posted = comments.post(cast.system, notice, "小区消防栓没有水，请尽快处理。")
    assert _told("comment_received") == ["editor"]
    note = Notification.objects.get(kind="comment_received")
    assert note.title == "收到群众意见：天宝社区" and note.link == f"/comments/{posted.comment.pk}/"
    assert "收到群众意见（整篇通报）" in note.body
