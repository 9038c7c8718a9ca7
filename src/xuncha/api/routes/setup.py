"""Rounds, units, teams and inspections: what the caller may see of the 巡察安排, and the office's
changes to it through the services the 巡察安排 pages call (ledger/services/setup.py)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from ninja import Query, Router, Schema, Status

from xuncha.api.auth import actor
from xuncha.api.errors import ERRORS
from xuncha.api.respond import one, paged, require_match
from xuncha.api.schemas import (
    Id,
    InspectionBatchIn,
    InspectionBatchOut,
    InspectionIn,
    InspectionOut,
    InspectionPatch,
    MemberIn,
    PageNumber,
    PageSize,
    RoundIn,
    RoundOut,
    RoundPatch,
    StaffOut,
    TeamIn,
    TeamOut,
    UnitIn,
    UnitOut,
    UnitPatch,
    page_of,
)
from xuncha.ledger import permissions, selectors
from xuncha.ledger import setup_selectors as arranging
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, NotFound
from xuncha.ledger.models import Inspection, Round, Staff, Team, Unit
from xuncha.ledger.services import setup

router = Router(tags=["巡察安排"])


def _sees_all(who: Actor) -> bool:
    return permissions.ACTIONS["view"].get(who.role) == permissions.ALL


def _arranges(who: Actor) -> bool:
    return permissions.allowed(who, arranging.ACTION)


def visible_units(who: Actor) -> QuerySet[Unit]:
    """Every unit for the office; otherwise the units of visible inspections and one's own sub-tree."""
    if _sees_all(who):
        return Unit.objects.order_by("path")
    if not permissions.holds(who, "view"):
        return Unit.objects.none()
    mine = Q(path__startswith=who.unit.path) if who.unit is not None else Q(pk__in=[])
    return Unit.objects.filter(mine | Q(pk__in=permissions.visible_inspections(who).values("unit_id"))).order_by("path")


def visible_teams(who: Actor) -> QuerySet[Team]:
    if _sees_all(who):
        return Team.objects.order_by("name")
    if not permissions.holds(who, "view"):
        return Team.objects.none()
    mine = Q(pk=who.team.pk) if who.team is not None else Q(pk__in=[])
    return Team.objects.filter(mine | Q(pk__in=permissions.visible_inspections(who).values("team_id"))).order_by("name")


def visible_rounds(who: Actor) -> QuerySet[Round]:
    """The 巡察安排 page's rounds (a new one without inspections too) for those who arrange them;
    for the others, the rounds of the inspections they may see."""
    return arranging.rounds(who) if _arranges(who) else selectors.rounds(who)


def _round(who: Actor, pk: int) -> Round:
    return arranging.get_round(who, pk) if _arranges(who) else selectors.get_round(who, pk)


