"""Measures (整改措施) and their status moves, and progress reports with evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Max

from xuncha import clock
from xuncha.core.statuses import MEASURE_KIND, MEASURE_STATUS
from xuncha.ledger import derived, permissions, transitions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, InvalidMove
from xuncha.ledger.models import Evidence, Finding, Inspection, Measure, ProgressReport
from xuncha.ledger.services import audit, reuse, storage
from xuncha.ledger.services import evidence as evidence_files
from xuncha.ledger.services.cas import swap

EDITABLE = ["text", "lead", "owner", "kind", "deadline"]

UploadedFile = tuple[str, Iterable[bytes]]  # (original name, chunks)
# Called in the transaction of each progress report with (report, [(evidence row, stored file)]);
# each returns what it adds to the report's audit record (xuncha.provenance: the flags raised).
REPORT_HOOKS: list[Callable[[ProgressReport, list], dict]] = []


def today() -> dt.date:
    """The ledger's notion of today (one seam for tests to move the clock)."""
    return clock.today()


def frozen_reason(finding: Finding) -> str | None:
    """Why the finding's measures cannot change now (signed off, or awaiting sign-off), if so."""
    return transitions.MEASURE.frozen(Measure(finding=finding))


def _lock_changeable(finding_id: int) -> Finding:
    """Lock the finding; refuse when its measures are frozen (the rule is in transitions)."""
    finding = Finding.objects.select_for_update().select_related("inspection").get(pk=finding_id)
    message = frozen_reason(finding)
    if message:
        raise InvalidMove(message)
    return finding


def earliest_deadline(inspection: Inspection, kind: str) -> dt.date | None:
    """A deadline may not come before the feedback date; a 立行立改 measure may date from the
    inspection's start (it was fixed while the team was there)."""
    if kind == "immediate":
        return inspection.start or inspection.feedback_date
    return inspection.feedback_date


def _check_fields(inspection: Inspection, text: str, kind: str, deadline: dt.date | None) -> None:
    if not text.strip():
        raise InvalidInput("整改措施内容不能为空。", field="text")
    if kind not in MEASURE_KIND:
        raise InvalidInput("措施类型应为立行立改、限期整改或长期坚持。", field="kind")
    if deadline is None and kind != "ongoing":
        raise InvalidInput("请填写完成时限（长期坚持的措施可以不填）。", field="deadline")
    problem = deadline_problem(inspection, kind, deadline)
    if problem:
        raise InvalidInput(problem, field="deadline")


def deadline_problem(inspection: Inspection, kind: str, deadline: dt.date | None) -> str | None:
    """What is wrong with a measure's deadline in this inspection, if anything (the screens, the
    API and the imports all ask here)."""
    earliest = earliest_deadline(inspection, kind)
    if deadline is not None and earliest is not None and deadline < earliest:
        what = "巡察进驻日期" if kind == "immediate" and inspection.start else "反馈日期"
        return f"完成时限不能早于{what}（{earliest:%Y年%-m月%-d日}）。"
    return None


def report_date_problem(inspection: Inspection, date: dt.date, what: str = "进展日期") -> str | None:
    """What is wrong with the date of a progress report in this inspection, if anything."""
    if date > today():
        return f"{what}不能晚于今天。"
    if inspection.start is not None and date < inspection.start:
        return f"{what}不能早于巡察进驻日期（{inspection.start:%Y年%-m月%-d日}）。"
    return None


def _check_report_date(inspection: Inspection, date: dt.date, what: str = "进展日期") -> None:
    problem = report_date_problem(inspection, date, what)
    if problem:
        raise InvalidInput(problem, field="date")


@transaction.atomic
def create_measure(actor: Actor, finding: Finding, text: str, lead: str = "", owner: str = "",
                   kind: str = "deadline", deadline: dt.date | None = None) -> Measure:
    permissions.require(actor, "edit_measures", finding.inspection)
    finding = _lock_changeable(finding.pk)
    _check_fields(finding.inspection, text, kind, deadline)
    position = (Measure.objects.filter(finding=finding).aggregate(m=Max("position"))["m"] or 0) + 1
    measure = Measure.objects.create(finding=finding, text=text.strip(), lead=lead.strip(), owner=owner.strip(),
                                     kind=kind, deadline=deadline, position=position,
                                     **derived.placement(finding.inspection))
    derived.refresh_finding(finding.pk, actor)
    audit.record(actor, "measure.create", measure, f"新增整改措施：{measure.text[:60]}",
                 after=audit.snapshot(measure, EDITABLE))
    return measure


