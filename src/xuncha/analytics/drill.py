"""Filters of the finding list that the 统计分析 bars link to (round, unit, team, category,
colour, age, repeat, source, and those other features add to EXTRA_FILTERS). The finding list
applies `finding_filter` to its own query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from xuncha import clock
from xuncha.analytics.summaries import AGE_BUCKETS, FINISHED_FINDING
from xuncha.core.similar import CATEGORY_LABELS, canonical_category
from xuncha.core.statuses import CLOSEOUT_OPEN, FINDING_SOURCE, MEASURE_FINISHED, WarningWindow
from xuncha.ledger.models import Closeout, Finding, Round, Team, Unit

NUMERIC = ("round", "unit", "team")


@dataclass(frozen=True)
class ExtraFilter:
    """A filter another feature adds (e.g. flag=same_file from xuncha.provenance)."""

    allowed: Callable[[], Iterable[str]]
    query: Callable[[str], Q]  # over findings
    describe: Callable[[str], str]


EXTRA_FILTERS: dict[str, ExtraFilter] = {}
# A category is worked out from each finding's text; this many ids at most go into one query.
CATEGORY_LIMIT = 20_000


def _colour(colour: str, today: dt.date) -> Q:
    window = WarningWindow.on(today, settings.WARNING_DAYS)
    unfinished = ~Q(status__in=FINISHED_FINDING)
    if colour == "red":
        return unfinished & Q(next_deadline__lt=window.red_before)
    if colour == "yellow":
        return unfinished & Q(next_deadline__gte=window.red_before, next_deadline__lte=window.yellow_until)
    return ~(unfinished & Q(next_deadline__lte=window.yellow_until))


def _age(key: str, today: dt.date) -> Q:
    _, _, low, high = next(b for b in AGE_BUCKETS if b[0] == key)
    window = Q(measures__deadline__lte=today - dt.timedelta(days=low))
    if high is not None:
        window &= Q(measures__deadline__gte=today - dt.timedelta(days=high))
    return Q(pk__in=Finding.objects.filter(window & ~Q(measures__status__in=MEASURE_FINISHED)).values("pk"))


# The parts of the 销号情况 chart, as the summaries count them.
CLOSEOUT_PARTS = {"closed": "已销号", "pending": "销号待审核", "waiting": "已完成未销号", "unfinished": "未完成整改",
                  "finished": "已完成整改"}


def _closeout(part: str) -> Q:
    pending = Q(pk__in=Closeout.objects.filter(state__in=CLOSEOUT_OPEN).values("finding_id"))
    if part == "closed":
        return Q(status="closed")
    if part == "pending":
        return pending
    if part == "waiting":
        return Q(status__in=FINISHED_FINDING - {"closed"}) & ~pending
    if part == "finished":  # the 工作台's 已完成整改: closed or not
        return Q(status__in=FINISHED_FINDING)
    return ~Q(status__in=FINISHED_FINDING)


def clean(params) -> dict[str, str]:
    """The recognised filters of a query string, with bad values dropped."""
    out = {}
    for name in NUMERIC:
        if str(params.get(name, "")).isdigit():
            out[name] = str(params[name])
    checks = {"category": CATEGORY_LABELS, "colour": ("red", "yellow", "green"),
              "age": [b[0] for b in AGE_BUCKETS], "repeat": ("1",), "source": FINDING_SOURCE.values(),
              "closeout": CLOSEOUT_PARTS}
    for name, allowed in checks.items():
        if params.get(name, "") in allowed:
            out[name] = params[name]
    for name, extra in EXTRA_FILTERS.items():
        if params.get(name, "") in extra.allowed():
            out[name] = params[name]
    return out


def finding_filter(filters: dict[str, str], scope=None) -> Q:
    """A Q over findings for the cleaned filters (the category needs the scoped queryset)."""
    today = clock.today()
    q = Q()
    if "round" in filters:
        q &= Q(inspection__round_id=int(filters["round"]))
    if "unit" in filters:
        q &= Q(inspection__unit_id=int(filters["unit"]))
    if "team" in filters:
        q &= Q(inspection__team_id=int(filters["team"]))
    if "colour" in filters:
        q &= _colour(filters["colour"], today)
    if "age" in filters:
        q &= _age(filters["age"], today)
    if "repeat" in filters:
        q &= Q(previous__isnull=False)
    if "source" in filters:
        q &= Q(source=filters["source"])
    if "closeout" in filters:
        q &= _closeout(filters["closeout"])
    for name, extra in EXTRA_FILTERS.items():
        if name in filters:
            q &= extra.query(filters[name])
    if "category" in filters and scope is not None:
        ids = [pk for pk, title, heading in scope.filter(q).values_list("pk", "title", "category")
               .order_by("pk")[:CATEGORY_LIMIT * 5]
               if canonical_category(title, heading) == filters["category"]][:CATEGORY_LIMIT]
        q &= Q(pk__in=ids)
    return q


def describe(filters: dict[str, str]) -> str:
    """The filters in words, for the list's heading."""
    parts = []
    for name, model in (("unit", Unit), ("round", Round), ("team", Team)):
        if name in filters:
            parts += model.objects.filter(pk=int(filters[name])).values_list("name", flat=True)
    if "category" in filters:
        parts.append(CATEGORY_LABELS[filters["category"]])
    if "colour" in filters:
        parts.append({"red": "红色预警", "yellow": "黄色预警", "green": "绿色"}[filters["colour"]])
    if "age" in filters:
        parts.append("逾期" + next(b[1] for b in AGE_BUCKETS if b[0] == filters["age"]))
    if "repeat" in filters:
        parts.append("屡查屡犯")
    if "source" in filters:
        parts.append(FINDING_SOURCE.label(filters["source"]))
    if "closeout" in filters:
        parts.append(CLOSEOUT_PARTS[filters["closeout"]])
    parts += [extra.describe(filters[name]) for name, extra in EXTRA_FILTERS.items() if name in filters]
    return "、".join(parts)
