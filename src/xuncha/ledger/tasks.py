"""The ledger's background work, run by `xuncha worker` (xuncha.jobs)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings

from xuncha.jobs.registry import job
from xuncha.jobs.runner import step
from xuncha.ledger.services import reuse, reuse_checks

log = logging.getLogger(__name__)


# Files and a long run: not in one transaction (docs/architecture.md, the exactly-once contract);
# run_check is idempotent instead.
def _reuse_check_failed(pk: int, reason: str) -> None:
    reuse_checks.mark_failed(pk)


@job("reuse.check", title="雷同检测", max_attempts=3, atomic=False, on_failure=_reuse_check_failed)
def reuse_check(pk: int) -> None:
    step("比对文档")
    reuse_checks.run_check(pk)


@job("reuse.purge", title="清理过期雷同检测", atomic=False)
def reuse_purge(day: str) -> None:
    cutoff = dt.date.fromisoformat(day) - dt.timedelta(days=settings.REUSE_CHECK_DAYS)
    removed = reuse_checks.purge(cutoff)
    log.info("removed %s reuse checks created before %s", removed, cutoff)


@job("reuse.index_maintenance", title="雷同索引维护", atomic=False)
def reuse_index_maintenance(day: str = "") -> None:
    step("合并索引分段")
    segments = reuse.store().compact()
    log.info("reuse index: %s segment(s) merged into one", segments)
