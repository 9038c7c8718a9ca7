"""Data at rest: the data folder 0700, its files 0600, SQLite's secure_delete on."""

import os
import stat
import subprocess
import sys

import pytest
from django.db import connection

from xuncha import datadir


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_folder_is_created_owner_only_and_later_files_too(tmp_path, umask):
    folder = tmp_path / "data"
    datadir.secure(folder)
    assert mode(folder) == 0o700
    (folder / "new.bin").write_bytes(b"x")
    (folder / "sub").mkdir()
    assert mode(folder / "new.bin") == 0o600 and mode(folder / "sub") == 0o700


def test_a_database_left_readable_by_everyone_is_closed_up(tmp_path, umask):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    database = folder / "xuncha.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o644)
    datadir.secure(folder)
    assert mode(folder) == 0o700 and mode(database) == 0o600


def test_a_fresh_server_process_makes_everything_owner_only(tmp_path):
    folder = tmp_path / "fresh"
    env = {**os.environ, "XUNCHA_DATA_DIR": str(folder)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "xuncha.cli", "migrate", "-v", "0"], env=env, check=True,
                   timeout=300)
    assert mode(folder) == 0o700
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.name == "xuncha.sqlite3" for p in files)
    assert {p.name: mode(p) for p in files if mode(p) != 0o600} == {}


@pytest.mark.django_db
def test_sqlite_overwrites_deleted_content(db):
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite setting")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_evidence_files_are_owner_only(cast, today, settings):
    from xuncha.ledger.models import Evidence
    from xuncha.ledger.services import measures, storage

    measures.report_progress(cast.actor("editor"), cast.measure, today, "完成",
                             [("记录.pdf", [b"%PDF-1.4 x"])])
    name = Evidence.objects.get().stored_name
    assert mode(storage.backend("evidence").path(name)) == 0o600
