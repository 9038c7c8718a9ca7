"""The audit trail. Every service calls `record` inside its own transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from xuncha import clock
from xuncha.ledger.actor import Actor
from xuncha.ledger.models import AuditEvent, Finding, Inspection


def plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of a row as JSON-ready values (for before/after)."""
    return {name: plain(getattr(obj, name)) for name in fields}


def _scope_of(obj: models.Model) -> tuple[int | None, int | None]:
    """(inspection id, finding id) of the object, walking up the ledger."""
    finding = None
    if isinstance(obj, Finding):
        finding = obj
    elif hasattr(obj, "finding"):
        finding = obj.finding
    elif hasattr(obj, "measure"):
        finding = obj.measure.finding
    elif hasattr(obj, "report"):
        finding = obj.report.measure.finding
    inspection = finding.inspection if finding else (obj if isinstance(obj, Inspection)
                                                     else getattr(obj, "inspection", None))
    return inspection.pk if inspection else None, finding.pk if finding else None


def record(actor: Actor, action: str, obj: models.Model, summary: str = "",
           before: dict | None = None, after: dict | None = None) -> AuditEvent:
    inspection_id, finding_id = _scope_of(obj)
    return AuditEvent.objects.create(
        at=clock.now(), actor_id=actor.user_id, actor_name=actor.name, ip=actor.ip,
        action=action, object_type=obj._meta.model_name, object_id=obj.pk, summary=summary[:300],
        before=before, after=after, inspection_id=inspection_id, finding_id=finding_id,
    )
