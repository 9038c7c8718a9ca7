"""Staff pages at province scale, on SQLite and PostgreSQL side by side.

    python bench/pages.py --json [--scale 1.0] [--requests 200] [--engines sqlite,postgresql] [--regenerate]

For each engine (in a child process of its own, since Django binds one database per process) it
builds the province ledger once (bench/province.py; kept under bench/out/ and in the database
`xuncha_bench` for reuse), then requests the 工作台, a round page, an inspection page and the
findings list through the real URL stack and middleware (django.test.Client), as the office
admin, whose scope is the whole province. It prints p50/p95/p99 server time, the query count of
one request, and requests per second relative to a bare view behind the same middleware. It also
times the 工作台 totals from the maintained summaries against computing them per request with
annotate(Count). The last line is one JSON object:

    {"sqlite": {PAGE: {"p50_ms", "p95_ms", "p99_ms", "queries", "rps_ratio"}, …, "summaries": {…}},
     "postgresql": {…}}
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PG_ADMIN_URL = os.environ.get("XUNCHA_BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("XUNCHA_BENCH_PG_DB", "xuncha_bench")
PASSWORD = "bench-only-Password-1"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _ensure_pg_database(fresh: bool) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone()
        if exists and fresh:
            conn.execute(f"DROP DATABASE {PG_DB} WITH (FORCE)")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {PG_DB}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DB}"


def child(engine: str, scale_factor: float, requests: int, regenerate: bool) -> dict:
    data_dir = OUT / f"pages-{engine}-{scale_factor:g}"
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
        os.environ["DATABASE_URL"] = _ensure_pg_database(fresh)
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    sys.path.insert(0, str(HERE))

    import django

    django.setup()
    import province
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "bench_urls"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clear_url_caches()
    if fresh:
        call_command("migrate", verbosity=0)
        scale = province.Scale().scaled(scale_factor)
        print(f"[{engine}] generating {scale}", file=sys.stderr)
        info = province.generate(scale, log=lambda m: print(f"[{engine}]{m}", file=sys.stderr))
        province.create_bench_users(info["editor_unit"], PASSWORD)
        marker.write_text(json.dumps(info))
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from xuncha import clock
    from xuncha.ledger.models import Inspection, Round, Unit

    # The province's deadlines are spread around its own "today": the pages see that day too.
    moment = timezone.make_aware(dt.datetime.combine(province.TODAY, dt.time(12)))
    clock.now = lambda: moment
    admin, editor = Client(), Client()
    admin.force_login(get_user_model().objects.get(username="bench-admin"))
    editor.force_login(get_user_model().objects.get(username="bench-editor"))
    round_id = Round.objects.order_by("id").values_list("id", flat=True).first()
    step = max(1, Inspection.objects.count() // 50)
    inspection_ids = list(Inspection.objects.order_by("id").values_list("id", flat=True))[::step]
    districts = list(Unit.objects.filter(parent_id=1).order_by("id").values_list("id", flat=True))
    pages = {
        "bare": lambda i: "/_bench/bare",
        "workbench": lambda i: "/",
        "round": lambda i: f"/rounds/{round_id}/?upage={1 + i % 5}",
        "inspection": lambda i: f"/inspections/{inspection_ids[i % len(inspection_ids)]}/",
        "findings": lambda i: f"/findings/?page={1 + i % 20}",
        # The measure list (/measures/): urgency order, then with filters a 工作台 count links to.
        "measures": lambda i: f"/measures/?page={1 + i % 20}",
        "measures_red_unit": lambda i: f"/measures/?colour=red&unit={districts[i % len(districts)]}",
        "measures_round_yellow": lambda i: f"/measures/?round={1 + i % 4}&colour=yellow",
        "measures_owner_all": lambda i: f"/measures/?owner=%E7%A4%BE%E5%8C%BA&status=all&page={1 + i % 5}",
        "todo": lambda i: "/todo/lookbacks-due/",
        "workbench_editor": lambda i: "/",
    }
    clients = {"workbench_editor": editor}
    results: dict = {}
    for name, url in pages.items():
        client = clients.get(name, admin)
        for i in range(5):
            assert client.get(url(i)).status_code == 200, url(i)
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url(0))
        times = []
        for i in range(requests):
            start = time.perf_counter()
            response = client.get(url(i))
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        results[name] = {"p50_ms": round(percentile(times, 0.5), 2), "p95_ms": round(percentile(times, 0.95), 2),
                         "p99_ms": round(percentile(times, 0.99), 2), "queries": len(queries),
                         "mean_ms": statistics.fmean(times)}
        print(f"[{engine}] {name:<10} p50 {results[name]['p50_ms']:7.2f} ms  p95 {results[name]['p95_ms']:7.2f} ms"
              f"  p99 {results[name]['p99_ms']:7.2f} ms  queries {len(queries)}", file=sys.stderr)
    bare = results.pop("bare")
    for value in results.values():
        value["rps_ratio"] = round(bare["mean_ms"] / value.pop("mean_ms"), 3)
    results["summaries"] = summaries_vs_counting(requests=max(20, requests // 10))
    return results


def summaries_vs_counting(requests: int) -> dict:
    """The 工作台 totals from maintained summaries vs annotate(Count) per request, same process."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q, Sum

    from xuncha.core.statuses import FINDING_READY_FOR_CLOSEOUT, MEASURE_FINISHED
    from xuncha.ledger import permissions, selectors
    from xuncha.ledger.actor import actor_for

    actor = actor_for(get_user_model().objects.get(username="bench-admin"))

    def from_summaries():
        return permissions.visible_inspections(actor).aggregate(
            findings_total=Sum("findings_total"), findings_finished=Sum("findings_finished"),
            findings_closed=Sum("findings_closed"), measures_total=Sum("measures_total"),
            measures_finished=Sum("measures_finished"))

    def by_counting():
        rows = permissions.visible_inspections(actor).annotate(
            f_total=Count("findings", distinct=True),
            f_finished=Count("findings", filter=Q(findings__status__in=FINDING_READY_FOR_CLOSEOUT | {"closed"}),
                             distinct=True),
            f_closed=Count("findings", filter=Q(findings__status="closed"), distinct=True))
        totals = rows.aggregate(findings_total=Sum("f_total"), findings_finished=Sum("f_finished"),
                                findings_closed=Sum("f_closed"))
        measures = selectors.measures_in_scope(actor).aggregate(
            measures_total=Count("id"), measures_finished=Count("id", filter=Q(status__in=MEASURE_FINISHED)))
        return {**totals, **measures}

    assert from_summaries() == by_counting(), "maintained summaries disagree with the rows"
    timings = {}
    for name, fn in [("summaries", from_summaries), ("annotate_count", by_counting)]:
        runs = requests if name == "summaries" else max(3, requests // 10)
        start = time.perf_counter()
        for _ in range(runs):
            fn()
        timings[name] = (time.perf_counter() - start) / runs
    return {"summaries_ms": round(timings["summaries"] * 1000, 2),
            "annotate_count_ms": round(timings["annotate_count"] * 1000, 2),
            "rps_ratio": round(timings["annotate_count"] / timings["summaries"], 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always printed)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the province size (1.0 = full)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.scale, args.requests, args.regenerate)))
        return 0
    combined = {}
    for engine in args.engines.split(","):
        command = [sys.executable, __file__, "--child", engine, "--scale", str(args.scale),
                   "--requests", str(args.requests)] + (["--regenerate"] if args.regenerate else [])
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
        combined[engine] = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(combined, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
