"""`xuncha backup` and `xuncha restore`: one tar archive holding the whole installation.

    manifest.json                      format, versions, engine, time, migrations, members, rows
    database/xuncha.sqlite3            SQLite: an online-backup image  (or database/xuncha.pgdump)
    files/evidence/…, files/notices/…  evidence and published notice files
    files/reuse-index/…                the persisted 雷同 index
    files/reuse-checks/…               batch 雷同 checks (their uploads and extracted texts)
    keys/secret_key, …                 only with --with-keys

A plain (uncompressed) tar: the stdlib writes and reads it as a stream, members of any size, with
UTF-8 names; the manifest is read without unpacking the rest; evidence is mostly PDF and images and
the PostgreSQL dump is already compressed, so compressing again would cost time for little.
The manifest is the last member, written once every member's sha256 is known.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import io
import json
import logging
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings

import xuncha
from xuncha import filestores
from xuncha.ops import Refused, databases

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
# Folders that go into the archive, by their archive name → the storage kind keeping them
# (xuncha.filestores), or None for the 雷同 index (its own folder of the data folder).
FILE_FOLDERS = {"evidence": "evidence", "notices": "notices", "reuse-index": None,
                "reuse-checks": "reuse"}
# Key files under the data folder. A key that encrypts personal data will be listed here too.
# portal_key: commenters' names and phones; bundle_key: the installation's signing key (exchange).
KEY_FILES = ("secret_key", "portal_key", "bundle_key")
SECRET_ENV = "XUNCHA_SECRET_KEY"
CHUNK = 1 << 20
KEYS_APART = ("密钥未包含在备份中，须另行保管，恢复后放回数据目录"
              "（或设置环境变量 XUNCHA_SECRET_KEY）：")


@dataclass
class Result:
    archive: Path
    manifest: dict = field(default_factory=dict)
    migrated: int = 0  # migrations applied after a restore


def folder(name: str) -> Path:
    kind = FILE_FOLDERS[name]
    if kind is None:
        return Path(settings.REUSE_INDEX_DIR)
    store = settings.STORAGES[filestores.alias(kind)]
    if not store["BACKEND"].endswith("FileSystemStorage"):
        # An archive without the evidence would look complete and not be: refuse instead.
        raise Refused("文件保存在对象存储（XUNCHA_STORAGE=s3）中：xuncha backup 只备份本机数据目录，"
                      "请用对象存储自身的版本控制或跨区域复制保护文件，并用数据库自身的工具备份数据库。")
    return Path(store["OPTIONS"]["location"])


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


# Files. Reading goes through stored_files() only, so it can move to Django's storage API.

def stored_files() -> Iterator[tuple[str, Path]]:
    """(archive name, local path) of every stored file, skipping in-flight temporaries."""
    for name in FILE_FOLDERS:
        root = folder(name)
        if not root.is_dir():
            continue
        with _index_lock(root if name == "reuse-index" else None):
            for path in sorted(root.rglob("*")):
                relative = path.relative_to(root)
                if path.is_file() and not _in_flight(name, relative):
                    yield f"files/{name}/{relative.as_posix()}", path


def _in_flight(name: str, relative: Path) -> bool:
    """Uploads and renders not yet committed (.upload-*, .publish-*, upload-* batches, *.tmp)."""
    first = relative.parts[0]
    if any(part.startswith(".") or part.endswith(".tmp") for part in relative.parts):
        return True
    if name == "reuse-checks" and first.startswith("upload-"):
        return True
    return name == "reuse-index" and first == "lock"


@contextmanager
def _index_lock(root: Path | None) -> Iterator[None]:
    """Hold the 雷同 index's own file lock (core.reuse.store) while copying it: no segment is added
    or merged away halfway through the copy."""
    if root is None or not (root / "lock").exists():
        yield
        return
    with open(root / "lock", "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def key_files() -> list[tuple[str, bytes]]:
    """(name, bytes) of every key this installation uses (the variable wins over the file)."""
    keys = []
    for name in KEY_FILES:
        path = data_dir() / name
        if name == "secret_key" and os.environ.get(SECRET_ENV):
            keys.append((name, os.environ[SECRET_ENV].encode()))
        elif path.is_file():
            keys.append((name, path.read_bytes()))
    return keys


# Writing

@contextmanager
def atomic_output(final: Path) -> Iterator[Path]:
    """A temporary file beside `final` (mode 0600), renamed to it only if the block succeeds."""
    fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".partial")
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class _Hashing(io.RawIOBase):
    """Reads a file and hashes exactly the bytes tarfile copies into the archive."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add(tar: tarfile.TarFile, name: str, handle: BinaryIO, size: int) -> dict:
    info = tarfile.TarInfo(name)
    info.size, info.mode = size, 0o600
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    reader = _Hashing(handle)
    tar.addfile(info, reader)
    return {"path": name, "size": size, "sha256": reader.digest.hexdigest()}


