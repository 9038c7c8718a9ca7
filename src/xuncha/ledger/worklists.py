"""Each role's 工作台 as its to-do list, and the full lists its counts link to.

Every count is capped (counting a province's overdue measures says no more than "over ten
thousand") and every list is built with a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Length
from django.urls import reverse

from xuncha import clock
from xuncha.core.statuses import (
    CLOSEOUT_OPEN,
    FINDING_READY_FOR_CLOSEOUT,
    MEASURE_FINISHED,
    MEASURE_UNFINISHED,
    OVERDUE_AGES,
    WarningWindow,
)
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.lookups import contains_any
from xuncha.ledger.models import (
    Closeout,
    Evidence,
    ExtensionRequest,
    Finding,
    Inspection,
    Lookback,
    Measure,
    Notice,
    ProgressReport,
    Round,
    Unit,
)

log = logging.getLogger(__name__)
COUNT_CAP = 10_000
PREVIEW_ROWS = 8


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows: a page number past that is clamped, not counted."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[:COUNT_CAP + 1].count()


def capped_count(queryset: QuerySet) -> int:
    return queryset.order_by()[:COUNT_CAP + 1].count()


# ---- 红黄绿 per round ---------------------------------------------------------------------

def round_days() -> dict[int, int]:
    """Each round's yellow-warning days (its own, or XUNCHA_WARNING_DAYS): a handful of rows."""
    default = settings.WARNING_DAYS
    return {pk: days or default for pk, days in Round.objects.values_list("pk", "warning_days")}


def window_for(days: int, today: dt.date | None = None) -> WarningWindow:
    return WarningWindow.on(today or clock.today(), days)


def _colour_q(colour: str, today: dt.date) -> Q:
    """Unfinished measures of one colour, each round with its own threshold. Rounds sharing the
    default need no join: one date range over the (partial) deadline index."""
    by_days: dict[int, list[int]] = {}
    for pk, days in round_days().items():
        by_days.setdefault(days, []).append(pk)
    if colour == "red":
        return Q(deadline__lt=today)
    parts = Q(pk__in=[])
    for days, rounds in by_days.items():
        limit = today + dt.timedelta(days=days)
        # Green: a deadline beyond the window (a measure without one has no colour).
        span = (Q(deadline__gte=today, deadline__lte=limit) if colour == "yellow"
                else Q(deadline__gt=limit))
        if len(by_days) > 1:
            span &= Q(round_id__in=rounds)
        parts |= span
    return parts


# ---- the measure list (/measures/) ---------------------------------------------------------

AGES = {key: label for key, label, _, _ in OVERDUE_AGES}


def _age_q(key: str, today: dt.date) -> Q:
    """Deadlines that many days past (the 统计分析 ageing buckets, so a bar and its list agree)."""
    _, _, low, high = next(age for age in OVERDUE_AGES if age[0] == key)
    window = Q(deadline__lte=today - dt.timedelta(days=low))
    if high is not None:
        window &= Q(deadline__gte=today - dt.timedelta(days=high))
    return window


STATUS_FILTERS = {
    "": "未完成",  # the default: what still needs doing, most urgent first
    "all": "全部",
    "planned": "未开始",
    "in_progress": "正在整改",
    "done": "已完成",
    "late": "逾期完成",
    "ongoing": "长期坚持",
    "finished": "已完成（含长期坚持）",  # what the 工作台's 整改措施完成 counts
}
COLOURS = {"red": "红色（已逾期）", "yellow": "黄色（临期）", "green": "绿色（正常）"}


@dataclass
class MeasureFilters:
    round: int | None = None
    unit: int | None = None
    team: int | None = None
    colour: str = ""
    owner: str = ""
    kind: str = ""
    status: str = ""
    evidence: str = ""  # "none": finished without evidence or written account
    age: str = ""  # unfinished and this long past the deadline (statuses.OVERDUE_AGES)

    def query(self) -> str:
        from urllib.parse import urlencode

        pairs = {k: v for k, v in vars(self).items() if v not in (None, "")}
        return urlencode(pairs)


