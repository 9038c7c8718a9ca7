"""统计分析's background work: the nightly rebuild of the summaries and 共性问题 clustering."""

from __future__ import annotations

import datetime as dt
import logging

from xuncha.analytics import clusters, summaries
from xuncha.analytics.models import ClusterRun
from xuncha.jobs.registry import job
from xuncha.jobs.runner import step

log = logging.getLogger(__name__)


def _cluster_failed(pk: int, reason: str) -> None:
    ClusterRun.objects.filter(pk=pk).update(state="failed")


# Not atomic: a transaction around seconds of computing would hold SQLite's write lock; a rerun
# replaces the run's whole result.
@job("analytics.cluster", title="共性问题聚类", max_attempts=3, atomic=False, on_failure=_cluster_failed)
def cluster(pk: int) -> None:
    step("聚类问题")
    clusters.run(pk)


# Many short transactions (a chunk of inspections each), so not one long atomic job; a rerun
# rewrites the same rows.
@job("analytics.rebuild", title="重算统计分析汇总", atomic=False)
def rebuild(day: str = "") -> None:
    step("重算汇总")
    summaries.refresh_pending()  # notes whose queued job was lost; the rebuild rewrites all anyway
    count = summaries.rebuild(dt.date.fromisoformat(day) if day else None)
    log.info("analytics summaries rebuilt for %s inspections", count)


# Each inspection in its own short transaction (refresh_pending); a rerun finds what is left.
@job("analytics.refresh", title="更新统计分析汇总", atomic=False)
def refresh() -> None:
    step("更新汇总")
    count = summaries.refresh_pending()
    log.debug("analytics summaries refreshed for %s inspections", count)
