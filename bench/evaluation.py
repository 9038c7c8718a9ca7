"""整改成效评估: scoring every unit of a 1,000-unit round as a job, on SQLite and PostgreSQL.

    python bench/evaluation.py [--units 1000] [--engines sqlite,postgresql] [--regenerate]

For each engine (a child process each) it builds one round of `--units` inspections with ten
findings and two to four measures each (kept under bench/out/ and in the PostgreSQL database
`xuncha_evaluation_bench`), adds 延期, 督办, rater scores and failed 随机抽查 to some units,
rebuilds the analytics summaries, then times the `evaluation.score` job through the queue's
runner (facts from the summaries and grouped queries, formulae compiled once, results
bulk-inserted). Beside it, in the same process, the naive way: per unit, each fact counted from
the ledger rows and each formula parsed again (`--naive-units N` times it over N units and scales
it to the round). `--units 100` re-runs it quickly.
Last line: JSON.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

import staffsite  # the PostgreSQL database set-up the benchmarks share

HERE = Path(__file__).resolve().parent
TODAY = dt.date(2025, 11, 20)
OUT = HERE / "out"
PG_DB = "xuncha_evaluation_bench"


def _setup(engine: str, units: int, regenerate: bool) -> None:
    data_dir = OUT / f"evaluation-{engine}-{units}"
    marker = data_dir / "generated.json"
    fresh = regenerate or not marker.exists()
    if fresh and data_dir.exists():
        for path in data_dir.glob("xuncha.sqlite3*"):
            path.unlink()
        marker.unlink(missing_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["XUNCHA_DATA_DIR"] = str(data_dir)
    if engine == "postgresql":
        os.environ["DATABASE_URL"] = staffsite.pg_database(PG_DB, fresh)
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from xuncha import clock

    noon = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)
    clock.now = lambda: noon  # the round's own date, as the tests patch it
    if fresh:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        generate(units)
        print(f"[{engine}] generated {units} units in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        _add_facts()
        marker.write_text(json.dumps({"units": units}))


def generate(units: int, seed: int = 7) -> None:
    """One round of `units` inspections, ten findings each, about three measures per finding."""
    import random

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from xuncha.core.statuses import derive_finding_status
    from xuncha.ledger import derived
    from xuncha.ledger.models import Finding, Inspection, Measure, Round, Team, Unit

    rng = random.Random(seed)
    get_user_model().objects.create(username="bench-system", is_active=False)
    with transaction.atomic():
        root = Unit.objects.create(name="示范市委", kind="committee", path="/")
        Unit.objects.filter(pk=root.pk).update(path=f"/{root.pk}/")
        Unit.objects.bulk_create([Unit(name=f"社区{n}", kind="community", parent=root, path="")
                                  for n in range(units)], batch_size=1000)
        for unit in Unit.objects.exclude(pk=root.pk):
            Unit.objects.filter(pk=unit.pk).update(path=f"/{root.pk}/{unit.pk}/")
        teams = Team.objects.bulk_create([Team(name=f"巡察第{n + 1}组") for n in range(max(4, units // 50))])
        round_ = Round.objects.create(name="2025年市委第二轮巡察", start=dt.date(2025, 3, 1))
        Inspection.objects.bulk_create([
            Inspection(round=round_, team=teams[n % len(teams)], unit=unit, feedback_date=dt.date(2025, 6, 15))
            for n, unit in enumerate(Unit.objects.exclude(pk=root.pk).order_by("id"))], batch_size=1000)
        findings, plans = [], []
        for inspection in Inspection.objects.order_by("id"):
            for position in range(1, 11):
                statuses = [rng.choices(["done", "in_progress", "planned", "ongoing"], [60, 25, 10, 5])[0]
                            for _ in range(rng.choice((2, 3, 4)))]
                closed = all(s == "done" for s in statuses) and rng.random() < 0.5
                findings.append(Finding(inspection=inspection, title=f"问题{position}", position=position,
                                        status=derive_finding_status(statuses, closed=closed, reopened=False)))
                plans.append(statuses)
        Finding.objects.bulk_create(findings, batch_size=2000)
        measures = []
        for finding, statuses in zip(findings, plans, strict=True):
            for m, status in enumerate(statuses, start=1):
                deadline = TODAY + dt.timedelta(days=rng.randint(-120, 120)) if status != "ongoing" else None
                done_on = min(TODAY, deadline + dt.timedelta(days=rng.randint(-10, 5))) \
                    if status == "done" and deadline else None
                measures.append(Measure(finding=finding, position=m, text="整改措施", status=status,
                                        kind="ongoing" if status == "ongoing" else "deadline",
                                        deadline=deadline, completed_on=done_on,
                                        **derived.placement(finding.inspection)))
        Measure.objects.bulk_create(measures, batch_size=2000)


def _add_facts() -> None:
    """延期, 督办, ratings, rater scores and failed re-checks on some units, written directly."""
    from django.contrib.auth import get_user_model

    from xuncha import clock
    from xuncha.analytics import summaries
    from xuncha.evaluation import selectors
    from xuncha.evaluation.models import CheckItem, Draw, Rating
    from xuncha.ledger.models import ExtensionRequest, Finding, Inspection, Measure
    from xuncha.notify.models import Supervision

    user = get_user_model().objects.get(username="bench-system")
    now, today = clock.now(), clock.today()
    inspections = list(Inspection.objects.order_by("id").select_related("unit"))
    measures = list(Measure.objects.filter(deadline__isnull=False).order_by("id")
                    .values_list("id", "deadline")[::37])
    ExtensionRequest.objects.bulk_create([
        ExtensionRequest(measure_id=mid, state="approved", old_deadline=d, new_deadline=d + dt.timedelta(days=30),
                         reason="等待批复", requested_by=user, requested_at=now) for mid, d in measures])
    Supervision.objects.bulk_create([
        Supervision(inspection=i, unit_name=i.unit.name, issuer="巡察办", opened_on=today,
                    reply_due=today + dt.timedelta(days=15)) for i in inspections[::7]])
    scheme = selectors.current_scheme()
    rated = scheme.items.filter(rated=True).first()
    Rating.objects.bulk_create([
        Rating(round_id=i.round_id, unit_id=i.unit_id, item=rated, group=g, score=60 + (i.pk * 7 + n) % 40,
               entered_by=user, entered_at=now)
        for i in inspections for n, g in enumerate(scheme.rater_groups)])
    closed = list(Finding.objects.filter(status="closed").order_by("id").values_list("id", "inspection_id"))
    draw = Draw.objects.create(round_id=inspections[0].round_id, seed=1, size=len(closed[::20]),
                               population=[f for f, _ in closed], created_by=user, created_at=now)
    CheckItem.objects.bulk_create([
        CheckItem(draw=draw, finding_id=f, inspection_id=i, position=n, result="failed" if n % 3 == 0 else "passed",
                  note="不符", checked_by=user, checked_at=now) for n, (f, i) in enumerate(closed[::20])])
    summaries.rebuild()


def naive_score(round_id: int, limit: int = 0) -> int:
    """Per unit: every fact counted from the ledger rows, every formula parsed again."""
    from django.db.models import F, Q

    from xuncha import clock
    from xuncha.core import scoring
    from xuncha.core.statuses import MEASURE_FINISHED
    from xuncha.evaluation import selectors
    from xuncha.evaluation.models import CheckItem
    from xuncha.ledger.models import ExtensionRequest, Finding, Inspection, Lookback, Measure
    from xuncha.notify.models import Supervision
    from xuncha.portal.models import PublicComment

    today = clock.today()
    scheme = selectors.current_scheme()
    rows = selectors.items(scheme)
    count = 0
    inspections = Inspection.objects.filter(round_id=round_id).order_by("id")
    for inspection in inspections[:limit] if limit else inspections:
        findings = Finding.objects.filter(inspection=inspection)
        measures = Measure.objects.filter(finding__inspection=inspection)
        total = findings.count()
        dated = measures.filter(deadline__isnull=False)
        due = dated.filter(Q(status__in=MEASURE_FINISHED) | Q(deadline__lt=today)).count()
        ontime = dated.filter(status__in=MEASURE_FINISHED, completed_on__lte=F("deadline")).count()
        ratings = {}
        for rating in PublicComment.objects.filter(inspection=inspection).exclude(rating="").values_list(
                "rating", flat=True):
            ratings[rating] = ratings.get(rating, 0) + 1
        mean, rated_n = scoring.satisfaction(ratings)
        failed = CheckItem.objects.filter(inspection=inspection, result="failed").count()
        rebounds = Lookback.objects.filter(finding__inspection=inspection, result="rebounded").count()
        facts = {
            "findings": total, "measures": measures.count(),
            "completion_rate": scoring.rate(findings.filter(status__in=["done", "ongoing", "closed"]).count(), total),
            "ontime_rate": scoring.rate(ontime, due),
            "closeout_rate": scoring.rate(findings.filter(status="closed").count(), total),
            "overdue": measures.exclude(status__in=MEASURE_FINISHED).filter(deadline__lt=today).count(),
            "extensions": ExtensionRequest.objects.filter(measure__finding__inspection=inspection,
                                                          state="approved").count(),
            "supervisions": Supervision.objects.filter(inspection=inspection).count(),
            "lint_errors": 0, "satisfaction": mean, "ratings": rated_n,
            "repeats": findings.filter(previous__isnull=False).count(), "failed_checks": failed,
            "rebounds": rebounds, "contradictions": failed + rebounds,
        }
        compiled = selectors.compiled(scheme, rows)  # each unit parses every formula again
        scoring.score(compiled, facts, selectors.ratings(round_id, inspection.unit_id))
        count += 1
    return count


def child(engine: str, units: int, regenerate: bool, naive_units: int = 0) -> dict:
    _setup(engine, units, regenerate)
    from django.contrib.auth import get_user_model

    from xuncha.evaluation import services
    from xuncha.evaluation.models import Result, Run
    from xuncha.jobs import runner
    from xuncha.jobs.queue import enqueue
    from xuncha.ledger.models import Round

    user = get_user_model().objects.get(username="bench-system")
    round_ = Round.objects.order_by("id").first()
    scheme = __import__("xuncha.evaluation.selectors", fromlist=["x"]).current_scheme()
    results: dict = {"engine": engine, "units": units}
    times = []
    for _ in range(3):
        run = Run.objects.create(round=round_, scheme=scheme, snapshot=services.snapshot_of(scheme),
                                 created_by=user, created_at=__import__("xuncha.clock", fromlist=["x"]).now())
        job = enqueue("evaluation.score", {"pk": run.pk}, key=f"bench:evaluation:{run.pk}:{time.time()}",
                      dispatch=False)
        start = time.perf_counter()
        outcome = runner.run(job.pk)
        times.append(time.perf_counter() - start)
        run.refresh_from_db()
        assert run.state == "done" and run.units == units, (outcome, run.state, run.units)
    results["job_s"] = round(min(times), 2)
    results["job_s_all"] = [round(t, 2) for t in times]
    results["results"] = Result.objects.filter(run=run).count()
    start = time.perf_counter()
    counted = naive_score(round_.pk, naive_units)
    seconds = time.perf_counter() - start
    # Timed over `counted` units (all by default) and scaled to the round: it is linear in units.
    results["naive_units"] = counted
    results["naive_s"] = round(seconds * units / counted, 2)
    results["ratio"] = round(results["naive_s"] / results["job_s"], 1)
    print(f"[{engine}] job {results['job_s']} s (runs {results['job_s_all']}), naive {results['naive_s']} s "
          f"(timed over {counted} units), "
          f"ratio {results['ratio']}", file=sys.stderr)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--naive-units", type=int, default=0,
                        help="time the naive scoring over this many units and scale it (0: all)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.units, args.regenerate, args.naive_units)))
        return 0
    combined = {"load_average": os.getloadavg()}
    for engine in args.engines.split(","):
        command = [sys.executable, __file__, "--child", engine, "--units", str(args.units)]
        command += ["--regenerate"] if args.regenerate else []
        command += ["--naive-units", str(args.naive_units)]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
        combined[engine] = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(combined, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
