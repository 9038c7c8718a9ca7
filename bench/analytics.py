"""统计分析 at province scale, on SQLite and PostgreSQL side by side.

    python bench/analytics.py --json [--scale 1.0] [--requests 100] [--engines sqlite,postgresql]

For each engine (a child process each) it builds the province ledger (bench/province.py: 1M
measures, 300k findings; kept under bench/out/ and in the database `xuncha_analytics`), rebuilds
the analytics summaries once (the nightly job, timed), then requests the 统计分析 page (all
rounds, and one round), a unit's drill-down list, the Excel export and the 共性问题 page through
the real URL stack as the office admin (whole-province scope) and as a district editor, and
prints p50/p95 server time. Beside them, in the same process, the same figures aggregated from
the ledger rows per request (the naive way), the in-transaction refresh of one inspection's
rows, and clustering a 1,000-unit round (10,000 findings) as the job does it. Last line: JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PG_ADMIN_URL = os.environ.get("XUNCHA_BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = "xuncha_analytics"
PASSWORD = "bench-only-Password-1"


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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(fn, runs: int) -> dict:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(percentile(times, 0.5), 2), "p95_ms": round(percentile(times, 0.95), 2)}


def _setup(engine: str, scale_factor: float, regenerate: bool) -> bool:
    data_dir = OUT / f"analytics-{engine}-{scale_factor:g}"
    marker = data_dir / "generated.json"
    fresh = regenerate or not marker.exists()
    if fresh and data_dir.exists():
        for path in data_dir.glob("xuncha.sqlite3*"):
            path.unlink()
        marker.unlink(missing_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["XUNCHA_DATA_DIR"] = str(data_dir)
    os.environ["XUNCHA_ALLOWED_HOSTS"] = "testserver"
    if engine == "postgresql":
        os.environ["DATABASE_URL"] = _ensure_pg_database(fresh)
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    import province
    from django.core.management import call_command

    from xuncha import clock

    noon = dt.datetime.combine(province.TODAY, dt.time(12), tzinfo=dt.UTC)
    clock.now = lambda: noon  # the province's own date, as the tests patch it
    if fresh:
        call_command("migrate", verbosity=0)
        scale = province.Scale().scaled(scale_factor)
        print(f"[{engine}] generating {scale}", file=sys.stderr)
        info = province.generate(scale, log=lambda m: print(f"[{engine}]{m}", file=sys.stderr))
        province.create_bench_users(info["editor_unit"], PASSWORD)
        marker.write_text(json.dumps(info))
    return fresh


def naive(actor, round_id: int | None) -> None:
    """The page's figures counted from the ledger rows on each request (no summaries)."""
    from django.db.models import Count, Q

    from xuncha.analytics.summaries import AGE_BUCKETS, FINISHED_FINDING
    from xuncha.core.statuses import MEASURE_FINISHED
    from xuncha.ledger import selectors

    today = __import__("xuncha.clock", fromlist=["today"]).today()
    findings = selectors.findings_in_scope(actor)
    measures = selectors.measures_in_scope(actor)
    if round_id:
        findings = findings.filter(inspection__round_id=round_id)
        measures = measures.filter(finding__inspection__round_id=round_id)
    per = dict(total=Count("id"), finished=Count("id", filter=Q(status__in=FINISHED_FINDING)),
               closed=Count("id", filter=Q(status="closed")))
    list(findings.values("inspection__round_id", "inspection__team_id", "category").annotate(**per).order_by())
    buckets = {}
    unfinished = ~Q(status__in=MEASURE_FINISHED)
    for field, _, low, high in AGE_BUCKETS:
        window = Q(deadline__lte=today - dt.timedelta(days=low))
        if high is not None:
            window &= Q(deadline__gte=today - dt.timedelta(days=high))
        buckets[field] = Count("id", filter=unfinished & window)
    list(measures.values("finding__inspection__unit_id").annotate(**buckets)
         .order_by("-age_over_90")[:15])


