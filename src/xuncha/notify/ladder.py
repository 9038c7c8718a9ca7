"""The daily run of the 督办 ladder, set-based.

Each step selects, in one query, the measures whose deadline puts them on that step today and
that have not taken it yet (NOT EXISTS on LadderStep), then bulk-inserts the steps, their
督办/约谈 rows, the audit records (one per measure, on its finding's timeline) and the
notifications. Measures whose step does not change are never read. A second run on the same
day finds nothing: the unique (measure, deadline, step) is the idempotency key.

Windows, so a missed day catches up without sending stale reminders: with reminders at
(0, 10, 20) days, "remind-20" covers deadlines 11–20 days ahead, "remind-10" 1–10 days,
"remind-0" today; a measure first seen 5 days before its deadline gets only "remind-10".
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef

from xuncha.core.dates import format_date
from xuncha.core.statuses import MEASURE_UNFINISHED
from xuncha.ledger.actor import system_actor
from xuncha.ledger.models import Inspection, Measure
from xuncha.ledger.services import audit_chain
from xuncha.notify import answers, bulk, comments, deliver
from xuncha.notify.choices import ANSWER_OVERDUE, COMMENT_OVERDUE, INTERVIEW, SUPERVISE, remind_step, step_label
from xuncha.notify.ladder_config import Ladder, current
from xuncha.notify.models import Interview, LadderStep, Supervision

CHUNK = 5000


@dataclass(frozen=True)
class Row:
    """A measure on a step: what the step needs of it."""

    measure_id: int
    deadline: dt.date
    finding_id: int
    inspection_id: int
    owner: str
    text: str


def _open_measures():
    return Measure.objects.filter(status__in=sorted(MEASURE_UNFINISHED), deadline__isnull=False)


def _taken(step: str):
    return Exists(LadderStep.objects.filter(measure_id=OuterRef("pk"), deadline=OuterRef("deadline"),
                                            step=step))


def _rows(queryset) -> list[Row]:
    return [Row(*values) for values in queryset.values_list(
        "pk", "deadline", "finding_id", "finding__inspection_id", "owner", "text").order_by("pk")]


def reminder_windows(days: tuple[int, ...]) -> list[tuple[int, int, int]]:
    """(days, first, last): the step's deadlines run from today+first to today+last."""
    ordered = sorted(days)
    return [(n, ordered[i - 1] + 1 if i else 0, n) for i, n in enumerate(ordered)]


def due_reminders(day: dt.date, ladder: Ladder) -> dict[str, list[Row]]:
    found = {}
    for n, first, last in reminder_windows(ladder.reminder_days):
        step = remind_step(n)
        found[step] = _rows(_open_measures().filter(
            deadline__range=(day + dt.timedelta(days=first), day + dt.timedelta(days=last))).exclude(
            _taken(step)))
    return found


def due_supervisions(day: dt.date) -> list[Row]:
    return _rows(_open_measures().filter(deadline__lt=day).exclude(_taken(SUPERVISE)))


def due_interviews(day: dt.date, ladder: Ladder) -> list[Row]:
    limit = day - dt.timedelta(days=ladder.interview_days)
    return _rows(_open_measures().filter(deadline__lt=limit).filter(_taken(SUPERVISE)).exclude(
        _taken(INTERVIEW)))


def run(day: dt.date) -> dict[str, int]:
    """Take the day's steps; returns how many measures took each step (zeros on a rerun)."""
    ladder = current()
    if connection.vendor == "sqlite":
        # A bigger page cache for this connection: the first day's backlog writes hundreds of
        # thousands of index entries into tables of millions of rows (2 MB by default).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -131072")
    counts: dict[str, int] = {}
    context = _Context(day, ladder)
    for step, rows in due_reminders(day, ladder).items():
        context.remind(step, rows)
        counts[step] = len(rows)
    rows = due_supervisions(day)
    context.supervise(rows)
    counts[SUPERVISE] = len(rows)
    rows = due_interviews(day, ladder)
    context.interview(rows)
    counts[INTERVIEW] = len(rows)
    counts[ANSWER_OVERDUE] = answers.run(day, ladder, context.messages)
    counts[COMMENT_OVERDUE] = comments.run(day, ladder, context.messages)
    counts["notifications"] = deliver.deliver(context.messages)
    return counts


