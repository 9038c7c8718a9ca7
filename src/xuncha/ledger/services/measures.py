"""Measures (整改措施) and their status moves, and progress reports with evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from xuncha import clock
from xuncha.core.statuses import MEASURE_KIND, MEASURE_STATUS
from xuncha.ledger import derived, permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, InvalidMove
from xuncha.ledger.models import Evidence, Finding, Measure, ProgressReport
from xuncha.ledger.services import audit, reuse, storage
from xuncha.ledger.services import evidence as evidence_files
from xuncha.ledger.services.cas import swap

EDITABLE = ["text", "lead", "owner", "kind", "deadline"]

# The legal moves of a measure's status; anything else is refused.
MOVES: frozenset[tuple[str, str]] = frozenset({
    ("planned", "in_progress"), ("planned", "done"), ("planned", "ongoing"),
    ("in_progress", "done"), ("in_progress", "ongoing"),
    ("done", "in_progress"), ("ongoing", "in_progress"), ("ongoing", "done"),
})

UploadedFile = tuple[str, Iterable[bytes]]  # (original name, chunks)


def today() -> dt.date:
    """The ledger's notion of today (one seam for tests to move the clock)."""
    return clock.today()


def _lock_changeable(finding_id: int) -> Finding:
    """Lock the finding; measures of a signed-off finding, or one awaiting sign-off, are frozen."""
    finding = Finding.objects.select_for_update().get(pk=finding_id)
    if finding.status == "closed":
        raise InvalidMove("该问题已销号，不能再修改整改措施；如问题反弹，请通过回头看重新打开。")
    if finding.closeouts.filter(state="requested").exists():
        raise InvalidMove("该问题正在等待销号审核，审核完成前不能修改整改措施。")
    return finding


def _check_fields(text: str, kind: str, deadline: dt.date | None) -> None:
    if not text.strip():
        raise InvalidInput("整改措施内容不能为空。", field="text")
    if kind not in MEASURE_KIND:
        raise InvalidInput("措施类型应为立行立改、限期整改或长期坚持。", field="kind")
    if deadline is None and kind != "ongoing":
        raise InvalidInput("请填写完成时限（长期坚持的措施可以不填）。", field="deadline")


@transaction.atomic
def create_measure(actor: Actor, finding: Finding, text: str, lead: str = "", owner: str = "",
                   kind: str = "deadline", deadline: dt.date | None = None) -> Measure:
    permissions.require(actor, "edit_measures", finding.inspection)
    finding = _lock_changeable(finding.pk)
    _check_fields(text, kind, deadline)
    position = (Measure.objects.filter(finding=finding).aggregate(m=Max("position"))["m"] or 0) + 1
    measure = Measure.objects.create(finding=finding, text=text.strip(), lead=lead.strip(), owner=owner.strip(),
                                     kind=kind, deadline=deadline, position=position)
    derived.refresh_finding(finding.pk)
    audit.record(actor, "measure.create", measure, f"新增整改措施：{measure.text[:60]}",
                 after=audit.snapshot(measure, EDITABLE))
    return measure


@transaction.atomic
def update_measure(actor: Actor, measure: Measure, expected_version: int, **fields) -> Measure:
    permissions.require(actor, "edit_measures", measure.finding.inspection)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"不能修改这些字段：{', '.join(sorted(unknown))}")
    _lock_changeable(measure.finding_id)
    merged = {name: fields.get(name, getattr(measure, name)) for name in EDITABLE}
    _check_fields(merged["text"], merged["kind"], merged["deadline"])
    before = audit.snapshot(measure, EDITABLE)
    swap(Measure, measure.pk, {"version": expected_version}, **fields)
    measure.refresh_from_db()
    derived.refresh_finding(measure.finding_id)
    audit.record(actor, "measure.update", measure, "修改整改措施", before=before,
                 after=audit.snapshot(measure, EDITABLE))
    return measure


def _move(actor: Actor, measure: Measure, new: str, expected_version: int | None,
          completed_on: dt.date | None) -> None:
    """The one place a measure's status changes."""
    old = measure.status
    if new not in MEASURE_STATUS:
        raise InvalidInput("未知的措施状态。", field="status")
    if (old, new) not in MOVES:
        raise InvalidMove(f"措施状态不能从“{MEASURE_STATUS.label(old)}”改为“{MEASURE_STATUS.label(new)}”。")
    if new == "ongoing" and measure.kind != "ongoing":
        raise InvalidMove("只有“长期坚持”类措施可以标为长期坚持。")
    if new == "done":
        completed_on = completed_on or today()
        if completed_on > today():
            raise InvalidInput("完成日期不能晚于今天。", field="completed_on")
    else:
        completed_on = None
    swap(Measure, measure.pk, {"version": expected_version, "status": old},
         status=new, completed_on=completed_on)
    measure.status, measure.completed_on = new, completed_on
    audit.record(actor, "measure.status", measure,
                 f"措施状态：{MEASURE_STATUS.label(old)} → {MEASURE_STATUS.label(new)}",
                 before={"status": old}, after={"status": new, "completed_on": audit.plain(completed_on)})


@transaction.atomic
def change_measure_status(actor: Actor, measure: Measure, new: str, expected_version: int | None = None,
                          completed_on: dt.date | None = None) -> Measure:
    permissions.require(actor, "report_progress", measure.finding.inspection)
    _lock_changeable(measure.finding_id)
    _move(actor, measure, new, expected_version, completed_on)
    derived.refresh_finding(measure.finding_id)
    measure.refresh_from_db()
    return measure


@transaction.atomic
def _report(actor: Actor, measure: Measure, date: dt.date, text: str, stored: list,
            mark: str | None, expected_version: int | None) -> ProgressReport:
    copied = reuse.copied_sources(text, measure.finding.inspection)  # before the lock: it reads files
    _lock_changeable(measure.finding_id)
    report = ProgressReport.objects.create(
        measure=measure, date=date, text=text, author=actor.user,
        copied_share=copied[0].share if copied else None, copied_from=copied[0].label[:200] if copied else "")
    reuse.index_later(reuse.progress_name(report), report.text)
    storage.delete_on_rollback(evidence_files.KIND, [f.stored_name for _, f in stored])
    for name, file in stored:
        Evidence.objects.create(report=report, original_name=name[:255], stored_name=file.stored_name,
                                sha256=file.sha256, size=file.size, content_type=file.content_type,
                                uploaded_by=actor.user)
    audit.record(actor, "progress.report", report, f"报送进展：{report.text[:60]}",
                 after={"measure": measure.pk, "date": date.isoformat(),
                        "evidence": [{"name": n, "sha256": f.sha256} for n, f in stored]})
    target = mark or ("in_progress" if measure.status == "planned" else None)
    if target and target != measure.status:
        _move(actor, measure, target, expected_version, date if target == "done" else None)
    derived.refresh_finding(measure.finding_id)
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
    if date > today():
        raise InvalidInput("进展日期不能晚于今天。", field="date")
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
