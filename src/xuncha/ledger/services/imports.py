"""Documents in: a notice (NoticeDoc) or an Excel ledger (LedgerBook) → ledger rows.

First `preview` reads the file and says what would be created and what is wrong; then
`commit` writes everything in one transaction: it lands completely or not at all.
An upload waits for its confirmation in the imports storage ("staged"); it is removed when
the import commits, when it is cancelled, or after XUNCHA_IMPORT_STAGING_HOURS.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xuncha.core.document import DocFinding, NoticeDoc
from xuncha.core.ledger_xlsx import LedgerBook, LedgerFileError, LedgerRow, read_xlsx
from xuncha.core.parse import LoadError, NotANotice, missing_parts, parse_text
from xuncha.core.parse.loaders import load_bytes
from xuncha.ledger import permissions
from xuncha.ledger.models import Finding, Inspection
from xuncha.ledger.services import audit, findings, measures, storage
from xuncha.ledger.services.actor import Actor
from xuncha.ledger.services.errors import InvalidInput

# What the notice says of a finding → the measure status that says the same in the ledger.
log = logging.getLogger(__name__)
STAGED = "imports"  # the storage kind of uploads waiting for confirmation
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
MEASURE_STATUS_FOR = {"done": "done", "ongoing": "ongoing", "not_done": "in_progress", "partly": None}
LEDGER_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass
class ImportResult:
    findings: int
    measures: int


@dataclass
class Preview:
    """What a file would add to an inspection, and what stops it."""

    name: str
    kind: str  # "notice" or "ledger"
    doc: NoticeDoc | None = None
    book: LedgerBook | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[tuple[str, str, list[str]]]:
        """(number, title, measures) of each finding, for showing."""
        if self.doc is not None:
            return [("/".join(f.path), f.title, f.measures or f.effects) for f in self.doc.findings]
        if self.book is not None:
            return [(f.number, f.text, [r.measure for r in f.rows]) for f in self.book.findings]
        return []

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.findings)


def preview(name: str, data: bytes) -> Preview:
    """Read an uploaded file; never raises for bad input, the errors are in the preview."""
    suffix = Path(name).suffix.lower()
    if suffix in LEDGER_SUFFIXES:
        try:
            book = read_xlsx(data)
        except LedgerFileError as exc:
            return Preview(name, "ledger", errors=[exc.message])
        return Preview(name, "ledger", book=book, errors=[str(e) for e in book.errors])
    try:
        doc = parse_text(load_bytes(data, name), source=name)
    except LoadError as exc:
        return Preview(name, "notice", errors=[exc.message])
    missing = missing_parts(doc)
    errors = [NotANotice(f"不像是巡察整改通报：缺少{'、'.join(missing)}。").message] if missing else []
    return Preview(name, "notice", doc=doc, errors=errors)


def _claimed_all_done(doc: NoticeDoc) -> bool:
    return any(c.subject == "findings" and c.total and c.done == c.total for c in doc.claims)


def _notice_finding(actor: Actor, inspection: Inspection, item: DocFinding, doc: NoticeDoc,
                    report_date: dt.date) -> int:
    finding = findings.create_finding(
        actor, inspection, title=item.title[:500], description=item.description or "",
        category=item.category or "", number="/".join(item.path))
    status = item.status or ("done" if _claimed_all_done(doc) else None)
    texts = item.measures or [f"针对“{item.title}”问题落实整改。"]
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


def _ledger_measure(actor: Actor, finding: Finding, row: LedgerRow) -> None:
    kind = "ongoing" if row.ongoing else "deadline"
    measure = measures.create_measure(actor, finding, text=row.measure, lead=row.lead, owner=row.owner, kind=kind,
                                      deadline=row.deadline if kind == "deadline" else None)
    if row.status == "planned" and not row.progress:
        return
    notes = [row.progress or "据台账导入。"]
    if row.evidence:
        notes.append(f"佐证材料：{row.evidence}")
    if row.remarks:
        notes.append(f"备注：{row.remarks}")
    day = min(row.completed_on or measures.today(), measures.today())
    mark = row.status if row.status != "planned" else None
    if mark == "ongoing" and kind != "ongoing":
        mark = "in_progress"
    measures.report_progress(actor, measure, day, "\n".join(notes)[:4000], mark=mark)


def require_commit(actor: Actor, inspection: Inspection) -> None:
    """Who may import into an inspection (today: the office). Asked by the imports themselves
    and before anything is uploaded, so nobody stages a file they could never import."""
    permissions.require(actor, "edit_findings", inspection)
    permissions.require(actor, "edit_measures", inspection)


def _require_empty(inspection: Inspection) -> None:
    if inspection.findings.exists():
        raise InvalidInput("该巡察已有反馈问题；为避免重复，请导入到新的巡察安排中。")


@transaction.atomic
def import_notice(actor: Actor, inspection: Inspection, doc: NoticeDoc) -> ImportResult:
    """Create the notice's findings, measures and stated statuses under an inspection."""
    require_commit(actor, inspection)
    if not doc.findings:
        raise InvalidInput("通报中没有找到反馈问题，未导入任何内容。")
    _require_empty(inspection)
    report_date = doc.notice_date or inspection.rectification_end or inspection.feedback_date
    if report_date is None:
        raise InvalidInput("通报和巡察安排都没有日期，无法确定整改进展的日期。")
    report_date = min(report_date, measures.today())
    count = sum(_notice_finding(actor, inspection, item, doc, report_date) for item in doc.findings)
    audit.record(actor, "notice.import", inspection, f"从通报导入 {len(doc.findings)} 个问题",
                 after={"source": doc.source, "findings": len(doc.findings), "measures": count})
    return ImportResult(findings=len(doc.findings), measures=count)


