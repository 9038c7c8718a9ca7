"""Reading the audit trail for 审计日志: scope and filters, one place for the page and its export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.models import AuditEvent, Inspection, Unit


@dataclass(frozen=True)
class AuditFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    person: str = ""
    unit: Unit | None = None
    inspection: Inspection | None = None
    action: str = ""
    result: str = ""

    def as_dict(self) -> dict:
        return {"date_from": self.date_from, "date_to": self.date_to, "person": self.person or None,
                "unit": self.unit.name if self.unit else None,
                "inspection": self.inspection.pk if self.inspection else None,
                "action": self.action or None, "result": self.result or None}


def scope_unit(actor: Actor) -> Unit | None:
    """The unit a supervisor's reading is limited to (its own sub-tree); None: everything."""
    return actor.unit if actor.role == "supervisor" and actor.unit is not None else None


def visible_events(actor: Actor) -> QuerySet[AuditEvent]:
    permissions.require(actor, "view_audit")
    events = AuditEvent.objects.all()
    unit = scope_unit(actor)
    if unit is not None:
        events = events.filter(unit_path__startswith=unit.path)
    return events


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered(actor: Actor, filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = visible_events(actor)
    if filters.date_from:
        events = events.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.person:
        events = events.filter(Q(actor_name__icontains=filters.person)
                               | Q(actor__username__iexact=filters.person))
    if filters.unit is not None:
        events = events.filter(unit_path__startswith=filters.unit.path)
    if filters.inspection is not None:
        events = events.filter(inspection_id=filters.inspection.pk)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.result:
        events = events.filter(result=filters.result)
    return events.order_by("-seq")


UNIT_LEVELS = 3  # the filter lists the top levels (区委, 街道, 社区): a province has thousands of 支部


def units_for(actor: Actor, levels: int | None = UNIT_LEVELS) -> QuerySet[Unit]:
    unit = scope_unit(actor)
    units = Unit.objects.all()
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    if levels is not None:
        depth = unit.path.count("/") - 1 if unit is not None else 0
        units = units.filter(path__regex=rf"^(/[0-9]+){{1,{depth + levels}}}/$")
    return units


def inspections_for(actor: Actor, limit: int = 500) -> list[Inspection]:
    unit = scope_unit(actor)
    rows = Inspection.objects.select_related("unit", "round", "team").order_by("-round__start", "-pk")
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    return list(rows[:limit])
