"""The maintained summaries behind 统计分析: rows per inspection × chart category, and per week.

`refresh_inspection` rewrites one inspection's rows inside the transaction that changed it
(registered in ledger.derived.INSPECTION_HOOKS); `rebuild` rewrites every row, daily, because
overdue ages and warning colours change with the date alone. Pages only sum these rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

from xuncha import clock
from xuncha.analytics.models import Summary, WeekCount
from xuncha.core.similar import canonical_category
from xuncha.core.statuses import FINDING_READY_FOR_CLOSEOUT, MEASURE_FINISHED, WarningLevel, WarningWindow
from xuncha.ledger.models import Closeout, Finding, Inspection, Measure

AGE_BUCKETS: tuple[tuple[str, str, int, int | None], ...] = (
    ("age_1_7", "1–7天", 1, 7),
    ("age_8_30", "8–30天", 8, 30),
    ("age_31_90", "31–90天", 31, 90),
    ("age_over_90", "90天以上", 91, None),
)
FINISHED_FINDING = FINDING_READY_FOR_CLOSEOUT | {"closed"}
CHUNK = 2000


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
    pending = set(Closeout.objects.filter(finding__inspection_id__in=ids, state="requested")
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


def _rewrite(ids: list[int], today: dt.date, cache: dict) -> None:
    Summary.objects.filter(inspection_id__in=ids).delete()
    WeekCount.objects.filter(inspection_id__in=ids).delete()
    Summary.objects.bulk_create(_summaries(ids, today, cache), batch_size=2000)
    WeekCount.objects.bulk_create(_weeks(ids), batch_size=2000)


def refresh_inspection(inspection_id: int) -> None:
    """Rewrite one inspection's rows (called inside the transaction of the change)."""
    _rewrite([inspection_id], clock.today(), {})


def rebuild(today: dt.date | None = None, inspection_ids: Iterable[int] | None = None) -> int:
    """Rewrite the rows of every inspection (or the given ones), a chunk per transaction."""
    today = today or clock.today()
    ids = list(inspection_ids) if inspection_ids is not None else list(
        Inspection.objects.order_by("pk").values_list("pk", flat=True))
    cache: dict = {}
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            _rewrite(ids[start:start + CHUNK], today, cache)
    return len(ids)