def _add_path(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    with open(path, "rb") as handle:
        return _add(tar, name, handle, os.fstat(handle.fileno()).st_size)


def archive_path(target: Path) -> Path:
    """The archive's path: `target`, or a dated name inside it when it is a folder."""
    target = target.expanduser()
    if target.is_dir():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        target = target / f"xuncha-backup-{stamp}.tar"
    if target.exists():
        raise Refused(f"文件 {target} 已存在，备份不会覆盖它（请换一个文件名）。")
    if not target.parent.is_dir():
        raise Refused(f"目录 {target.parent} 不存在。")
    return target


def backup(target: Path, with_keys: bool = False) -> Result:
    """Write the database, the stored files and a manifest (and keys if asked) to one archive."""
    for name in FILE_FOLDERS:
        folder(name)  # refuses files it could not copy before anything is written
    final = archive_path(target)
    with atomic_output(final) as temporary, _scratch(final.parent) as image:
        # The database first: every file its rows name was written before the row committed.
        snap = databases.snapshot(image)
        members = []
        with tarfile.open(temporary, "w", format=tarfile.PAX_FORMAT, copybufsize=CHUNK) as tar:
            members.append(_add_path(tar, snap.member, image))
            image.unlink()  # free the space before the files are copied
            for name, path in stored_files():
                try:
                    members.append(_add_path(tar, name, path))
                except FileNotFoundError:  # a batch check deleted meanwhile
                    log.warning("skipped %s: removed during the backup", name)
            keys = key_files()
            if with_keys:
                members += [_add(tar, f"keys/{n}", io.BytesIO(b), len(b)) for n, b in keys]
            manifest = _manifest(snap, members, [n for n, _ in keys], with_keys)
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            _add(tar, MANIFEST, io.BytesIO(data), len(data))
    log.info("backup written to %s: %d members", final, len(members))
    return Result(final, manifest)


@contextmanager
def _scratch(parent: Path) -> Iterator[Path]:
    fd, name = tempfile.mkstemp(dir=parent, prefix=".xuncha-db-", suffix=".partial")
    os.close(fd)
    Path(name).unlink()  # the engines write a new file
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _manifest(snap: databases.Snapshot, members: list[dict], keys: list[str],
              with_keys: bool) -> dict:
    return {
        "format": FORMAT,
        "xuncha_version": xuncha.__version__,
        "engine": databases.engine(),
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "migrations": snap.migrations,
        "database": snap.member,
        "tables": snap.tables,
        "members": members,
        "keys": {"included": with_keys, "names": keys,
                 "note": "" if with_keys or not keys else KEYS_APART + "、".join(keys)},
    }


# Restoring

def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        handle = tar.extractfile(MANIFEST)
        manifest = json.loads(handle.read()) if handle else None
    except (KeyError, ValueError, tarfile.TarError, EOFError, OSError):
        manifest = None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("members"), list) \
            or not all(isinstance(m, dict) for m in manifest["members"]) \
            or manifest.get("database") not in {m.get("path") for m in manifest["members"]}:
        raise Refused("备份文件缺少有效的清单（manifest.json），不是 xuncha 备份或已损坏。")
    if manifest.get("format") != FORMAT:
        raise Refused(f"不支持的备份格式版本 {manifest.get('format')}（本版本支持 {FORMAT}）。")
    return manifest


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise Refused(f"无法读取备份文件 {path}：{exc}") from None