@transaction.atomic
def update_measure(actor: Actor, measure: Measure, expected_version: int, **fields) -> Measure:
    permissions.require(actor, "edit_measures", measure.finding.inspection)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"不能修改这些字段：{', '.join(sorted(unknown))}")
    finding = _lock_changeable(measure.finding_id)
    merged = {name: fields.get(name, getattr(measure, name)) for name in EDITABLE}
    _check_fields(finding.inspection, merged["text"], merged["kind"], merged["deadline"])
    if measure.deadline is not None and merged["deadline"] not in (None, measure.deadline):
        raise InvalidMove("完成时限一经确定，调整须提出延期申请，写明理由，由巡察办审核。")
    before = audit.snapshot(measure, EDITABLE)
    swap(Measure, measure.pk, {"version": expected_version}, **fields)
    measure.refresh_from_db()
    derived.refresh_finding(measure.finding_id, actor)
    audit.record(actor, "measure.update", measure, "修改整改措施", before=before,
                 after=audit.snapshot(measure, EDITABLE))
    return measure


def _move(actor: Actor, measure: Measure, new: str, expected_version: int | None,
          completed_on: dt.date | None) -> None:
    """The one place a measure's status changes: through its transitions table."""
    old = measure.status
    if new not in MEASURE_STATUS:
        raise InvalidInput("未知的措施状态。", field="status")
    move = next((m for m in transitions.MEASURE.moves if m.target == new and old in m.sources), None)
    if move is None:
        raise InvalidMove(f"措施状态不能从“{MEASURE_STATUS.label(old)}”改为“{MEASURE_STATUS.label(new)}”。")
    if new == "done":
        completed_on = completed_on or today()
        _check_report_date(measure.finding.inspection, completed_on, "完成日期")
    else:
        completed_on = None
    transitions.apply(actor, measure, move.name, changes={"completed_on": completed_on},
                      expected_version=expected_version)


@transaction.atomic
def change_measure_status(actor: Actor, measure: Measure, new: str, expected_version: int | None = None,
                          completed_on: dt.date | None = None) -> Measure:
    permissions.require(actor, "report_progress", measure.finding.inspection)
    measure.finding = _lock_changeable(measure.finding_id)
    _move(actor, measure, new, expected_version, completed_on)
    derived.refresh_finding(measure.finding_id, actor)
    measure.refresh_from_db()
    return measure


@transaction.atomic
def _report(actor: Actor, measure: Measure, date: dt.date, text: str, stored: list,
            mark: str | None, expected_version: int | None) -> ProgressReport:
    copied = reuse.copied_sources(text, measure.finding.inspection)  # before the lock: it reads files
    measure.finding = _lock_changeable(measure.finding_id)
    report = ProgressReport.objects.create(
        measure=measure, date=date, text=text, author=actor.user,
        copied_share=copied[0].share if copied else None, copied_from=copied[0].label[:200] if copied else "")
    reuse.index_later(reuse.progress_name(report), report.text)
    storage.delete_on_rollback(evidence_files.KIND, [f.stored_name for _, f in stored])
    rows = [(Evidence.objects.create(report=report, original_name=name[:255], stored_name=file.stored_name,
                                     sha256=file.sha256, size=file.size, content_type=file.content_type,
                                     uploaded_by=actor.user), file)
            for name, file in stored]
    after = {"measure": measure.pk, "date": date.isoformat(),
             "evidence": [{"name": n, "sha256": f.sha256} for n, f in stored]}
    for hook in REPORT_HOOKS:
        after.update(hook(report, rows))
    # Named by its measure: a finding's timeline lists the reports of all its measures together.
    audit.record(actor, "progress.report", report,
                 f"报送进展（措施“{measure.text[:20]}{'…' if len(measure.text) > 20 else ''}”）：{report.text[:60]}",
                 after=after)
    target = mark or ("in_progress" if measure.status == "planned" else None)
    if target and target != measure.status:
        _move(actor, measure, target, expected_version, date if target == "done" else None)
    derived.refresh_finding(measure.finding_id, actor)
    return report


def report_progress(actor: Actor, measure: Measure, date: dt.date, text: str,
                    files: Iterable[UploadedFile] = (), mark: str | None = None,
                    expected_version: int | None = None) -> ProgressReport:
    """Add a progress report with evidence; optionally move the measure (e.g. to done).

    Files are written before the transaction (so no lock is held while they stream in) under
    names no row references yet, and removed again if the transaction, or any transaction
    around it, does not commit: a refused report leaves neither rows nor files behind.
    """
    permissions.require(actor, "report_progress", measure.finding.inspection)
    text = text.strip()
    if not text:
        raise InvalidInput("请填写进展情况。", field="text")
    _check_report_date(measure.finding.inspection, date)
    if mark is not None and mark not in MEASURE_STATUS:
        raise InvalidInput("未知的措施状态。", field="mark")
    stored: list = []
    try:
        for name, chunks in files:
            stored.append((name, evidence_files.store(chunks, name)))
        return _report(actor, measure, date, text, stored, mark, expected_version)
    except BaseException:
        evidence_files.discard(f.stored_name for _, f in stored)
        raise
