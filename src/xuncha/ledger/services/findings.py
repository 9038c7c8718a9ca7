"""Findings (反馈问题): created and edited by the inspection team or the office."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from xuncha.core.statuses import FINDING_SOURCE
from xuncha.ledger import derived, permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.models import Finding, Inspection
from xuncha.ledger.services import audit, numbering
from xuncha.ledger.services.cas import swap

EDITABLE = ["category", "number", "title", "description", "source", "previous"]


def _check(title: str, source: str) -> None:
    if not title.strip():
        raise InvalidInput("问题标题不能为空。", field="title")
    if source not in FINDING_SOURCE:
        raise InvalidInput("问题来源应为巡察反馈、立行立改或群众反映。", field="source")


@transaction.atomic
def create_finding(actor: Actor, inspection: Inspection, title: str, description: str = "",
                   category: str = "", number: str = "", source: str = "feedback",
                   previous: Finding | None = None) -> Finding:
    permissions.require(actor, "edit_findings", inspection)
    _check(title, source)
    if previous is not None and previous.inspection.unit_id != inspection.unit_id:
        raise InvalidInput("只能关联同一单位此前轮次的问题。", field="previous")
    position = (Finding.objects.filter(inspection=inspection).aggregate(m=Max("position"))["m"] or 0) + 1
    finding = Finding.objects.create(
        inspection=inspection, title=title.strip(), description=description.strip(), category=category.strip(),
        number=number.strip() or numbering.next_number(inspection, category.strip()), source=source,
        previous=previous, position=position)
    derived.refresh_inspection(inspection.pk)
    audit.record(actor, "finding.create", finding, f"新增问题：{finding.title}",
                 after=audit.snapshot(finding, EDITABLE))
    return finding


@transaction.atomic
def update_finding(actor: Actor, finding: Finding, expected_version: int, **fields) -> Finding:
    permissions.require(actor, "edit_findings", finding.inspection)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"不能修改这些字段：{', '.join(sorted(unknown))}")
    merged = {name: fields.get(name, getattr(finding, name)) for name in EDITABLE}
    _check(merged["title"], merged["source"])
    before = audit.snapshot(finding, EDITABLE)
    swap(Finding, finding.pk, {"version": expected_version}, **fields)
    finding.refresh_from_db()
    audit.record(actor, "finding.update", finding, f"修改问题：{finding.title}",
                 before=before, after=audit.snapshot(finding, EDITABLE))
    return finding
