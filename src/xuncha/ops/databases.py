"""The database half of a backup, per engine: a consistent snapshot with its row counts and
migration state, whether a target database is empty, and loading a snapshot into it.

SQLite: the online backup API copies a consistent image while the site keeps running.
PostgreSQL: pg_dump (custom format) inside an exported snapshot, so the dump, the row counts and the
migration state all describe the same moment.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from xuncha.ops import Refused

log = logging.getLogger(__name__)

# Where Debian and Ubuntu keep one client per PostgreSQL major version.
PG_BIN_GLOB = "usr/lib/postgresql/*/bin"
MIGRATIONS_SQL = "SELECT app, name FROM django_migrations ORDER BY id"


@dataclass
class Snapshot:
    member: str  # its name in the archive
    tables: dict[str, int] = field(default_factory=dict)  # table → rows
    migrations: dict[str, list[str]] = field(default_factory=dict)  # app → applied migrations


def engine() -> str:
    """"sqlite" or "postgresql"; any other engine is refused."""
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise Refused(f"不支持备份或恢复 {connection.vendor} 数据库"
                      "（只支持 SQLite 和 PostgreSQL）。")
    return connection.vendor


def member_name() -> str:
    return "database/xuncha.sqlite3" if engine() == "sqlite" else "database/xuncha.pgdump"


def snapshot(target: Path) -> Snapshot:
    """Write a consistent copy of the database to `target` (a new, empty file)."""
    if engine() == "sqlite":
        return _sqlite_snapshot(target)
    return _pg_snapshot(target)


def is_empty() -> bool:
    """Empty means no tables at all: a new SQLite file (or none), or a freshly created database."""
    if engine() == "sqlite":
        return not _sqlite_tables(sqlite_path())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables "
                       "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
        return cursor.fetchone()[0] == 0


def load(staged: Path) -> None:
    """Put a verified snapshot into the empty database."""
    if engine() == "sqlite":
        _sqlite_load(staged)
    else:
        _pg_load(staged)


def row_counts() -> dict[str, int]:
    """Rows per table of the database as it is now (checked against the manifest)."""
    connection.close()
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        counts = {}
        for name in names:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


# SQLite

def sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def _sqlite_tables(path: Path) -> list[str]:
    if not path.exists() or path.stat().st_size == 0:
        return []
    try:
        with closing(sqlite3.connect(path)) as db:
            return [row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name")]
    except sqlite3.DatabaseError as exc:
        raise Refused(f"{path} 不是可读的 SQLite 数据库：{exc}") from None


def _sqlite_snapshot(target: Path) -> Snapshot:
    source_path = sqlite_path()
    if not _sqlite_tables(source_path):
        raise Refused(f"数据库 {source_path.name} 不存在或没有数据表，没有可备份的内容。")
    try:
        with closing(sqlite3.connect(source_path, timeout=20)) as source, \
                closing(sqlite3.connect(target)) as copy:
            # One step (pages=-1): the copy is one read transaction, consistent, and writers of
            # the running site are not blocked (WAL).
            source.backup(copy)
            tables = [row[0] for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name")]
            counts = {t: copy.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
            migrations = _migrations(copy.execute(MIGRATIONS_SQL))
    except sqlite3.Error as exc:
        raise Refused(f"无法读取数据库 {source_path.name}：{exc}") from None
    return Snapshot("database/xuncha.sqlite3", counts, migrations)


def _sqlite_load(staged: Path) -> None:
    path = sqlite_path()
    connections.close_all()
    # The target has no tables (checked before); its journal files belong to that empty file.
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(staged, path)
    path.chmod(0o600)


def _migrations(rows) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return applied


# PostgreSQL

def _pg_env() -> dict[str, str]:
    """libpq's variables from Django's settings, so the password never shows on a command line."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, var in (("NAME", "PGDATABASE"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _major(binary: str) -> int | None:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(found.group(1)) if found else None


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore of the server's major version (an older client cannot read a newer
    server; a newer one writes archives an older pg_restore cannot read)."""
    connection.ensure_connection()
    server = connection.pg_version // 10000
    candidates = [shutil.which(name), *sorted(str(p / name) for p in Path("/").glob(PG_BIN_GLOB))]
    found = {_major(c): c for c in candidates if c and Path(c).exists()}
    if server in found:
        return found[server]
    newer = sorted(v for v in found if v is not None and v > server)
    if newer:
        return found[newer[0]]
    raise Refused(f"找不到 PostgreSQL {server} 版本的 {name}"
                  f"（请安装 postgresql-client-{server}）。")


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, env=_pg_env(), capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["(无输出)"])[-1]
        log.error("%s failed: %s", Path(argv[0]).name, result.stderr.strip())
        raise Refused(f"{Path(argv[0]).name} 执行失败：{detail}")


def _pg_snapshot(target: Path) -> Snapshot:
    import psycopg
    from psycopg import IsolationLevel, sql

    pg_dump = pg_tool("pg_dump")
    env = _pg_env()
    with psycopg.connect(dbname=env.get("PGDATABASE"), user=env.get("PGUSER"),
                         password=env.get("PGPASSWORD"), host=env.get("PGHOST"),
                         port=env.get("PGPORT")) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            # pg_dump joins this transaction's snapshot: dump, counts and migrations agree.
            snap = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            _run([pg_dump, "--format=custom", f"--snapshot={snap}", f"--file={target}"])
            tables = [row[0] for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")]
            counts = {t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t)))
                      .fetchone()[0] for t in tables}
            if "django_migrations" not in counts:
                raise Refused("数据库没有数据表，没有可备份的内容。")
            migrations = _migrations(conn.execute(MIGRATIONS_SQL))
    return Snapshot("database/xuncha.pgdump", counts, migrations)


def _pg_load(staged: Path) -> None:
    pg_restore = pg_tool("pg_restore")
    connections.close_all()
    # One transaction: a failed restore leaves the database as empty as it was.
    _run([pg_restore, "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
          f"--dbname={_pg_env().get('PGDATABASE', '')}", str(staged)])
