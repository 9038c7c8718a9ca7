"""共性问题: cluster the findings of some rounds (run as a job) and read the result back."""

from __future__ import annotations

import time
from dataclasses import dataclass

from xuncha.analytics.models import ClusterRun
from xuncha.core import similar
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import NotFound
from xuncha.ledger.models import Finding, Inspection, Unit

SAMPLE = 5


def compute(round_ids: list[int]) -> tuple[int, list[dict]]:
    """(findings read, clusters as JSON-ready dicts) for the findings of the rounds."""
    rows = Finding.objects.filter(inspection__round_id__in=round_ids).exclude(source="self_check").values_list(
        "pk", "inspection__unit_id", "title", "category")
    items = [similar.Item(pk, unit, title, similar.canonical_category(title, heading))
             for pk, unit, title, heading in rows.iterator(chunk_size=5000)]
    out = []
    for found in similar.cluster(items):
        theme = similar.theme(found.items[0].text)
        category = similar.THEME_CATEGORY.get(theme, found.category)
        out.append({"category": category, "theme": theme, "units": found.units,
                    "findings": [i.id for i in found.items], "sample": found.items[0].text[:200]})
    return len(items), out


def run(pk: int) -> None:
    """The job: compute and store the clusters of one run (the whole result replaced at once)."""
    started = time.perf_counter()
    run_ = ClusterRun.objects.get(pk=pk)
    ClusterRun.objects.filter(pk=pk).update(state="running")
    count, clusters = compute(run_.rounds)
    ClusterRun.objects.filter(pk=pk).update(state="done", findings=count, clusters=clusters,
                                            seconds=round(time.perf_counter() - started, 3))


@dataclass
class ClusterView:
    index: int
    category: str
    sample: str
    findings: list[Finding]
    units: list[Unit]
    others: list[Inspection]  # the round's other units: where a push can go


def latest_run(actor: Actor) -> ClusterRun | None:
    permissions.require(actor, "view_common_issues")
    return ClusterRun.objects.first()


def get_run(actor: Actor, pk: int) -> ClusterRun:
    permissions.require(actor, "view_common_issues")
    run_ = ClusterRun.objects.filter(pk=pk).first()
    if run_ is None:
        raise NotFound()
    return run_


def cluster_views(run_: ClusterRun, limit: int = 50) -> list[ClusterView]:
    """The run's largest clusters with their findings, units and the round's other units."""
    chosen = run_.clusters[:limit]
    ids = {fid for c in chosen for fid in c["findings"][:SAMPLE * 4]}
    found = Finding.objects.filter(pk__in=ids).select_related("inspection__unit", "inspection__round")
    by_id = {f.pk: f for f in found}
    unit_ids = {u for c in chosen for u in c["units"]}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    inspections = list(Inspection.objects.filter(round_id__in=run_.rounds).select_related("unit")
                       .order_by("unit__name")) if len(run_.rounds) == 1 else []
    views = []
    for index, c in enumerate(chosen):
        members = set(c["units"])
        views.append(ClusterView(
            index=index, category=similar.CATEGORY_LABELS.get(c["category"], "其他"), sample=c["sample"],
            findings=[by_id[f] for f in c["findings"][:SAMPLE * 4] if f in by_id],
            units=[units[u] for u in c["units"] if u in units],
            others=[i for i in inspections if i.unit_id not in members]))
    return views