def _narrow(actor: Actor, measures: QuerySet[Measure], filters: MeasureFilters) -> QuerySet[Measure]:
    """The filters on where a measure sits, on the measures' own round and inspection columns:
    a round is one index range, a team, a unit's sub-tree or the actor's scope a list of
    inspections (measure_insp_deadline)."""
    if filters.round:
        measures = measures.filter(round_id=filters.round)
    chosen = Q()
    if filters.team:
        chosen &= Q(team_id=filters.team)
    if filters.unit:
        unit = Unit.objects.filter(pk=filters.unit).values_list("path", flat=True).first()
        chosen &= Q(unit__path__startswith=unit) if unit else Q(pk__in=[])
    if not chosen and permissions.ACTIONS["view"].get(actor.role) == permissions.ALL:
        return measures
    if filters.round:
        chosen &= Q(round_id=filters.round)
    inspections = Inspection.objects.filter(permissions.scope_filter(actor)).filter(chosen)
    return measures.filter(inspection_id__in=inspections.values("pk"))


def unfinished(queryset: QuerySet[Measure]) -> QuerySet[Measure]:
    """Unfinished measures, the condition spelled with literal values as the partial indexes
    (measure_open_by_deadline, measure_round_deadline, measure_insp_deadline) spell it: SQLite
    uses a partial index only when the query repeats its WHERE, and a list of bound parameters
    never does (a round's count read 28,000 rows of the table instead of 10,001 index entries)."""
    values = ", ".join(f"'{value}'" for value in sorted(MEASURE_UNFINISHED))  # our own constants
    return queryset.extra(where=[f'"{Measure._meta.db_table}"."status" IN ({values})'])


def _unfinished_order(queryset: QuerySet[Measure]) -> QuerySet[Measure]:
    # Most overdue first, then the nearest deadline, along the partial indexes.
    return unfinished(queryset).filter(deadline__isnull=False).order_by("deadline", "id")


def measure_list(actor: Actor, filters: MeasureFilters) -> QuerySet[Measure]:
    """Measures the actor may see, filtered, in order of urgency."""
    today = clock.today()
    measures = _narrow(actor, Measure.objects.all(), filters)
    if filters.kind:
        measures = measures.filter(kind=filters.kind)
    if filters.owner:
        measures = measures.filter(contains_any(["owner", "lead"], filters.owner))
    if filters.evidence == "none":
        measures = measures.exclude(pk__in=Evidence.objects.values("report__measure_id")).exclude(
            pk__in=ProgressReport.objects.annotate(chars=Length("text"))
            .filter(chars__gte=settings.CLOSEOUT_ACCOUNT_MIN_CHARS).values("measure_id"))
    status = filters.status
    if filters.age in AGES:
        measures = measures.filter(status__in=sorted(MEASURE_UNFINISHED)).filter(_age_q(filters.age, today))
        status = status if status in MEASURE_UNFINISHED else ""
    if filters.colour in COLOURS:
        measures = unfinished(measures).filter(_colour_q(filters.colour, today))
        status = status if status in MEASURE_UNFINISHED else ""
    if status == "":
        measures = _unfinished_order(measures)
    elif status == "late":
        # Spelled as the partial index measure_finished_late is: only a done measure has a
        # completion date, and a NULL deadline never compares.
        measures = measures.filter(completed_on__gt=F("deadline"))
        measures = measures.order_by("-completed_on", "-id")
    elif status in MEASURE_FINISHED:
        measures = measures.filter(status=status).order_by("-completed_on", "-id")
    elif status == "finished":
        measures = measures.filter(status__in=sorted(MEASURE_FINISHED)).order_by("-completed_on", "-id")
    elif status in MEASURE_UNFINISHED:
        measures = measures.filter(status=status).order_by("deadline", "id")
    else:  # all
        measures = measures.order_by("deadline", "id")
    # The measures table alone, in index order; findings, units and rounds are prefetched for the
    # page's rows (joined, SQLite drove the query from the rounds and sorted a million rows).
    return measures.prefetch_related(
        Prefetch("finding", queryset=Finding.objects.only("id", "inspection_id", "title")),
        "finding__inspection__unit", "finding__inspection__round")