def child(engine: str, scale_factor: float, requests: int, regenerate: bool) -> dict:
    _setup(engine, scale_factor, regenerate)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import clear_url_caches

    from xuncha.analytics import clusters, report, summaries
    from xuncha.analytics.models import Summary
    from xuncha.core import similar
    from xuncha.ledger.actor import actor_for
    from xuncha.ledger.models import Finding, Inspection, Round

    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()
    results: dict = {}
    start = time.perf_counter()
    if not Summary.objects.exists():
        summaries.rebuild()
    results["rebuild_s"] = round(time.perf_counter() - start, 1)
    results["summary_rows"] = Summary.objects.count()
    print(f"[{engine}] summaries: {results['summary_rows']} rows in {results['rebuild_s']} s", file=sys.stderr)

    users = get_user_model().objects
    round_id = Round.objects.order_by("id").values_list("id", flat=True).first()
    admin = users.get(username="bench-admin")
    editor = users.get(username="bench-editor")
    unit_id = Inspection.objects.order_by("id").values_list("unit_id", flat=True).first()
    pages = {
        "analytics_all": (admin, "/analytics/"),
        "analytics_round": (admin, f"/analytics/?round={round_id}"),
        "analytics_editor": (editor, "/analytics/"),
        "drill_unit": (admin, f"/findings/?round={round_id}&unit={unit_id}&colour=red"),
        "export_units": (admin, f"/analytics/export.xlsx?chart=units&round={round_id}"),
    }
    for name, (user, url) in pages.items():
        client = Client()
        client.force_login(user)
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        results[name] = timed(lambda c=client, u=url: c.get(u), requests)
        print(f"[{engine}] {name:<17} p50 {results[name]['p50_ms']:8.2f} ms  p95 {results[name]['p95_ms']:8.2f} ms",
              file=sys.stderr)
    admin_actor, editor_actor = actor_for(admin), actor_for(editor)
    runs = max(3, requests // 20)
    results["report_all"] = timed(lambda: report.build(admin_actor), requests)
    results["naive_all"] = timed(lambda: naive(admin_actor, None), runs)
    results["report_round"] = timed(lambda: report.build(admin_actor, round_id), requests)
    results["naive_round"] = timed(lambda: naive(admin_actor, round_id), runs)
    results["naive_editor"] = timed(lambda: naive(editor_actor, None), runs)
    results["ratio_all"] = round(results["naive_all"]["p50_ms"] / results["report_all"]["p50_ms"], 1)
    results["ratio_round"] = round(results["naive_round"]["p50_ms"] / results["report_round"]["p50_ms"], 1)
    for key in ("report_all", "naive_all", "report_round", "naive_round", "naive_editor"):
        print(f"[{engine}] {key:<17} p50 {results[key]['p50_ms']:8.2f} ms  p95 {results[key]['p95_ms']:8.2f} ms",
              file=sys.stderr)

    from django.db import transaction

    ids = iter(list(Inspection.objects.order_by("id").values_list("id", flat=True)[:50]) * 10)

    def refresh_one():
        with transaction.atomic():
            summaries.refresh_inspection(next(ids))

    results["refresh_inspection"] = timed(refresh_one, 50)

    # A 1,000-unit round of 10,000 findings: the job's read and clustering, timed together.
    thousand = list(Inspection.objects.order_by("id").values_list("id", flat=True)[:1000])

    def cluster_round():
        rows = Finding.objects.filter(inspection_id__in=thousand, position__lte=10).values_list(
            "pk", "inspection__unit_id", "title", "category")
        items = [similar.Item(pk, unit, title, similar.canonical_category(title, heading))
                 for pk, unit, title, heading in rows.iterator(chunk_size=5000)]
        return len(items), similar.cluster(items)

    start = time.perf_counter()
    count, found = cluster_round()
    results["cluster_1000_units"] = {"findings": count, "clusters": len(found),
                                     "seconds": round(time.perf_counter() - start, 2)}
    start = time.perf_counter()
    count, _ = clusters.compute([round_id])
    results["cluster_job_round"] = {"findings": count, "seconds": round(time.perf_counter() - start, 2)}
    print(f"[{engine}] cluster {results['cluster_1000_units']} round {results['cluster_job_round']}",
          file=sys.stderr)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always printed)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=100)
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
    raise SystemExit(main())
