"""The facts an evaluation scheme reads, for many inspections at once (a fixed number of queries).

Counts of findings, closures, repeats and overdue measures come from 统计分析's maintained
summaries (analytics.Summary); the rest are one grouped query each over the rows their features
own: measures (按期完成), 延期, 督办, public ratings, 随机抽查, 回头看 and the 体检 of each
inspection's latest notice (cached per notice text by ledger.services.notice_checks).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, Q, Sum

from xuncha import clock
from xuncha.analytics.models import Summary
from xuncha.analytics.summaries import AGES, refresh_pending
from xuncha.core.scoring import FACT_KEYS, rate, satisfaction
from xuncha.core.statuses import MEASURE_FINISHED
from xuncha.evaluation.models import CheckItem
from xuncha.ledger.models import ExtensionRequest, Lookback, Measure, Notice

Facts = dict[str, float]


def _grouped(queryset, key: str) -> dict[int, int]:
    return dict(queryset.values(key).annotate(n=Count("id")).values_list(key, "n"))


def _summaries(ids: list[int]) -> dict[int, dict]:
    # A change's summary rows are rewritten by a queued job; scores read them up to date.
    refresh_pending(inspections=ids)
    sums = {name: Sum(name) for name in ("findings", "finished", "closed", "repeats", "measures", *AGES)}
    rows = Summary.objects.filter(inspection_id__in=ids).values("inspection_id").annotate(**sums)
    return {row["inspection_id"]: row for row in rows}


def _ontime(ids: list[int]) -> dict[int, tuple[int, int]]:
    """(measures due or finished with a deadline, of them finished by the deadline) per inspection."""
    today = clock.today()
    dated = Q(deadline__isnull=False)
    finished = Q(status__in=MEASURE_FINISHED)
    rows = (Measure.objects.filter(inspection_id__in=ids).values("inspection_id")
            .annotate(due=Count("id", filter=dated & (finished | Q(deadline__lt=today))),
                      ontime=Count("id", filter=dated & finished & Q(completed_on__lte=F("deadline")))))
    return {r["inspection_id"]: (r["due"], r["ontime"]) for r in rows}


def _supervisions(ids: list[int]) -> dict[int, int]:
    from xuncha.notify.models import Supervision

    return _grouped(Supervision.objects.filter(inspection_id__in=ids), "inspection_id")


def _ratings(ids: list[int]) -> dict[int, dict[str, int]]:
    from xuncha.portal.models import PublicComment

    out: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (PublicComment.objects.filter(inspection_id__in=ids).exclude(rating="")
            .values("inspection_id", "rating").annotate(n=Count("id")))
    for row in rows:
        out[row["inspection_id"]][row["rating"]] = row["n"]
    return out


def _lint_errors(ids: list[int]) -> dict[int, int]:
    from xuncha.ledger.services import notice_checks

    latest: dict[int, Notice] = {}
    for notice in Notice.objects.filter(inspection_id__in=ids).order_by("inspection_id", "version"):
        latest[notice.inspection_id] = notice
    return {iid: sum(d.severity == "error" for d in notice_checks.page_checks(notice))
            for iid, notice in latest.items()}


def for_inspections(inspection_ids: Iterable[int]) -> dict[int, Facts]:
    """{inspection id: {fact key: value}} for every FACTS key."""
    ids = list(inspection_ids)
    summaries, ontime = _summaries(ids), _ontime(ids)
    extensions = _grouped(ExtensionRequest.objects.filter(
        measure__finding__inspection_id__in=ids, state="approved"), "measure__finding__inspection_id")
    supervisions, ratings, lint = _supervisions(ids), _ratings(ids), _lint_errors(ids)
    failed = _grouped(CheckItem.objects.filter(inspection_id__in=ids, result="failed"), "inspection_id")
    rebounds = _grouped(Lookback.objects.filter(finding__inspection_id__in=ids, result="rebounded"),
                        "finding__inspection_id")
    out = {}
    for iid in ids:
        s = summaries.get(iid) or {}
        findings = s.get("findings") or 0
        due, on_time = ontime.get(iid, (0, 0))
        mean, rated = satisfaction(ratings.get(iid, {}))
        facts = {
            "findings": findings, "measures": s.get("measures") or 0,
            "completion_rate": rate(s.get("finished") or 0, findings),
            "ontime_rate": rate(on_time, due),
            "closeout_rate": rate(s.get("closed") or 0, findings),
            "overdue": sum(s.get(age) or 0 for age in AGES),
            "extensions": extensions.get(iid, 0), "supervisions": supervisions.get(iid, 0),
            "lint_errors": lint.get(iid, 0), "satisfaction": mean, "ratings": rated,
            "repeats": s.get("repeats") or 0, "failed_checks": failed.get(iid, 0),
            "rebounds": rebounds.get(iid, 0),
        }
        facts["contradictions"] = facts["failed_checks"] + facts["rebounds"]
        facts["due"] = due
        out[iid] = {k: float(facts[k]) for k in FACT_KEYS}
    return out