def _get(queryset: QuerySet, pk: int):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def _ref(queryset: QuerySet, pk: int | None, field: str, label: str):
    """An object named in the body: a missing one is the field's error, not a 404 of the URL."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(f"{label}不存在（id {pk}）。", field=field)
    return found


def _merged(current: dict, data: Schema, nullable: frozenset[str] = frozenset()) -> dict:
    """A PATCH: the fields sent replace the current ones (null only where the model allows it)."""
    sent = data.model_dump(exclude_unset=True)
    return {**current, **{k: v for k, v in sent.items() if k in current and (v is not None or k in nullable)}}


class UidFilter(Schema):
    uid: uuid.UUID | None = None


def _by_uid(rows: QuerySet, given: uuid.UUID | None) -> QuerySet:
    return rows.filter(uid=given) if given else rows


# ---- rounds ---------------------------------------------------------------------------------

@router.get("/rounds", response={200: page_of(RoundOut), **ERRORS}, url_name="rounds")
def round_list(request, filters: Query[UidFilter], page: int = PageNumber, page_size: int | None = PageSize):
    return paged(_by_uid(visible_rounds(actor(request)), filters.uid), RoundOut, page, page_size)


@router.get("/rounds/{id}", response={200: RoundOut, **ERRORS}, url_name="round")
def round_detail(request, id: Id):
    return one(request, RoundOut, _round(actor(request), id))


@router.post("/rounds", response={201: RoundOut, **ERRORS}, url_name="round-create")
def round_create(request, data: RoundIn):
    """新建巡察轮次（巡察办）."""
    return one(request, RoundOut, setup.create_round(actor(request), **data.dict()), status=201)


@router.patch("/rounds/{id}", response={200: RoundOut, **ERRORS}, url_name="round-update")
def round_update(request, id: Id, data: RoundPatch):
    """Changes the given fields; the inspections keep their own 集中整改期 dates. If-Match as for measures."""
    who = actor(request)
    round_ = _round(who, id)
    require_match(request, RoundOut, round_)
    current = {name: getattr(round_, name) for name in setup.ROUND_FIELDS}
    values = _merged(current, data, frozenset({"start", "end", "rectification_months"}))
    return one(request, RoundOut, setup.update_round(who, round_, **values))


# ---- units ----------------------------------------------------------------------------------

@router.get("/units", response={200: page_of(UnitOut), **ERRORS}, url_name="units")
def unit_list(request, filters: Query[UidFilter], page: int = PageNumber, page_size: int | None = PageSize):
    return paged(_by_uid(visible_units(actor(request)), filters.uid), UnitOut, page, page_size)


@router.get("/units/{id}", response={200: UnitOut, **ERRORS}, url_name="unit")
def unit_detail(request, id: Id):
    return one(request, UnitOut, _get(visible_units(actor(request)), id))


@router.post("/units", response={201: UnitOut, **ERRORS}, url_name="unit-create")
def unit_create(request, data: UnitIn):
    """新增单位 under `parent` (or at the top)."""
    who = actor(request)
    arranging.check(who)
    parent = _ref(Unit.objects.all(), data.parent, "parent", "上级单位")
    unit = setup.create_unit(who, data.name, parent=parent, kind=data.kind, short_name=data.short_name)
    return one(request, UnitOut, unit, status=201)


@router.patch("/units/{id}", response={200: UnitOut, **ERRORS}, url_name="unit-update")
def unit_update(request, id: Id, data: UnitPatch):
    """Rename, re-kind or move a unit (its sub-tree moves with it, never under itself)."""
    who = actor(request)
    unit = _get(visible_units(who), id)
    require_match(request, UnitOut, unit)
    arranging.check(who)
    current = {"name": unit.name, "short_name": unit.short_name, "kind": unit.kind, "parent": unit.parent_id}
    values = _merged(current, data, frozenset({"parent"}))
    values["parent"] = _ref(Unit.objects.all(), values["parent"], "parent", "上级单位")
    return one(request, UnitOut, setup.update_unit(who, unit, **values))


# ---- teams and their members ----------------------------------------------------------------

@router.get("/teams", response={200: page_of(TeamOut), **ERRORS}, url_name="teams")
def team_list(request, filters: Query[UidFilter], page: int = PageNumber, page_size: int | None = PageSize):
    return paged(_by_uid(visible_teams(actor(request)), filters.uid), TeamOut, page, page_size)


@router.get("/teams/{id}", response={200: TeamOut, **ERRORS}, url_name="team")
def team_detail(request, id: Id):
    return one(request, TeamOut, _get(visible_teams(actor(request)), id))


@router.post("/teams", response={201: TeamOut, **ERRORS}, url_name="team-create")
def team_create(request, data: TeamIn):
    return one(request, TeamOut, setup.create_team(actor(request), data.name), status=201)


@router.patch("/teams/{id}", response={200: TeamOut, **ERRORS}, url_name="team-update")
def team_update(request, id: Id, data: TeamIn):
    """巡察组更名."""
    who = actor(request)
    team = _get(visible_teams(who), id)
    require_match(request, TeamOut, team)
    return one(request, TeamOut, setup.rename_team(who, team, data.name))


def _team_to_arrange(who: Actor, id: int) -> Team:
    """404 to whom may not see the team, 403 to whom may see it but not arrange it."""
    _get(visible_teams(who), id)
    return arranging.get_team(who, id)


@router.get("/teams/{id}/members", response={200: page_of(StaffOut), **ERRORS}, url_name="team-members")
def member_list(request, id: Id, page: int = PageNumber, page_size: int | None = PageSize):
    """The team's member accounts (巡察安排: the office's)."""
    team = _team_to_arrange(actor(request), id)
    rows = Staff.objects.filter(team=team).select_related("user").order_by("display_name", "user__username", "id")
    return paged(rows, StaffOut, page, page_size)


@router.post("/teams/{id}/members", response={200: StaffOut, **ERRORS}, url_name="team-member-add")
def member_add(request, id: Id, data: MemberIn):
    """编入巡察组: a team member's account (a member is in one team at a time)."""
    who = actor(request)
    team = _team_to_arrange(who, id)
    staff = _ref(Staff.objects.select_related("user", "team"), data.staff, "staff", "人员账号")
    return one(request, StaffOut, setup.assign_member(who, team, staff))