def decorate(measures: list[Measure]) -> list[Measure]:
    """Warning level per row, with its round's threshold."""
    days = round_days()
    today = clock.today()
    for measure in measures:
        window = window_for(days.get(measure.round_id, settings.WARNING_DAYS), today)
        measure.warning = window.level(measure.deadline, finished=measure.status in MEASURE_FINISHED)
    return measures


def measure_page(actor: Actor, filters: MeasureFilters, page: str | int | None):
    current = CappedPaginator(measure_list(actor, filters), settings.PAGE_SIZE).get_page(page)
    decorate(list(current.object_list))
    return current


# ---- the 工作台 ------------------------------------------------------------------------------

@dataclass
class Task:
    """One line of a to-do list: a count, the link to its full list, the first few rows."""

    key: str
    title: str
    count: int
    url: str
    rows: list = field(default_factory=list)
    kind: str = "measure"  # how rows are shown: measure, finding, closeout, extension, notice, inspection
    tone: str = ""  # red / orange for what is late
    hint: str = ""

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


@dataclass
class UnitCount:
    unit: str
    unit_id: int
    count: int
    url: str


@dataclass
class Workbench:
    role: str
    tasks: list[Task]
    totals: dict
    recent: list
    window: WarningWindow
    overdue_by_unit: list[UnitCount] = field(default_factory=list)
    cap: int = COUNT_CAP


def _measures_url(**params) -> str:
    return f"{reverse('measures')}?{MeasureFilters(**params).query()}"


def _todo_url(key: str) -> str:
    if key in WORKLIST_URLS:
        return WORKLIST_URLS[key]()
    return reverse("todo", args=[key])


def worklist(actor: Actor, key: str) -> QuerySet:
    """The full list behind a 工作台 count that is not a list of measures."""
    return WORKLISTS[key][1](actor)


def _findings(actor: Actor, status: str) -> QuerySet[Finding]:
    # One table, newest first along the status index; units and rounds prefetched (a join made
    # SQLite walk every inspection of the province first).
    return (Finding.objects.filter(permissions.scope_filter(actor, via="inspection__"), status=status)
            .prefetch_related("inspection__unit", "inspection__round").order_by("-id"))


def _returned(actor: Actor) -> QuerySet[Finding]:
    last = Closeout.objects.filter(finding=OuterRef("pk"), state="returned").order_by("-decided_at", "-id")
    return _findings(actor, "returned").annotate(return_reason=Subquery(last.values("decision_comment")[:1]))


def _closeouts(actor: Actor, states: set[str]) -> QuerySet[Closeout]:
    return (Closeout.objects.filter(permissions.scope_filter(actor, via="finding__inspection__"),
                                    state__in=sorted(states))
            .prefetch_related("finding__inspection__unit", "requested_by__staff").order_by("id"))


def _to_endorse(actor: Actor) -> QuerySet[Closeout]:
    return _closeouts(actor, {"requested"})


def _to_decide(actor: Actor) -> QuerySet[Closeout]:
    return _closeouts(actor, {"endorsed"} if settings.CLOSEOUT_ENDORSEMENT else set(CLOSEOUT_OPEN))


def _extensions(actor: Actor) -> QuerySet[ExtensionRequest]:
    return (ExtensionRequest.objects.filter(permissions.scope_filter(actor, via="measure__finding__inspection__"),
                                            state="requested")
            .prefetch_related("measure__finding__inspection__unit", "requested_by__staff").order_by("id"))


def _notices_to_approve(actor: Actor) -> QuerySet[Notice]:
    return (Notice.objects.filter(permissions.scope_filter(actor, via="inspection__"), state="draft")
            .prefetch_related("inspection__unit", "inspection__round").order_by("id"))


