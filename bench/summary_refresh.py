"""What keeping the 统计分析 summaries in the transaction of a change costs that change.

    python bench/summary_refresh.py --json [--acts 200] [--findings 30] [--measures 100]
    DATABASE_URL=postgres://…/empty_db python bench/summary_refresh.py --json

In a fresh data folder (or the empty database DATABASE_URL names), one inspection of --findings
findings and --measures measures, made through the services. Then, interleaved in turns (each
first in turn), the same act — a new measure with a deadline, `measures.create_measure`, which
refreshes the finding and the inspection — with each of three hooks in
`ledger.derived.INSPECTION_HOOKS`: `rewrite` (the summary rows rewritten in the act's
transaction, as before), `mark` (the inspection marked and analytics.refresh queued once, as
now) and `none` (the baseline). Also `summaries.refresh_inspection` alone in its own
transaction: what the queued job does per inspection. Wall time and this process's CPU
time (on a shared machine the CPU figure is the steadier one; PostgreSQL's own work is in the
wall figure only). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time


def _setup_django() -> None:
    if not os.environ.get("XUNCHA_DATA_DIR"):
        os.environ["XUNCHA_DATA_DIR"] = tempfile.mkdtemp(prefix="xuncha-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    os.environ.setdefault("XUNCHA_LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _build(findings: int, measures: int):
    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.services import findings as finding_services
    from xuncha.ledger.services import measures as measure_services
    from xuncha.ledger.services import setup

    actor = system_actor()
    root = setup.create_unit(actor, "基准区委", kind="committee")
    unit = setup.create_unit(actor, "基准社区", parent=root)
    inspection = setup.create_inspection(actor, setup.create_round(actor, "基准轮次"),
                                         setup.get_or_create_team(actor, "基准巡察组"), unit)
    made = [finding_services.create_finding(actor, inspection, f"问题{i}：财务管理不规范")
            for i in range(findings)]
    deadline = dt.date(2025, 1, 1)
    for i in range(measures):
        measure_services.create_measure(actor, made[i % findings], f"措施{i}", deadline=deadline
                                        + dt.timedelta(days=7 * (i % 40)))
    return actor, inspection, made


def _figures(wall: list[float], cpu: list[float]) -> dict:
    ordered = sorted(wall)
    return {"p50_ms": round(statistics.median(wall), 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
            "cpu_p50_ms": round(statistics.median(cpu), 2)}


def run(acts: int, findings: int, measures: int) -> dict:
    from django.db import connection, transaction

    from xuncha.analytics import summaries
    from xuncha.analytics.models import PendingRefresh
    from xuncha.ledger import derived
    from xuncha.ledger.services import measures as measure_services

    actor, inspection, made = _build(findings, measures)
    hooks = list(derived.INSPECTION_HOOKS)
    variants = {"rewrite": [summaries.refresh_inspection], "mark": [summaries.mark_changed], "none": []}
    times: dict[str, tuple[list, list]] = {name: ([], []) for name in variants}
    names = list(variants)
    for i in range(acts):
        for variant in names[i % 3:] + names[:i % 3]:
            derived.INSPECTION_HOOKS[:] = variants[variant]
            # A queued refresh from the last `mark` turn would be skipped by the next one.
            PendingRefresh.objects.all().delete()
            start, start_cpu = time.perf_counter(), time.process_time()
            measure_services.create_measure(actor, made[i % findings], f"新措施{i}{variant}",
                                            deadline=dt.date(2026, 1, 1) + dt.timedelta(days=i))
            times[variant][0].append((time.perf_counter() - start) * 1000)
            times[variant][1].append((time.process_time() - start_cpu) * 1000)
    derived.INSPECTION_HOOKS[:] = hooks
    alone: tuple[list, list] = ([], [])
    for _ in range(acts):
        start, start_cpu = time.perf_counter(), time.process_time()
        with transaction.atomic():
            summaries.refresh_inspection(inspection.pk)
        alone[0].append((time.perf_counter() - start) * 1000)
        alone[1].append((time.process_time() - start_cpu) * 1000)
    def added(variant: str) -> float:
        return round(statistics.median(a - b for a, b in zip(times[variant][0], times["none"][0],
                                                             strict=True)), 2)

    return {"engine": connection.vendor, "findings": findings, "measures": measures + 3 * acts,
            **{f"act_{name}": _figures(*times[name]) for name in variants},
            "added_rewrite_p50_ms": added("rewrite"), "added_mark_p50_ms": added("mark"),
            "refresh_alone": _figures(*alone)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always)")
    parser.add_argument("--acts", type=int, default=200)
    parser.add_argument("--findings", type=int, default=30)
    parser.add_argument("--measures", type=int, default=100)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    _setup_django()
    result = run(args.acts, args.findings, args.measures)
    result["load_average"] = [round(load, 2), round(os.getloadavg()[0], 2)]
    for key in ("act_rewrite", "act_mark", "act_none", "refresh_alone"):
        f = result[key]
        print(f"[{result['engine']}] {key:<20} p50 {f['p50_ms']:7.2f} ms  p95 {f['p95_ms']:7.2f} ms"
              f"  CPU p50 {f['cpu_p50_ms']:6.2f} ms", file=sys.stderr)
    print(f"[{result['engine']}] added per act (median of pairs with none): rewrite "
          f"{result['added_rewrite_p50_ms']} ms, mark {result['added_mark_p50_ms']} ms; "
          f"load average {result['load_average']}", file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
