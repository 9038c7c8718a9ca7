"""`xuncha backup` and `xuncha restore`: the restore drill on SQLite and PostgreSQL; refusals.

Each installation is its own data folder (and database) driven through the `xuncha` command in a
subprocess, as an operator would: demo data, an evidence file and a published notice, a backup, a
restore into a fresh installation, then the same rows, the same files, and a page served.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import tarfile
import time
import urllib.parse
import urllib.request
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from xuncha.ops import backup as ops

DRILL = Path(__file__).with_name("drill.py")
PG_URL = os.environ.get("DATABASE_URL", "")
ON_PG = PG_URL.startswith(("postgres://", "postgresql://"))


@dataclass
class Site:
    """One installation: a data folder, and a PostgreSQL database when `database_url` is set."""

    data_dir: Path
    database_url: str | None = None

    def env(self) -> dict[str, str]:
        env = {**os.environ, "XUNCHA_DATA_DIR": str(self.data_dir)}
        env.setdefault("XUNCHA_2FA", "off")  # the drill logs in with a password alone
        env.pop("DATABASE_URL", None)
        env.pop("XUNCHA_SECRET_KEY", None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def xuncha(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "xuncha.cli", *args], capture_output=True,
                              text=True, env=self.env(), timeout=600)

    def drill(self, step: str) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, str(DRILL), step], capture_output=True, text=True,
                                env=self.env(), timeout=600)
        assert result.returncode == 0, result.stderr
        return result

    def digests(self) -> dict:
        return json.loads(self.drill("digest").stdout)


def load_demo(site: Site) -> dict[str, str]:
    """The demo ledger plus an evidence file and a published notice; returns the passwords."""
    result = site.xuncha("demo", "--load-only")
    assert result.returncode == 0, result.stderr
    site.drill("enrich")
    return dict(re.findall(r"用户名 (\w+)\s+密码 (\S+)", result.stdout))


def no_tables(site: Site) -> bool:
    """The SQLite database holds no tables (Django may have created the empty file)."""
    path = site.data_dir / "xuncha.sqlite3"
    if not path.exists():
        return True
    with closing(sqlite3.connect(path)) as db:
        tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return tables[0] == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def served_workbench(site: Site, username: str, password: str) -> str:
    """Start `xuncha serve` on a free loopback port, log in, and return the 工作台 page."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "xuncha.cli", "serve", "--port", str(port)],
                              env=site.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "xuncha serve did not start"
                time.sleep(0.3)
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        browser = urllib.request.build_opener(cookies)
        form = browser.open(f"{base}/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": token}).encode()
        page = browser.open(f"{base}/login/", data=body, timeout=30)
        assert urllib.parse.urlsplit(page.url).path == "/"
        return page.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)


def assert_restored_like(source: Site, target: Site, passwords: dict[str, str]) -> None:
    before, after = source.digests(), target.digests()
    assert after["tables"] == before["tables"]
    assert after["files"] == before["files"]
    assert any(p.startswith("evidence/") for p in after["files"])
    assert any(p.startswith("notices/") and p.endswith(".pdf") for p in after["files"])
    findings = before["tables"]["ledger_finding"][0]
    page = served_workbench(target, "admin", passwords["admin"])
    assert "<h1>工作台" in page and f"<b>{findings}</b><span>反馈问题</span>" in page


# SQLite (every run)

@pytest.fixture(scope="module")
def source(tmp_path_factory) -> tuple[Site, dict[str, str]]:
    site = Site(tmp_path_factory.mktemp("source"))
    return site, load_demo(site)


