"""The daily 督办 ladder over a province (1M measures), on SQLite and PostgreSQL.

Builds the province ledger once (bench/province.py; kept under bench/out/ and in the database
xuncha_notify), with an editor and a leader in 2,000 units and an office admin, then runs
`notify.ladder.run`:

  first    the first day the ladder runs: every overdue measure gets its 督办 (and 约谈 past
           30 days) at once, the backlog of a province that starts using it
  rerun    the same day again: must change nothing
  next     the next day: only measures whose step changes that day
  rerun2   the next day again

Baseline, in the same process: the naive loop (each open measure read, its step computed in
Python, a query per measure for the step taken, rows written one at a time) on a sample of
measures inside a rolled-back transaction, extrapolated per measure to the province.
Prints one JSON line per engine and a combined line.
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
OUT = HERE / "out"
PG_DB = "xuncha_notify"
GOAL_SECONDS = 60


def _staff(units: int) -> None:
    """An editor and a leader in `units` communities, and the office: the ladder's audience."""
    from django.contrib.auth import get_user_model

    from xuncha.ledger.models import Inspection, Staff

    User = get_user_model()
    unit_ids = list(Inspection.objects.order_by("id").values_list("unit_id", flat=True)[:units])
    users = User.objects.bulk_create([User(username=f"ladder-{role}-{u}", password="!")
                                      for u in unit_ids for role in ("editor", "leader")] +
                                     [User(username="ladder-office", password="!")])
    by_name = {u.username: u.pk for u in User.objects.filter(username__startswith="ladder-")}
    Staff.objects.bulk_create(
        [Staff(user_id=by_name[f"ladder-{role}-{u}"], unit_id=u, display_name=f"{role}{u}",
               role="unit_editor" if role == "editor" else "unit_leader")
         for u in unit_ids for role in ("editor", "leader")] +
        [Staff(user_id=by_name["ladder-office"], role="office_admin", display_name="巡察办")])
    del users


def _reset(marker: dict) -> None:
    """Remove what an earlier run left, so every run starts from the generated province."""
    from xuncha.ledger.models import AuditEvent
    from xuncha.notify.models import Interview, LadderStep, Notification, Supervision

    LadderStep.objects.all().delete()
    Supervision.objects.all().delete()
    Interview.objects.all().delete()
    Notification.objects.all().delete()
    AuditEvent.objects.filter(id__gt=marker["max_event"]).delete()


def naive_per_measure(day: dt.date, sample: int) -> float:
    """Seconds per measure of the obvious loop (rolled back)."""
    from django.db import transaction

    from xuncha.core.statuses import MEASURE_UNFINISHED
    from xuncha.ledger.models import AuditEvent, Measure
    from xuncha.notify.ladder_config import current
    from xuncha.notify.models import LadderStep

    ladder = current()
    start = time.perf_counter()
    with transaction.atomic():
        seen = 0
        for measure in Measure.objects.select_related("finding").order_by("id")[:sample]:
            seen += 1
            if measure.status not in MEASURE_UNFINISHED or measure.deadline is None:
                continue
            left = (measure.deadline - day).days
            step = ("supervise" if left < 0 else next((f"remind-{n}" for n in ladder.reminder_days if left <= n),
                                                      None))
            if step is None or LadderStep.objects.filter(measure=measure, deadline=measure.deadline,
                                                         step=step).exists():
                continue
            LadderStep.objects.create(measure=measure, deadline=measure.deadline, step=step, day=day,
                                      inspection_id=measure.finding.inspection_id)
            AuditEvent.objects.create(at=dt.datetime.now(dt.UTC), actor_name="系统", action="ladder.naive",
                                      object_type="measure", object_id=measure.pk, finding_id=measure.finding_id,
                                      inspection_id=measure.finding.inspection_id)
        transaction.set_rollback(True)
    return (time.perf_counter() - start) / max(1, seen)


