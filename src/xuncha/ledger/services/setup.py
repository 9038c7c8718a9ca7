"""Reference data the office sets up: units, teams, rounds and inspections."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools

from django.conf import settings
from django.db import transaction

from xuncha.core.statuses import ROUND_TYPE
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.models import Inspection, Round, Team, Unit
from xuncha.ledger.services import audit


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (e.g. 12月31日 + 2 → 2月28日)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def rectification_end(round_: Round, feedback_date: dt.date | None) -> dt.date | None:
    """End of the 集中整改期: the feedback date plus the round's months (or the system default)."""
    if feedback_date is None:
        return None
    return add_months(feedback_date, round_.rectification_months or settings.RECTIFICATION_MONTHS)


@transaction.atomic
def create_unit(actor: Actor, name: str, parent: Unit | None = None, kind: str = "community",
                short_name: str = "") -> Unit:
    permissions.require(actor, "manage_inspections")
    if not name.strip():
        raise InvalidInput("单位名称不能为空。", field="name")
    unit = Unit.objects.create(name=name.strip(), parent=parent, kind=kind, short_name=short_name)
    audit.record(actor, "unit.create", unit, f"新建单位 {unit.name}")
    return unit


@transaction.atomic
def get_or_create_team(actor: Actor, name: str) -> Team:
    permissions.require(actor, "manage_inspections")
    team, created = Team.objects.get_or_create(name=name.strip())
    if created:
        audit.record(actor, "team.create", team, f"新建巡察组 {team.name}")
    return team


@transaction.atomic
def create_round(actor: Actor, name: str, type: str = "regular", level: str = "",
                 start: dt.date | None = None, end: dt.date | None = None,
                 rectification_months: int | None = None) -> Round:
    permissions.require(actor, "manage_inspections")
    if not name.strip():
        raise InvalidInput("轮次名称不能为空。", field="name")
    if type not in ROUND_TYPE:
        raise InvalidInput("巡察类型应为常规、专项、机动、提级或联动。", field="type")
    if start and end and end < start:
        raise InvalidInput("轮次结束日期不能早于开始日期。", field="end")
    round_ = Round.objects.create(name=name.strip(), type=type, level=level, start=start, end=end,
                                  rectification_months=rectification_months)
    audit.record(actor, "round.create", round_, f"新建轮次 {round_.name}")
    return round_


@transaction.atomic
def create_inspection(actor: Actor, round_: Round, team: Team, unit: Unit, start: dt.date | None = None,
                      end: dt.date | None = None, feedback_date: dt.date | None = None,
                      rectification_end_date: dt.date | None = None) -> Inspection:
    permissions.require(actor, "manage_inspections")
    dates = [("进驻日期", start), ("结束日期", end), ("反馈日期", feedback_date)]
    known = [(label, d) for label, d in dates if d is not None]
    for (label_a, a), (label_b, b) in itertools.pairwise(known):
        if b < a:
            raise InvalidInput(f"{label_b}不能早于{label_a}。")
    if Inspection.objects.filter(round=round_, unit=unit).exists():
        raise InvalidInput(f"{unit.name}在{round_.name}中已有巡察安排。")
    inspection = Inspection.objects.create(
        round=round_, team=team, unit=unit, start=start, end=end, feedback_date=feedback_date,
        rectification_end=rectification_end_date or rectification_end(round_, feedback_date))
    audit.record(actor, "inspection.create", inspection, f"{team.name}巡察{unit.name}",
                 after=audit.snapshot(inspection, ["start", "end", "feedback_date", "rectification_end"]))
    return inspection
