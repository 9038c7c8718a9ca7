"""Import staging: who may upload, the size cap, and the staged file's end (commit, cancel,
expiry)."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from xuncha.ledger.errors import InvalidInput, PermissionDenied
from xuncha.ledger.models import AuditEvent, Finding
from xuncha.ledger.services import imports, setup, storage

pytestmark = pytest.mark.django_db
SAMPLE = next((Path(__file__).resolve().parents[2] / "src/xuncha/demo/notices").glob("000_*.txt"))


def empty_inspection(cast):
    # The inspection sample 000 reports on (its team, unit and dates): nothing to confirm twice.
    round_ = setup.create_round(cast.system, "2025年区委第三轮巡察（新）", start=dt.date(2025, 7, 2))
    return setup.create_inspection(cast.system, round_, cast.team4, cast.tianbao, start=dt.date(2025, 7, 2),
                                   end=dt.date(2025, 8, 10), feedback_date=dt.date(2025, 9, 15))


def staged_files() -> list[str]:
    return list(storage.walk(imports.STAGED))


@pytest.mark.parametrize(("who", "error"), [("editor", InvalidInput), ("leader", PermissionDenied),
                                           ("supervisor", PermissionDenied), ("outsider", PermissionDenied)])
def test_only_those_who_may_commit_an_import_may_upload_one(cast, who, error):
    # The unit's editor imports measures onto findings, and this inspection has none yet.
    read: list[int] = []

    def stream():
        read.append(1)
        yield SAMPLE.read_bytes()

    with pytest.raises(error):
        imports.stage(cast.actor(who), empty_inspection(cast), "000.txt", stream())
    assert read == [] and staged_files() == []


def test_an_office_admin_stages_an_upload_with_an_audit_record_and_a_preview(cast):
    target = empty_inspection(cast)
    staged = imports.stage(cast.actor("admin"), target, "000.txt", [SAMPLE.read_bytes()])
    assert len(staged.preview.findings) == 8 and staged.preview.ok
    assert staged_files() == [f"{target.pk}/{staged.token}"]
    assert AuditEvent.objects.get(action="import.stage").after["file"] == "000.txt"


def test_an_upload_over_the_import_limit_is_refused_while_streaming(cast, settings):
    settings.IMPORT_MAX_BYTES = 2048
    read: list[int] = []

    def stream():
        for _ in range(100):
            read.append(1)
            yield b"x" * 1024

    with pytest.raises(storage.TooLarge, match="超过 2 KB 的大小限制"):
        imports.stage(cast.actor("admin"), empty_inspection(cast), "big.txt", stream())
    assert len(read) == 3 and staged_files() == []
    assert not AuditEvent.objects.filter(action="import.stage").exists()


def test_a_staged_upload_is_removed_once_its_import_commits(
        cast, today, django_capture_on_commit_callbacks):
    target = empty_inspection(cast)
    staged = imports.stage(cast.actor("admin"), target, "000.txt", [SAMPLE.read_bytes()])
    with django_capture_on_commit_callbacks(execute=True):
        result = imports.commit_staged(cast.actor("admin"), target, staged.token, "000.txt")
    assert result.findings == 8 and staged_files() == []


def test_a_failed_import_keeps_its_staged_upload_for_another_try(cast, today, monkeypatch):
    target = empty_inspection(cast)
    staged = imports.stage(cast.actor("admin"), target, "000.txt", [SAMPLE.read_bytes()])

    def failing(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "import_notice", failing)
    with pytest.raises(RuntimeError):
        imports.commit_staged(cast.actor("admin"), target, staged.token, "000.txt")
    assert staged_files() == [f"{target.pk}/{staged.token}"]
    monkeypatch.undo()
    assert imports.commit_staged(cast.actor("admin"), target, staged.token, "000.txt").findings == 8
    assert Finding.objects.filter(inspection=target).count() == 8


def test_cancelling_removes_the_staged_upload_and_imports_nothing(
        cast, django_capture_on_commit_callbacks):
    target = empty_inspection(cast)
    staged = imports.stage(cast.actor("admin"), target, "000.txt", [SAMPLE.read_bytes()])
    with pytest.raises(PermissionDenied):
        imports.cancel_staged(cast.actor("leader"), target, staged.token)
    with django_capture_on_commit_callbacks(execute=True):
        imports.cancel_staged(cast.actor("admin"), target, staged.token, "000.txt")
    assert staged_files() == [] and not Finding.objects.filter(inspection=target).exists()
    with pytest.raises(InvalidInput, match="导入已过期"):
        imports.commit_staged(cast.actor("admin"), target, staged.token, "000.txt")


def test_a_token_is_only_ever_a_name_under_its_own_inspection(cast):
    target = empty_inspection(cast)
    staged = imports.stage(cast.actor("admin"), target, "000.txt", [SAMPLE.read_bytes()])
    with pytest.raises(InvalidInput, match="导入已过期"):
        imports.staged_preview(cast.actor("admin"), cast.inspection, staged.token, "000.txt")
    with pytest.raises(InvalidInput, match="导入已过期"):
        imports.staged_preview(cast.actor("admin"), target, "../../evidence/x", "000.txt")


def test_staged_uploads_older_than_the_staging_hours_are_purged(cast, settings, capsys):
    settings.IMPORT_STAGING_HOURS = 24
    imports.stage(cast.actor("admin"), empty_inspection(cast), "000.txt", [SAMPLE.read_bytes()])
    assert imports.purge_staged_imports(timezone.now() + dt.timedelta(hours=23)) == 0
    assert len(staged_files()) == 1
    assert imports.purge_staged_imports(timezone.now() + dt.timedelta(hours=25)) == 1
    assert staged_files() == []
    call_command("purge-staging")
    assert "已删除 0 个超过 24 小时未确认的待导入文件" in capsys.readouterr().out
