"""Reference data the office sets up (巡察安排): units, teams, rounds and inspections.

Every rule about these rows is here once; the staff pages, the Django admin and the demo call it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools

from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Length

from xuncha.core.statuses import ROLE, ROUND_TYPE, UNIT_KIND
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.models import Inspection, Round, Staff, Team, Unit
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


ACTION = "manage_setup"
ROUND_FIELDS = ["name", "level", "type", "start", "end", "rectification_months"]
UNIT_FIELDS = ["name", "short_name", "kind", "parent"]
INSPECTION_DATES = ["start", "end", "feedback_date", "rectification_end"]


# ---- rules (one place each; the admin's model clean calls them too) ------------------------

def check_round(name: str, type: str, start: dt.date | None, end: dt.date | None,
                rectification_months: int | None = None) -> None:
    if not name.strip():
        raise InvalidInput("轮次名称不能为空。", field="name")
    if type not in ROUND_TYPE:
        raise InvalidInput("巡察类型应为常规、专项、机动、提级或联动。", field="type")
    check_round_dates(start, end)
    if rectification_months is not None and not 1 <= rectification_months <= 24:
        raise InvalidInput("集中整改期应为1至24个月。", field="rectification_months")


def check_round_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise InvalidInput("轮次结束日期不能早于开始日期。", field="end")


INSPECTION_DATE_LABELS = {"start": "进驻日期", "end": "结束日期", "feedback_date": "反馈日期",
                          "rectification_end": "集中整改期截止日期"}


def check_inspection_dates(dates: dict[str, dt.date | None]) -> None:
    """进驻 ≤ 结束 ≤ 反馈 ≤ 集中整改期截止, each checked against the nearest earlier date given."""
    known = [(name, dates[name]) for name in INSPECTION_DATE_LABELS if dates.get(name) is not None]
    for (earlier, a), (later, b) in itertools.pairwise(known):
        if b < a:
            raise InvalidInput(f"{INSPECTION_DATE_LABELS[later]}不能早于{INSPECTION_DATE_LABELS[earlier]}。",
                               field=later)


def _check_unit_fields(name: str, kind: str) -> str:
    if not name.strip():
        raise InvalidInput("单位名称不能为空。", field="name")
    if kind not in UNIT_KIND:
        raise InvalidInput("请选择单位类型。", field="kind")
    return name.strip()


def refuse_sibling_name(name: str, parent: Unit | None, exclude: int | None = None) -> None:
    """Two units under the same parent never share a name (pasted names could not tell them apart)."""
    if Unit.objects.filter(parent=parent, name=name).exclude(pk=exclude).exists():
        where = f"{parent.name}下" if parent is not None else "顶层"
        raise InvalidInput(f"{where}已有名为{name}的单位。", field="name")


# The materialised path ("/1/5/12/") must fit its column: a tree deeper than that is refused
# (by a clear message, not a database error). A new unit's own id is counted at its longest.
PATH_MAX = Unit._meta.get_field("path").max_length
ID_PART_MAX = len(f"{2**31 - 1}/")


def _check_depth(parent: Unit | None, unit: Unit | None = None) -> None:
    if parent is None:
        return
    own, below = ID_PART_MAX, 0
    if unit is not None:
        own = len(f"{unit.pk}/")
        deepest = (Unit.objects.filter(path__startswith=unit.path).aggregate(n=models.Max(Length("path")))["n"]
                   or len(unit.path))
        below = deepest - len(unit.path)
    if len(parent.path) + own + below > PATH_MAX:
        raise InvalidInput("单位层级过深，不能再放在该上级单位之下。", field="parent")


# ---- units ----------------------------------------------------------------------------------

@transaction.atomic
def create_unit(actor: Actor, name: str, parent: Unit | None = None, kind: str = "community",
                short_name: str = "") -> Unit:
    permissions.require(actor, ACTION)
    name = _check_unit_fields(name, kind)
    _check_depth(parent)
    refuse_sibling_name(name, parent)
    unit = Unit.objects.create(name=name, parent=parent, kind=kind, short_name=short_name.strip())
    audit.record(actor, "unit.create", unit, f"新建单位 {unit.name}",
                 after=audit.snapshot(unit, UNIT_FIELDS))
    return unit


@transaction.atomic
def update_unit(actor: Actor, unit: Unit, name: str, kind: str, parent: Unit | None,
                short_name: str = "") -> Unit:
    """Rename, re-kind or move a unit; its sub-tree moves with it, and never under itself."""
    permissions.require(actor, ACTION)
    name = _check_unit_fields(name, kind)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if parent is not None:
        parent = Unit.objects.get(pk=parent.pk)  # its path as stored now, not as the form saw it
        if parent.path.startswith(unit.path):
            raise InvalidInput(f"不能把{unit.name}移到它自己或它的下级单位之下。", field="parent")
        if parent.pk != unit.parent_id:  # a move: the sub-tree's deepest path must still fit
            _check_depth(parent, unit)
    if name != unit.name or (parent.pk if parent else None) != unit.parent_id:
        refuse_sibling_name(name, parent, exclude=unit.pk)
    before = audit.snapshot(unit, UNIT_FIELDS)
    unit.name, unit.kind, unit.parent, unit.short_name = name, kind, parent, short_name.strip()
    unit.save()  # Unit.save rewrites the paths of the moved sub-tree in this transaction
    audit.record(actor, "unit.update", unit, f"修改单位 {unit.name}", before=before,
                 after=audit.snapshot(unit, UNIT_FIELDS))
    return unit


# ---- teams ----------------------------------------------------------------------------------

def _team_name(name: str, exclude: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("巡察组名称不能为空。", field="name")
    if Team.objects.filter(name=name).exclude(pk=exclude).exists():
        raise InvalidInput(f"已有名为{name}的巡察组。", field="name")
    return name


@transaction.atomic
def get_or_create_team(actor: Actor, name: str) -> Team:
    permissions.require(actor, ACTION)
    team, created = Team.objects.get_or_create(name=name.strip())
    if created:
        audit.record(actor, "team.create", team, f"新建巡察组 {team.name}")
    return team


@transaction.atomic
def create_team(actor: Actor, name: str) -> Team:
    permissions.require(actor, ACTION)
    team = Team.objects.create(name=_team_name(name))
    audit.record(actor, "team.create", team, f"新建巡察组 {team.name}", after={"name": team.name})
    return team


@transaction.atomic
def rename_team(actor: Actor, team: Team, name: str) -> Team:
    permissions.require(actor, ACTION)
    name = _team_name(name, exclude=team.pk)
    before = {"name": team.name}
    Team.objects.filter(pk=team.pk).update(name=name)
    team.name = name
    audit.record(actor, "team.update", team, f"巡察组更名为 {name}", before=before, after={"name": name})
    return team


@transaction.atomic
def assign_member(actor: Actor, team: Team, staff: Staff) -> Staff:
    """Put an existing team member's account in this team (a member is in one team at a time)."""
    permissions.require(actor, ACTION)
    if staff.role != "team_member":
        raise InvalidInput(f"{staff.display_name or staff.user.username}的角色是"
                           f"{ROLE.label(staff.role)}，只有巡察组成员可以编入巡察组。", field="staff")
    before = {"team": staff.team_id}
    Staff.objects.filter(pk=staff.pk).update(team=team)
    staff.team = team
    audit.record(actor, "staff.team", staff, f"{staff.display_name or staff.user.username}编入{team.name}",
                 before=before, after={"team": team.pk})
    return staff