def _inspections_without_findings(actor: Actor) -> QuerySet[Inspection]:
    return (permissions.visible_inspections(actor).filter(findings_total=0)
            .select_related("unit", "round", "team").order_by("feedback_date", "id"))


def _lookbacks_due(actor: Actor) -> QuerySet[Finding]:
    # Signed off and never looked back at since: the team's 回头看 list.
    return _findings(actor, "closed").exclude(Exists(Lookback.objects.filter(finding=OuterRef("pk"))))


def _closed_unfinished(actor: Actor) -> QuerySet[Finding]:
    unfinished = Measure.objects.filter(finding=OuterRef("pk"), status__in=sorted(MEASURE_UNFINISHED))
    return _findings(actor, "closed").filter(Exists(unfinished))


WORKLISTS = {
    # key: (title, queryset, row kind)
    "returned": ("待补充的问题（销号申请被退回）", _returned, "finding"),
    "reopened": ("回头看重新打开的问题", lambda a: _findings(a, "reopened"), "finding"),
    "closeouts-to-endorse": ("待单位负责人审核的销号申请", _to_endorse, "closeout"),
    "closeouts-to-decide": ("待巡察办审核的销号申请", _to_decide, "closeout"),
    "extensions": ("待审核的延期申请", _extensions, "extension"),
    "notices-to-approve": ("待审定的通报", _notices_to_approve, "notice"),
    "findings-to-enter": ("待录入反馈问题的巡察", _inspections_without_findings, "inspection"),
    "lookbacks-due": ("待回头看的已销号问题", _lookbacks_due, "finding"),
    "closed-unfinished": ("已销号但仍有措施未完成", _closed_unfinished, "finding"),
}

ROLE_TASKS = {
    "unit_editor": ["overdue", "due-soon", "returned", "reopened"],
    "unit_leader": ["closeouts-to-endorse", "notices-to-approve", "overdue"],
    "office_admin": ["closeouts-to-decide", "extensions", "overdue", "returned"],
    "system": ["closeouts-to-decide", "extensions", "overdue", "returned"],
    "team_member": ["findings-to-enter", "lookbacks-due", "overdue"],
    "supervisor": ["overdue", "closed-unfinished", "no-evidence", "late"],
    # The security and audit administrators see no business data (三员分立): no ledger tasks.
    "security_admin": [],
    "audit_admin": [],
}


# Lists whose count is shown in orange when not zero (work waiting on someone, not a deadline).
ORANGE = {"returned", "reopened", "closed-unfinished"}


# Lists whose count links to their app's own list page (a callable giving the URL), not to /todo/.
WORKLIST_URLS: dict = {}


def register(key: str, title: str, build, kind: str, roles: list[str], orange: bool = True,
             url=None) -> None:
    """Another app's to-do list (the portal's comments to answer): a queryset the actor may see,
    rows of `kind` (web/_task_rows.html), on the 工作台 of `roles` after their ledger tasks.
    `url` (a callable, no arguments): where the count links, when the app has its own list."""
    WORKLISTS[key] = (title, build, kind)
    if url is not None:
        WORKLIST_URLS[key] = url
    if orange:
        ORANGE.add(key)
    for role in roles:
        if key not in ROLE_TASKS[role]:
            ROLE_TASKS[role].append(key)


MEASURE_TASKS = {
    # key: (title, filters of the measure list, tone)
    "overdue": ("逾期未完成的措施", MeasureFilters(colour="red"), "red"),
    "due-soon": ("临期的措施", MeasureFilters(colour="yellow"), "orange"),
    "no-evidence": ("已完成但无佐证材料或书面说明的措施", MeasureFilters(status="done", evidence="none"), "orange"),
    "late": ("逾期完成的措施", MeasureFilters(status="late"), "orange"),
}


