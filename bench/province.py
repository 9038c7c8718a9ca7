"""A province-sized ledger built from the sample notices' own text, written straight into the tables.

    10,000 units (province → 100 districts → communities), 20 rounds, 200 teams,
    one inspection per community, 300,000 findings, 1,000,000 measures, 3,000,000 audit events.

Rows are generated deterministically (seeded) in id order and bulk-written: executemany on SQLite,
COPY on PostgreSQL. Derived fields (finding status, next deadline, inspection summaries) are
computed with the ledger's own functions, so the data obeys the same rules as real data.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from xuncha.core.parse import parse_text
from xuncha.core.statuses import MEASURE_FINISHED, derive_finding_status
from xuncha.demo import sample_notices
from xuncha.ledger.models import (
    AuditChainHead,
    AuditEvent,
    Closeout,
    Finding,
    Inspection,
    Measure,
    Round,
    Staff,
    Team,
    Unit,
)

TODAY = dt.date(2025, 11, 20)


@dataclass(frozen=True)
class Scale:
    units: int = 10_000
    findings: int = 300_000
    measures: int = 1_000_000
    events: int = 3_000_000
    rounds: int = 20
    teams: int = 200
    districts: int = 100

    def scaled(self, factor: float) -> Scale:
        def n(v: int, floor: int) -> int:
            return max(floor, int(v * factor))

        return Scale(units=n(self.units, 30), findings=n(self.findings, 300), measures=n(self.measures, 1000),
                     events=n(self.events, 3000), rounds=n(self.rounds, 2), teams=n(self.teams, 4),
                     districts=n(self.districts, 3))


def text_pools() -> dict[str, list[str]]:
    """Titles, descriptions, categories and measures harvested from the sample notices."""
    pools: dict[str, list[str]] = {"title": [], "description": [], "category": [], "measure": []}
    for name, text in sample_notices():
        doc = parse_text(text, source=name)
        for item in doc.findings:
            pools["title"].append(item.title[:200])
            pools["description"].append((item.description or item.title)[:600])
            pools["category"].append((item.category or "反馈问题")[:200])
            pools["measure"].extend(m[:500] for m in item.measures or item.effects)
    return pools


PLACES = list("东南西北中新和平安康福寿文明光华建设胜利幸福长青友谊民主团结红旗前进")


def _name(rng: random.Random, suffix: str) -> str:
    return "".join(rng.choice(PLACES) for _ in range(2)) + suffix


def _filled(model, columns: list[str], rows: Iterable[tuple]) -> tuple[list[str], Iterable[tuple]]:
    """Columns the generator does not name (added to the models since) get their field default
    ("" for a blank text), so a new NOT NULL column does not break the bench."""
    given = set(columns)
    extra = [f for f in model._meta.concrete_fields
             if f.column not in given and f.name not in given and not f.null
             and (f.has_default() or (f.blank and f.empty_strings_allowed))]
    if not extra:
        return columns, rows
    # A callable default (a uid's uuid4) is drawn per row, and every value is put the way the
    # database keeps it (SQLite has no UUID type: Django writes the hex).
    fixed = [not callable(f.default) for f in extra]
    constant = [f.get_db_prep_value(f.get_default(), connection) if keep else None
                for f, keep in zip(extra, fixed, strict=True)]

    def values() -> tuple:
        return tuple(c if keep else f.get_db_prep_value(f.get_default(), connection)
                     for f, keep, c in zip(extra, fixed, constant, strict=True))

    return columns + [f.column for f in extra], (tuple(row) + values() for row in rows)


def _copy_or_insert(model, columns: list[str], rows: Iterable[tuple], chunk: int = 20_000) -> int:
    """Bulk-write rows: COPY on PostgreSQL, executemany elsewhere."""
    columns, rows = _filled(model, columns, rows)
    table = model._meta.db_table
    # Text columns added to the models since this generator was written are empty, as in a form.
    blank = [f.column for f in model._meta.concrete_fields
             if f.get_internal_type() in {"CharField", "TextField"} and not f.null and f.column not in columns]
    if blank:
        columns, rows = [*columns, *blank], (tuple(row) + ("",) * len(blank) for row in rows)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[tuple] = []
        # SQLite keeps datetimes as naive UTC text, which Django's own adapter produces.
        stamps = [i for i, name in enumerate(columns)
                  if model._meta.get_field(name).get_internal_type() == "DateTimeField"]
        adapt = connection.ops.adapt_datetimefield_value
        for row in rows:
            if stamps:
                row = list(row)
                for i in stamps:
                    row[i] = adapt(row[i])
            batch.append(row)
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _reset_sequences(models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"COALESCE((SELECT MAX(id) FROM {table}), 1))")


@contextmanager
def _indexes_built_after(*models) -> Iterator[None]:
    """On SQLite, the tables' secondary indexes are dropped while rows go in and built again
    after (one sorted build each, instead of a million random inserts into each index)."""
    saved: list[str] = []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                               "AND sql IS NOT NULL", [model._meta.db_table])
                for name, sql in cursor.fetchall():
                    saved.append(sql)
                    cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for sql in saved:
            cursor.execute(sql)


def generate(scale: Scale, seed: int = 7, log=print) -> dict:
    """Fill an empty, migrated database. Returns ids the benchmark needs."""
    rng = random.Random(seed)
    pools = text_pools()
    now = timezone.now()
    started = time.perf_counter()
    if connection.vendor == "sqlite":  # a throwaway database: keep the transaction in memory
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -2000000")
    with transaction.atomic(), _indexes_built_after(Finding, Measure, AuditEvent):
        # Units: one province committee, districts, then communities under them.
        units = [(1, "示范省委", "", "committee", None, "/1/")]
        for d in range(scale.districts):
            uid = 2 + d
            units.append((uid, f"{_name(rng, '区')}委{d + 1}", "", "committee", 1, f"/1/{uid}/"))
        communities = []
        next_id = 2 + scale.districts
        while len(units) < scale.units:
            district = 2 + (len(communities) % scale.districts)
            units.append((next_id, _name(rng, "社区") + str(next_id), "", "community", district,
                          f"/1/{district}/{next_id}/"))
            communities.append(next_id)
            next_id += 1
        _copy_or_insert(Unit, ["id", "name", "short_name", "kind", "parent_id", "path"], units)
        _copy_or_insert(Team, ["id", "name"], [(t + 1, f"巡察第{t + 1}组") for t in range(scale.teams)])
        _copy_or_insert(Round, ["id", "name", "level", "type", "start", "end", "rectification_months"],
                        [(r + 1, f"第{r // 4 + 1}届第{r % 4 + 1}轮巡察", "区委", "regular",
                          dt.date(2021 + r // 4, 1 + (r % 4) * 3, 1), dt.date(2021 + r // 4, 2 + (r % 4) * 3, 28),
                          None) for r in range(scale.rounds)])
        log(f"  units, teams, rounds: {time.perf_counter() - started:.1f}s")

        inspections = []
        for i, unit_id in enumerate(communities):
            round_id = 1 + i % scale.rounds
            feedback = dt.date(2021 + (round_id - 1) // 4, 3 + ((round_id - 1) % 4) * 3, 15)
            inspections.append([i + 1, round_id, 1 + i % scale.teams, unit_id, feedback - dt.timedelta(days=90),
                                feedback - dt.timedelta(days=40), feedback, feedback + dt.timedelta(days=61),
                                0, 0, 0, 0, 0])
        per_inspection = scale.findings // len(inspections)
        extra = scale.findings - per_inspection * len(inspections)
        measures_per_finding = scale.measures / scale.findings

        finding_rows, measure_rows, closeout_rows = [], [], []
        finding_id = measure_id = 0
        system = get_user_model().objects.create(username="province-system", is_active=False)
        for index, inspection in enumerate(inspections):
            count = per_inspection + (1 if index < extra else 0)
            for position in range(1, count + 1):
                finding_id += 1
                n_measures = int(measures_per_finding) + (rng.random() < measures_per_finding % 1)
                statuses, deadlines = [], []
                for m in range(n_measures):
                    measure_id += 1
                    roll = rng.random()
                    status = ("done" if roll < 0.6 else "in_progress" if roll < 0.85 else
                              "planned" if roll < 0.95 else "ongoing")
                    kind = "ongoing" if status == "ongoing" else "deadline"
                    deadline = None if kind == "ongoing" else TODAY + dt.timedelta(days=rng.randint(-120, 120))
                    completed = deadline - dt.timedelta(days=3) if status == "done" and deadline else None
                    if completed and deadline < TODAY and rng.random() < 0.1:  # 逾期完成
                        completed = deadline + dt.timedelta(days=rng.randint(1, 30))
                    if completed and completed > TODAY:
                        completed = TODAY
                    statuses.append(status)
                    deadlines.append(deadline)
                    measure_rows.append((measure_id, finding_id, m + 1, rng.choice(pools["measure"]),
                                         "书记", "社区党委", kind, deadline, status, completed, 1, now,
                                         inspection[0], inspection[1], "", ""))
                closed = all(s == "done" for s in statuses) and rng.random() < 0.4
                status = derive_finding_status(statuses, closed=closed, reopened=False)
                open_deadlines = [d for s, d in zip(statuses, deadlines, strict=True)
                                  if s not in MEASURE_FINISHED and d is not None]
                finding_rows.append((finding_id, inspection[0], rng.choice(pools["category"]),
                                     f"一/（{position}）", position, rng.choice(pools["title"]),
                                     rng.choice(pools["description"]), "feedback", None, status, False, False,
                                     min(open_deadlines) if open_deadlines else None, 1, now, ""))
                if closed:
                    closeout_rows.append((len(closeout_rows) + 1, finding_id, "approved", system.pk, now, "",
                                          system.pk, now, "同意销号", "", "", "", 1))
                inspection[8] += 1
                inspection[9] += status in {"done", "ongoing", "closed"}
                inspection[10] += status == "closed"
                inspection[11] += n_measures
                inspection[12] += sum(s in MEASURE_FINISHED for s in statuses)
        _copy_or_insert(Inspection, ["id", "round_id", "team_id", "unit_id", "start", "end", "feedback_date",
                                     "rectification_end", "findings_total", "findings_finished",
                                     "findings_closed", "measures_total", "measures_finished"],
                        (tuple(row) for row in inspections))
        _copy_or_insert(Finding, ["id", "inspection_id", "category", "number", "position", "title",
                                  "description", "source", "previous_id", "status", "reopened", "returned",
                                  "next_deadline", "version", "updated_at", "effects"], finding_rows)
        log(f"  {len(finding_rows)} findings: {time.perf_counter() - started:.1f}s")
        _copy_or_insert(Measure, ["id", "finding_id", "position", "text", "lead", "owner", "kind", "deadline",
                                  "status", "completed_on", "version", "updated_at", "inspection_id",
                                  "round_id", "evidence_note", "remarks"], measure_rows)
        log(f"  {len(measure_rows)} measures: {time.perf_counter() - started:.1f}s")
        _copy_or_insert(Closeout, ["id", "finding_id", "state", "requested_by_id", "requested_at",
                                   "request_comment", "decided_by_id", "decided_at", "decision_comment",
                                   "root_cause", "lessons", "endorse_comment", "version"],
                        closeout_rows)
        finding_inspection = [row[1] for row in finding_rows]
        del measure_rows, finding_rows

        def events() -> Iterator[tuple]:
            summaries = ["新增整改措施", "报送进展", "措施状态：正在整改 → 已完成", "申请销号", "同意销号"]
            start = now - dt.timedelta(days=900)
            step = dt.timedelta(days=900) / scale.events
            for event_id in range(1, scale.events + 1):
                fid = 1 + (event_id * 7919) % len(finding_inspection)
                yield (event_id, start + step * event_id, system.pk, "系统", None, "measure.update", "measure",
                       event_id, rng.choice(summaries), None, json.dumps({"status": "done"}),
                       finding_inspection[fid - 1], fid, event_id, "", "", "ok", "")

        _copy_or_insert(AuditEvent, ["id", "at", "actor_id", "actor_name", "ip", "action", "object_type",
                                     "object_id", "summary", "before", "after", "inspection_id", "finding_id",
                                     "seq", "prev_hash", "hash", "result", "unit_path"],
                        events())
        # The chain goes on after the generated records (they are numbered, not hashed).
        if not AuditChainHead.objects.update(seq=scale.events):
            AuditChainHead.objects.create(seq=scale.events)
        log(f"  {scale.events} audit events: {time.perf_counter() - started:.1f}s")
        _reset_sequences([Unit, Team, Round, Inspection, Finding, Measure, Closeout, AuditEvent])
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM too, as autovacuum would soon, so index-only scans see all rows visible.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    editor_unit = communities[len(communities) // 2]
    return {"editor_unit": editor_unit, "seconds": round(time.perf_counter() - started, 1)}


def create_bench_users(editor_unit: int, password: str) -> None:
    User = get_user_model()
    for username, role, unit, team in [("bench-admin", "office_admin", None, None),
                                       ("bench-editor", "unit_editor", editor_unit, None),
                                       ("bench-team", "team_member", None, 1)]:
        user = User.objects.create_user(username, password=password, is_staff=role == "office_admin")
        Staff.objects.create(user=user, role=role, unit_id=unit, team_id=team, display_name=username)