@transaction.atomic
def remove_member(actor: Actor, team: Team, staff: Staff) -> Staff:
    permissions.require(actor, ACTION)
    if staff.team_id != team.pk:
        raise InvalidInput("该人员不在这个巡察组中。", field="staff")
    Staff.objects.filter(pk=staff.pk, team=team).update(team=None)
    staff.team = None
    audit.record(actor, "staff.team", staff, f"{staff.display_name or staff.user.username}调出{team.name}",
                 before={"team": team.pk}, after={"team": None})
    return staff


# ---- rounds ---------------------------------------------------------------------------------

@transaction.atomic
def create_round(actor: Actor, name: str, type: str = "regular", level: str = "",
                 start: dt.date | None = None, end: dt.date | None = None,
                 rectification_months: int | None = None) -> Round:
    permissions.require(actor, ACTION)
    check_round(name, type, start, end, rectification_months)
    round_ = Round.objects.create(name=name.strip(), type=type, level=level.strip(), start=start, end=end,
                                  rectification_months=rectification_months)
    audit.record(actor, "round.create", round_, f"新建轮次 {round_.name}",
                 after=audit.snapshot(round_, ROUND_FIELDS))
    return round_


@transaction.atomic
def update_round(actor: Actor, round_: Round, name: str, type: str = "regular", level: str = "",
                 start: dt.date | None = None, end: dt.date | None = None,
                 rectification_months: int | None = None) -> Round:
    """Change a round. Inspections keep their own 集中整改期 dates: they were set when arranged."""
    permissions.require(actor, ACTION)
    check_round(name, type, start, end, rectification_months)
    before = audit.snapshot(round_, ROUND_FIELDS)
    values = {"name": name.strip(), "type": type, "level": level.strip(), "start": start, "end": end,
              "rectification_months": rectification_months}
    Round.objects.filter(pk=round_.pk).update(**values)
    for key, value in values.items():
        setattr(round_, key, value)
    audit.record(actor, "round.update", round_, f"修改轮次 {round_.name}", before=before,
                 after=audit.snapshot(round_, ROUND_FIELDS))
    return round_


# ---- inspections ----------------------------------------------------------------------------

def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def check_inspection_in_round(round_: Round, dates: dict[str, dt.date | None]) -> None:
    """The inspection lies within its round: 进驻 and 结束 between the round's start and end (when the
    round has them), and 反馈 not before the round's start (it may come after the round ends)."""
    span = f"（{_day(round_.start) if round_.start else '未定'}至{_day(round_.end) if round_.end else '未定'}）"
    for name in ("start", "end", "feedback_date"):
        day = dates.get(name)
        if day is None:
            continue
        if round_.start and day < round_.start:
            raise InvalidInput(f"{INSPECTION_DATE_LABELS[name]}{_day(day)}早于轮次{round_.name}的开始日期"
                               f"{span}。", field=name)
        if name != "feedback_date" and round_.end and day > round_.end:
            raise InvalidInput(f"{INSPECTION_DATE_LABELS[name]}{_day(day)}晚于轮次{round_.name}的结束日期"
                               f"{span}。", field=name)