def restore(path: Path) -> Result:
    """Restore an archive into an empty database and data folder; refuse anything else."""
    with _open(path) as tar:
        manifest = read_manifest(tar)
        _check_target(manifest)
        staging = Path(tempfile.mkdtemp(dir=data_dir(), prefix=".restore-"))
        try:
            _unpack_verified(tar, manifest, staging)
            databases.load(staging / manifest["database"])
            _check_counts(manifest)
            _place_files(staging)
            _place_keys(staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    migrated = _migrate()
    _reindex()
    log.info("restored %s (%d migrations applied)", path, migrated)
    return Result(path, manifest, migrated)


def _check_target(manifest: dict) -> None:
    here = databases.engine()
    if manifest.get("engine") != here:
        raise Refused(f"这份备份来自 {manifest.get('engine')} 数据库，不能恢复到 {here} 数据库。")
    unknown = _unknown_migrations(manifest.get("migrations", {}))
    if unknown:
        raise Refused(f"这份备份来自较新版本的 xuncha（{manifest.get('xuncha_version')}，"
                      f"含本版本没有的数据库迁移 {unknown[0]}），请先升级 xuncha 再恢复。")
    if not databases.is_empty():
        raise Refused("目标数据库不是空的（已有数据表）：恢复只能写入空数据库，"
                      "请新建一个空数据库（或换一个空的数据目录）后再恢复。")
    busy = [name for name in FILE_FOLDERS if folder(name).is_dir()
            and any(p.is_file() for p in folder(name).rglob("*"))]
    if busy:
        raise Refused(f"数据目录 {data_dir()} 不是空的（{busy[0]}/ 中已有文件）："
                      "恢复只能写入空的数据目录。")


def _unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(connection, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, names in applied.items() for name in names
            if (app, name) not in known]


def _safe(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not PurePosixPath(name).is_absolute() and ".." not in parts \
        and parts[0] in {"database", "files", "keys"}


def _unpack_verified(tar: tarfile.TarFile, manifest: dict, staging: Path) -> None:
    """Unpack into the staging folder, checking every member's size and sha256 against the
    manifest; nothing is put in place unless every member is intact."""
    expected = {m["path"]: m for m in manifest["members"]}
    seen = set()
    try:
        for info in tar:
            if info.name == MANIFEST:
                continue
            wanted = expected.get(info.name)
            if wanted is None or not info.isfile() or not _safe(info.name):
                raise Refused(f"备份文件已损坏：成员 {info.name} 不在清单中。")
            digest = _unpack_one(tar, info, staging / info.name)
            if info.size != wanted["size"] or digest != wanted["sha256"]:
                raise Refused(f"备份文件已损坏：{info.name} 的 sha256 校验值与清单不符。")
            seen.add(info.name)
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise Refused(f"备份文件已损坏（读到一半出错：{exc}）。") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise Refused(f"备份文件已损坏：缺少 {missing[0]} 等 {len(missing)} 个成员。")


def _unpack_one(tar: tarfile.TarFile, info: tarfile.TarInfo, target: Path) -> str:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    source = tar.extractfile(info)
    digest = hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _check_counts(manifest: dict) -> None:
    if manifest["engine"] == "sqlite":
        return  # the file is the one whose sha256 the manifest gives: its rows are the same
    counts = databases.row_counts()
    for table, rows in manifest.get("tables", {}).items():
        if counts.get(table) != rows:
            raise Refused(f"恢复后的数据表 {table} 有 {counts.get(table)} 行，"
                          f"与备份清单的 {rows} 行不符。")


def _place_files(staging: Path) -> None:
    """Move the unpacked folders into the data folder (local folders; see stored_files)."""
    for name in FILE_FOLDERS:
        unpacked = staging / "files" / name
        if not unpacked.is_dir():
            continue
        for path in [unpacked, *unpacked.rglob("*")]:
            if path.is_dir():
                path.chmod(0o700)
        target = folder(name)
        if target.exists():
            shutil.rmtree(target)  # holds no files (checked before): only empty folders
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.move(unpacked, target)


def _place_keys(staging: Path) -> None:
    for path in sorted((staging / "keys").glob("*")):
        if path.name in KEY_FILES:
            os.replace(path, data_dir() / path.name)
            (data_dir() / path.name).chmod(0o600)


def _reindex() -> None:
    """Texts committed just before the backup may have been indexed after the index was copied."""
    from xuncha.ledger.services import reuse

    added = reuse.reindex()
    if added:
        log.info("reuse index: %d texts added after the restore", added)


def _migrate() -> int:
    from django.core.management import call_command
    from django.db import connection, connections
    from django.db.migrations.executor import MigrationExecutor

    connections.close_all()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
    return len(plan)
