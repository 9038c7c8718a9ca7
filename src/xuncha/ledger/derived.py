"""Derived state: a finding's status and next deadline, an inspection's summary counts.

Services call these inside their transaction after changing measures or sign-offs, so
the stored values never drift from the rows they summarise.
"""

from __future__ import annotations

from django.db.models import Count, Q

from xuncha.core.statuses import FINDING_READY_FOR_CLOSEOUT, MEASURE_FINISHED, derive_finding_status
from xuncha.ledger.models import Closeout, Finding, Inspection, Measure

# Further summaries of an inspection kept in the same transaction; each is called with its id.
# (xuncha.analytics registers its summary rows here.)
INSPECTION_HOOKS: list = []


def refresh_finding(finding_id: int, actor=None) -> Finding:
    """Re-derive a finding's status from its measures and sign-off; lock it while doing so.

    With the acting `actor`, a changed status also gets its history row (StatusChange).
    """
    finding = Finding.objects.select_for_update().get(pk=finding_id)
    rows = list(Measure.objects.filter(finding_id=finding_id).values_list("status", "deadline"))
    closed = Closeout.objects.filter(finding_id=finding_id, state="approved").exists() and not finding.reopened
    status = derive_finding_status([s for s, _ in rows], closed=closed, reopened=finding.reopened,
                                   returned=finding.returned)
    deadlines = [d for s, d in rows if s not in MEASURE_FINISHED and d is not None]
    next_deadline = min(deadlines) if deadlines and status != "closed" else None
    if (status, next_deadline) != (finding.status, finding.next_deadline):
        Finding.objects.filter(pk=finding_id).update(
            status=status, next_deadline=next_deadline, version=finding.version + 1)
        if actor is not None and status != finding.status:
            from xuncha.ledger import transitions

            transitions.record_derived(actor, "finding", finding, finding.status, status)
        finding.status, finding.next_deadline, finding.version = status, next_deadline, finding.version + 1
    refresh_inspection(finding.inspection_id)
    return finding


def refresh_inspection(inspection_id: int) -> None:
    """Rewrite the inspection's summary counts (a few dozen rows: cheap, and never drifts)."""
    Inspection.objects.select_for_update().filter(pk=inspection_id).first()
    findings = Finding.objects.filter(inspection_id=inspection_id).aggregate(
        total=Count("id"),
        finished=Count("id", filter=Q(status__in=FINDING_READY_FOR_CLOSEOUT | {"closed"})),
        closed=Count("id", filter=Q(status="closed")),
    )
    measures = Measure.objects.filter(finding__inspection_id=inspection_id).aggregate(
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
    rebound = finding.lookbacks.filter(result="rebounded").order_by("-created_at").first()
    return rebound is None or Measure.objects.filter(finding=finding, updated_at__gt=rebound.created_at).exists()