def child(engine: str, scale_factor: float, regenerate: bool, sample: int, profile: bool = False) -> dict:
    data_dir = OUT / f"ladder-{engine}-{scale_factor:g}"
    marker_path = data_dir / "generated.json"
    fresh = regenerate or not marker_path.exists()
    if fresh and data_dir.exists():
        for path in data_dir.glob("xuncha.sqlite3*"):
            path.unlink()
        marker_path.unlink(missing_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["XUNCHA_DATA_DIR"] = str(data_dir)
    os.environ["XUNCHA_EMAIL_BACKEND"] = "none"
    if engine == "postgresql":
        os.environ["DATABASE_URL"] = staffsite.pg_database(PG_DB, fresh)
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    import province
    from django.core.management import call_command
    from django.db import connection, transaction

    from xuncha.ledger.models import AuditEvent, Measure
    from xuncha.notify import ladder

    log = lambda m: print(f"[{engine}]{m}", file=sys.stderr)  # noqa: E731
    if fresh:
        call_command("migrate", verbosity=0)
        scale = province.Scale().scaled(scale_factor)
        log(f" generating {scale}")
        info = province.generate(scale, log=log)
        _staff(2000)
        info["max_event"] = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        marker_path.write_text(json.dumps(info))
    else:
        # The notify tables are the bench's own: rebuilt, so a changed migration is measured.
        call_command("migrate", "notify", "zero", verbosity=0)
        call_command("migrate", verbosity=0)
    marker = json.loads(marker_path.read_text())
    _reset(marker)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    day = province.TODAY
    result: dict = {"measures": Measure.objects.count()}
    load = os.getloadavg()[0]
    per_measure = naive_per_measure(day, sample)
    for name, when in [("first", day), ("rerun", day), ("next", day + dt.timedelta(days=1)),
                       ("rerun2", day + dt.timedelta(days=1))]:
        profiler = _profiler(profile and name == "first")
        start, cpu = time.perf_counter(), time.process_time()
        with transaction.atomic():  # as the job runs it: one transaction
            counts = ladder.run(when)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        if profiler is not None:
            profiler.stop()
            path = OUT / f"ladder-profile-{engine}-{scale_factor:g}.txt"
            path.write_text(profiler.output_text(color=False, show_all=False))
            log(f" profile of the first run: {path}")
        # CPU time of this process (all of SQLite's work; PostgreSQL's server work is not in it):
        # on a shared machine the wall time also counts the waits for a core.
        result[name] = {"seconds": round(seconds, 2), "cpu_s": round(cpu, 2), **counts}
        log(f" {name:<7} {seconds:6.2f} s (cpu {cpu:6.2f} s)  {counts}")
    naive_total = per_measure * result["measures"]
    result["naive_ms_per_measure"] = round(per_measure * 1000, 3)
    result["naive_extrapolated_s"] = round(naive_total, 1)
    result["ratio_next_vs_naive"] = round(naive_total / max(result["next"]["seconds"], 1e-3), 1)
    result["ratio_first_vs_naive"] = round(naive_total / max(result["first"]["seconds"], 1e-3), 1)
    result["load_average"] = round(max(load, os.getloadavg()[0]), 1)
    result["goal_s"] = GOAL_SECONDS
    result["meets_goal"] = max(result[n]["seconds"] for n in ("first", "rerun", "next", "rerun2")) <= GOAL_SECONDS
    return result


def _profiler(wanted: bool):
    if not wanted:
        return None
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.005)
    profiler.start()
    return profiler


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the province size (1.0 = full)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--sample", type=int, default=5000, help="measures the naive baseline loops over")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--profile", action="store_true", help="profile the first run (pyinstrument)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.scale, args.regenerate, args.sample, args.profile),
                         ensure_ascii=False))
        return 0
    combined = {}
    for engine in args.engines.split(","):
        command = [sys.executable, __file__, "--child", engine, "--scale", str(args.scale),
                   "--sample", str(args.sample)] + (["--regenerate"] if args.regenerate else []) + (
            ["--profile"] if args.profile else [])
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
        combined[engine] = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps({engine: combined[engine]}, ensure_ascii=False), flush=True)
    print(json.dumps(combined, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