@pytest.fixture(scope="module")
def archive(source, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("backups") / "xuncha.tar"
    result = source[0].xuncha("backup", str(path))
    assert result.returncode == 0, result.stderr
    assert "密钥未包含在备份中" in result.stdout and "secret_key" in result.stdout
    return path


def test_the_restore_drill_gives_the_same_rows_and_files_and_serves_the_site(source, archive,
                                                                             tmp_path):
    site, passwords = source
    target = Site(tmp_path / "restored")
    result = target.xuncha("restore", str(archive))
    assert result.returncode == 0, result.stderr
    assert "sha256 校验无误" in result.stdout and "密钥未包含在备份中" in result.stdout
    assert_restored_like(site, target, passwords)
    for path in [target.data_dir / "xuncha.sqlite3", *target.data_dir.glob("evidence/**/*"),
                 *target.data_dir.glob("notices/**/*")]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path


def test_the_archive_lists_every_member_with_its_sha256_and_the_row_counts(source, archive):
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        manifest = ops.read_manifest(tar)
        names = tar.getnames()
        for member in manifest["members"]:
            data = tar.extractfile(member["path"]).read()
            assert len(data) == member["size"]
            assert hashlib.sha256(data).hexdigest() == member["sha256"]
    assert names[-1] == "manifest.json" and len(names) == len(manifest["members"]) + 1
    assert manifest["engine"] == "sqlite" and manifest["database"] == "database/xuncha.sqlite3"
    assert manifest["migrations"]["ledger"][0] == "0001_initial"
    counts = {table: rows for table, (rows, _) in source[0].digests()["tables"].items()}
    assert manifest["tables"] == counts


def test_keys_stay_out_of_the_archive_unless_asked_for(source, archive, tmp_path):
    site, _ = source
    with tarfile.open(archive) as tar:
        assert not [n for n in tar.getnames() if n.startswith("keys/")]
        assert ops.read_manifest(tar)["keys"] == {"included": False, "names": ["secret_key"],
                                                  "note": ops.KEYS_APART + "secret_key"}
    keyed, secret = tmp_path / "with-keys.tar", (site.data_dir / "secret_key").read_bytes()
    result = site.xuncha("backup", "--with-keys", str(keyed))
    assert result.returncode == 0 and "备份中含密钥" in result.stdout
    with tarfile.open(keyed) as tar:
        assert tar.extractfile("keys/secret_key").read() == secret
    target = Site(tmp_path / "restored")
    assert target.xuncha("restore", str(keyed)).returncode == 0
    assert (target.data_dir / "secret_key").read_bytes() == secret


def test_restore_refuses_a_database_or_data_folder_that_is_not_empty(source, archive, tmp_path):
    site, _ = source
    before = site.digests()
    refused = site.xuncha("restore", str(archive))
    assert refused.returncode == 2 and "目标数据库不是空的" in refused.stderr
    assert "Traceback" not in refused.stderr and site.digests() == before
    target = Site(tmp_path / "with-files")
    (target.data_dir / "evidence").mkdir(parents=True)
    (target.data_dir / "evidence" / "old").write_bytes(b"left over")
    refused = target.xuncha("restore", str(archive))
    assert refused.returncode == 2 and "数据目录" in refused.stderr and "不是空的" in refused.stderr
    assert no_tables(target)


def damaged_copy(archive: Path, folder: Path) -> Path:
    """The archive with one byte of its first evidence file changed."""
    damaged = folder / "damaged.tar"
    shutil.copyfile(archive, damaged)
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith("files/evidence/"))
    with open(damaged, "r+b") as handle:
        handle.seek(member.offset_data)
        first = handle.read(1)
        handle.seek(member.offset_data)
        handle.write(bytes([first[0] ^ 0xFF]))
    return damaged


def test_restore_refuses_a_damaged_archive_and_restores_nothing(archive, tmp_path):
    target = Site(tmp_path / "restored")
    refused = target.xuncha("restore", str(damaged_copy(archive, tmp_path)))
    assert refused.returncode == 2 and "备份文件已损坏" in refused.stderr
    assert "sha256" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert no_tables(target) and not (target.data_dir / "evidence").exists()
    assert not list(target.data_dir.glob(".restore-*"))
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    refused = target.xuncha("restore", str(truncated))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert no_tables(target)


