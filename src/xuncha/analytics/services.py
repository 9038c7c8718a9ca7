"""Changes made from 统计分析: exports (audited), 共性问题 runs and pushes, repeat decisions."""

from __future__ import annotations

from django.db import transaction

from xuncha import clock
from xuncha.analytics.models import ClusterRun, CommonIssue, CommonIssuePush, RepeatDecision
from xuncha.core.similar import CATEGORY_LABELS
from xuncha.jobs.queue import enqueue
from xuncha.ledger import derived, permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, NotFound
from xuncha.ledger.models import Finding, Inspection, Round
from xuncha.ledger.services import audit, findings

MAX_ROUNDS = 10


def record_export(actor: Actor, what: str, filters: dict) -> None:
    """An export of figures is a data export: one audit record saying what and with which filters."""
    audit.record_now(actor, "analytics.export", None, f"导出统计：{what}"[:300], after={"filters": filters})


@transaction.atomic
def start_clustering(actor: Actor, round_ids: list[int]) -> ClusterRun:
    permissions.require(actor, "push_common_issues")
    rounds = list(Round.objects.filter(pk__in=round_ids).values_list("pk", flat=True))
    if not rounds:
        raise InvalidInput("请选择至少一个巡察轮次。", field="rounds")
    if len(rounds) > MAX_ROUNDS:
        raise InvalidInput(f"一次最多分析{MAX_ROUNDS}个轮次。", field="rounds")
    run = ClusterRun.objects.create(rounds=sorted(rounds), created_by_id=actor.user_id, created_at=clock.now())
    enqueue("analytics.cluster", {"pk": run.pk}, actor=actor, key=f"analytics.cluster:{run.pk}")
    return run


def _round_of(cluster_findings: list[Finding], round_id: int | None) -> Round:
    rounds = {f.inspection.round_id for f in cluster_findings}
    if round_id is None and len(rounds) == 1:
        round_id = rounds.pop()
    round_ = Round.objects.filter(pk=round_id).first() if round_id else None
    if round_ is None:
        raise InvalidInput("请选择推送到哪个轮次的单位。", field="round")
    return round_


@transaction.atomic
def push_common_issue(actor: Actor, name: str, finding_ids: list[int], unit_ids: list[int],
                      round_id: int | None = None, description: str = "") -> CommonIssue:
    """Name a cluster and create a 自查 finding for it in each chosen unit's inspection."""
    permissions.require(actor, "push_common_issues")
    name = name.strip()
    if not name:
        raise InvalidInput("请为共性问题命名。", field="name")
    sources = list(Finding.objects.filter(pk__in=finding_ids).select_related("inspection"))
    if not sources:
        raise InvalidInput("共性问题至少要有一个来源问题。", field="findings")
    if not unit_ids:
        raise InvalidInput("请选择要推送的单位。", field="units")
    round_ = _round_of(sources, round_id)
    source_units = {f.inspection.unit_id for f in sources if f.inspection.round_id == round_.pk}
    targets = list(Inspection.objects.filter(round=round_, unit_id__in=unit_ids)
                   .exclude(unit_id__in=source_units).select_related("unit", "round", "team"))
    if len(targets) != len(set(unit_ids) - source_units):
        raise NotFound()
    category = _category(sources)
    issue = CommonIssue.objects.create(round=round_, name=name[:200], category=category,
                                       created_by_id=actor.user_id, created_at=clock.now())
    issue.sources.set(sources)
    text = description.strip() or "；".join(dict.fromkeys(f.title for f in sources))[:2000]
    for inspection in targets:
        finding = findings.create_finding(
            actor, inspection, title=name, category="共性问题自查自纠", source="self_check",
            description=f"巡察办推送的共性问题，请对照自查自纠。其他单位的同类问题：{text}")
        CommonIssuePush.objects.create(issue=issue, finding=finding)
    audit.record(actor, "common_issue.push", round_, f"推送共性问题“{name}”到{len(targets)}个单位",
                 after={"issue": issue.pk, "units": sorted(i.unit_id for i in targets),
                        "sources": sorted(f.pk for f in sources)})
    return issue


def _category(sources: list[Finding]) -> str:
    from xuncha.core.similar import canonical_category

    keys = [canonical_category(f.title, f.category) for f in sources]
    best = max(set(keys), key=keys.count)
    return best if best in CATEGORY_LABELS else ""


@transaction.atomic
def decide_repeat(actor: Actor, finding: Finding, earlier: Finding, confirm: bool) -> RepeatDecision:
    """The team's answer to a proposed repeat; a confirmed one becomes the finding's `previous`."""
    permissions.require(actor, "confirm_repeats", finding.inspection)
    if earlier.inspection.unit_id != finding.inspection.unit_id or earlier.pk == finding.pk:
        raise InvalidInput("只能关联同一单位此前轮次的问题。", field="earlier")
    if confirm and finding.previous_id and finding.previous_id != earlier.pk:
        raise InvalidInput("该问题已关联其他上轮问题，请先在问题编辑中取消关联。", field="earlier")
    decision, _ = RepeatDecision.objects.update_or_create(
        finding=finding, earlier=earlier,
        defaults={"decision": "confirmed" if confirm else "rejected", "decided_by_id": actor.user_id,
                  "decided_at": clock.now()})
    if confirm and finding.previous_id != earlier.pk:
        findings.update_finding(actor, finding, finding.version, previous=earlier)
    elif not confirm and finding.previous_id == earlier.pk:
        findings.update_finding(actor, finding, finding.version, previous=None)
    derived.refresh_inspection(finding.inspection_id)  # repeats are counted per unit
    audit.record(actor, "finding.repeat_confirm" if confirm else "finding.repeat_reject", finding,
                 f"{'确认' if confirm else '否认'}屡查屡犯：{earlier.title}"[:300],
                 after={"earlier": earlier.pk})
    return decision
