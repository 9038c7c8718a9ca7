"""The audit trail. Every service calls `record` inside its own transaction.

Records are appended to a hash chain (ledger.services.audit_chain); nothing updates or deletes
them (tests/ledger/test_audit_inventory.py), except `xuncha audit archive` when configured.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction

from xuncha.ledger.actor import Actor
from xuncha.ledger.models import AuditEvent, Finding, Inspection, Staff, Unit
from xuncha.ledger.services import audit_chain


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


def _loaded_unit(obj: models.Model | None) -> Unit | None:
    """The object's unit through related rows the service already loaded (evidence → report →
    measure → finding → inspection → unit), without a query; None when a link is not loaded."""
    for name in ("report", "measure", "finding", "inspection", "unit"):
        if obj is None or isinstance(obj, Unit):
            break
        related = obj._state.fields_cache.get(name)
        if related is not None:
            obj = related
    return obj if isinstance(obj, Unit) else None


def _unit_path(obj: models.Model | None, inspection_id: int | None) -> str:
    """The path of the unit the record concerns (for the viewer's unit filter and scope)."""
    if isinstance(obj, Unit):
        return obj.path
    if isinstance(obj, Staff):
        return obj.unit.path if obj.unit_id else ""
    loaded = _loaded_unit(obj)
    if loaded is not None:
        return loaded.path
    if inspection_id:
        with connection.cursor() as cursor:  # plain SQL: the ORM's query building cost more
            cursor.execute(_UNIT_PATH_SQL, [inspection_id])
            row = cursor.fetchone()
        return row[0] if row else ""
    return ""


_UNIT_PATH_SQL = (f"SELECT u.path FROM {Inspection._meta.db_table} i JOIN {Unit._meta.db_table} u "
                  f"ON u.id = i.unit_id WHERE i.id = %s")


def record(actor: Actor, action: str, obj: models.Model | None, summary: str = "",
           before: dict | None = None, after: dict | None = None, result: str = "ok") -> AuditEvent:
    inspection_id, finding_id = _scope_of(obj) if obj is not None else (None, None)
    return audit_chain.append(
        actor_id=actor.user_id, actor_name=actor.name, ip=actor.ip, action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=obj.pk if obj is not None else None, summary=summary, before=before, after=after,
        inspection_id=inspection_id, finding_id=finding_id, result=result,
        unit_path=_unit_path(obj, inspection_id),
    )


def record_now(actor: Actor, action: str, obj: models.Model | None, summary: str = "",
               before: dict | None = None, after: dict | None = None, result: str = "ok") -> AuditEvent:
    """A record in its own transaction: for reads worth recording (exports, downloads) and for
    refusals, whose service transaction was rolled back."""
    with transaction.atomic():
        return record(actor, action, obj, summary, before, after, result)
