"""Documents in: a notice (NoticeDoc) or an Excel ledger (LedgerBook) → ledger rows.

First `preview` reads the file and says what would be created and what is wrong; then
`commit` writes everything in one transaction: it lands completely or not at all.
Who imports what (issue 15): the team (巡察组) imports the 反馈问题清单 it fed back into an
inspection without findings; the unit imports its measures and progress onto those findings; the
office may import both at once. The kind follows from the actor and the inspection (`import_kind`)
and the preview says which it is.
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
from django.db.models import Count
from django.utils.text import Truncator

from xuncha import clock
from xuncha.core.dates import format_date
from xuncha.core.document import DocFinding, NoticeDoc
from xuncha.core.ledger_xlsx import LedgerBook, LedgerFileError, LedgerRow, read_xlsx
from xuncha.core.parse import LoadError, NotANotice, missing_parts, parse_text
from xuncha.core.parse.loaders import LOADERS, load_bytes
from xuncha.core.statuses import MEASURE_FINISHED, MEASURE_KIND, MEASURE_STATUS, derive_finding_status
from xuncha.core.vocabulary import MEASURE_STATUS_OF, STATUS_LABELS
from xuncha.ledger import derived, permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, ServiceError
from xuncha.ledger.models import Finding, Inspection, Measure, ProgressReport
from xuncha.ledger.services import audit, bulk, measures, reuse, storage

# What the notice says of a finding → the measure status that says the same in the ledger.
log = logging.getLogger(__name__)
STAGED = "imports"  # the storage kind of uploads waiting for confirmation
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
LEDGER_SUFFIXES = {".xlsx", ".xlsm"}
OLD_LEDGER_SUFFIXES = {".xls", ".et"}  # Excel 97-2003 and WPS sheets: through LibreOffice's .xlsx


EMPTY_ONLY = "该巡察已有反馈问题；为避免重复，请导入到新的巡察安排中。"
NO_FINDINGS_YET = "本次巡察尚未导入反馈问题清单；请待巡察组导入反馈问题后，再导入整改措施和进展。"
STATE_CHANGED = "预览之后本次巡察的反馈问题有了变化，请重新上传文件预览。"
# The three kinds of import, and how the preview names them.
FULL, FINDINGS, MEASURES = "full", "findings", "measures"
KIND_LABELS = {
    FULL: "反馈问题及整改措施、进展（巡察办导入到尚无反馈问题的巡察）",
    FINDINGS: "反馈问题清单（巡察组导入；整改措施和进展由被巡察单位导入）",
    MEASURES: "整改措施和进展（被巡察单位导入到本次巡察已有的反馈问题）",
}
BATCH = 500  # rows per INSERT: well under SQLite's limit of bound variables


@dataclass
class ImportResult:
    findings: int
    measures: int
    finding_ids: list[int] = field(default_factory=list, repr=False)
    measure_ids: list[int] = field(default_factory=list, repr=False)
    report_ids: list[int] = field(default_factory=list, repr=False)


@dataclass
class Preview:
    """What a file would add to an inspection, and what stops it."""

    name: str
    kind: str  # "notice" or "ledger"
    doc: NoticeDoc | None = None
    book: LedgerBook | None = None
    errors: list[str] = field(default_factory=list)
    # Filled against the inspection (`check_against`): what would be stored, row by row; what the
    # reader or 体检 noticed; and where the file disagrees with the inspection (confirming then
    # needs an explicit choice).
    plan: list[PlannedFinding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    diagnostics: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    kind: str = FULL  # FULL, FINDINGS or MEASURES (`import_kind`)
    # For MEASURES: the id of the inspection's finding each planned finding goes onto.
    targets: list[int] = field(default_factory=list)
    checked: bool = False  # filled by check_against

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def findings(self) -> list[tuple[str, str, list[str]]]:
        """(number, title, measures) of each finding, for showing."""
        if self.doc is not None:
            return [("/".join(f.path), f.title, f.measures or f.effects) for f in self.doc.findings]
        if self.book is not None:
            return [(f.number, f.text, [r.measure for r in f.rows]) for f in self.book.findings]
        return []

    @property
    def unreadable(self) -> bool:
        """The file itself could not be read (damaged, hostile, not a notice or ledger format)."""
        return self.doc is None and self.book is None

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.findings)


def preview(name: str, data: bytes, unit: str | None = None) -> Preview:
    """Read an uploaded file; never raises for bad input, the errors are in the preview. `unit`
    names the sheet to read first in a workbook of several (a round's, a sheet per unit)."""
    suffix = Path(name).suffix.lower()
    if suffix in OLD_LEDGER_SUFFIXES:
        from xuncha.core.parse import convert

        try:
            data = convert.convert(data, suffix)
        except convert.ConvertRefused as exc:
            return Preview(name, "ledger", errors=[exc.message])
        suffix = ".xlsx"
    if suffix in LEDGER_SUFFIXES:
        try:
            book = read_xlsx(data, prefer=unit)
        except LedgerFileError as exc:
            return Preview(name, "ledger", errors=[exc.message])
        return Preview(name, "ledger", book=book, errors=[str(e) for e in book.errors])
    if suffix not in LOADERS:  # say every type this import takes, Excel ledgers included
        supported = "、".join(sorted({*LOADERS, *LEDGER_SUFFIXES, *OLD_LEDGER_SUFFIXES}))
        return Preview(name, "notice", errors=[f"不支持的文件类型“{suffix or '无扩展名'}”（支持：{supported}）。"])
    try:
        doc = parse_text(load_bytes(data, name), source=name)
    except LoadError as exc:
        return Preview(name, "notice", errors=[exc.message])
    missing = missing_parts(doc)
    errors = [NotANotice(f"不像是巡察整改通报：缺少{'、'.join(missing)}。").message] if missing else []
    return Preview(name, "notice", doc=doc, errors=errors)


def _claimed_all_done(doc: NoticeDoc) -> bool:
    return any(c.subject == "findings" and c.total and c.done == c.total for c in doc.claims)


@dataclass
class PlannedMeasure:
    """A measure as the file gives it: its fields, its status and the progress that says so."""

    text: str
    lead: str = ""
    owner: str = ""
    kind: str = "deadline"
    deadline: dt.date | None = None
    status: str = "planned"
    report: tuple[dt.date, str] | None = None  # (date, text) of the progress report, if any
    evidence_note: str = ""
    remarks: str = ""
    row: int = 0  # the spreadsheet row it came from (a ledger), for messages

    @property
    def status_label(self) -> str:
        return MEASURE_STATUS.label(self.status)

    @property
    def kind_label(self) -> str:
        return MEASURE_KIND.label(self.kind)


@dataclass
class PlannedFinding:
    title: str
    description: str = ""
    category: str = ""
    number: str = ""
    measures: list[PlannedMeasure] = field(default_factory=list)
    effects: str = ""


def _notice_plan(inspection: Inspection, item: DocFinding, doc: NoticeDoc,
                 report_date: dt.date) -> PlannedFinding:
    """The finding as the notice states it: its measures, with the stated result as their status
    (and a progress report quoting it); 取得成效 kept as the finding's effects. A finding that
    lists no measures gets none: nothing is invented to hang the notice's words on."""
    status = item.status or ("done" if _claimed_all_done(doc) else None)
    kind = "ongoing" if status == "ongoing" else "deadline"
    deadline = None if kind == "ongoing" else inspection.rectification_end or report_date
    said = item.status_text or (STATUS_LABELS[status] if status else "")
    planned = []
    for index, text in enumerate(item.measures):
        target = MEASURE_STATUS_OF.get(status) if status else None
        if status == "partly":
            # 基本完成 is said of the finding: some of its measures done, the rest still under way.
            target = "done" if index < max(1, len(item.measures) // 2) else "in_progress"
        planned.append(PlannedMeasure(
            text=text, kind=kind, deadline=deadline, status=target or "planned",
            report=(report_date, f"据通报：{said}"[:2000]) if target else None))
    return PlannedFinding(title=item.title[:500], description=item.description or "",
                          category=item.category or "", number="/".join(item.path), measures=planned,
                          effects="\n".join(item.effects))


KIND_OF_LABEL = {MEASURE_KIND.label(value): value for value in MEASURE_KIND.values()}


def _ledger_plan(row: LedgerRow) -> PlannedMeasure:
    kind = "ongoing" if row.ongoing else "immediate" if KIND_OF_LABEL.get(row.kind) == "immediate" else "deadline"
    planned = PlannedMeasure(text=row.measure, lead=row.lead, owner=row.owner, kind=kind,
                             deadline=row.deadline if kind != "ongoing" else None, row=row.row)
    planned.evidence_note, planned.remarks = row.evidence, row.remarks
    if row.status == "planned" and not row.progress:
        return planned
    notes = [row.progress or "据台账导入。"]
    day = min(row.completed_on or measures.today(), measures.today())
    status = row.status if row.status != "planned" else "in_progress"
    if status == "ongoing" and kind != "ongoing":
        status = "in_progress"
    planned.status = status
    planned.report = (day, "\n".join(notes)[:4000])
    return planned


def _check_plan(plan: list[PlannedFinding]) -> None:
    """The rules the screens apply one row at a time, applied to the whole file before writing."""
    for item in plan:
        if not item.title.strip():
            raise InvalidInput("有问题的标题为空，未导入任何内容。")
        for measure in item.measures:
            if not measure.text.strip():
                raise InvalidInput(f"问题“{item.title[:30]}”有空白的整改措施，未导入任何内容。")
            if measure.kind not in MEASURE_KIND or measure.status not in MEASURE_STATUS:
                raise InvalidInput(f"问题“{item.title[:30]}”的措施类型或状态无法识别，未导入任何内容。")
            if measure.deadline is None and measure.kind != "ongoing":
                raise InvalidInput(f"问题“{item.title[:30]}”的措施缺少完成时限，未导入任何内容。")


def date_problems(inspection: Inspection, plan: list[PlannedFinding]) -> list[str]:
    """Each deadline and progress date of the file against the inspection's dates, by the rules
    the screens apply (measures.deadline_problem, measures.report_date_problem), with the row or
    finding it belongs to."""
    found = []
    for index, item in enumerate(plan, start=1):
        for number, planned in enumerate(item.measures, start=1):
            where = (f"第{planned.row}行" if planned.row else
                     f"第{index}个问题“{item.title[:20]}”的第{number}条措施")
            problems = [measures.deadline_problem(inspection, planned.kind, planned.deadline),
                        measures.report_date_problem(inspection, planned.report[0])
                        if planned.report else None]
            found.extend(f"{where}：{problem}" for problem in problems if problem)
    return found


def _refuse_dates(inspection: Inspection, plan: list[PlannedFinding]) -> None:
    problems = date_problems(inspection, plan)
    if problems:
        more = f"等{len(problems)}处" if len(problems) > 3 else ""
        listed = "；".join(problem.rstrip("。") for problem in problems[:3])
        raise InvalidInput(f"有日期不符合规则，未导入任何内容：{listed}{more}。")


def require_commit(actor: Actor, inspection: Inspection) -> None:
    """Who may import into an inspection at all: the team its findings, the unit its measures,
    the office both. Asked before anything is uploaded, so nobody stages a file they could never
    import (`import_kind` then says what this inspection takes from them)."""
    if not (permissions.allowed(actor, "import_findings", inspection)
            or permissions.allowed(actor, "import_measures", inspection)):
        permissions.require(actor, "import_findings", inspection)


def import_kind(actor: Actor, inspection: Inspection) -> str:
    """What this actor imports into this inspection now: FULL or FINDINGS into an inspection without
    findings, MEASURES onto the findings it has. Refuses (in Chinese) when there is nothing to take."""
    require_commit(actor, inspection)
    findings_ok = permissions.allowed(actor, "import_findings", inspection)
    measures_ok = permissions.allowed(actor, "import_measures", inspection)
    if inspection.findings.exists():
        if measures_ok:
            return MEASURES
        raise InvalidInput(EMPTY_ONLY)
    if findings_ok:
        return FULL if measures_ok else FINDINGS
    raise InvalidInput(NO_FINDINGS_YET)


def require_full(actor: Actor, inspection: Inspection) -> None:
    """Findings with their measures in one import: the office's (or the command line's)."""
    permissions.require(actor, "import_findings", inspection)
    permissions.require(actor, "import_measures", inspection)


def _require_empty(inspection: Inspection) -> None:
    if inspection.findings.exists():
        raise InvalidInput(EMPTY_ONLY)


def _write_plan(actor: Actor, inspection: Inspection, plan: list[PlannedFinding],
                audit_action: str, summary: str, source: str, staged: str = "") -> ImportResult:
    """Rows are built and converted first; then one short transaction writes them all, records the
    import and refreshes the summary (on SQLite nobody else can write while it runs)."""
    _check_plan(plan)
    _refuse_dates(inspection, plan)
    findings, measure_rows, report_rows = [], [], []
    owners: list[int] = []  # for each measure, the index of its finding
    report_owners: list[int] = []  # for each report, the index of its measure
    for index, p in enumerate(plan):
        open_deadlines = [m.deadline for m in p.measures
                          if m.status not in MEASURE_FINISHED and m.deadline is not None]
        # Derived state is known from the file, so each row is inserted once, complete.
        findings.append(Finding(
            inspection=inspection, title=p.title.strip(), description=p.description.strip(),
            category=p.category.strip(), number=p.number.strip(), position=index + 1, effects=p.effects,
            status=derive_finding_status([m.status for m in p.measures], closed=False, reopened=False),
            next_deadline=min(open_deadlines) if open_deadlines else None))
        for n, m in enumerate(p.measures, start=1):
            if m.report:
                report_rows.append(ProgressReport(date=m.report[0], text=m.report[1], author=actor.user))
                report_owners.append(len(measure_rows))
            owners.append(index)
            measure_rows.append(Measure(
                text=m.text.strip(), lead=m.lead.strip(), owner=m.owner.strip(), kind=m.kind,
                deadline=m.deadline, status=m.status, position=n, evidence_note=m.evidence_note, remarks=m.remarks,
                completed_on=m.report[0] if m.status == "done" and m.report else None,
                **derived.placement(inspection)))
    prepared = (bulk.prepare(Finding, findings), bulk.prepare(Measure, measure_rows, ("finding_id",)),
                bulk.prepare(ProgressReport, report_rows, ("measure_id",)))
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
        _require_empty(inspection)
        finding_ids = bulk.insert(prepared[0])
        measure_ids = bulk.insert(prepared[1], finding_id=[finding_ids[i] for i in owners])
        report_ids = bulk.insert(prepared[2], measure_id=[measure_ids[i] for i in report_owners])
        derived.refresh_inspection(inspection.pk)
        result = ImportResult(findings=len(finding_ids), measures=len(measure_ids),
                              finding_ids=finding_ids, measure_ids=measure_ids, report_ids=report_ids)
        _audit(actor, inspection, audit_action, summary.format(findings=result.findings,
                                                               measures=result.measures), source, result,
               staged)
        texts = [(reuse.progress_key(pk, row.text), row.text) for pk, row in zip(report_ids, report_rows, strict=True)]
        transaction.on_commit(lambda: reuse.index_many(texts))
    return result


def _audit(actor: Actor, inspection: Inspection, action: str, summary: str, source: str,
           result: ImportResult, staged: str = "") -> None:
    """One record for the whole import, naming every object it created."""
    audit.record(actor, action, inspection, summary, after={
        "source": source, "staged": staged or None, "findings": result.findings,
        "measures": result.measures,
        "finding_ids": result.finding_ids, "measure_ids": result.measure_ids,
        "progress_ids": result.report_ids})


def notice_plan(inspection: Inspection, doc: NoticeDoc) -> list[PlannedFinding]:
    """Every row a notice would add to the inspection, as the preview shows it and the import writes it."""
    report_date = doc.notice_date or inspection.rectification_end or inspection.feedback_date
    if report_date is None:
        raise InvalidInput("通报和巡察安排都没有日期，无法确定整改进展的日期。")
    # Never before the inspection it reports on, nor after today.
    floor = inspection.feedback_date or inspection.start
    report_date = min(max(report_date, floor) if floor else report_date, measures.today())
    return [_notice_plan(inspection, item, doc, report_date) for item in doc.findings]


def ledger_plan(book: LedgerBook) -> list[PlannedFinding]:
    return [PlannedFinding(title=item.text[:500], category=item.category, number=item.number,
                           measures=[_ledger_plan(row) for row in item.rows])
            for item in book.findings]


def import_notice(actor: Actor, inspection: Inspection, doc: NoticeDoc, staged: str = "") -> ImportResult:
    """Create the notice's findings, measures and stated statuses under an inspection."""
    require_full(actor, inspection)
    if not doc.findings:
        raise InvalidInput("通报中没有找到反馈问题，未导入任何内容。")
    # Planning takes no lock and reads nothing; _write_plan checks the inspection is empty
    # inside its transaction (checking twice was a seventh of an import's time).
    plan = notice_plan(inspection, doc)
    return _write_plan(actor, inspection, plan, "notice.import", "从通报导入 {findings} 个问题",
                       doc.source or "", staged)


def import_ledger(actor: Actor, inspection: Inspection, book: LedgerBook, source: str = "",
                  staged: str = "") -> ImportResult:
    """Create the ledger's findings and measures, with their progress and statuses."""
    require_full(actor, inspection)
    if book.errors:
        raise InvalidInput(f"台账有 {len(book.errors)} 处错误，请修改后重新导入；未导入任何内容。")
    if not book.findings:
        raise InvalidInput("台账中没有任何问题，未导入任何内容。")
    plan = ledger_plan(book)
    return _write_plan(actor, inspection, plan, "ledger.import",
                       "从台账导入 {findings} 个问题、{measures} 条措施", source, staged)


def findings_only(plan: list[PlannedFinding]) -> list[PlannedFinding]:
    """The 反馈问题清单 of a plan: what the team fed back, without the unit's measures and effects."""
    return [PlannedFinding(title=p.title, description=p.description, category=p.category, number=p.number)
            for p in plan]


def import_findings(actor: Actor, inspection: Inspection, plan: list[PlannedFinding], source: str = "",
                    staged: str = "") -> ImportResult:
    """The team's import: the findings alone, into an inspection without findings."""
    permissions.require(actor, "import_findings", inspection)
    if not plan:
        raise InvalidInput("文件中没有找到反馈问题，未导入任何内容。")
    return _write_plan(actor, inspection, findings_only(plan), "findings.import",
                       "导入反馈问题清单 {findings} 个问题", source, staged)


def _title_key(text: str) -> str:
    """A finding's title as compared across files: no spaces, no closing punctuation."""
    return re.sub(r"[\s。；;，,.]+$", "", re.sub(r"\s+", "", text))


def match_findings(inspection: Inspection, plan: list[PlannedFinding]) -> tuple[list[int], list[str], list[str]]:
    """(finding id per planned finding, errors, warnings): each planned finding is one of the
    inspection's findings by its title (the same, or one containing the other, and only one such);
    a finding that already has measures, or whose measures are frozen, takes none from a file."""
    ours = list(inspection.findings.annotate(measure_count=Count("measures")).order_by("position", "id"))
    keys = [(_title_key(f.title), f) for f in ours]
    targets: list[int] = []
    errors: list[str] = []
    for item in plan:
        key = _title_key(item.title)
        same = [f for k, f in keys if k == key] or [f for k, f in keys if key and k and (key in k or k in key)]
        if len(same) != 1:
            what = "找不到对应的反馈问题" if not same else "对应多个反馈问题"
            errors.append(f"问题{item.number or ''}“{item.title[:40]}”在本次巡察中{what}，请核对问题的表述。")
            targets.append(0)
            continue
        finding = same[0]
        if finding.measure_count:
            errors.append(f"本次巡察已有反馈问题“{finding.title[:40]}”及其整改措施，为避免重复不再导入；"
                          "请在问题页逐条修改。")
        elif frozen := measures.frozen_reason(finding):
            errors.append(f"问题“{finding.title[:40]}”：{frozen}")
        targets.append(finding.pk)
    taken = [t for t in targets if t]
    if len(taken) != len(set(taken)):
        errors.append("文件中有两个问题对应本次巡察的同一个反馈问题，请核对。")
    left = [f for f in ours if f.pk not in set(taken)]
    named = "；".join(f"“{Truncator(f.title).chars(21)}”" for f in left[:5])  # a cut title ends in …
    warnings = [f"本次巡察的 {len(left)} 个反馈问题不在文件中，不会改动：{named}{'等' if len(left) > 5 else ''}。"] \
        if left else []
    return targets, errors, warnings


def import_measures(actor: Actor, inspection: Inspection, plan: list[PlannedFinding], source: str = "",
                    staged: str = "") -> ImportResult:
    """The unit's import: measures, their progress and 取得成效 onto the inspection's findings.

    Rows are built first; one transaction checks the targets again under lock (still without
    measures, not frozen), inserts every measure and report, re-derives each finding (its history
    row included) and writes one audit record naming every object."""
    permissions.require(actor, "import_measures", inspection)
    _check_plan(plan)
    _refuse_dates(inspection, plan)
    if not any(p.measures for p in plan):
        raise InvalidInput("文件中没有整改措施，未导入任何内容。")
    targets, errors, _ = match_findings(inspection, plan)
    if errors:
        raise InvalidInput("文件与本次巡察的反馈问题对不上，未导入任何内容：" + "；".join(errors[:5]))
    measure_rows, report_rows, owners, report_owners = [], [], [], []
    for index, p in enumerate(plan):
        for n, m in enumerate(p.measures, start=1):
            if m.report:
                report_rows.append(ProgressReport(date=m.report[0], text=m.report[1], author=actor.user))
                report_owners.append(len(measure_rows))
            owners.append(targets[index])
            measure_rows.append(Measure(
                text=m.text.strip(), lead=m.lead.strip(), owner=m.owner.strip(), kind=m.kind,
                deadline=m.deadline, status=m.status, position=n, evidence_note=m.evidence_note, remarks=m.remarks,
                completed_on=m.report[0] if m.status == "done" and m.report else None,
                **derived.placement(inspection)))
    prepared = (bulk.prepare(Measure, measure_rows, ("finding_id",)),
                bulk.prepare(ProgressReport, report_rows, ("measure_id",)))
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
        locked = {f.pk: f for f in Finding.objects.select_for_update().filter(pk__in=targets)}
        if Measure.objects.filter(finding_id__in=targets).exists() or len(locked) != len(set(targets)) or \
                any(measures.frozen_reason(f) for f in locked.values()):
            raise InvalidInput(STATE_CHANGED)
        measure_ids = bulk.insert(prepared[0], finding_id=owners)
        report_ids = bulk.insert(prepared[1], measure_id=[measure_ids[i] for i in report_owners])
        for index, p in enumerate(plan):
            if p.effects and not locked[targets[index]].effects:
                Finding.objects.filter(pk=targets[index]).update(effects=p.effects)
        for finding_id in dict.fromkeys(targets):
            derived.refresh_finding(finding_id, actor)
        result = ImportResult(findings=len(set(targets)), measures=len(measure_ids),
                              finding_ids=list(dict.fromkeys(targets)), measure_ids=measure_ids,
                              report_ids=report_ids)
        _audit(actor, inspection, "measures.import",
               f"导入整改措施 {result.measures} 条（{result.findings} 个问题）", source, result, staged)
        texts = [(reuse.progress_key(pk, row.text), row.text) for pk, row in zip(report_ids, report_rows, strict=True)]
        transaction.on_commit(lambda: reuse.index_many(texts))
    return result


MISMATCH_REFUSED = "文件与本次巡察的信息不一致（{what}），请核对；确属本次巡察的，请勾选“仍导入到本次巡察”后再确认。"


def commit(actor: Actor, inspection: Inspection, prepared: Preview, staged: str = "",
           accept_mismatch: bool = False) -> ImportResult:
    kind = import_kind(actor, inspection)
    if not prepared.checked:  # a preview not checked against the inspection yet
        check_against(inspection, prepared, kind)
    if kind != prepared.kind:
        raise InvalidInput(STATE_CHANGED)
    if prepared.errors:
        raise InvalidInput("文件有错误，未导入任何内容：" + "；".join(prepared.errors[:5]))
    if prepared.mismatches and not accept_mismatch:
        raise InvalidInput(MISMATCH_REFUSED.format(what="；".join(prepared.mismatches)))
    source = (prepared.doc.source if prepared.doc is not None else "") or prepared.name
    if kind == FINDINGS:
        plan = notice_plan(inspection, prepared.doc) if prepared.doc is not None else ledger_plan(prepared.book)
        return import_findings(actor, inspection, plan, source, staged)
    if kind == MEASURES:
        if prepared.book is not None and prepared.book.errors:
            raise InvalidInput(f"台账有 {len(prepared.book.errors)} 处错误，请修改后重新导入；未导入任何内容。")
        plan = notice_plan(inspection, prepared.doc) if prepared.doc is not None else ledger_plan(prepared.book)
        return import_measures(actor, inspection, plan, source, staged)
    if prepared.doc is not None:
        return import_notice(actor, inspection, prepared.doc, staged)
    return import_ledger(actor, inspection, prepared.book, source=prepared.name, staged=staged)


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
    """Keep an upload for preview: permission and what the inspection takes first, then the size
    cap while it streams in."""
    kind = import_kind(actor, inspection)
    token = storage.unique_name()
    key = _staged_key(inspection, token)
    saved = storage.save_stream(STAGED, key, chunks, settings.IMPORT_MAX_BYTES,
                                label=f"文件“{name}”", check=_not_empty(name))
    with storage.removed_on_error(STAGED, [saved.name]), transaction.atomic():
        storage.delete_on_rollback(STAGED, [saved.name])
        audit.record(actor, "import.stage", inspection, f"上传待导入文件：{name}"[:300],
                     after={"file": name, "size": saved.size, "sha256": saved.sha256})
    return Staged(token, name, check_against(inspection, preview(name, storage.read_bytes(STAGED, saved.name),
                                                            inspection.unit.name),
                                             kind))


def _differs(ours: str, theirs: str | None) -> bool:
    """Names differ when neither contains the other (区委第四巡察组 ⊂ 中共某区委第四巡察组)."""
    if not theirs or not ours:
        return False
    a, b = re.sub(r"\s", "", ours), re.sub(r"\s", "", theirs)
    return a not in b and b not in a


def _mismatches(inspection: Inspection, doc: NoticeDoc) -> list[str]:
    found = []
    unit = inspection.unit
    if doc.unit and _differs(unit.name, doc.unit) and (not unit.short_name or _differs(unit.short_name, doc.unit)):
        found.append(f"文件中的被巡察单位是“{doc.unit}”，本次巡察是“{unit.name}”")
    if _differs(inspection.team.name, doc.team):
        found.append(f"文件中的巡察组是“{doc.team}”，本次巡察是“{inspection.team.name}”")
    for label, theirs, ours in (("进驻日期", doc.inspection_start, inspection.start),
                                ("结束日期", doc.inspection_end, inspection.end),
                                ("反馈日期", doc.feedback_date, inspection.feedback_date)):
        if theirs and ours and theirs != ours:
            found.append(f"文件中的{label}是{format_date(theirs)}，本次巡察是{format_date(ours)}")
    return found


def _claim_warnings(doc: NoticeDoc) -> list[str]:
    """Counts the notice states that what it lists does not bear out (12 claimed, 6 listed)."""
    listed = len(doc.findings)
    found = []
    for claim in doc.claims:
        if claim.subject != "findings":
            continue
        if claim.total is not None and claim.total != listed:
            found.append(f"通报称反馈问题{claim.total}个，文件中列出{listed}个；只会导入列出的{listed}个。")
        stated = [f.status for f in doc.findings if f.status]
        if claim.done is not None and len(stated) == listed and listed and \
                claim.done != sum(1 for s in stated if s == "done"):
            found.append(f"通报称已完成整改{claim.done}个，逐项列出的整改结果中已完成"
                         f"{sum(1 for s in stated if s == 'done')}个。")
    return found


def check_against(inspection: Inspection, prepared: Preview, kind: str | None = None) -> Preview:
    """Fill the preview with what would be stored and what deserves a look before confirming,
    for the kind of import (without one: the command line's, FULL into an inspection without
    findings, MEASURES onto the findings it has)."""
    prepared.kind = kind or (MEASURES if inspection.findings.exists() else FULL)
    prepared.checked = True
    _plan_for(inspection, prepared)
    if prepared.unreadable or not prepared.plan:
        return prepared
    if prepared.kind == FINDINGS:
        dropped = sum(len(p.measures) for p in prepared.plan)
        if dropped or any(p.effects for p in prepared.plan):
            prepared.warnings.append(f"文件中的 {dropped} 条整改措施及其进展、成效不会导入："
                                     "整改措施和进展由被巡察单位导入。")
        prepared.plan = findings_only(prepared.plan)
    elif prepared.kind == MEASURES:
        prepared.targets, errors, warnings = match_findings(inspection, prepared.plan)
        prepared.errors += errors
        prepared.warnings += warnings
    return prepared


def _plan_for(inspection: Inspection, prepared: Preview) -> None:
    from xuncha.core.lint import lint

    if prepared.doc is not None:
        doc = prepared.doc
        prepared.mismatches = _mismatches(inspection, doc)
        prepared.warnings = list(doc.warnings) + _claim_warnings(doc)
        prepared.diagnostics = [(f"[{'/'.join(d.finding)}] " if d.finding else "") + d.message for d in lint(doc)]
        try:
            prepared.plan = notice_plan(inspection, doc)
        except InvalidInput as exc:
            prepared.errors.append(exc.message)
        prepared.errors.extend(date_problems(inspection, prepared.plan))
    elif prepared.book is not None:
        book = prepared.book
        if book.unrecognised:
            prepared.warnings.append(f"以下列未能识别，不会导入：{'、'.join(book.unrecognised)}。")
        if book.extra:
            prepared.warnings.append(f"以下列将记入“备注”：{'、'.join(book.extra)}。")
        prepared.plan = ledger_plan(book) if not book.errors else []
        prepared.errors.extend(date_problems(inspection, prepared.plan))


def staged_preview(actor: Actor, inspection: Inspection, token: str, name: str) -> Preview:
    kind = import_kind(actor, inspection)
    try:
        data = storage.read_bytes(STAGED, _staged_key(inspection, token))
    except FileNotFoundError:
        raise InvalidInput("导入已过期，请重新上传文件。") from None
    return check_against(inspection, preview(name, data, inspection.unit.name), kind)


def commit_staged(actor: Actor, inspection: Inspection, token: str, name: str,
                  prepared: Preview | None = None, accept_mismatch: bool = False,
                  kind: str | None = None) -> ImportResult:
    """Import a staged upload; the upload is removed once the import has committed (a failed
    import keeps it, so it can be confirmed again). No transaction around it: the import builds its
    rows first and takes the write lock only to insert them. `kind` is the kind the person saw in
    the preview: if the inspection has changed since (the team imported its findings meanwhile),
    nothing is imported."""
    if prepared is None:  # the caller may have read it already (once per request)
        prepared = staged_preview(actor, inspection, token, name)
    if kind is not None and kind != prepared.kind:
        raise InvalidInput(STATE_CHANGED)
    result = commit(actor, inspection, prepared, staged=token, accept_mismatch=accept_mismatch)
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
    cutoff = (now or clock.now()) - dt.timedelta(hours=settings.IMPORT_STAGING_HOURS)
    old = [name for name in storage.walk(STAGED) if storage.modified(STAGED, name) < cutoff]
    storage.delete(STAGED, old)
    if old:
        log.info("purged %d staged import(s) older than %s", len(old), cutoff.isoformat())
        from xuncha.ledger.actor import system_actor

        audit.record_now(system_actor(), "imports.purge", None,
                         f"删除过期的待导入文件 {len(old)} 个", after={"files": len(old)})
    return len(old)


def measure_count(prepared: Preview) -> int:
    return sum(len(measures) for _, _, measures in prepared.findings)


def is_large(prepared: Preview) -> bool:
    """A large file is imported by a worker (`XUNCHA_IMPORT_BACKGROUND_ROWS`), so the person who
    confirmed it is answered at once and the site's processes stay free."""
    return measure_count(prepared) >= settings.IMPORT_BACKGROUND_ROWS


def commit_later(actor: Actor, inspection: Inspection, token: str, name: str, kind: str = ""):
    """Queue the import of a staged upload as a job; the job runs as the person who confirmed it,
    and imports nothing if the kind of import they saw no longer holds."""
    from xuncha.jobs.queue import enqueue

    require_commit(actor, inspection)
    return enqueue("import.commit", {"inspection": inspection.pk, "token": token, "name": name,
                                     "user": actor.user_id, "ip": actor.ip or "", "kind": kind},
                   actor=actor, key=f"import:{inspection.pk}:{token}",
                   title=f"导入“{name}”到{inspection.unit.name}"[:200])


def commit_staged_job(inspection_id: int, token: str, name: str, user_id: int, ip: str, kind: str = "") -> None:
    """The job's body. A rerun (the worker died after the commit, before the acknowledgement)
    finds the import already recorded and does nothing: its effect happens once."""
    from django.contrib.auth import get_user_model

    from xuncha.jobs.registry import JobError
    from xuncha.ledger.actor import actor_for
    from xuncha.ledger.models import AuditEvent

    done = AuditEvent.objects.filter(action__in=["notice.import", "ledger.import", "findings.import",
                                                 "measures.import"],
                                     object_type="inspection", object_id=inspection_id)
    if any((event.after or {}).get("staged") == token for event in done.only("after")):
        return
    inspection = Inspection.objects.select_related("unit").get(pk=inspection_id)
    actor = actor_for(get_user_model().objects.get(pk=user_id), ip or None)
    try:
        # Queued only once the person confirmed, having seen (and accepted) any mismatch.
        commit_staged(actor, inspection, token, name, accept_mismatch=True, kind=kind or None)
    except ServiceError as exc:
        raise JobError(exc.message) from None
