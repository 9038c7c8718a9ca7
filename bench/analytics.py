"""统计分析 at province scale, on SQLite and PostgreSQL side by side.

    python bench/analytics.py --json [--scale 1.0] [--requests 100] [--engines sqlite,postgresql]

For each engine (a child process each) it sets up the province ledger the staff-page benchmarks
share (bench/staffsite.py, bench/province.py: 1M measures, 300k findings, generated once), rebuilds
the analytics summaries once (the nightly job, timed), then requests the 统计分析 page (all
rounds, and one round), a unit's drill-down list, the Excel export and the 共性问题 page through
the real URL stack as the office admin (whole-province scope) and as a district editor, and
prints p50/p95 server time. Beside them, in the same process, the same figures aggregated from
the ledger rows per request (the naive way), the in-transaction refresh of one inspection's
rows, and clustering a 1,000-unit round (10,000 findings) as the job does it. Last line: JSON.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import staffsite  # the province set-up, the percentiles and the child processes

percentile = staffsite.percentile


def timed(fn, runs: int) -> dict:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(percentile(times, 0.5), 2), "p95_ms": round(percentile(times, 0.95), 2)}


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
    staffsite.prepare(engine, scale_factor, regenerate)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from xuncha.analytics import clusters, report, summaries
    from xuncha.analytics.models import Summary
    from xuncha.core import similar
    from xuncha.ledger.actor import actor_for
    from xuncha.ledger.models import Finding, Inspection, Round

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
    args = staffsite.arguments(__doc__, requests=100)
    return staffsite.run(__file__, args, lambda engine: child(engine, args.scale, args.requests, args.regenerate))

if __name__ == "__main__":
    raise SystemExit(main())