@router.delete("/teams/{id}/members/{staff}", response={200: StaffOut, **ERRORS}, url_name="team-member-remove")
def member_remove(request, id: Id, staff: Id):
    """调出巡察组."""
    who = actor(request)
    team = _team_to_arrange(who, id)
    member = arranging.get_staff(who, staff)
    return one(request, StaffOut, setup.remove_member(who, team, member))


# ---- inspections ----------------------------------------------------------------------------

class InspectionFilters(Schema):
    round: Id | None = None
    unit: Id | None = None
    team: Id | None = None
    uid: uuid.UUID | None = None


@router.get("/inspections", response={200: page_of(InspectionOut), **ERRORS}, url_name="inspections")
def inspection_list(request, filters: Query[InspectionFilters], page: int = PageNumber,
                    page_size: int | None = PageSize):
    rows = _by_uid(permissions.visible_inspections(actor(request)), filters.uid)
    if filters.round:
        rows = rows.filter(round_id=filters.round)
    if filters.team:
        rows = rows.filter(team_id=filters.team)
    if filters.unit:
        path = Unit.objects.filter(pk=filters.unit).values_list("path", flat=True).first()
        rows = rows.filter(unit__path__startswith=path) if path else rows.none()
    return paged(rows.order_by("-feedback_date", "-id"), InspectionOut, page, page_size)


@router.get("/inspections/{id}", response={200: InspectionOut, **ERRORS}, url_name="inspection")
def inspection_detail(request, id: Id):
    return one(request, InspectionOut, selectors.get_inspection(actor(request), id))


def _dates(data) -> dict:
    return {"start": data["start"], "end": data["end"], "feedback_date": data["feedback_date"],
            "rectification_end_date": data["rectification_end"]}


@router.post("/inspections", response={201: InspectionOut, **ERRORS}, url_name="inspection-create")
def inspection_create(request, data: InspectionIn):
    """新增巡察安排: a team inspects a unit in a round."""
    who = actor(request)
    arranging.check(who)
    round_ = _ref(Round.objects.all(), data.round, "round", "巡察轮次")
    team = _ref(Team.objects.all(), data.team, "team", "巡察组")
    unit = _ref(Unit.objects.all(), data.unit, "unit", "被巡察单位")
    inspection = setup.create_inspection(who, round_, team, unit, **_dates(data.dict()))
    return one(request, InspectionOut, inspection, status=201)


@router.patch("/inspections/{id}", response={200: InspectionOut, **ERRORS}, url_name="inspection-update")
def inspection_update(request, id: Id, data: InspectionPatch):
    """Changes the team, the unit or the dates (an inspection stays in its round). If-Match as above."""
    who = actor(request)
    inspection = selectors.get_inspection(who, id)
    require_match(request, InspectionOut, inspection)
    arranging.check(who)
    current = {"team": inspection.team_id, "unit": inspection.unit_id,
               **{name: getattr(inspection, name) for name in setup.INSPECTION_DATES}}
    values = _merged(current, data, frozenset(setup.INSPECTION_DATES))
    team = _ref(Team.objects.all(), values["team"], "team", "巡察组")
    unit = _ref(Unit.objects.all(), values["unit"], "unit", "被巡察单位")
    return one(request, InspectionOut, setup.update_inspection(who, inspection, team, unit, **_dates(values)))


@router.post("/rounds/{id}/inspections", response={201: InspectionBatchOut, **ERRORS},
             url_name="round-inspections")
def inspections_bulk(request, id: Id, data: InspectionBatchIn):
    """批量新增巡察安排: one team, the same dates, units by id and/or by name; all or none."""
    who = actor(request)
    round_ = _round(who, id)
    arranging.check(who)
    team = _ref(Team.objects.all(), data.team, "team", "巡察组")
    found = Unit.objects.in_bulk(data.units)
    missing = [str(pk) for pk in data.units if pk not in found]
    if missing:
        raise InvalidInput(f"以下单位不存在：{'、'.join(missing[:20])}", field="units")
    made = setup.create_inspections_from_names(who, round_, team, data.names, [found[pk] for pk in data.units],
                                               **_dates(data.dict()))
    made = list(Inspection.objects.filter(pk__in=[i.pk for i in made]).order_by("unit__path"))
    return Status(201, {"count": len(made), "items": made})
