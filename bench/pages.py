"""Staff pages at province scale, on SQLite and PostgreSQL side by side.

    python bench/pages.py --json [--scale 1.0] [--requests 200] [--engines sqlite,postgresql] [--regenerate]

On the province ledger of bench/staffsite.py (bench/province.py: 1,000,019 measures) it requests
the 工作台 of each role that has one worth timing, a round page, an inspection page, the findings
list, the measure list with each filter a 工作台 count links to, and every to-do list, as the
office admin (whose scope is the whole province) and as a unit editor. It prints p50/p95/p99
server time, the query count of one request, and requests per second relative to a bare view
behind the same middleware. It also times the 工作台 totals from the maintained summaries against
computing them per request with annotate(Count). The last line is one JSON object:

    {"sqlite": {PAGE: {"p50_ms", "p95_ms", "p99_ms", "queries", "rps_ratio"}, …, "summaries": {…}},
     "postgresql": {…}}
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import staffsite


def child(engine: str, scale_factor: float, requests: int, regenerate: bool) -> dict:
    staffsite.prepare(engine, scale_factor, regenerate)
    from urllib.parse import quote

    from xuncha.ledger.models import Inspection, Round, Team, Unit
    from xuncha.ledger.worklists import WORKLISTS

    admin, editor = staffsite.client_for("bench-admin"), staffsite.client_for("bench-editor")
    rounds = list(Round.objects.order_by("id").values_list("id", flat=True))
    step = max(1, Inspection.objects.count() // 50)
    inspection_ids = list(Inspection.objects.order_by("id").values_list("id", flat=True))[::step]
    districts = list(Unit.objects.filter(parent_id=1).order_by("id").values_list("id", flat=True))
    teams = list(Team.objects.order_by("id").values_list("id", flat=True))
    owner = quote("社区")

    def pick(values: list, i: int):
        return values[(i * 7) % len(values)]

    urls = {
        "bare": lambda i: "/_bench/bare",
        "workbench": lambda i: "/",
        "round": lambda i: f"/rounds/{rounds[0]}/?upage={1 + i % 5}",
        "inspection": lambda i: f"/inspections/{inspection_ids[i % len(inspection_ids)]}/",
        "findings": lambda i: f"/findings/?page={1 + i % 20}",
        # The measure list (/measures/): urgency order, then with each filter and the counts the
        # 工作台 links to, on pages a person reaches (1–20).
        "measures": lambda i: f"/measures/?page={1 + i % 20}",
        "measures_red": lambda i: f"/measures/?colour=red&page={1 + i % 5}",
        "measures_red_unit": lambda i: f"/measures/?colour=red&unit={pick(districts, i)}",
        "measures_round": lambda i: f"/measures/?round={pick(rounds, i)}&page={1 + i % 5}",
        "measures_round_yellow": lambda i: f"/measures/?round={pick(rounds, i)}&colour=yellow",
        "measures_round_unit_all": lambda i: f"/measures/?round={pick(rounds, i)}&unit={pick(districts, i)}"
                                             "&status=all",
        "measures_team_green": lambda i: f"/measures/?team={pick(teams, i)}&colour=green",
        "measures_owner_all": lambda i: f"/measures/?owner={owner}&status=all&page={1 + i % 5}",
        "measures_done": lambda i: f"/measures/?status=done&page={1 + i % 5}",
        "measures_late": lambda i: "/measures/?status=late",
        "measures_no_evidence": lambda i: "/measures/?status=done&evidence=none",
        "measures_kind_status": lambda i: f"/measures/?kind=deadline&status=in_progress&page={1 + i % 5}",
        **{f"todo_{key}": (lambda i, key=key: f"/todo/{key}/") for key in WORKLISTS},
        "workbench_editor": lambda i: "/",
        "measures_editor": lambda i: f"/measures/?page={1 + i % 3}",
    }
    pages = {name: (editor if name.endswith("_editor") else admin, url) for name, url in urls.items()}
    results = staffsite.time_pages(engine, pages, requests)
    results["summaries"] = summaries_vs_counting(requests=max(20, requests // 10))
    return results


def summaries_vs_counting(requests: int) -> dict:
    """The 工作台 totals from maintained summaries vs annotate(Count) per request, same process."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q, Sum

    from xuncha.core.statuses import FINDING_READY_FOR_CLOSEOUT, MEASURE_FINISHED
    from xuncha.ledger import permissions, selectors
    from xuncha.ledger.actor import actor_for

    actor = actor_for(get_user_model().objects.get(username="bench-admin"))

    def from_summaries():
        return permissions.visible_inspections(actor).aggregate(
            findings_total=Sum("findings_total"), findings_finished=Sum("findings_finished"),
            findings_closed=Sum("findings_closed"), measures_total=Sum("measures_total"),
            measures_finished=Sum("measures_finished"))

    def by_counting():
        rows = permissions.visible_inspections(actor).annotate(
            f_total=Count("findings", distinct=True),
            f_finished=Count("findings", filter=Q(findings__status__in=FINDING_READY_FOR_CLOSEOUT | {"closed"}),
                             distinct=True),
            f_closed=Count("findings", filter=Q(findings__status="closed"), distinct=True))
        totals = rows.aggregate(findings_total=Sum("f_total"), findings_finished=Sum("f_finished"),
                                findings_closed=Sum("f_closed"))
        measures = selectors.measures_in_scope(actor).aggregate(
            measures_total=Count("id"), measures_finished=Count("id", filter=Q(status__in=MEASURE_FINISHED)))
        return {**totals, **measures}

    assert from_summaries() == by_counting(), "maintained summaries disagree with the rows"
    timings = {}
    for name, fn in [("summaries", from_summaries), ("annotate_count", by_counting)]:
        runs = requests if name == "summaries" else max(3, requests // 10)
        start = time.perf_counter()
        for _ in range(runs):
            fn()
        timings[name] = (time.perf_counter() - start) / runs
    return {"summaries_ms": round(timings["summaries"] * 1000, 2),
            "annotate_count_ms": round(timings["annotate_count"] * 1000, 2),
            "rps_ratio": round(timings["annotate_count"] / timings["summaries"], 1)}


def main() -> int:
    args = staffsite.arguments(__doc__, requests=200)
    return staffsite.run(__file__, args, lambda engine: child(engine, args.scale, args.requests,
                                                              args.regenerate))


if __name__ == "__main__":
    sys.exit(main())
