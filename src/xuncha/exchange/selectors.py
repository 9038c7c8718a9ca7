"""Reads for the exchange page and the command line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from xuncha.exchange import travel
from xuncha.exchange.models import Conflict, Peer, Transfer
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.models import Inspection


@dataclass
class ConflictRow:
    pk: int
    peer: Peer
    kind_label: str
    field_label: str
    object_label: str
    inspection: Inspection | None
    base: Any
    ours: Any
    theirs: Any


def peers():
    return Peer.objects.all()


def transfers(limit: int = 50):
    return Transfer.objects.select_related("peer", "inspection__unit", "inspection__round")[:limit]


def open_conflicts() -> list[ConflictRow]:
    """Conflicts awaiting a decision, each with the object's name as people know it."""
    conflicts = list(Conflict.objects.filter(state="open").select_related("peer", "inspection__unit"))
    labels: dict[tuple[str, int], str] = {}
    for name in {c.kind for c in conflicts}:
        kind = travel.BY_NAME[name]
        pks = [c.object_id for c in conflicts if c.kind == name]
        labels |= {(name, obj.pk): str(obj)[:60] for obj in kind.model.objects.filter(pk__in=pks)}
    rows = []
    for c in conflicts:
        kind = travel.BY_NAME[c.kind]
        field = kind.model._meta.get_field(c.field)
        label = labels.get((c.kind, c.object_id), "")
        rows.append(ConflictRow(c.pk, c.peer, kind.label, str(field.verbose_name), label, c.inspection,
                                shown(c.base), shown(c.ours), shown(c.theirs)))
    return rows


def shown(value: Any, limit: int = 200) -> Any:
    """A value as a person reads it in a list: text as it is, anything else as JSON, cut short."""
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "…"


def exportable_inspections(actor: Actor):
    return Inspection.objects.filter(permissions.scope_filter(actor)).select_related("unit", "round")