def _by_inspection(rows: list[Row]) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row.inspection_id].append(row)
    return grouped


def _units(inspection_ids) -> dict[int, tuple[int, str]]:
    ids = sorted(inspection_ids)
    found = {}
    for start in range(0, len(ids), CHUNK):
        found.update((pk, (unit_id, name)) for pk, unit_id, name in Inspection.objects.filter(
            pk__in=ids[start:start + CHUNK]).values_list("pk", "unit_id", "unit__name"))
    return found


def _head(row: Row, count: int = 1) -> str:
    """The measures named on their finding's timeline: "措施“…”，" or "措施“…”等3项，"."""
    text = row.text.strip()
    more = f"等{count}项" if count > 1 else ""
    return f"措施“{text[:24]}{'…' if len(text) > 24 else ''}”{more}，"


@functools.lru_cache(maxsize=4096)
def _date(day: dt.date) -> str:
    """format_date, once per distinct date: a day's run lists 100,000s of measures, few dates."""
    return format_date(day)


def _listing(rows: list[Row], limit: int = 20) -> str:
    lines = [f"{i}. {r.text[:60]}（完成时限：{_date(r.deadline)}）" for i, r in
             enumerate(rows[:limit], start=1)]
    if len(rows) > limit:
        lines.append(f"……共 {len(rows)} 项")
    return "\n".join(lines)


