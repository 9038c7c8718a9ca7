"""Scoring: every unit of a round (a job), or one unit now (its page).

A round is scored in chunks of inspections: the facts of a chunk are a fixed number of grouped
queries (evaluation.facts), each formula is compiled once, and the results are bulk-inserted.
"""

from __future__ import annotations

import json
import time

from django.db import transaction

from xuncha import clock
from xuncha.core import scoring
from xuncha.evaluation import facts, selectors
from xuncha.evaluation.models import Result, Run
from xuncha.ledger.models import Inspection

CHUNK = 1000


def scheme_of(snapshot: dict) -> scoring.Scheme:
    """The scheme as a run stored it (so later edits do not change a finished run)."""
    return scoring.Scheme(
        items=tuple(scoring.compile_item(i["key"], i["kind"], i["name"], i["weight"], i["formula"],
                                         i.get("rated", False)) for i in snapshot["items"]),
        grades=tuple((str(label), float(low)) for label, low in snapshot["grades"]),
        groups=tuple(snapshot.get("groups", ())))


def _result(run: Run, inspection: dict, measured: dict, unit: scoring.UnitScore) -> Result:
    detail = {"f": [round(measured[k], 2) for k in scoring.FACT_KEYS],
              "p": [[round(i.value, 2), i.points, int(i.unrated), int(not i.applicable)] for i in unit.items],
              "v": unit.vetoed}
    return Result(run=run, inspection_id=inspection["id"], unit_id=inspection["unit_id"],
                  detail=json.dumps(detail, ensure_ascii=False, separators=(",", ":")), indicators=unit.indicators,
                  deductions=unit.deductions, total=unit.total, grade=unit.grade)


def score_run(pk: int) -> Run:
    """Compute every result of the run; a rerun replaces them."""
    started = time.perf_counter()
    run = Run.objects.select_related("round").get(pk=pk)
    Run.objects.filter(pk=pk).update(state="running")
    scheme = scheme_of(run.snapshot)
    rated = selectors.ratings_for_round(run.round_id)
    inspections = list(Inspection.objects.filter(round_id=run.round_id).order_by("id").values("id", "unit_id"))
    results = []
    for start in range(0, len(inspections), CHUNK):
        chunk = inspections[start:start + CHUNK]
        measured = facts.for_inspections([i["id"] for i in chunk])
        for inspection in chunk:
            values = measured[inspection["id"]]
            unit = scoring.score(scheme, values, rated.get(inspection["unit_id"], {}))
            results.append(_result(run, inspection, values, unit))
    with transaction.atomic():
        Result.objects.filter(run=run).delete()
        Result.objects.bulk_create(results, batch_size=500)
        Run.objects.filter(pk=pk).update(state="done", finished_at=clock.now(), units=len(results),
                                         seconds=time.perf_counter() - started)
    run.refresh_from_db()
    return run


def score_unit(inspection: Inspection) -> tuple[scoring.UnitScore, dict]:
    """The unit's score under the current scheme, from today's facts: (score, facts)."""
    scheme = selectors.current_scheme()
    measured = facts.for_inspections([inspection.pk])[inspection.pk]
    compiled = selectors.compiled(scheme)
    return scoring.score(compiled, measured, selectors.ratings(inspection.round_id, inspection.unit_id)), measured
