"""The 统计分析 page's figures, summed from the maintained summaries and scoped to the actor.

Every chart is a `Chart`: its categories (bars), its series, and the link behind each bar; the
page draws it with ECharts, shows the same numbers as a table and exports them to Excel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

from django.db.models import F, Sum
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from xuncha import clock
from xuncha.analytics import providers, summaries
from xuncha.analytics.models import Summary, TeamTotal, UnitTotal, WeekCount, WeekTotal
from xuncha.analytics.summaries import AGE_BUCKETS, ALL_ROUNDS, COUNTS
from xuncha.core.similar import CATEGORY_LABELS
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import NotFound, PermissionDenied
from xuncha.ledger.models import Inspection, Round, Team, Unit

TOP_UNITS = 15
WEEKS = 12
# Charts other features add, each a function of (actor, round id or None) → Chart, drawn after
# the page's own (xuncha.provenance: 佐证材料核验提示).
EXTRA_CHARTS: list[Callable[[Actor, int | None], Chart]] = []


@lru_cache(maxsize=2)
def _list_url(name: str) -> str:
    return reverse(name)


def drill_url(target: str = "findings", **filters) -> str:
    """The list behind a bar, filtered: the finding list, or the measure list (`target=
    "measures"`) for bars that count measures (overdue units, overdue ageing). Both lists take
    the same filter names (round, unit, colour, age …)."""
    query = {k: v for k, v in filters.items() if v not in (None, "")}
    return f"{_list_url(target)}?{urlencode(query)}"


def link_label(link: str) -> str:
    """What a table row's link opens: the measure list (overdue units, ageing) or the finding list."""
    return "查看措施" if link.startswith(_list_url("measures")) else "查看问题"


@dataclass
class Series:
    name: str
    data: list[float]
    stack: str = ""
    kind: str = "bar"


@dataclass
class Chart:
    key: str
    title: str
    axis: str  # what a category is: 单位, 轮次 …
    categories: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    percent: bool = False
    note: str = ""  # shown instead of an empty chart

    def rows(self) -> list[tuple[str, list[float], str]]:
        return [(c, [s.data[i] for s in self.series], self.links[i] if self.links else "")
                for i, c in enumerate(self.categories)]

    def body(self) -> str:
        """The table view's rows as HTML, built here: a template loop over a few hundred rows
        cost more than every query of the page."""
        if not self.categories:
            return format_html('<tr><td colspan="{}" class="muted">{}</td></tr>', len(self.series) + 2,
                               self.note or "暂无数据。")
        # Each cell names its column (data-label): on a phone the table stacks into one card per
        # row, label and value side by side, instead of hiding columns off-screen.
        names = [s.name for s in self.series]
        cells = "".join(
            format_html('<tr><th scope="row">{}</th>{}<td data-label="明细">{}</td></tr>', label,
                        format_html_join("", '<td data-label="{}">{}</td>', zip(names, values, strict=True)),
                        format_html('<a href="{}">{}</a>', link, link_label(link)) if link else "")
            for label, values, link in self.rows())
        return mark_safe(cells)

    def spec(self) -> dict:
        return {"key": self.key, "title": self.title, "categories": self.categories, "links": self.links,
                "percent": self.percent, "note": self.note,
                "series": [{"name": s.name, "data": s.data, "stack": s.stack, "type": s.kind}
                           for s in self.series]}


