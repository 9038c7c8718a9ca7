"""What travels in a bundle: each kind of ledger object, its fields and its links, in the order
they are created on the other side (a parent before its children).

Values travel as JSON: dates and times as ISO text, a link as the uid of the object it points
to, a person as a username. Derived values (a finding's status, summary counts, unit paths,
stored file names) stay behind: the receiving side derives its own.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from xuncha.ledger.models import (
    Closeout,
    Evidence,
    ExtensionRequest,
    Finding,
    Inspection,
    Lookback,
    Measure,
    Notice,
    ProgressReport,
    Round,
    Team,
    Unit,
)

CHUNK = 900  # uids per IN (…): under SQLite's older limit of 999 parameters


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[models.Model]
    label: str  # Chinese, for the conflict list
    fields: tuple[str, ...]
    links: dict[str, str] = field(default_factory=dict)  # foreign key → kind it points to
    users: tuple[str, ...] = ()  # foreign keys to accounts, travelling as usernames
    scope: str = ""  # the lookup from this model to its inspection's id
    version: str | None = "version"  # the compare-and-swap column, when the model keeps one

    def names(self) -> tuple[str, ...]:
        return (*self.fields, *self.links, *self.users)

    def columns(self) -> list[str]:
        """The values() columns that read one object as it travels."""
        return (["pk", "uid", *self.fields, *(f"{link}__uid" for link in self.links),
                 *(f"{user}__username" for user in self.users)]
                + ([self.version] if self.version else []))


KINDS: tuple[Kind, ...] = (
    Kind("unit", Unit, "单位", ("name", "short_name", "kind"), {"parent": "unit"}, version=None),
    Kind("team", Team, "巡察组", ("name",), version=None),
    Kind("round", Round, "巡察轮次", ("name", "level", "type", "start", "end", "rectification_months",
                                   "warning_days"), version=None),
    Kind("inspection", Inspection, "巡察", ("start", "end", "feedback_date", "rectification_end"),
         {"round": "round", "team": "team", "unit": "unit"}, version=None),
    Kind("finding", Finding, "反馈问题", ("category", "number", "position", "title", "description", "source",
                                      "reopened", "returned", "effects"),
         {"inspection": "inspection", "previous": "finding"}, scope="inspection_id"),
    Kind("measure", Measure, "整改措施", ("position", "text", "lead", "owner", "kind", "deadline", "status",
                                      "completed_on", "original_deadline", "evidence_note", "remarks"),
         {"finding": "finding"}, scope="finding__inspection_id"),
    Kind("progressreport", ProgressReport, "整改进展", ("date", "text", "copied_share", "copied_from"),
         {"measure": "measure"}, ("author",), scope="measure__finding__inspection_id", version=None),
    Kind("evidence", Evidence, "佐证材料", ("original_name", "sha256", "size", "content_type"),
         {"report": "progressreport"}, ("uploaded_by",), scope="report__measure__finding__inspection_id",
         version=None),
    Kind("closeout", Closeout, "销号", ("state", "requested_at", "request_comment", "decided_at",
                                     "decision_comment", "root_cause", "lessons", "endorsed_at", "endorse_comment"),
         {"finding": "finding"}, ("requested_by", "decided_by", "endorsed_by"), scope="finding__inspection_id"),
    Kind("extensionrequest", ExtensionRequest, "延期申请", ("state", "old_deadline", "new_deadline", "reason",
                                                        "requested_at", "decided_at", "decision_comment"),
         {"measure": "measure"}, ("requested_by", "decided_by"), scope="measure__finding__inspection_id"),
    Kind("lookback", Lookback, "回头看", ("date", "result", "comment"), {"finding": "finding"}, ("checked_by",),
         scope="finding__inspection_id", version=None),
    Kind("notice", Notice, "通报", ("version", "doc", "state", "approved_at", "published_at", "masks"),
         {"inspection": "inspection"}, ("created_by", "approved_by", "published_by"), scope="inspection_id",
         version="row_version"),
)
BY_NAME = {kind.name: kind for kind in KINDS}
# Statuses that have a transitions table: a change arriving in a bundle gets its history row.
STATUS_FIELDS = {"measure": ("status", "measure"), "closeout": ("state", "closeout"),
                 "extensionrequest": ("state", "extension"), "notice": ("state", "notice")}


def plain(value: Any) -> Any:
    """A value as it travels (and as it is compared)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


@dataclass
class Row:
    """One object as it travels, with its local id and version (when read here)."""

    kind: str
    uid: str
    fields: dict[str, Any]
    pk: int | None = None
    version: int | None = None


def _row(kind: Kind, values: dict) -> Row:
    fields = {name: plain(values[name]) for name in kind.fields}
    fields |= {link: plain(values[f"{link}__uid"]) for link in kind.links}
    fields |= {user: values[f"{user}__username"] for user in kind.users}
    return Row(kind.name, str(values["uid"]), fields, values["pk"],
               values[kind.version] if kind.version else None)


def read(kind: Kind, queryset) -> Iterator[Row]:
    for values in queryset.values(*kind.columns()).order_by("pk"):
        yield _row(kind, values)


def of_inspection(inspection: Inspection) -> Iterator[Row]:
    """Every object of the inspection as it travels, parents first (the unit's ancestors too)."""
    ancestors = [int(part) for part in inspection.unit.path.strip("/").split("/") if part]
    for kind in KINDS:
        if kind.name == "unit":
            rows = sorted(read(kind, Unit.objects.filter(pk__in=ancestors)),
                          key=lambda row: ancestors.index(row.pk))
            yield from rows
            continue
        if kind.name in {"team", "round"}:
            pk = inspection.team_id if kind.name == "team" else inspection.round_id
            yield from read(kind, kind.model.objects.filter(pk=pk))
        elif kind.name == "inspection":
            yield from read(kind, Inspection.objects.filter(pk=inspection.pk))
        else:
            yield from read(kind, kind.model.objects.filter(**{kind.scope: inspection.pk}))


def by_uid(kind: Kind, uids: Iterable[str]) -> dict[str, Row]:
    """The local objects of this kind among these uids."""
    uids, found = list(uids), {}
    for start in range(0, len(uids), CHUNK):
        for row in read(kind, kind.model.objects.filter(uid__in=uids[start:start + CHUNK])):
            found[row.uid] = row
    return found


def python_value(kind: Kind, name: str, value: Any) -> Any:
    """A travelled plain value as the model field takes it."""
    if value is None:
        return None
    model_field = kind.model._meta.get_field(name)
    if isinstance(model_field, models.DateTimeField | models.DateField):
        return model_field.to_python(value)
    return value
