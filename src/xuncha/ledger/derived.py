"""Derived state: a finding's status and next deadline, an inspection's summary counts.

Services call these inside their transaction after changing measures or sign-offs, so
the stored values never drift from the rows they summarise.
"""

from __future__ import annotations

from django.db.models import Count, Q

from xuncha.core.statuses import FINDING_READY_FOR_CLOSEOUT, MEASURE_FINISHED, derive_finding_status
from xuncha.ledger.models import Closeout, Finding, Inspection, Measure, StatusChange

# Further summaries of an inspection kept in the same transaction; each is called with its id.
# (xuncha.analytics registers its summary rows here.)
INSPECTION_HOOKS: list = []


def placement(inspection: Inspection) -> dict[str, int]:
    """The inspection and round a new measure of this inspection carries (Measure.inspection,
    Measure.round): every service that inserts measures takes them from here."""
    return {"inspection_id": inspection.pk, "round_id": inspection.round_id}
def _derive(finding: Finding, rows: list[tuple[str, object]], approved: bool) -> tuple[str, object]:
    """(status, next deadline) of a finding from its measures' (status, deadline) and sign-off."""
    closed = approved and not finding.reopened
    status = derive_finding_status([s for s, _ in rows], closed=closed, reopened=finding.reopened,
                                   returned=finding.returned)
    deadlines = [d for s, d in rows if s not in MEASURE_FINISHED and d is not None]
    return status, (min(deadlines) if deadlines and status != "closed" else None)


def _store(finding: Finding, status: str, next_deadline, actor) -> None:
    if (status, next_deadline) == (finding.status, finding.next_deadline):
        return
    Finding.objects.filter(pk=finding.pk).update(status=status, next_deadline=next_deadline,
                                                 version=finding.version + 1)
    if actor is not None and status != finding.status:
        from xuncha.ledger import transitions

        transitions.record_derived(actor, "finding", finding, finding.status, status)
    finding.status, finding.next_deadline, finding.version = status, next_deadline, finding.version + 1


def refresh_finding(finding_id: int, actor=None) -> Finding:
    """Re-derive a finding's status from its measures and sign-off; lock it while doing so.

    With the acting `actor`, a changed status also gets its history row (StatusChange).
    """
    finding = Finding.objects.select_for_update().get(pk=finding_id)
    rows = list(Measure.objects.filter(finding_id=finding_id).values_list("status", "deadline"))
    approved = Closeout.objects.filter(finding_id=finding_id, state="approved").exists()
    _store(finding, *_derive(finding, rows, approved), actor)
    refresh_inspection(finding.inspection_id)
    return finding


def refresh_findings(finding_ids: list[int], actor=None) -> None:
    """The same for many findings at once (a bulk path: an exchange bundle), in a few queries,
    then each touched inspection's summary once."""
    findings = list(Finding.objects.select_for_update().filter(pk__in=finding_ids).order_by("pk"))
    rows: dict[int, list] = {finding.pk: [] for finding in findings}
    for finding_id, status, deadline in Measure.objects.filter(finding_id__in=rows).values_list(
            "finding_id", "status", "deadline"):
        rows[finding_id].append((status, deadline))
    approved = set(Closeout.objects.filter(finding_id__in=rows, state="approved").values_list("finding_id",
                                                                                               flat=True))
    for finding in findings:
        _store(finding, *_derive(finding, rows[finding.pk], finding.pk in approved), actor)
    for inspection_id in sorted({finding.inspection_id for finding in findings}):
        refresh_inspection(inspection_id)


def refresh_inspection(inspection_id: int) -> None:
    """Rewrite the inspection's summary counts (a few dozen rows: cheap, and never drifts)."""
    Inspection.objects.select_for_update().filter(pk=inspection_id).first()
    findings = Finding.objects.filter(inspection_id=inspection_id).aggregate(
        total=Count("id"),
        finished=Count("id", filter=Q(status__in=FINDING_READY_FOR_CLOSEOUT | {"closed"})),
        closed=Count("id", filter=Q(status="closed")),
    )
    measures = Measure.objects.filter(inspection_id=inspection_id).aggregate(
        total=Count("id"), finished=Count("id", filter=Q(status__in=MEASURE_FINISHED)),
    )
    Inspection.objects.filter(pk=inspection_id).update(
        findings_total=findings["total"], findings_finished=findings["finished"],
        findings_closed=findings["closed"], measures_total=measures["total"],
        measures_finished=measures["finished"],
    )
    for hook in INSPECTION_HOOKS:
        hook(inspection_id)



def ready_for_closeout(finding: Finding) -> bool:
    """May this finding be signed off? A reopened one needs new work since the rebound."""
    if finding.status in FINDING_READY_FOR_CLOSEOUT:
        return True
    if finding.status == "returned":
        statuses = list(Measure.objects.filter(finding=finding).values_list("status", flat=True))
        return bool(statuses) and all(s in MEASURE_FINISHED for s in statuses)
    if finding.status != "reopened":
        return False
    statuses = list(Measure.objects.filter(finding=finding).values_list("status", flat=True))
    if not statuses or not all(s in MEASURE_FINISHED for s in statuses):
        return False
    # Since the latest reopening: a rebound found by 回头看 or a failed 随机抽查 (its move's history row).
    reopenings = [at for at in (
        finding.lookbacks.filter(result="rebounded").order_by("-created_at").values_list("created_at", flat=True)
        .first(),
        StatusChange.objects.filter(object_kind="finding", object_id=finding.pk, to_status="reopened")
        .order_by("-at").values_list("at", flat=True).first(),
    ) if at is not None]
    return not reopenings or Measure.objects.filter(finding=finding, updated_at__gt=max(reopenings)).exists()
