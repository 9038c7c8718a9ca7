"""The harness the staff-page benchmarks share (bench/pages.py, bench/setup_pages.py).

One province ledger per engine and scale (bench/province.py), generated once and kept: SQLite
under bench/out/province-ENGINE-SCALE/, PostgreSQL in the database `xuncha_bench` (or
$XUNCHA_BENCH_PG_DB; a fresh generation drops and recreates it, so run one benchmark at a time).
Migrations run on every start, so a kept ledger takes new columns and indexes as a real one would.

XUNCHA_BENCH_PAGES=measures,todo limits a run to the pages whose names contain one of the words.
Each engine is measured in a child process of its own (Django binds one database per process);
pages are requested through the real URL stack and middleware (django.test.Client) and timed
against a bare view behind the same middleware in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PG_ADMIN_URL = os.environ.get("XUNCHA_BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("XUNCHA_BENCH_PG_DB", "xuncha_bench")
PASSWORD = "bench-only-Password-1"

Page = tuple[object, Callable[[int], str]]  # (client, request number → URL)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def pg_database(name: str, fresh: bool) -> str:
    """The URL of a benchmark's own PostgreSQL database, created when missing and dropped first
    when `fresh` (every benchmark that keeps a generated ledger uses one)."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {name}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def prepare(engine: str, scale_factor: float, regenerate: bool = False) -> dict:
    """Set Django up on the engine's province ledger (generating it when missing); returns the
    generation's info (bench/province.py). The pages see the province's own "today"."""
    data_dir = OUT / f"province-{engine}-{scale_factor:g}"
    marker = data_dir / "generated.json"
    fresh = regenerate or not marker.exists()
    if fresh and data_dir.exists():
        for path in data_dir.glob("xuncha.sqlite3*"):
            path.unlink()
        marker.unlink(missing_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["XUNCHA_DATA_DIR"] = str(data_dir)
    os.environ["XUNCHA_ALLOWED_HOSTS"] = "testserver"
    os.environ["XUNCHA_2FA"] = "off"  # the pages are measured, not the login
    if engine == "postgresql":
        os.environ["DATABASE_URL"] = pg_database(PG_DB, fresh)
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    sys.path.insert(0, str(HERE))

    import django

    django.setup()
    import province
    from django.conf import settings
    from django.core.management import call_command
    from django.urls import clear_url_caches
    from django.utils import timezone

    from xuncha import clock

    settings.ROOT_URLCONF = "bench_urls"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clear_url_caches()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not fresh and time.perf_counter() - started > 5:
        print(f"[{engine}] migrations on the kept ledger: {time.perf_counter() - started:.0f}s", file=sys.stderr)
    if fresh:
        scale = province.Scale().scaled(scale_factor)
        print(f"[{engine}] generating {scale}", file=sys.stderr)
        info = province.generate(scale, log=lambda m: print(f"[{engine}]{m}", file=sys.stderr))
        province.create_bench_users(info["editor_unit"], PASSWORD)
        marker.write_text(json.dumps(info))
    moment = timezone.make_aware(dt.datetime.combine(province.TODAY, dt.time(12)))
    clock.now = lambda: moment
    return json.loads(marker.read_text())


def client_for(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def time_pages(engine: str, pages: dict[str, Page], requests: int) -> dict:
    """p50/p95/p99 per page, the query count and size of one request, and the requests per
    second relative to the page named "bare" (which must come first)."""
    from django.db import connection

    results: dict = {}
    chosen = [p for p in os.environ.get("XUNCHA_BENCH_PAGES", "").split(",") if p]
    if chosen:  # a re-run of some pages only (the bare view is always measured)
        pages = {n: p for n, p in pages.items() if n == "bare" or any(c in n for c in chosen)}
    for name, (client, url) in pages.items():
        for i in range(3):
            assert client.get(url(i)).status_code == 200, url(i)
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            size = len(client.get(url(0)).content)
        times = []
        for i in range(requests):
            start = time.perf_counter()
            response = client.get(url(i))
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, url(i)
        results[name] = {"p50_ms": round(percentile(times, 0.5), 2), "p95_ms": round(percentile(times, 0.95), 2),
                         "p99_ms": round(percentile(times, 0.99), 2), "queries": len(queries),
                         "kb": round(size / 1024), "mean_ms": statistics.fmean(times)}
        print(f"[{engine}] {name:<24} p50 {results[name]['p50_ms']:8.2f} ms  p95 {results[name]['p95_ms']:8.2f} ms"
              f"  p99 {results[name]['p99_ms']:8.2f} ms  queries {len(queries)}", file=sys.stderr)
    bare = results.pop("bare")
    for value in results.values():
        value["rps_ratio"] = round(bare["mean_ms"] / value.pop("mean_ms"), 3)
    results["bare"] = {k: v for k, v in bare.items() if k != "mean_ms"}
    return results


def arguments(doc: str, requests: int, extra: Callable[[argparse.ArgumentParser], None] | None = None):
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always printed)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the province size (1.0 = full)")
    parser.add_argument("--requests", type=int, default=requests, help="requests per page")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--regenerate", action="store_true", help="build the province ledger again")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    if extra:
        extra(parser)
    return parser.parse_args()


def run(script: str, args, child: Callable[[str], dict]) -> int:
    """In a child: measure one engine and print its JSON. In the parent: one child per engine,
    then one JSON line {ENGINE: …} combining them."""
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    combined = {}
    passed = [a for a in sys.argv[1:] if a != "--json"]
    for engine in args.engines.split(","):
        command = [sys.executable, script, *passed, "--child", engine]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
        combined[engine] = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(combined, ensure_ascii=False))
    return 0
