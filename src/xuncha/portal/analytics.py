"""群众监督 in 统计分析: comments, days to reply and satisfaction per inspection (the page's figures)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count

from xuncha.core.scoring import SATISFACTION_POINTS
from xuncha.portal.models import PublicComment


def _comments(inspection_ids: Iterable[int]):
    # A merged comment lives on in the one it joined: counted once.
    return PublicComment.objects.filter(inspection_id__in=inspection_ids).exclude(state="merged")


def comments(inspection_ids: Iterable[int]) -> dict[int, float]:
    rows = (_comments(inspection_ids).values("inspection_id").annotate(n=Count("id")).order_by()
            .values_list("inspection_id", "n"))
    return {iid: float(n) for iid, n in rows}


def reply_days(inspection_ids: Iterable[int]) -> dict[int, float]:
    """Mean calendar days from a comment to its reply, over the answered ones."""
    days: dict[int, list[float]] = defaultdict(list)
    rows = (_comments(inspection_ids).filter(replied_at__isnull=False).order_by()
            .values_list("inspection_id", "created_at", "replied_at"))
    for iid, asked, answered in rows:
        days[iid].append((answered - asked).total_seconds() / 86400)
    return {iid: sum(spans) / len(spans) for iid, spans in days.items()}


def satisfaction(inspection_ids: Iterable[int]) -> dict[int, float]:
    """满意度 as docs/portal.md defines it: (满意 + 基本满意) / rated, as a percentage; inspections
    nobody rated are left out. (The evaluation's 群众满意度 is a points score instead: 满意 100 /
    基本满意 70 / 不满意 30, averaged — core.scoring.satisfaction.)"""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (_comments(inspection_ids).exclude(rating="").values("inspection_id", "rating")
            .annotate(n=Count("id")).order_by())
    for row in rows:
        counts[row["inspection_id"]][row["rating"]] = row["n"]
    return {iid: 100.0 * (rated.get("satisfied", 0) + rated.get("basically", 0)) / total
            for iid, rated in counts.items() if (total := sum(rated.get(k, 0) for k in SATISFACTION_POINTS))}
