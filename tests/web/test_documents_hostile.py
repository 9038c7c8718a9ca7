"""Hostile and damaged uploads: a Chinese 4xx in the import preview, never a 500, little memory."""

from __future__ import annotations

import contextlib
import resource
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.core.test_ledger_xlsx import ROWS, _string_index, rewritten
from tests.core.test_safezip import docx_bomb
from tests.web.test_documents import empty_inspection
from xuncha.commands import parse as parse_command
from xuncha.core.ledger_xlsx import write_xlsx
from xuncha.ledger.models import Finding

pytestmark = pytest.mark.django_db


def peak_rss_mb() -> int:
    """This process's peak resident size in MB (VmHWM, reset by reset_peak where Linux allows)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def reset_peak() -> None:
    # Linux resets VmHWM to the current size; elsewhere the lifetime peak can only hide growth.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def damaged_ledger() -> bytes:
    return rewritten(write_xlsx(ROWS), "xl/worksheets/sheet1.xml", _string_index("99999"))


def upload(client, inspection, name: str, data: bytes):
    return client.post(reverse("import", args=[inspection.pk]),
                       {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(("name", "data", "message"), [
    ("台账.xlsx", damaged_ledger(), "不存在的共享字符串"),
    ("台账.xlsx", b"not a zip at all", "不是有效的压缩文件"),
    ("通报.docx", b"PK\x03\x04 truncated", "无法打开 Word 文件"),
])
def test_a_damaged_file_gets_a_chinese_400_and_nothing_is_kept(login, cast, name, data, message):
    target = empty_inspection(cast)
    client = login("admin")
    response = upload(client, target, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert f"import:{target.pk}" not in client.session  # nothing to confirm


def test_a_docx_bomb_is_refused_with_a_400_and_the_process_barely_grows(login, cast):
    target = empty_inspection(cast)
    client = login("admin")
    data = docx_bomb()  # 1.6 MB that unpacks to 1 GB
    reset_peak()
    before = peak_rss_mb()
    response = upload(client, target, "通报.docx", data)
    grown = peak_rss_mb() - before
    assert response.status_code == 400 and "压缩炸弹" in response.content.decode()
    assert grown < 400, f"the process grew by {grown} MB"
    assert not Finding.objects.filter(inspection=target).exists()
    print(f"docx bomb upload: peak grew by {grown} MB")


def test_another_units_editor_cannot_even_try_an_upload(login, cast):
    response = upload(login("outsider"), cast.inspection, "台账.xlsx", damaged_ledger())
    assert response.status_code == 404


def test_xuncha_import_refuses_a_damaged_ledger_in_chinese(cast, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(damaged_ledger())
    with pytest.raises(CommandError, match="不存在的共享字符串"):
        call_command("import", str(path), inspection=empty_inspection(cast).pk, yes=True)


def test_xuncha_parse_refuses_a_damaged_ledger_in_chinese(tmp_path, capsys):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(damaged_ledger())
    assert parse_command.main([str(path)]) == 1
    assert "不存在的共享字符串" in capsys.readouterr().err


def test_xuncha_parse_reads_a_sound_ledger(tmp_path, capsys):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(write_xlsx(ROWS))
    assert parse_command.main([str(path)]) == 0
    assert "反馈问题 2 个，整改措施 3 条" in capsys.readouterr().out
