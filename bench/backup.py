"""`xuncha backup` and `xuncha restore` timed on the demo data and on a province-scale ledger.

    python bench/backup.py --json [--measures 1000000] [--engines sqlite,postgresql] [--regenerate]

For each engine and each data set, the commands run as an operator runs them (`xuncha backup`,
`xuncha restore` into a fresh data folder and database, each a process of its own, start-up
included) and are timed by wall clock. Baselines, measured in the same run on the same data:

    SQLite       a plain copy of the database file (backup) and of the copy back (restore);
                 SQLite's online backup API alone is reported too (online_backup_api_s)
    PostgreSQL   `pg_dump -Fc` alone (backup) and `pg_restore` alone into a new database (restore)

and the start-up of a bare `xuncha` process (Django loaded, nothing done), which dominates the
demo's figures. The province ledger comes from bench/province.py, scaled to --measures (1,000,000 is
the full province); it is kept under bench/out/ and in the database `xuncha_backup_bench_prov`
until --regenerate. The last line is one JSON object:

    {"startup_s": …, "sqlite": {"demo": {…}, "province": {…}}, "postgresql": {…}}
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PG_ADMIN_URL = os.environ.get("XUNCHA_BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_PREFIX = "xuncha_backup_bench"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def fresh_pg_database(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return pg_url(name)


def pg_database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def env_for(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "XUNCHA_DATA_DIR": str(data_dir), "XUNCHA_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def timed(argv: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])} failed: {result.stderr[-2000:]}")
    return seconds


def xuncha(*args: str) -> list[str]:
    return [sys.executable, "-m", "xuncha.cli", *args]


def reset_folder(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def prepare_demo(engine: str) -> tuple[Path, str | None]:
    data_dir = reset_folder(OUT / f"backup-demo-{engine}")
    url = fresh_pg_database(f"{PG_PREFIX}_demo") if engine == "postgresql" else None
    timed(xuncha("demo", "--load-only"), env_for(data_dir, url))
    return data_dir, url


def prepare_province(engine: str, measures: int, regenerate: bool) -> tuple[Path, str | None]:
    data_dir = OUT / f"backup-province-{engine}-{measures}"
    marker = data_dir / "generated.json"
    name = f"{PG_PREFIX}_prov"
    url = pg_url(name) if engine == "postgresql" else None
    kept = marker.exists() and (engine == "sqlite" or pg_database_exists(name))
    if kept and not regenerate:
        return data_dir, url
    reset_folder(data_dir)
    if url:
        fresh_pg_database(name)
    log(f"[{engine}] generating the province ledger at {measures} measures")
    seconds = timed([sys.executable, __file__, "--generate", str(measures)], env_for(data_dir, url))
    marker.write_text(json.dumps({"measures": measures, "seconds": round(seconds, 1)}))
    return data_dir, url


def generate(measures: int) -> None:
    """Child process: migrate the empty database and fill it with the province ledger."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    import province
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    scale = province.Scale().scaled(measures / province.Scale().measures)
    province.generate(scale, log=log)


def baseline(engine: str, data_dir: Path, url: str | None, work: Path) -> dict[str, float]:
    if engine == "sqlite":
        database = data_dir / "xuncha.sqlite3"
        start = time.perf_counter()
        shutil.copyfile(database, work / "copy.sqlite3")
        copied = time.perf_counter() - start
        start = time.perf_counter()
        shutil.copyfile(work / "copy.sqlite3", work / "back.sqlite3")
        back = time.perf_counter() - start
        return {"baseline_backup_s": copied, "baseline_restore_s": back,
                "online_backup_api_s": online_backup(database, work / "image.sqlite3")}
    tools = _pg_tools(url)
    dumped = timed([tools["pg_dump"], "--format=custom", f"--file={work / 'plain.pgdump'}",
                    f"--dbname={url}"])
    target = fresh_pg_database(f"{PG_PREFIX}_base")
    restored = timed([tools["pg_restore"], "--no-owner", "--no-privileges", f"--dbname={target}",
                      str(work / "plain.pgdump")])
    return {"baseline_backup_s": dumped, "baseline_restore_s": restored}


def online_backup(database: Path, target: Path) -> float:
    """SQLite's online backup API alone, the consistent copy xuncha starts from (for reference)."""
    import sqlite3
    from contextlib import closing

    start = time.perf_counter()
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return time.perf_counter() - start


def _pg_tools(url: str) -> dict[str, str]:
    """The same pg_dump and pg_restore binaries xuncha picks (the server's major version)."""
    code = ("import django, json; django.setup(); from xuncha.ops import databases as d; "
            "print(json.dumps({n: d.pg_tool(n) for n in ('pg_dump', 'pg_restore')}))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xuncha.settings", "DATABASE_URL": url}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def measure(engine: str, case: str, data_dir: Path, url: str | None) -> dict:
    work = reset_folder(OUT / f"backup-work-{engine}-{case}")
    archive = work / "xuncha.tar"
    backup_s = timed(xuncha("backup", str(archive)), env_for(data_dir, url))
    target_dir = reset_folder(work / "restored")
    target_url = fresh_pg_database(f"{PG_PREFIX}_{case}_r") if url else None
    restore_s = timed(xuncha("restore", str(archive)), env_for(target_dir, target_url))
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    figures = {"rows": sum(manifest["tables"].values()),
               "measures": manifest["tables"].get("ledger_measure", 0),
               "archive_mb": round(archive.stat().st_size / 1e6, 1),
               "backup_s": backup_s, "restore_s": restore_s,
               **baseline(engine, data_dir, url, work)}
    figures["backup_ratio"] = figures["backup_s"] / figures["baseline_backup_s"]
    figures["restore_ratio"] = figures["restore_s"] / figures["baseline_restore_s"]
    shutil.rmtree(work, ignore_errors=True)
    if target_url:
        fresh_pg_database(f"{PG_PREFIX}_{case}_r")
    rounded = {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}
    log(f"[{engine}] {case}: {json.dumps(rounded)}")
    return rounded


def startup() -> float:
    """A bare `xuncha` process: Django set up, Django's version printed, nothing else."""
    env = env_for(reset_folder(OUT / "backup-startup"), None)
    return round(min(timed(xuncha("version"), env) for _ in range(3)), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always)")
    parser.add_argument("--measures", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
        return
    results: dict = {"startup_s": startup()}
    for engine in args.engines.split(","):
        results[engine] = {}
        if not args.skip_demo:
            results[engine]["demo"] = measure(engine, "demo", *prepare_demo(engine))
        source = prepare_province(engine, args.measures, args.regenerate)
        results[engine]["province"] = measure(engine, "province", *source)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
