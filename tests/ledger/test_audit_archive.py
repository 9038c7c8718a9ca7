"""`xuncha audit archive`: older records to a file with their chain; removal only when configured."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from xuncha.ledger.models import AuditArchive, AuditEvent
from xuncha.ledger.services import audit_archive, audit_chain, setup

pytestmark = pytest.mark.django_db

MARCH = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
NOVEMBER = dt.datetime(2025, 11, 20, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self, monkeypatch) -> None:
        self.at = MARCH
        monkeypatch.setattr("xuncha.clock.now", lambda: self.at)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def _later_records(clock: Clock, cast) -> int:
    clock.at = NOVEMBER
    setup.create_unit(cast.system, "新建社区", parent=cast.street)
    setup.get_or_create_team(cast.system, "区委第九巡察组")
    return AuditEvent.objects.filter(at__gte=NOVEMBER).count()


def test_archive_writes_the_old_records_with_their_chain_and_keeps_them_by_default(clock, cast, tmp_path, capsys):
    old = AuditEvent.objects.count()
    _later_records(clock, cast)
    out = tmp_path / "audit-2025-05.jsonl"
    call_command("audit", "archive", "--before", "2025-05-01", str(out))
    assert f"共 {old} 条" in capsys.readouterr().out
    lines = out.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "xuncha-audit-archive" and header["count"] == old
    assert [json.loads(line)["seq"] for line in lines[1:]] == list(range(1, old + 1))
    assert audit_archive.verify_file(out).ok
    assert AuditEvent.objects.filter(seq__lte=old).count() == old  # kept: the setting is off
    cut = AuditArchive.objects.get()
    assert not cut.removed and cut.through_seq == old
    assert AuditEvent.objects.filter(action="audit.archive").count() == 1
    assert audit_chain.verify().ok


def test_with_the_setting_on_the_records_leave_and_the_chain_still_verifies_across_the_cut(
        clock, cast, tmp_path, settings, capsys):
    settings.AUDIT_ARCHIVE_DELETE = True
    old = AuditEvent.objects.count()
    young = _later_records(clock, cast)
    out = tmp_path / "cut.jsonl"
    call_command("audit", "archive", "--before", "2025-05-01", str(out))
    assert "已从数据库移除" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(seq__lte=old).exists()
    assert AuditEvent.objects.count() == young + 1  # and the archive's own record
    verdict = audit_chain.verify()
    assert verdict.ok and verdict.checked == young + 1
    call_command("audit", "verify", str(out))  # the file and the database: exit 0
    # The chain continues after the cut, and a later deletion is still found.
    setup.create_unit(cast.system, "又一个社区", parent=cast.street)
    first = AuditEvent.objects.order_by("seq").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_auditevent WHERE id = %s", [first.pk])
    assert not audit_chain.verify().ok


def test_a_tampered_archive_file_is_found(clock, cast, tmp_path, capsys):
    _later_records(clock, cast)
    out = tmp_path / "a.jsonl"
    call_command("audit", "archive", "--before", "2025-05-01", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[3])
    record["summary"] = "改过"
    lines[3] = json.dumps(record, ensure_ascii=False)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", str(out))
    assert exit_.value.code == 1
    assert "第 3 条记录的内容与其哈希不符" in capsys.readouterr().out


def test_records_younger_than_180_days_are_not_archived(clock, cast, tmp_path):
    clock.at = NOVEMBER
    with pytest.raises(CommandError, match="至少保存 180 天"):
        call_command("audit", "archive", "--before", "2025-10-01", str(tmp_path / "x.jsonl"))
    assert not (tmp_path / "x.jsonl").exists()
    assert not AuditArchive.objects.exists()


def test_a_bad_date_or_an_existing_file_is_refused_in_chinese(clock, cast, tmp_path):
    clock.at = NOVEMBER
    with pytest.raises(CommandError, match="日期格式应为"):
        call_command("audit", "archive", "--before", "2025/05/01", str(tmp_path / "x.jsonl"))
    existing = tmp_path / "there.jsonl"
    existing.write_text("keep")
    with pytest.raises(CommandError, match="输出文件已存在"):
        call_command("audit", "archive", "--before", "2025-05-01", str(existing))
    assert existing.read_text() == "keep"
