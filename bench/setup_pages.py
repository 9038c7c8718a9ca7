"""巡察安排 pages and the round export (导出台账) at province scale, SQLite and PostgreSQL.

    python bench/setup_pages.py --json [--scale 1.0] [--requests 100] [--engines sqlite,postgresql]

Uses the province ledger of bench/pages.py (bench/province.py: 10,000 units, 20 rounds of about
500 inspections, 200 teams, 1,000,019 measures), generated once and kept under bench/out/. Each
page is requested through the real URL stack as the office admin; the baseline is a bare view
behind the same middleware, in the same run. Then one round's workbook is built as the queued job
builds it (a summary sheet and a sheet per unit) and timed against writing the same rows as
one-sheet workbooks per inspection, the way an office merged files by hand before.
The last line is one JSON object: {ENGINE: {PAGE: {"p50_ms", "p95_ms", "p99_ms", "queries",
"rps_ratio"}, "export": {…}}}.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pages  # noqa: E402
from pages import OUT, PASSWORD, _ensure_pg_database, percentile  # noqa: E402

# A database of its own: a fresh generation drops and recreates it, and bench/pages.py may be
# using its own at the same time.
pages.PG_DB = os.environ.get("XUNCHA_BENCH_SETUP_PG_DB", "xuncha_bench_setup")


def _setup_django(engine: str, scale_factor: float) -> None:
    data_dir = OUT / f"setup-pages-{engine}-{scale_factor:g}"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["XUNCHA_DATA_DIR"] = str(data_dir)
    os.environ["XUNCHA_ALLOWED_HOSTS"] = "testserver"
    fresh = not (data_dir / "generated.json").exists()
    if engine == "postgresql":
        os.environ["DATABASE_URL"] = _ensure_pg_database(fresh)
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "bench_urls"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clear_url_caches()
    if fresh:
        import province

        call_command("migrate", verbosity=0)
        scale = province.Scale().scaled(scale_factor)
        print(f"[{engine}] generating {scale}", file=sys.stderr)
        info = province.generate(scale, log=lambda m: print(f"[{engine}]{m}", file=sys.stderr))
        province.create_bench_users(info["editor_unit"], PASSWORD)
        (data_dir / "generated.json").write_text(json.dumps(info))
    else:
        call_command("migrate", verbosity=0)


def time_pages(engine: str, requests: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from xuncha.ledger.models import Inspection, Round, Team, Unit

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-admin"))
    round_id = Round.objects.order_by("id").values_list("id", flat=True).first()
    district = Unit.objects.filter(parent__parent__isnull=True, parent__isnull=False).order_by("id").first()
    unit = Unit.objects.order_by("-id").first()
    team = Team.objects.order_by("id").first()
    inspection = Inspection.objects.filter(round_id=round_id).order_by("id").first()
    pages = {
        "bare": lambda i: "/_bench/bare",
        "setup": lambda i: "/setup/",
        "setup-units": lambda i: f"/setup/units/?page={1 + (i * 37) % 200}",
        "setup-unit": lambda i: f"/setup/units/{unit.pk}/",
        "setup-teams": lambda i: "/setup/teams/",
        "setup-team": lambda i: f"/setup/teams/{team.pk}/",
        "setup-round": lambda i: f"/setup/rounds/{round_id}/?page={1 + i % 5}"
                                 + (f"&under={district.pk}" if i % 2 else ""),
        "setup-inspection": lambda i: f"/setup/inspections/{inspection.pk}/",
    }
    results: dict = {}
    for name, url in pages.items():
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
            assert response.status_code == 200
        results[name] = {"p50_ms": round(percentile(times, 0.5), 2), "p95_ms": round(percentile(times, 0.95), 2),
                         "p99_ms": round(percentile(times, 0.99), 2), "queries": len(queries),
                         "kb": round(size / 1024), "mean_ms": sum(times) / len(times)}
        print(f"[{engine}] {name:<17} p50 {results[name]['p50_ms']:7.2f} ms  p95 {results[name]['p95_ms']:7.2f} ms"
              f"  queries {len(queries)}  {results[name]['kb']} KB", file=sys.stderr)
    bare = results.pop("bare")
    for value in results.values():
        value["rps_ratio"] = round(bare["mean_ms"] / value.pop("mean_ms"), 3)
    return results


def time_export(engine: str) -> dict:
    """One round's workbook as the job builds it, against one workbook per inspection."""
    from django.contrib.auth import get_user_model

    from xuncha.core.ledger_xlsx import write_xlsx
    from xuncha.ledger import selectors
    from xuncha.ledger.actor import actor_for
    from xuncha.ledger.models import Inspection, Round
    from xuncha.ledger.services import exports

    actor = actor_for(get_user_model().objects.get(username="bench-admin"))
    round_ = Round.objects.order_by("id").first()
    start = time.perf_counter()
    data = exports.round_workbook(actor, round_)
    round_seconds = time.perf_counter() - start
    measures = exports.measure_count(actor, round_)
    start = time.perf_counter()
    for inspection in Inspection.objects.filter(round=round_).select_related("unit"):
        write_xlsx(selectors.ledger_rows(inspection), title=inspection.unit.name)
    separate_seconds = time.perf_counter() - start
    result = {"units": Inspection.objects.filter(round=round_).count(), "measures": measures,
              "seconds": round(round_seconds, 2), "mb": round(len(data) / 2**20, 1),
              "measures_per_s": round(measures / round_seconds),
              "per_inspection_seconds": round(separate_seconds, 2),
              "ratio": round(separate_seconds / round_seconds, 2)}
    print(f"[{engine}] export {result}", file=sys.stderr)
    return result


def child(engine: str, scale: float, requests: int, export: bool = True) -> dict:
    _setup_django(engine, scale)
    return {**time_pages(engine, requests), **({"export": time_export(engine)} if export else {})}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always printed)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pages-only", action="store_true", help="skip timing the round export")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.scale, args.requests, export=not args.pages_only)))
        return 0
    combined = {}
    for engine in args.engines.split(","):
        command = [sys.executable, __file__, "--child", engine, "--scale", str(args.scale),
                   "--requests", str(args.requests)] + (["--pages-only"] if args.pages_only else [])
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
        combined[engine] = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(combined, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
