"""Reads for 巡察安排 (the office's set-up pages): rounds, the unit tree, teams, inspections.

Each list is a fixed number of queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import NotFound
from xuncha.ledger.models import Inspection, Round, Staff, Team, Unit

ACTION = "manage_setup"


def check(actor: Actor) -> None:
    """Refuse anyone who may not use 巡察安排 (before a form is even read)."""
    permissions.require(actor, ACTION)


def _get(actor: Actor, queryset: QuerySet, pk: int):
    permissions.require(actor, ACTION)
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def rounds(actor: Actor) -> QuerySet[Round]:
    permissions.require(actor, ACTION)
    return Round.objects.annotate(inspection_count=Count("inspections")).order_by("-start", "-id")


def get_round(actor: Actor, pk: int) -> Round:
    return _get(actor, Round.objects.all(), pk)


def round_inspections(round_: Round) -> QuerySet[Inspection]:
    """Paged by the caller: a round of a province has hundreds of units."""
    return Inspection.objects.filter(round=round_).select_related("unit", "team").order_by("unit__path")


def get_inspection(actor: Actor, pk: int) -> Inspection:
    return _get(actor, Inspection.objects.select_related("round", "team", "unit"), pk)


@dataclass
class TreeUnit:
    unit: Unit
    depth: int


def unit_tree(actor: Actor) -> QuerySet[Unit]:
    """Every unit under its parent (the materialised path orders the tree); paged by the caller."""
    permissions.require(actor, ACTION)
    return Unit.objects.order_by("path")


def tree_rows(units) -> list[TreeUnit]:
    """One page of the tree with each unit's inspections counted (for that page only: counting
    over the whole tree before paging it cost a province 40 ms a page)."""
    units = list(units)
    counts = dict(Inspection.objects.filter(unit__in=[u.pk for u in units]).values("unit")
                  .annotate(n=Count("id")).values_list("unit", "n"))
    for unit in units:
        unit.inspection_count = counts.get(unit.pk, 0)
    return [TreeUnit(u, u.path.count("/") - 2) for u in units]


def get_unit(actor: Actor, pk: int) -> Unit:
    return _get(actor, Unit.objects.select_related("parent"), pk)


def teams(actor: Actor) -> QuerySet[Team]:
    permissions.require(actor, ACTION)
    members = Staff.objects.select_related("user").order_by("display_name", "user__username")
    return (Team.objects.annotate(inspection_count=Count("inspections"))
            .prefetch_related(Prefetch("staff_set", queryset=members, to_attr="members"))
            .order_by("name"))


def get_team(actor: Actor, pk: int) -> Team:
    return _get(actor, teams(actor), pk)


def team_member_accounts() -> QuerySet[Staff]:
    """Accounts with the team-member role: the people a team can be made of."""
    return Staff.objects.filter(role="team_member").select_related("user", "team").order_by(
        "display_name", "user__username")


def get_staff(actor: Actor, pk: int) -> Staff:
    return _get(actor, Staff.objects.select_related("user", "team"), pk)


@dataclass
class UnitPicker:
    """One level of the unit tree for ticking units: where it is, and the children there."""

    under: Unit | None
    crumbs: list[Unit]  # from the top down to `under`
    children: list[Unit]  # each with child_count, and arranged=True when the round has it


def unit_picker(round_: Round, under: int | None) -> UnitPicker:
    parent = Unit.objects.filter(pk=under).first() if under else None
    ids = [int(part) for part in parent.path.strip("/").split("/")] if parent else []
    crumbs = sorted(Unit.objects.filter(pk__in=ids), key=lambda u: len(u.path))
    children = list(Unit.objects.filter(parent=parent).annotate(child_count=Count("children"))
                    .order_by("name", "id"))
    arranged = set(Inspection.objects.filter(round=round_, unit__in=[u.pk for u in children])
                   .values_list("unit_id", flat=True))
    for unit in children:
        unit.arranged = unit.pk in arranged
    return UnitPicker(parent, crumbs, children)


def ticked_units(round_: Round, ids: list[int]) -> list[Unit]:
    """Units ticked in the bulk form at another level of the tree, in tree order, each with its
    parent (to tell namesakes apart) and whether it is arranged in the round already."""
    if not ids:
        return []
    units = list(Unit.objects.filter(pk__in=ids).select_related("parent").order_by("path"))
    arranged = set(Inspection.objects.filter(round=round_, unit__in=ids).values_list("unit_id", flat=True))
    for unit in units:
        unit.arranged = unit.pk in arranged
    return units