def test_backup_never_overwrites_and_a_failure_leaves_no_partial_archive(source, archive, tmp_path):
    before = archive.read_bytes()
    refused = source[0].xuncha("backup", str(archive))
    assert refused.returncode == 2 and "已存在" in refused.stderr and archive.read_bytes() == before
    final = tmp_path / "x.tar"
    with pytest.raises(RuntimeError), ops.atomic_output(final) as temporary:
        temporary.write_bytes(b"half an archive")
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_an_archive_from_an_older_version_is_migrated_forward_after_the_restore(tmp_path):
    old = Site(tmp_path / "old")
    assert old.xuncha("migrate", "ledger", "0001_initial").returncode == 0
    archive = tmp_path / "old.tar"
    assert old.xuncha("backup", str(archive)).returncode == 0
    target = Site(tmp_path / "restored")
    result = target.xuncha("restore", str(archive))
    assert result.returncode == 0, result.stderr
    assert re.search(r"已执行 [1-9]\d* 个数据库迁移", result.stdout)
    shown = target.xuncha("showmigrations", "ledger").stdout
    assert "[X] 0001_initial" in shown and "[ ]" not in shown


def test_an_archive_from_a_newer_version_is_refused(archive, tmp_path):
    newer = tmp_path / "newer.tar"
    with tarfile.open(archive) as tar, tarfile.open(newer, "w", format=tarfile.PAX_FORMAT) as out:
        manifest = ops.read_manifest(tar)
        manifest["migrations"]["ledger"].append("9999_from_the_future")
        for member in tar.getmembers():
            if member.name != "manifest.json":
                out.addfile(member, tar.extractfile(member))
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        out.addfile(info, io.BytesIO(data))
    target = Site(tmp_path / "restored")
    refused = target.xuncha("restore", str(newer))
    assert refused.returncode == 2 and "较新版本" in refused.stderr
    assert "9999_from_the_future" in refused.stderr
    assert no_tables(target)


def test_both_commands_are_documented():
    root = Path(__file__).resolve().parents[2]
    for doc in ["docs/cli.md", "docs/operations.md", "README.md"]:
        text = (root / doc).read_text(encoding="utf-8")
        assert "xuncha backup PATH" in text and "xuncha restore PATH" in text, doc


# PostgreSQL (the PostgreSQL pass of the suite)

@pytest.fixture
def pg_sites(tmp_path):
    if not ON_PG:
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL (runs in the PostgreSQL pass)")
    import psycopg

    admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
    names = ["xuncha_backup_drill_src", "xuncha_backup_drill_dst"]
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
    yield [Site(tmp_path / name, PG_URL.rsplit("/", 1)[0] + f"/{name}") for name in names]
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.postgres_only
def test_the_restore_drill_on_postgresql(pg_sites, tmp_path):
    source, target = pg_sites
    passwords = load_demo(source)
    archive = tmp_path / "pg.tar"
    result = source.xuncha("backup", str(archive))
    assert result.returncode == 0, result.stderr
    with tarfile.open(archive) as tar:
        manifest = ops.read_manifest(tar)
    assert manifest["engine"] == "postgresql" and manifest["database"] == "database/xuncha.pgdump"
    restored = target.xuncha("restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert_restored_like(source, target, passwords)
    again = Site(tmp_path / "another-folder", target.database_url).xuncha("restore", str(archive))
    assert again.returncode == 2 and "目标数据库不是空的" in again.stderr


def test_a_backup_refuses_files_kept_in_object_storage_rather_than_leave_them_out(s3_storage, tmp_path):
    import pytest

    from xuncha.ops import Refused
    from xuncha.ops.backup import backup

    with pytest.raises(Refused, match="对象存储"):
        backup(tmp_path / "xuncha.tar")
    assert not list(tmp_path.glob("*.tar*"))