class _Context:
    """One day's run: audit rows and messages gathered across the steps."""

    def __init__(self, day: dt.date, ladder: Ladder) -> None:
        self.day, self.ladder = day, ladder
        self.actor = system_actor()
        self.messages: list[deliver.Message] = []

    def _people(self, units) -> deliver.People:
        return deliver.People.of_units(unit_id for unit_id, _ in units.values())

    def _steps(self, step: str, rows: list[Row], **links) -> None:
        link, by_inspection = next(iter(links.items())) if links else ("supervision_id", {})
        day, columns = self.day, ["measure_id", "deadline", "step", "day", "inspection_id", link]
        bulk.insert(LadderStep, columns, [(r.measure_id, r.deadline, step, day, r.inspection_id,
                                           by_inspection.get(r.inspection_id)) for r in rows])

    def _audit(self, action: str, rows: list[Row], summary) -> None:
        """One audit record per finding and step, on the finding's timeline (the bulk twin of
        audit.record, appended to the hash chain): `summary(first_row, count)` names the measures."""
        user, name = self.actor.user_id, self.actor.name
        by_finding: dict[int, list[Row]] = defaultdict(list)
        for row in rows:
            by_finding[row.finding_id].append(row)
        audit_chain.append_many([
            {"actor_id": user, "actor_name": name, "action": action, "object_type": "finding",
             "object_id": finding_id, "summary": summary(group[0], len(group))[:300],
             "inspection_id": group[0].inspection_id, "finding_id": finding_id}
            for finding_id, group in by_finding.items()])

    def _audit_acts(self, action: str, object_type: str, grouped: dict[int, list[Row]],
                    made: dict[int, int], summary) -> None:
        """One audit record per 督办 or 约谈 made (one act naming its measures); the findings it
        covers show it on their timelines through notify.timeline's sources."""
        user, name = self.actor.user_id, self.actor.name
        audit_chain.append_many([
            {"actor_id": user, "actor_name": name, "action": action, "object_type": object_type,
             "object_id": made[pk], "summary": summary(made[pk], group)[:300], "inspection_id": pk,
             "after": {"measures": len(group)}}
            for pk, group in sorted(grouped.items())])

    def remind(self, step: str, rows: list[Row]) -> None:
        if not rows:
            return
        self._steps(step, rows)
        label = step_label(step)
        self._audit("ladder.remind", rows,
                    lambda r, n: f"{label}：{_head(r, n)}完成时限 {_date(r.deadline)}")
        units = _units({r.inspection_id for r in rows})
        people = self._people(units)
        for inspection_id, group in _by_inspection(rows).items():
            unit_id, unit_name = units[inspection_id]
            users = people.audience(self.ladder.audience("reminder"), unit_id, [r.owner for r in group])
            link = f"/findings/{group[0].finding_id}/" if len({r.finding_id for r in group}) == 1 \
                else f"/inspections/{inspection_id}/"
            self.messages.append(deliver.Message(
                "reminder", f"reminder:{step}:{inspection_id}:{self.day}",
                f"{label}：{unit_name}有 {len(group)} 项整改措施将到期", _listing(group), link, users))

    def supervise(self, rows: list[Row]) -> None:
        if not rows:
            return
        units = _units({r.inspection_id for r in rows})
        grouped = _by_inspection(rows)
        due = self.day + dt.timedelta(days=self.ladder.reply_days)
        opened = Supervision.objects.bulk_create(
            [Supervision(inspection_id=pk, unit_name=units[pk][1], issuer=self.ladder.issuer,
                         opened_on=self.day, reply_due=due) for pk in sorted(grouped)], batch_size=CHUNK)
        by_inspection = {s.inspection_id: s.pk for s in opened}
        if any(pk is None for pk in by_inspection.values()):  # a backend without RETURNING
            by_inspection = dict(Supervision.objects.filter(opened_on=self.day).values_list(
                "inspection_id", "pk"))
        self._steps(SUPERVISE, rows, supervision_id=by_inspection)
        self._audit_acts("ladder.supervise", "supervision", grouped, by_inspection,
                         lambda pk, group: f"逾期督办：巡督〔{self.day.year}〕{pk}号，{_head(group[0], len(group))}"
                                           f"完成时限已过，请于{format_date(due)}前报结")
        people = self._people(units)
        for inspection_id, group in grouped.items():
            unit_id, unit_name = units[inspection_id]
            link = f"/supervisions/{by_inspection[inspection_id]}/"
            owners = [r.owner for r in group]
            self.messages.append(deliver.Message(
                "overdue", f"overdue:{inspection_id}:{self.day}",
                f"逾期提醒：{unit_name}有 {len(group)} 项整改措施已超过完成时限", _listing(group), link,
                people.audience(self.ladder.audience("overdue"), unit_id, owners)))
            self.messages.append(deliver.Message(
                "supervision", f"supervision:{inspection_id}:{self.day}",
                f"督办：请{unit_name}于{format_date(due)}前报结 {len(group)} 项逾期整改事项",
                _listing(group), link, people.audience(self.ladder.audience("supervision"), unit_id, owners)))

    def interview(self, rows: list[Row]) -> None:
        if not rows:
            return
        units = _units({r.inspection_id for r in rows})
        grouped = _by_inspection(rows)
        made = Interview.objects.bulk_create(
            [Interview(inspection_id=pk, unit_name=units[pk][1], opened_on=self.day) for pk in sorted(grouped)],
            batch_size=CHUNK)
        by_inspection = {i.inspection_id: i.pk for i in made}
        if any(pk is None for pk in by_inspection.values()):
            by_inspection = dict(Interview.objects.filter(opened_on=self.day).values_list("inspection_id", "pk"))
        self._steps(INTERVIEW, rows, interview_id=by_inspection)
        days = self.ladder.interview_days
        self._audit_acts("ladder.interview", "interview", grouped, by_inspection,
                         lambda pk, group: f"逾期超过{days}天，列入约谈：{_head(group[0], len(group))}"
                                           f"完成时限 {format_date(group[0].deadline)}")
        people = self._people(units)
        for inspection_id, group in grouped.items():
            unit_id, unit_name = units[inspection_id]
            self.messages.append(deliver.Message(
                "interview", f"interview:{inspection_id}:{self.day}",
                f"约谈：{unit_name}有 {len(group)} 项整改措施逾期超过{days}天", _listing(group),
                f"/interviews/{by_inspection[inspection_id]}/",
                people.audience(self.ladder.audience("interview"), unit_id, [r.owner for r in group])))