@transaction.atomic
def import_ledger(actor: Actor, inspection: Inspection, book: LedgerBook, source: str = "") -> ImportResult:
    """Create the ledger's findings and measures, with their progress and statuses."""
    require_commit(actor, inspection)
    if book.errors:
        raise InvalidInput(f"台账有 {len(book.errors)} 处错误，请修改后重新导入；未导入任何内容。")
    if not book.findings:
        raise InvalidInput("台账中没有任何问题，未导入任何内容。")
    _require_empty(inspection)
    count = 0
    for item in book.findings:
        finding = findings.create_finding(actor, inspection, title=item.text[:500], category=item.category,
                                          number=item.number)
        for row in item.rows:
            _ledger_measure(actor, finding, row)
            count += 1
    audit.record(actor, "ledger.import", inspection, f"从台账导入 {len(book.findings)} 个问题、{count} 条措施",
                 after={"source": source, "findings": len(book.findings), "measures": count})
    return ImportResult(findings=len(book.findings), measures=count)


def commit(actor: Actor, inspection: Inspection, prepared: Preview) -> ImportResult:
    if prepared.errors:
        raise InvalidInput("文件有错误，未导入任何内容：" + "；".join(prepared.errors[:5]))
    if prepared.doc is not None:
        return import_notice(actor, inspection, prepared.doc)
    return import_ledger(actor, inspection, prepared.book, source=prepared.name)


@dataclass(frozen=True)
class Staged:
    token: str
    name: str  # the uploaded file's own name (its suffix picks the reader)
    preview: Preview


def _staged_key(inspection: Inspection, token: str) -> str:
    if not _TOKEN.match(token or ""):
        raise InvalidInput("导入已过期，请重新上传文件。")
    return f"{inspection.pk}/{token}"


def _not_empty(name: str):
    def check(head: bytes, size: int) -> None:
        if size == 0:
            raise InvalidInput(f"文件“{name}”是空文件。", field="file")

    return check


def stage(actor: Actor, inspection: Inspection, name: str, chunks: Iterable[bytes]) -> Staged:
    """Keep an upload for preview: permission first, then the size cap while it streams in."""
    require_commit(actor, inspection)
    token = storage.unique_name()
    key = _staged_key(inspection, token)
    saved = storage.save_stream(STAGED, key, chunks, settings.IMPORT_MAX_BYTES,
                                label=f"文件“{name}”", check=_not_empty(name))
    with storage.removed_on_error(STAGED, [saved.name]), transaction.atomic():
        storage.delete_on_rollback(STAGED, [saved.name])
        audit.record(actor, "import.stage", inspection, f"上传待导入文件：{name}"[:300],
                     after={"file": name, "size": saved.size, "sha256": saved.sha256})
    return Staged(token, name, preview(name, storage.read_bytes(STAGED, saved.name)))


def staged_preview(actor: Actor, inspection: Inspection, token: str, name: str) -> Preview:
    require_commit(actor, inspection)
    try:
        data = storage.read_bytes(STAGED, _staged_key(inspection, token))
    except FileNotFoundError:
        raise InvalidInput("导入已过期，请重新上传文件。") from None
    return preview(name, data)


@transaction.atomic
def commit_staged(actor: Actor, inspection: Inspection, token: str, name: str) -> ImportResult:
    """Import a staged upload; the upload is removed once the import has committed (a failed
    import keeps it, so it can be confirmed again)."""
    result = commit(actor, inspection, staged_preview(actor, inspection, token, name))
    storage.delete_after_commit(STAGED, [_staged_key(inspection, token)])
    return result


@transaction.atomic
def cancel_staged(actor: Actor, inspection: Inspection, token: str, name: str = "") -> None:
    """取消导入: the upload is removed and nothing is imported."""
    require_commit(actor, inspection)
    key = _staged_key(inspection, token)
    audit.record(actor, "import.cancel", inspection, f"取消导入：{name}"[:300], after={"file": name})
    storage.delete_after_commit(STAGED, [key])


def purge_staged_imports(now: dt.datetime | None = None) -> int:
    """Remove uploads left unconfirmed for XUNCHA_IMPORT_STAGING_HOURS; returns how many.
    Meant to run daily (`xuncha purge-staging`, or the job queue)."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IMPORT_STAGING_HOURS)
    old = [name for name in storage.walk(STAGED) if storage.modified(STAGED, name) < cutoff]
    storage.delete(STAGED, old)
    if old:
        log.info("purged %d staged import(s) older than %s", len(old), cutoff.isoformat())
    return len(old)
