"""整改成效评估's background work: scoring every unit of a round."""

from __future__ import annotations

import logging

from xuncha.evaluation import runs
from xuncha.evaluation.models import Run
from xuncha.jobs.registry import job
from xuncha.jobs.runner import step

log = logging.getLogger(__name__)


def _failed(pk: int, reason: str = "") -> None:
    Run.objects.filter(pk=pk).update(state="failed")


# Not atomic: a long transaction would hold SQLite's write lock; a rerun replaces the results.
@job("evaluation.score", title="整改成效评估", max_attempts=3, atomic=False, on_failure=_failed)
def score(pk: int) -> None:
    step("计算各单位得分")
    run = runs.score_run(pk)
    log.info("evaluation run %s scored %s units in %.2f s", pk, run.units, run.seconds or 0)