def rate(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


@dataclass
class Report:
    round: Round | None
    rounds: list[Round]
    totals: dict[str, int]
    charts: list[Chart]
    figures: list[providers.Figure]
    as_of: dt.date | None
    waiting: int = 0  # changed inspections the queued refresh has not rewritten yet

    @property
    def completion_rate(self) -> float:
        return rate(self.totals["finished"], self.totals["findings"])

    @property
    def closeout_rate(self) -> float:
        return rate(self.totals["closed"], self.totals["findings"])

    @property
    def overdue(self) -> int:
        return sum(self.totals[b[0]] for b in AGE_BUCKETS)

    def chart(self, key: str) -> Chart:
        return next(c for c in self.charts if c.key == key)


def scoped(actor: Actor, model=Summary):
    return model.objects.filter(permissions.scope_filter(actor, "view_analytics", via="inspection__"))


def _sums() -> dict:
    return {f"s_{name}": Sum(name) for name in COUNTS}


def _per(table, field: str) -> dict:
    """COUNTS summed per value of `field`, in the database (a few thousand rows at most)."""
    return {row[field]: {name: row[f"s_{name}"] or 0 for name in COUNTS}
            for row in table.values(field).annotate(**_sums()).order_by()}


class Rows:
    """Where a scoped view reads: the summary rows of the inspections it may see, grouped here."""

    def __init__(self, actor: Actor, round_id: int | None) -> None:
        self.actor, self.round_id = actor, round_id
        self.base = scoped(actor)
        if round_id:
            self.base = self.base.filter(round_id=round_id)

    def round_ids(self):
        return scoped(self.actor).values("round_id").distinct()

    def sums(self) -> tuple[dict, dict, dict, dict]:
        """COUNTS per round, per team, per category and in total: one grouped query over the
        scope's few summary rows, added up here."""
        per: tuple[dict, dict, dict] = ({}, {}, {})
        totals = dict.fromkeys(COUNTS, 0)
        for row in self.base.values("round_id", "team_id", "category").annotate(**_sums()).order_by():
            for target, key in zip(per, (row["round_id"], row["team_id"], row["category"]), strict=True):
                sums = target.setdefault(key, dict.fromkeys(COUNTS, 0))
                for name in COUNTS:
                    sums[name] += row[f"s_{name}"] or 0
            for name in COUNTS:
                totals[name] += row[f"s_{name}"] or 0
        return (*per, totals)

    def units(self, order: str, limit: int) -> list[dict]:
        overdue = sum((F(b[0]) for b in AGE_BUCKETS[1:]), F(AGE_BUCKETS[0][0]))
        rows = self.base.values("unit_id").annotate(
            overdue=Sum(overdue), s_repeats=Sum("repeats"),
            **{f"s_{b[0]}": Sum(b[0]) for b in AGE_BUCKETS})
        key = "overdue" if order == "overdue" else "s_repeats"
        return [{"unit_id": r["unit_id"], "overdue": r["overdue"], "repeats": r["s_repeats"],
                 **{b[0]: r[f"s_{b[0]}"] for b in AGE_BUCKETS}}
                for r in rows.filter(**{f"{key}__gt": 0}).order_by(f"-{key}", "unit_id")[:limit]]

    def unit_completion(self) -> list[dict] | None:
        """Findings and finished findings per unit (None: too many units to rank per request)."""
        rows = self.base.values("unit_id").annotate(findings=Sum("findings"), finished=Sum("finished"))
        return list(rows.filter(findings__gt=0).order_by())

    def weeks(self, first: dt.date) -> dict[dt.date, int]:
        rows = scoped(self.actor, WeekCount).filter(week__gte=first)
        if self.round_id:
            rows = rows.filter(round_id=self.round_id)
        return dict(rows.values("week").annotate(n=Sum("done")).values_list("week", "n").order_by())

    def inspection_ids(self):
        return self.base.values_list("inspection_id", flat=True).distinct()


class Totals(Rows):
    """The whole province: the team, unit and week totals, already summed."""

    def round_ids(self):
        return TeamTotal.objects.values("round_id").distinct()

    def sums(self) -> tuple[dict, dict, dict, dict]:
        """The same sums, in the database over the team totals (about 1,600 rows)."""
        table = TeamTotal.objects.all()
        if self.round_id:
            table = table.filter(round_id=self.round_id)
        summed = table.aggregate(**_sums())
        return (_per(table, "round_id"), _per(table, "team_id"), _per(table, "category"),
                {name: summed[f"s_{name}"] or 0 for name in COUNTS})

    def units(self, order: str, limit: int) -> list[dict]:
        rows = UnitTotal.objects.filter(round_id=self.round_id or ALL_ROUNDS, **{f"{order}__gt": 0})
        return list(rows.order_by(f"-{order}", "unit_id").values(
            "unit_id", "overdue", "repeats", *(b[0] for b in AGE_BUCKETS))[:limit])

    def unit_completion(self) -> list[dict] | None:
        if not self.round_id:  # every unit of the province: shown per round only
            return None
        rows = Summary.objects.filter(round_id=self.round_id).values("unit_id").annotate(
            findings=Sum("findings"), finished=Sum("finished"))
        return list(rows.filter(findings__gt=0).order_by())

    def weeks(self, first: dt.date) -> dict[dt.date, int]:
        rows = WeekTotal.objects.filter(round_id=self.round_id or ALL_ROUNDS, week__gte=first)
        return dict(rows.values_list("week", "done"))


def _completion_chart(key: str, title: str, axis: str, groups: dict, names: dict, link,
                      rank: dict | None = None) -> Chart:
    """One bar pair per group: the largest first, or in the order `rank` gives (rounds by date)."""
    chart = Chart(key, title, axis, percent=True)
    done, closed = Series("完成率 %", []), Series("销号率 %", [])
    if rank is not None:
        order = sorted(groups.items(), key=lambda kv: rank.get(kv[0], len(rank)))
    else:
        order = sorted(groups.items(), key=lambda kv: (-kv[1]["findings"], str(names.get(kv[0], kv[0]))))
    for gid, sums in order:
        chart.categories.append(names.get(gid, str(gid)))
        done.data.append(rate(sums["finished"], sums["findings"]))
        closed.data.append(rate(sums["closed"], sums["findings"]))
        chart.links.append(link(gid))
    chart.series = [done, closed]
    return chart


def build(actor: Actor, round_id: int | None = None, totals_for_all: bool = True) -> Report:
    """The page's figures. The office and the supervisor read the province totals; everyone
    else (and `totals_for_all=False`) sums the summary rows of the inspections in scope."""
    scope = permissions.ACTIONS["view_analytics"].get(actor.role)
    if scope is None:
        raise PermissionDenied(permissions.DENIED_MESSAGES["view_analytics"])
    # Changes mark their inspection and queue its refresh; the page rewrites what still waits
    # (a few, as a rule) so that it reads exact rows even before the worker gets to them.
    rewritten = summaries.refresh_pending(summaries.PAGE_REFRESH_LIMIT)
    waiting = summaries.pending() if rewritten >= summaries.PAGE_REFRESH_LIMIT else 0
    kind = Totals if scope == permissions.ALL and totals_for_all else Rows
    rounds = visible_rounds(actor, scope)
    round_ = next((r for r in rounds if r.pk == round_id), None)
    if round_id and round_ is None:  # a round not there or not the viewer's: not silently every round
        raise NotFound("没有这个巡察轮次，或您无权查看。")
    rid = round_.pk if round_ else None
    source = kind(actor, rid)
    by_round, by_team, by_category, totals = source.sums()
    team_names = dict(Team.objects.filter(pk__in=list(by_team)).order_by().values_list("pk", "name"))
    charts = [
        _completion_chart("rounds", "各轮次整改完成率", "轮次", by_round, {r.pk: r.name for r in rounds},
                          lambda g: drill_url(round=g), rank=_by_date(rounds)),
        _completion_chart("categories", "各类问题整改完成率", "问题类别", by_category, CATEGORY_LABELS,
                          lambda g: drill_url(round=rid, category=g)),
        _completion_chart("teams", "各巡察组整改完成率", "巡察组", by_team, team_names,
                          lambda g: drill_url(round=rid, team=g)),
        _unit_completion(source.unit_completion(), rid),
        _unit_overdue(source.units("overdue", TOP_UNITS), rid),
        _ageing(totals, rid),
        _colours(totals, rid),
        _weeks(source),
        _closeouts(totals, rid),
        _repeats(source.units("repeats", TOP_UNITS), rid),
        *(extra(actor, rid) for extra in EXTRA_CHARTS),
    ]
    as_of = Summary.objects.order_by("-as_of").values_list("as_of", flat=True).first()
    figures = providers.figures(source.inspection_ids() if providers.PROVIDERS else [])
    return Report(round_, rounds, totals, charts, figures, as_of, waiting)


def visible_rounds(actor: Actor, scope: str | None = None) -> list[Round]:
    """Every round the viewer may pick: all of them for the office and the supervisor, else the
    rounds with an inspection in scope — with or without findings (a new round has none yet)."""
    scope = scope or permissions.ACTIONS["view_analytics"].get(actor.role)
    rounds = Round.objects.all()
    if scope != permissions.ALL:
        rounds = rounds.filter(pk__in=Inspection.objects.filter(
            permissions.scope_filter(actor, "view_analytics")).values("round_id"))
    return list(rounds)


def _by_date(rounds: list[Round]) -> dict[int, int]:
    """Rounds in time order (the earliest first; a round without a start date last)."""
    ordered = sorted(rounds, key=lambda r: (r.start is None, r.start or dt.date.max, r.pk))
    return {r.pk: position for position, r in enumerate(ordered)}


def _unit_names(ids) -> dict[int, str]:
    return dict(Unit.objects.filter(pk__in=list(ids)).order_by().values_list("pk", "name"))


def _unit_completion(rows: list[dict] | None, rid) -> Chart:
    chart = Chart("unit_completion", f"整改完成率最低的单位（前{TOP_UNITS}个）", "单位", percent=True)
    if rows is None:
        chart.note = "请先选择一个巡察轮次：按轮次列出完成率最低的单位。"
        return chart
    rows = sorted(rows, key=lambda r: (r["finished"] / r["findings"], -r["findings"], r["unit_id"]))[:TOP_UNITS]
    names = _unit_names(r["unit_id"] for r in rows)
    chart.categories = [names.get(r["unit_id"], str(r["unit_id"])) for r in rows]
    chart.series = [Series("完成率 %", [rate(r["finished"], r["findings"]) for r in rows])]
    chart.links = [drill_url(round=rid, unit=r["unit_id"]) for r in rows]
    return chart


def _unit_overdue(rows: list[dict], rid) -> Chart:
    names = _unit_names(r["unit_id"] for r in rows)
    chart = Chart("units", f"逾期措施最多的单位（前{TOP_UNITS}个，按逾期天数分段）", "单位")
    chart.series = [Series(label, [], stack="overdue") for _, label, _, _ in AGE_BUCKETS]
    for row in rows:
        chart.categories.append(names.get(row["unit_id"], str(row["unit_id"])))
        chart.links.append(drill_url("measures", round=rid, unit=row["unit_id"], colour="red"))
        for series, bucket in zip(chart.series, AGE_BUCKETS, strict=True):
            series.data.append(row[bucket[0]] or 0)
    return chart


def _ageing(totals, rid) -> Chart:
    chart = Chart("ageing", "逾期措施账龄", "逾期天数")
    series = Series("逾期措施数", [])
    for field_name, label, _, _ in AGE_BUCKETS:
        chart.categories.append(label)
        series.data.append(totals[field_name])
        chart.links.append(drill_url("measures", round=rid, age=field_name))
    chart.series = [series]
    return chart


def _colours(totals, rid) -> Chart:
    green = totals["findings"] - totals["red"] - totals["yellow"]
    chart = Chart("colours", "红黄绿预警", "预警", categories=["红（已逾期）", "黄（临期）", "绿（正常）"])
    chart.series = [Series("问题数", [totals["red"], totals["yellow"], green], kind="pie")]
    chart.links = [drill_url(round=rid, colour=c) for c in ("red", "yellow", "green")]
    return chart


def _weeks(source: Rows) -> Chart:
    monday = clock.today() - dt.timedelta(days=clock.today().weekday())
    first = monday - dt.timedelta(weeks=WEEKS - 1)
    done = source.weeks(first)
    chart = Chart("weeks", f"每周完成措施数（近{WEEKS}周）", "周")
    series = Series("完成措施", [], kind="line")
    for i in range(WEEKS):
        week = first + dt.timedelta(weeks=i)
        chart.categories.append(f"{week.month}月{week.day}日")
        series.data.append(done.get(week, 0))
    chart.series = [series]
    return chart


def _closeouts(totals, rid) -> Chart:
    chart = Chart("closeouts", "销号情况", "状态",
                  categories=["已销号", "待审核", "已完成未销号", "未完成"])
    waiting = totals["finished"] - totals["closed"] - totals["pending_closeouts"]
    series = Series("问题数", [totals["closed"], totals["pending_closeouts"], max(waiting, 0),
                               totals["findings"] - totals["finished"]])
    chart.series = [series]
    chart.links = [drill_url(round=rid, closeout=part) for part in ("closed", "pending", "waiting", "unfinished")]
    return chart


def _repeats(rows: list[dict], rid) -> Chart:
    names = _unit_names(r["unit_id"] for r in rows)
    chart = Chart("repeats", "屡查屡犯问题数（按单位）", "单位")
    chart.series = [Series("屡查屡犯", [r["repeats"] for r in rows])]
    chart.categories = [names.get(r["unit_id"], str(r["unit_id"])) for r in rows]
    chart.links = [drill_url(round=rid, unit=r["unit_id"], repeat=1) for r in rows]
    return chart
