"""The maintained summaries behind 统计分析: rows per inspection × chart category, and per week.

`refresh_inspection` rewrites one inspection's rows inside the transaction that changed it
(registered in ledger.derived.INSPECTION_HOOKS) and adds the difference to the province totals;
`rebuild` rewrites every row, daily, because overdue ages and warning colours change with the
date alone, and sums the totals afresh. Pages only read these rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncWeek

from xuncha import clock
from xuncha.analytics.models import PendingRefresh, Summary, TeamTotal, UnitTotal, WeekCount, WeekTotal
from xuncha.core.similar import canonical_category
from xuncha.core.statuses import (
    CLOSEOUT_OPEN,
    FINDING_READY_FOR_CLOSEOUT,
    MEASURE_FINISHED,
    OVERDUE_AGES,
    WarningLevel,
    WarningWindow,
)
from xuncha.ledger.models import Closeout, Finding, Inspection, Measure

AGE_BUCKETS = OVERDUE_AGES  # the measure list's `age` filter reads the same buckets
AGES = tuple(b[0] for b in AGE_BUCKETS)
COUNTS = ("findings", "finished", "closed", "red", "yellow", "repeats", "self_checks", "pending_closeouts",
          "measures", "measures_finished", *AGES)
FINISHED_FINDING = FINDING_READY_FOR_CLOSEOUT | {"closed"}
CHUNK = 2000
ALL_ROUNDS = 0


def _measure_counts(ids: list[int], today: dt.date) -> dict[int, dict]:
    unfinished = ~Q(status__in=MEASURE_FINISHED)
    buckets = {}
    for field, _, low, high in AGE_BUCKETS:
        window = Q(deadline__lte=today - dt.timedelta(days=low))
        if high is not None:
            window &= Q(deadline__gte=today - dt.timedelta(days=high))
        buckets[field] = Count("id", filter=unfinished & window)
    rows = (Measure.objects.filter(finding__inspection_id__in=ids).values("finding_id")
            .annotate(total=Count("id"), done=Count("id", filter=Q(status__in=MEASURE_FINISHED)), **buckets))
    return {row["finding_id"]: row for row in rows}


def _category_of(cache: dict, title: str, heading: str) -> str:
    key = (title, heading)
    if key not in cache:
        cache[key] = canonical_category(title, heading)
    return cache[key]


def _summaries(ids: list[int], today: dt.date, cache: dict) -> list[Summary]:
    window = WarningWindow.on(today, settings.WARNING_DAYS)
    inspections = {i["id"]: i for i in Inspection.objects.filter(pk__in=ids).values(
        "id", "round_id", "team_id", "unit_id")}
    measures = _measure_counts(ids, today)
    pending = set(Closeout.objects.filter(finding__inspection_id__in=ids, state__in=CLOSEOUT_OPEN)
                  .values_list("finding_id", flat=True))
    rows: dict[tuple[int, str], Summary] = {}
    findings = Finding.objects.filter(inspection_id__in=ids).values_list(
        "id", "inspection_id", "title", "category", "status", "next_deadline", "previous_id", "source")
    for fid, iid, title, heading, status, deadline, previous, source in findings.iterator(chunk_size=5000):
        category = _category_of(cache, title, heading)
        row = rows.get((iid, category))
        if row is None:
            ins = inspections[iid]
            row = rows[iid, category] = Summary(
                inspection_id=iid, round_id=ins["round_id"], team_id=ins["team_id"], unit_id=ins["unit_id"],
                category=category, as_of=today)
        finished = status in FINISHED_FINDING
        level = window.level(deadline, finished)
        row.findings += 1
        row.finished += finished
        row.closed += status == "closed"
        row.red += level == WarningLevel.RED
        row.yellow += level == WarningLevel.YELLOW
        row.repeats += previous is not None
        row.self_checks += source == "self_check"
        row.pending_closeouts += fid in pending
        m = measures.get(fid)
        if m:
            row.measures += m["total"]
            row.measures_finished += m["done"]
            for field, *_ in AGE_BUCKETS:
                setattr(row, field, getattr(row, field) + m[field])
    return list(rows.values())


def _weeks(ids: list[int]) -> list[WeekCount]:
    inspections = {i["id"]: i for i in Inspection.objects.filter(pk__in=ids).values(
        "id", "round_id", "team_id", "unit_id")}
    rows = (Measure.objects.filter(finding__inspection_id__in=ids, completed_on__isnull=False)
            .annotate(week=TruncWeek("completed_on")).values("finding__inspection_id", "week")
            .annotate(done=Count("id")))
    out = []
    for row in rows:
        ins = inspections[row["finding__inspection_id"]]
        week = row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]
        out.append(WeekCount(inspection_id=ins["id"], round_id=ins["round_id"], team_id=ins["team_id"],
                             unit_id=ins["unit_id"], week=week, done=row["done"]))
    return out


def _rewrite(ids: list[int], today: dt.date, cache: dict) -> tuple[list, list]:
    Summary.objects.filter(inspection_id__in=ids).delete()
    WeekCount.objects.filter(inspection_id__in=ids).delete()
    rows, weeks = _summaries(ids, today, cache), _weeks(ids)
    Summary.objects.bulk_create(rows, batch_size=2000)
    WeekCount.objects.bulk_create(weeks, batch_size=2000)
    return rows, weeks


def _differences(old: tuple[list, list], new: tuple[list, list]) -> tuple[dict, dict, dict]:
    """What the rewrite changed in the team, unit and week totals."""
    teams: dict = defaultdict(Counter)
    units: dict = defaultdict(Counter)
    weeks: dict = defaultdict(Counter)
    for sign, (rows, week_rows) in ((-1, old), (1, new)):
        for row in rows:
            team = teams[row.round_id, row.team_id, row.category]
            for name in COUNTS:
                team[name] += sign * getattr(row, name)
            for round_id in (row.round_id, ALL_ROUNDS):
                unit = units[round_id, row.unit_id]
                for name in AGES:
                    unit[name] += sign * getattr(row, name)
                    unit["overdue"] += sign * getattr(row, name)
                unit["repeats"] += sign * row.repeats
        for row in week_rows:
            for round_id in (row.round_id, ALL_ROUNDS):
                weeks[round_id, row.week]["done"] += sign * row.done
    return teams, units, weeks


def _apply(model, keys: tuple[str, ...], differences: dict) -> None:
    """Add the differences to the total rows (F() updates, so concurrent changes add up)."""
    for key, counter in differences.items():
        changes = {name: value for name, value in counter.items() if value}
        if not changes:
            continue
        lookup = dict(zip(keys, key, strict=True))
        update = {name: F(name) + value for name, value in changes.items()}
        if model.objects.filter(**lookup).update(**update):
            continue
        try:
            with transaction.atomic():
                model.objects.create(**lookup, **changes)
        except IntegrityError:  # created meanwhile by another change
            model.objects.filter(**lookup).update(**update)


def refresh_inspection(inspection_id: int) -> None:
    """Rewrite one inspection's rows and move the totals by the difference (in a transaction
    that holds the inspection's row lock: refresh_pending's)."""
    old = (list(Summary.objects.filter(inspection_id=inspection_id)),
           list(WeekCount.objects.filter(inspection_id=inspection_id)))
    new = _rewrite([inspection_id], clock.today(), {})
    teams, units, weeks = _differences(old, new)
    _apply(TeamTotal, ("round_id", "team_id", "category"), teams)
    _apply(UnitTotal, ("round_id", "unit_id"), units)
    _apply(WeekTotal, ("round_id", "week"), weeks)


# The 统计分析 page rewrites at most this many waiting inspections itself before it reads, so it
# is exact after ordinary changes even with no worker running; more (a large import) are left to
# the queued job and the page says how many wait.
PAGE_REFRESH_LIMIT = 200


def mark_changed(inspection_id: int) -> None:
    """In the transaction of a change (ledger.derived.INSPECTION_HOOKS, which holds the
    inspection's row lock): note the inspection and queue the refresh once. Rewriting the rows
    here cost the change more than the change itself (docs/benchmarks.md, summary refresh)."""
    from xuncha.jobs.queue import enqueue

    if PendingRefresh.objects.filter(inspection_id=inspection_id).exists():
        return  # a refresh is already queued and will read this change too
    PendingRefresh.objects.bulk_create([PendingRefresh(inspection_id=inspection_id, since=clock.now())],
                                       ignore_conflicts=True)
    # After the commit: the change's transaction stays short, and a rolled-back change queues
    # nothing. Should the process die in between, the note stays: the next job (any
    # inspection's), the next page or the nightly rebuild picks it up.
    transaction.on_commit(lambda: enqueue("analytics.refresh"))


def refresh_pending(limit: int | None = None, inspections: Iterable[int] | None = None) -> int:
    """Rewrite the rows of inspections marked changed (of `inspections` only, when given), oldest
    first, each in its own short transaction under the inspection's row lock (a change in flight
    finishes first, and one after the rewrite marks the inspection again). Returns how many were
    rewritten."""
    waiting = PendingRefresh.objects.order_by("since", "inspection_id")
    if inspections is not None:
        waiting = waiting.filter(inspection_id__in=list(inspections))
    ids = list(waiting.values_list("inspection_id", flat=True)[:limit])
    done = 0
    for inspection_id in ids:
        with transaction.atomic():
            Inspection.objects.select_for_update().filter(pk=inspection_id).first()
            deleted, _ = PendingRefresh.objects.filter(inspection_id=inspection_id).delete()
            if deleted:  # another process may have rewritten it meanwhile
                refresh_inspection(inspection_id)
                done += 1
    return done


def pending() -> int:
    return PendingRefresh.objects.count()


@transaction.atomic
def rebuild_totals() -> None:
    """The team, unit and week totals summed afresh from the summary rows."""
    TeamTotal.objects.all().delete()
    UnitTotal.objects.all().delete()
    WeekTotal.objects.all().delete()
    teams = Summary.objects.values("round_id", "team_id", "category").annotate(
        **{f"s_{name}": Sum(name) for name in COUNTS}).order_by()
    TeamTotal.objects.bulk_create(
        [TeamTotal(round_id=r["round_id"], team_id=r["team_id"], category=r["category"],
                   **{name: r[f"s_{name}"] for name in COUNTS}) for r in teams], batch_size=2000)
    sums = {f"s_{name}": Sum(name) for name in (*AGES, "repeats")}
    for round_field in ("round_id", None):
        group = [round_field, "unit_id"] if round_field else ["unit_id"]
        rows = Summary.objects.values(*group).annotate(**sums).order_by()
        UnitTotal.objects.bulk_create(
            [UnitTotal(round_id=r.get("round_id", ALL_ROUNDS), unit_id=r["unit_id"],
                       overdue=sum(r[f"s_{name}"] for name in AGES), repeats=r["s_repeats"],
                       **{name: r[f"s_{name}"] for name in AGES}) for r in rows], batch_size=2000)
        group = [round_field, "week"] if round_field else ["week"]
        weeks = WeekCount.objects.values(*group).annotate(n=Sum("done")).order_by()
        WeekTotal.objects.bulk_create(
            [WeekTotal(round_id=r.get("round_id", ALL_ROUNDS), week=r["week"], done=r["n"]) for r in weeks],
            batch_size=2000)


def rebuild(today: dt.date | None = None, inspection_ids: Iterable[int] | None = None) -> int:
    """Rewrite the rows of every inspection (or the given ones), a chunk per transaction."""
    today = today or clock.today()
    ids = list(inspection_ids) if inspection_ids is not None else list(
        Inspection.objects.order_by("pk").values_list("pk", flat=True))
    cache: dict = {}
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            _rewrite(ids[start:start + CHUNK], today, cache)
    rebuild_totals()
    return len(ids)
