"""导出台账 of a whole round: one workbook, a 汇总 sheet and a sheet per unit.

A small round is built while the person waits; a large one (XUNCHA_EXPORT_BACKGROUND_MEASURES)
by a worker, the file kept under the "exports" kind and downloaded from the round page or
后台任务. The workbook holds names of people, so every export is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, Sum

from xuncha import clock
from xuncha.core.ledger_xlsx import UnitLedger, write_round_xlsx
from xuncha.core.statuses import MEASURE_UNFINISHED, JobState
from xuncha.ledger import permissions, selectors
from xuncha.ledger.actor import Actor, actor_for
from xuncha.ledger.errors import NotFound
from xuncha.ledger.models import Finding, Round
from xuncha.ledger.services import audit, storage

JOB = "ledger.round_export"
KIND = "exports"


def _inspections(actor: Actor, round_: Round):
    return permissions.visible_inspections(actor).filter(round=round_)


def measure_count(actor: Actor, round_: Round) -> int:
    """The maintained summaries, not a count over measures: one small query."""
    return _inspections(actor, round_).aggregate(n=Sum("measures_total"))["n"] or 0


def is_large(actor: Actor, round_: Round, measures: int | None = None) -> bool:
    """Built by a job rather than while the person waits (`measures`: the count, if known)."""
    count = measure_count(actor, round_) if measures is None else measures
    return count >= settings.EXPORT_BACKGROUND_MEASURES


def round_units(actor: Actor, round_: Round) -> list[UnitLedger]:
    """Every visible inspection of the round with its 台账 rows, in a fixed number of queries."""
    today = clock.today()
    inspections = list(_inspections(actor, round_).select_related("unit", "team").annotate(
        overdue=Count("findings__measures", filter=Q(findings__measures__status__in=MEASURE_UNFINISHED,
                                                     findings__measures__deadline__lt=today)))
        .order_by("unit__path"))
    findings = (Finding.objects.filter(inspection__in=[i.pk for i in inspections])
                .order_by("inspection_id", "position", "id")
                .prefetch_related(Prefetch("measures", queryset=selectors.LEDGER_MEASURES)))
    by_inspection: dict[int, list[Finding]] = {}
    for finding in findings:
        by_inspection.setdefault(finding.inspection_id, []).append(finding)
    return [UnitLedger(
        unit=i.unit.name, team=i.team.name, feedback_date=i.feedback_date,
        rectification_end=i.rectification_end, findings_total=i.findings_total,
        findings_finished=i.findings_finished, findings_closed=i.findings_closed,
        measures_total=i.measures_total, measures_finished=i.measures_finished, measures_overdue=i.overdue,
        rows=selectors.rows_of(by_inspection.get(i.pk, []))) for i in inspections]


def round_workbook(actor: Actor, round_: Round) -> bytes:
    """The workbook of what the actor may see of the round; audited."""
    units = round_units(actor, round_)
    data = write_round_xlsx(units, title=f"{round_.name}整改台账")
    audit.record(actor, "round.export", round_, f"导出{round_.name}整改台账（{len(units)}个单位）",
                 after={"units": len(units), "measures": sum(len(u.rows) for u in units)})
    return data


def request_export(actor: Actor, round_: Round):
    """Queue the export of a large round; returns the Job (shown on the round page)."""
    from xuncha.jobs import queue

    name = storage.unique_name(f"round-{round_.pk}-", ".xlsx")
    return queue.enqueue(JOB, {"round": round_.pk, "user": actor.user_id, "ip": actor.ip or "",
                               "name": name}, actor=actor, title=f"导出台账：{round_.name}")


def build_export(round: int, user: int, name: str, ip: str = "") -> None:
    """The job's work: build the workbook as the person who asked, and store it (idempotent)."""
    if storage.exists(KIND, name):
        return
    account = get_user_model().objects.filter(pk=user).first()
    round_ = Round.objects.filter(pk=round).first()
    if account is None or round_ is None:
        return
    storage.save_bytes(KIND, name, round_workbook(actor_for(account, ip or None), round_))


def purge_exports(now: dt.datetime | None = None) -> int:
    """Delete built workbooks older than XUNCHA_EXPORT_KEEP_DAYS (they hold personal data and
    can be built again); returns how many. Run daily by the `exports.purge` job."""
    cutoff = (now or clock.now()) - dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    old = [name for name in storage.walk(KIND) if storage.modified(KIND, name) < cutoff]
    storage.delete(KIND, old)
    return len(old)


@dataclass
class ExportFile:
    name: str
    filename: str


def export_jobs(actor: Actor, round_: Round, limit: int = 5):
    """The actor's recent exports of this round (one query)."""
    from xuncha.jobs.models import Job

    return list(Job.objects.filter(name=JOB, args__round=round_.pk, created_by_id=actor.user_id)
                .order_by("-created_at", "-id")[:limit])


def export_file(actor: Actor, job_id: int) -> ExportFile:
    """A finished export, for the person who asked (or anyone who sees every inspection)."""
    from xuncha.jobs.models import Job

    job = Job.objects.filter(pk=job_id, name=JOB, state=JobState.DONE).first()
    sees_all = permissions.ACTIONS["view"].get(actor.role) == permissions.ALL
    if job is None or not (sees_all or job.created_by_id == actor.user_id):
        raise NotFound()
    round_ = Round.objects.filter(pk=job.args.get("round")).first()
    if round_ is None or not storage.exists(KIND, job.args["name"]):
        raise NotFound()
    audit.record(actor, "round.export_download", round_, f"下载{round_.name}整改台账",
                 after={"job": job.pk})
    return ExportFile(job.args["name"], f"{round_.name}整改台账.xlsx")