def _task(actor: Actor, key: str) -> Task:
    if key in MEASURE_TASKS:
        title, filters, tone = MEASURE_TASKS[key]
        measures = measure_list(actor, filters)
        count = capped_count(measures)
        return Task(key, title, count, f"{reverse('measures')}?{filters.query()}",
                    decorate(list(measures[:PREVIEW_ROWS])) if count else [], "measure", tone)
    title, build, kind = WORKLISTS[key]
    rows = build(actor)
    count = capped_count(rows)  # nothing to do: no preview rows to read
    return Task(key, title, count, _todo_url(key), list(rows[:PREVIEW_ROWS]) if count else [], kind,
                "orange" if key in ORANGE else "")


OVERDUE_BY_UNIT_SECONDS = 600


def overdue_by_unit(actor: Actor, limit: int = 10) -> list[UnitCount]:
    """The units with the most overdue findings (from the findings' maintained next deadline:
    overdue when unfinished and the earliest unfinished deadline has passed — the finding list's
    红色预警, which each number links to, so the number and its list agree). Grouping a province's
    findings takes a second, so the ranking is kept in the cache for ten minutes."""
    today = clock.today()
    key = (f"overdue-by-unit:{actor.role}:{getattr(actor.unit, 'pk', '')}:{getattr(actor.team, 'pk', '')}:"
           f"{today.isoformat()}:{limit}")
    try:
        rows = cache.get(key)
    except Exception as exc:  # the cache is a speed-up: never stop the page for it
        log.warning("cache unavailable: %s", exc)
        rows = None
    if rows is None:
        rows = list(Finding.objects.filter(permissions.scope_filter(actor, via="inspection__"),
                                           ~Q(status__in=FINDING_READY_FOR_CLOSEOUT | {"closed"}),
                                           next_deadline__lt=today)
                    .values_list("inspection__unit_id", "inspection__unit__name").annotate(n=Count("id"))
                    .order_by("-n", "inspection__unit__name")[:limit])
        try:
            cache.set(key, rows, OVERDUE_BY_UNIT_SECONDS)
        except Exception as exc:
            log.warning("cache unavailable: %s", exc)
    return [UnitCount(name, pk, n, f"{reverse('findings')}?{urlencode({'unit': pk, 'colour': 'red'})}")
            for pk, name, n in rows]


def workbench(actor: Actor) -> Workbench:
    from xuncha.ledger.selectors import recent_changes, warning_window

    totals = permissions.visible_inspections(actor).aggregate(
        findings_total=Sum("findings_total"), findings_finished=Sum("findings_finished"),
        findings_closed=Sum("findings_closed"), measures_total=Sum("measures_total"),
        measures_finished=Sum("measures_finished"))
    totals = {k: v or 0 for k, v in totals.items()}
    tasks = [_task(actor, key) for key in ROLE_TASKS.get(actor.role, ["overdue"])]
    by_unit = overdue_by_unit(actor) if actor.role in {"office_admin", "system", "supervisor"} else []
    return Workbench(role=actor.role, tasks=tasks, totals=totals, recent=recent_changes(actor, 10),
                     window=warning_window(), overdue_by_unit=by_unit)


def extension_counts(actor: Actor, round_: Round | None = None) -> dict[str, int]:
    """延期 requests by state (requested / approved / refused), for analytics."""
    rows = ExtensionRequest.objects.filter(permissions.scope_filter(actor, via="measure__finding__inspection__"))
    if round_ is not None:
        rows = rows.filter(measure__finding__inspection__round=round_)
    counts = dict(rows.order_by().values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in ("requested", "approved", "refused")}


def overdue_counts(inspections: list[Inspection]) -> dict[int, int]:
    """Overdue (unfinished, past deadline) measures per inspection, for the round page's rows."""
    rows = (unfinished(Measure.objects.filter(inspection_id__in=[i.pk for i in inspections],
                                              deadline__lt=clock.today()))
            .values("inspection_id").annotate(n=Count("id")).order_by())
    return {r["inspection_id"]: r["n"] for r in rows}