def _inspection_dates(round_: Round, start, end, feedback_date, rectification_end_date) -> dict:
    dates = {"start": start, "end": end, "feedback_date": feedback_date,
             "rectification_end": rectification_end_date or rectification_end(round_, feedback_date)}
    check_inspection_dates(dates)
    check_inspection_in_round(round_, dates)
    return dates


def _refuse_taken(round_: Round, units: list[Unit], exclude: int | None = None) -> None:
    taken = (Inspection.objects.filter(round=round_, unit__in=units).exclude(pk=exclude)
             .select_related("unit").order_by("unit__path"))
    names = [i.unit.name for i in taken]
    if names:
        raise InvalidInput(f"{'、'.join(names)}在{round_.name}中已有巡察安排。", field="unit")


@transaction.atomic
def create_inspection(actor: Actor, round_: Round, team: Team, unit: Unit, start: dt.date | None = None,
                      end: dt.date | None = None, feedback_date: dt.date | None = None,
                      rectification_end_date: dt.date | None = None) -> Inspection:
    permissions.require(actor, ACTION)
    return create_inspections(actor, round_, team, [unit], start, end, feedback_date,
                              rectification_end_date)[0]


@transaction.atomic
def create_inspections(actor: Actor, round_: Round, team: Team, units: list[Unit],
                       start: dt.date | None = None, end: dt.date | None = None,
                       feedback_date: dt.date | None = None,
                       rectification_end_date: dt.date | None = None) -> list[Inspection]:
    """One inspection per unit, all with the same team and dates; all or none."""
    permissions.require(actor, ACTION)
    if not units:
        raise InvalidInput("请至少选择一个被巡察单位。", field="unit")
    if len({u.pk for u in units}) != len(units):
        raise InvalidInput("同一单位不能重复安排。", field="unit")
    dates = _inspection_dates(round_, start, end, feedback_date, rectification_end_date)
    _refuse_taken(round_, units)
    created = []
    for unit in units:
        inspection = Inspection.objects.create(round=round_, team=team, unit=unit, **dates)
        audit.record(actor, "inspection.create", inspection, f"{team.name}巡察{unit.name}",
                     after=audit.snapshot(inspection, ["round", "team", "unit", *INSPECTION_DATES]))
        created.append(inspection)
    return created


@transaction.atomic
def update_inspection(actor: Actor, inspection: Inspection, team: Team, unit: Unit,
                      start: dt.date | None = None, end: dt.date | None = None,
                      feedback_date: dt.date | None = None,
                      rectification_end_date: dt.date | None = None) -> Inspection:
    permissions.require(actor, ACTION)
    round_ = inspection.round
    dates = _inspection_dates(round_, start, end, feedback_date, rectification_end_date)
    _refuse_taken(round_, [unit], exclude=inspection.pk)
    fields = ["team", "unit", *INSPECTION_DATES]
    before = audit.snapshot(inspection, fields)
    Inspection.objects.filter(pk=inspection.pk).update(team=team, unit=unit, **dates)
    inspection.team, inspection.unit = team, unit
    for key, value in dates.items():
        setattr(inspection, key, value)
    audit.record(actor, "inspection.update", inspection, f"修改巡察安排：{team.name}巡察{unit.name}",
                 before=before, after=audit.snapshot(inspection, fields))
    return inspection


def units_by_names(text: str) -> tuple[list[Unit], list[str]]:
    """Pasted unit names, one a line → (the units found, the names not found). A name matches a
    unit's full name or its short name; a name two units share is reported as not found."""
    names = list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
    rows = Unit.objects.filter(models.Q(name__in=names) | models.Q(short_name__in=names))
    by_name: dict[str, list[Unit]] = {}
    for unit in rows:
        for key in {unit.name, unit.short_name} - {""}:
            by_name.setdefault(key, []).append(unit)
    found, unknown = [], []
    for name in names:
        matches = by_name.get(name, [])
        if len(matches) == 1:
            found.append(matches[0])
        else:
            unknown.append(name)
    return found, unknown


@transaction.atomic
def create_inspections_from_names(actor: Actor, round_: Round, team: Team, names: str,
                                  units: list[Unit] | None = None, **dates) -> list[Inspection]:
    """Units picked from the tree plus pasted names; an unknown name refuses the whole batch."""
    permissions.require(actor, ACTION)
    found, unknown = units_by_names(names)
    if unknown:
        raise InvalidInput(f"以下单位名称未找到（或有重名），未创建任何巡察：{'、'.join(unknown)}",
                           field="names")
    picked = list(dict.fromkeys([*(units or []), *found]))
    return create_inspections(actor, round_, team, picked, **dates)
