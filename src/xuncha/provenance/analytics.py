"""佐证材料核验 in 统计分析: a figure, a chart of flags by kind, and the finding-list filter its
bars link to. A pair flag counts in the scope of either of its two findings."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from xuncha.analytics import drill
from xuncha.analytics.report import Chart, Series, drill_url
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import PermissionDenied
from xuncha.provenance.kinds import FLAG_KIND
from xuncha.provenance.models import Flag


def provider(inspection_ids: Iterable[int]) -> dict[int, float]:
    """Flags per inspection (the side that raised it), for the page's figures."""
    rows = (Flag.objects.filter(inspection_id__in=inspection_ids).values("inspection_id")
            .annotate(n=Count("id")).order_by())
    return {row["inspection_id"]: row["n"] for row in rows}


def scoped_flags(actor: Actor, round_id: int | None = None):
    scope = permissions.ACTIONS["view_analytics"].get(actor.role)
    if scope is None:
        raise PermissionDenied(permissions.DENIED_MESSAGES["view_analytics"])
    flags = Flag.objects.all()
    if scope != permissions.ALL:
        flags = flags.filter(permissions.scope_filter(actor, "view_analytics", via="inspection__")
                             | permissions.scope_filter(actor, "view_analytics", via="other_inspection__"))
    if round_id:
        flags = flags.filter(Q(inspection__round_id=round_id) | Q(other_inspection__round_id=round_id))
    return flags


def chart(actor: Actor, round_id: int | None) -> Chart:
    counts = dict(scoped_flags(actor, round_id).values("kind").annotate(n=Count("id"))
                  .values_list("kind", "n").order_by())
    result = Chart("provenance", "佐证材料核验提示（按类型）", "提示类型",
                   note="暂无佐证材料核验提示。")
    if not any(counts.values()):
        return result
    result.categories = [c.label for c in FLAG_KIND]
    result.series = [Series("提示数", [counts.get(c.value, 0) for c in FLAG_KIND])]
    result.links = [drill_url(round=round_id, flag=c.value) for c in FLAG_KIND]
    return result


def _findings_flagged(kind: str) -> Q:
    flagged = Flag.objects.filter(kind=kind)
    return Q(pk__in=flagged.values("finding_id")) | Q(pk__in=flagged.filter(
        other_finding__isnull=False).values("other_finding_id"))


DRILL = drill.ExtraFilter(allowed=FLAG_KIND.values, query=_findings_flagged,
                          describe=lambda kind: f"佐证材料核验：{FLAG_KIND.label(kind)}")
