"""督办 in 统计分析: the 督办 items per inspection, for the page's figures."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count

from xuncha.notify.models import Supervision


def supervisions(inspection_ids: Iterable[int]) -> dict[int, float]:
    rows = (Supervision.objects.filter(inspection_id__in=inspection_ids).values("inspection_id")
            .annotate(n=Count("id")).order_by().values_list("inspection_id", "n"))
    return {iid: float(n) for iid, n in rows}
