"""API list endpoints at province scale, on SQLite and PostgreSQL, against the pages they mirror.

    python bench/api.py [--scale 1.0] [--requests 200] [--engines sqlite,postgresql] [--regenerate]

For each engine (a child process of its own) it sets up the province ledger the staff-page
benchmarks share (bench/staffsite.py: 1,000,000 measures at --scale 1.0, generated once and
kept), then requests each API list with a Bearer token through the real URL
stack, middleware and use log, and, in the same process, the staff page built from the same
selector (the baseline). It prints p50/p95/p99 server time and query counts of both and the ratio
of the API's p95 to the page's. The last line is one JSON object:

    {"sqlite": {NAME: {"api": {"p50_ms", "p95_ms", "p99_ms", "queries"}, "page": {…}, "p95_ratio"}}, …}
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import staffsite  # the province set-up, the percentiles and the child processes

OWNER_ALL = "owner=%E7%A4%BE%E5%8C%BA&status=all"  # 责任人 contains 社区, every status


def _timed(client, url, requests: int, **headers) -> dict:
    from django.db import connection

    for i in range(3):
        assert client.get(url(i), **headers).status_code == 200, url(i)
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url(0), **headers)
    times = []
    for i in range(requests):
        start = time.perf_counter()
        response = client.get(url(i), **headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return {"p50_ms": round(staffsite.percentile(times, 0.5), 2), "p95_ms": round(staffsite.percentile(times, 0.95), 2),
            "p99_ms": round(staffsite.percentile(times, 0.99), 2), "queries": len(queries)}


def child(engine: str, scale_factor: float, requests: int, regenerate: bool) -> dict:
    staffsite.prepare(engine, scale_factor, regenerate)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from xuncha.api import tokens
    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.models import Round, Unit

    users = {name: get_user_model().objects.get(username=f"bench-{name}") for name in ("admin", "editor")}
    bearer = {name: {"HTTP_AUTHORIZATION": "Bearer " + tokens.create_token(system_actor(), user).secret}
              for name, user in users.items()}
    sessions = {name: Client() for name in users}
    for name, client in sessions.items():
        client.force_login(users[name])
    first_round = Round.objects.order_by("id").values_list("id", flat=True).first()
    districts = list(Unit.objects.filter(parent_id=1).order_by("id").values_list("id", flat=True))
    # name: (who, API list, the page from the same selector)
    lists = {
        "measures": ("admin", lambda i: f"/api/v1/measures?page={1 + i % 20}",
                     lambda i: f"/measures/?page={1 + i % 20}"),
        "measures_red_unit": ("admin", lambda i: f"/api/v1/measures?colour=red&unit={districts[i % len(districts)]}",
                              lambda i: f"/measures/?colour=red&unit={districts[i % len(districts)]}"),
        "measures_round_yellow": ("admin", lambda i: f"/api/v1/measures?round={1 + i % 4}&colour=yellow",
                                  lambda i: f"/measures/?round={1 + i % 4}&colour=yellow"),
        "measures_owner_all": ("admin", lambda i: f"/api/v1/measures?{OWNER_ALL}&page={1 + i % 5}",
                               lambda i: f"/measures/?{OWNER_ALL}&page={1 + i % 5}"),
        "measures_editor": ("editor", lambda i: "/api/v1/measures", lambda i: "/measures/"),
        "findings": ("admin", lambda i: f"/api/v1/findings?page={1 + i % 20}",
                     lambda i: f"/findings/?page={1 + i % 20}"),
        "inspections_round": ("admin", lambda i: f"/api/v1/inspections?round={first_round}&page={1 + i % 5}",
                              lambda i: f"/rounds/{first_round}/?upage={1 + i % 5}"),
    }
    results = {}
    api_client = Client()

    def measure(name: str, who: str, api_url, page_url) -> None:
        api = _timed(api_client, api_url, requests, **bearer[who])
        page = _timed(sessions[who], page_url, requests)
        results[name] = {"api": api, "page": page, "p95_ratio": round(api["p95_ms"] / page["p95_ms"], 2)}
        print(f"[{engine}] {name:<22} API p50 {api['p50_ms']:7.2f} p95 {api['p95_ms']:7.2f} ms ({api['queries']} q)"
              f" | page p95 {page['p95_ms']:7.2f} ms ({page['queries']} q) | ratio {results[name]['p95_ratio']}",
              file=sys.stderr)

    for name, (who, api_url, page_url) in lists.items():
        measure(name, who, api_url, page_url)
    _interviews(measure, districts)
    return results


def _interviews(measure, districts: list[int]) -> None:
    """约谈: the generated ledger has none, so one per inspection (more than a province's daily run
    makes), half of them held, is made for the run and rolled back after: the kept ledger stays
    as generated."""
    import datetime as dt

    from django.db import transaction

    from xuncha.ledger.models import Inspection
    from xuncha.notify.models import Interview

    day = dt.date(2025, 11, 1)
    with transaction.atomic():
        rows = Inspection.objects.order_by("id").values_list("id", "unit__name")
        Interview.objects.bulk_create(
            [Interview(inspection_id=pk, unit_name=name, opened_on=day, state="held" if pk % 2 else "planned")
             for pk, name in rows], batch_size=2000)
        measure("interviews", "admin", lambda i: f"/api/v1/interviews?page={1 + i % 5}",
                lambda i: f"/interviews/?page={1 + i % 5}")
        measure("interviews_planned_unit", "admin",
                lambda i: f"/api/v1/interviews?status=planned&unit={districts[i % len(districts)]}",
                lambda i: "/interviews/?status=planned")
        transaction.set_rollback(True)


def main() -> int:
    args = staffsite.arguments(__doc__, requests=200)
    return staffsite.run(__file__, args, lambda engine: child(engine, args.scale, args.requests, args.regenerate))


if __name__ == "__main__":
    sys.exit(main())
