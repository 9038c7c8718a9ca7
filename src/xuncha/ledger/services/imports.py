"""NoticeDoc → ledger rows. The whole import is one transaction: it lands completely or not at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from xuncha.core.document import DocFinding, NoticeDoc
from xuncha.ledger import permissions
from xuncha.ledger.models import Inspection
from xuncha.ledger.services import audit, findings, measures
from xuncha.ledger.services.actor import Actor
from xuncha.ledger.services.errors import InvalidInput

# What the notice says of a finding → the measure status that says the same in the ledger.
MEASURE_STATUS_FOR = {"done": "done", "ongoing": "ongoing", "not_done": "in_progress", "partly": None}


@dataclass
class ImportResult:
    findings: int
    measures: int


def _claimed_all_done(doc: NoticeDoc) -> bool:
    return any(c.subject == "findings" and c.total and c.done == c.total for c in doc.claims)


def _status_of(item: DocFinding, doc: NoticeDoc) -> str | None:
    if item.status:
        return item.status
    return "done" if _claimed_all_done(doc) else None


def _measure_texts(item: DocFinding) -> list[str]:
    if item.measures:
        return item.measures
    return [f"针对“{item.title}”问题落实整改。"]


def _import_one(actor: Actor, inspection: Inspection, item: DocFinding, doc: NoticeDoc,
                report_date: dt.date) -> int:
    finding = findings.create_finding(
        actor, inspection, title=item.title[:500], description=item.description or "",
        category=item.category or "", number="/".join(item.path))
    status = _status_of(item, doc)
    texts = _measure_texts(item)
    kind = "ongoing" if status == "ongoing" else "deadline"
    deadline = None if kind == "ongoing" else inspection.rectification_end or report_date
    for index, text in enumerate(texts):
        measure = measures.create_measure(actor, finding, text=text, kind=kind, deadline=deadline)
        target = MEASURE_STATUS_FOR.get(status) if status else None
        if status == "partly":
            target = "done" if index < max(1, len(texts) // 2) else "in_progress"
        if target is None:
            continue
        report = "；".join(item.effects) or item.status_text or "按通报所述完成整改。"
        measures.report_progress(actor, measure, report_date, f"据通报：{report}"[:2000], mark=target)
    return len(texts)


@transaction.atomic
def import_notice(actor: Actor, inspection: Inspection, doc: NoticeDoc) -> ImportResult:
    """Create the notice's findings, measures and stated statuses under an inspection."""
    permissions.require(actor, "edit_findings", inspection)
    permissions.require(actor, "edit_measures", inspection)
    if not doc.findings:
        raise InvalidInput("通报中没有找到反馈问题，未导入任何内容。")
    if inspection.findings.exists():
        raise InvalidInput("该巡察已有反馈问题；为避免重复，请导入到新的巡察安排中。")
    report_date = doc.notice_date or inspection.rectification_end or inspection.feedback_date
    if report_date is None:
        raise InvalidInput("通报和巡察安排都没有日期，无法确定整改进展的日期。")
    report_date = min(report_date, measures.today())
    count = sum(_import_one(actor, inspection, item, doc, report_date) for item in doc.findings)
    audit.record(actor, "notice.import", inspection, f"从通报导入 {len(doc.findings)} 个问题",
                 after={"source": doc.source, "findings": len(doc.findings), "measures": count})
    return ImportResult(findings=len(doc.findings), measures=count)
