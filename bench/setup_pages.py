"""巡察安排 pages and the round export (导出台账) at province scale, SQLite and PostgreSQL.

    python bench/setup_pages.py --json [--scale 1.0] [--requests 100] [--engines sqlite,postgresql]

On the province ledger of bench/staffsite.py (bench/province.py: 10,000 units, 20 rounds of about
500 inspections, 200 teams, 1,000,019 measures), shared with bench/pages.py. Each page is
requested through the real URL stack as the office admin; the baseline is a bare view behind the
same middleware, in the same run. Then one round's workbook is built as the queued job builds it
(a summary sheet and a sheet per unit) and timed against writing the same rows as one-sheet
workbooks per inspection, the way an office merged files by hand before.
The last line is one JSON object: {ENGINE: {PAGE: {"p50_ms", "p95_ms", "p99_ms", "queries",
"rps_ratio"}, "export": {…}}}.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import staffsite


def time_pages(engine: str, requests: int) -> dict:
    from xuncha.ledger.models import Inspection, Round, Team, Unit

    client = staffsite.client_for("bench-admin")
    round_id = Round.objects.order_by("id").values_list("id", flat=True).first()
    district = Unit.objects.filter(parent__parent__isnull=True, parent__isnull=False).order_by("id").first()
    unit = Unit.objects.order_by("-id").first()
    team = Team.objects.order_by("id").first()
    inspection = Inspection.objects.filter(round_id=round_id).order_by("id").first()
    urls = {
        "bare": lambda i: "/_bench/bare",
        "setup": lambda i: "/setup/",
        "setup-units": lambda i: f"/setup/units/?page={1 + (i * 37) % 200}",
        "setup-unit": lambda i: f"/setup/units/{unit.pk}/",
        "setup-teams": lambda i: "/setup/teams/",
        "setup-team": lambda i: f"/setup/teams/{team.pk}/",
        "setup-round": lambda i: f"/setup/rounds/{round_id}/?page={1 + i % 5}"
                                 + (f"&under={district.pk}" if i % 2 else ""),
        "setup-inspection": lambda i: f"/setup/inspections/{inspection.pk}/",
    }
    return staffsite.time_pages(engine, {name: (client, url) for name, url in urls.items()}, requests)


def time_export(engine: str) -> dict:
    """One round's workbook as the job builds it, against one workbook per inspection."""
    from django.contrib.auth import get_user_model

    from xuncha.core.ledger_xlsx import write_xlsx
    from xuncha.ledger import selectors
    from xuncha.ledger.actor import actor_for
    from xuncha.ledger.models import Inspection, Round
    from xuncha.ledger.services import exports

    actor = actor_for(get_user_model().objects.get(username="bench-admin"))
    round_ = Round.objects.order_by("id").first()
    start = time.perf_counter()
    data = exports.round_workbook(actor, round_)
    round_seconds = time.perf_counter() - start
    measures = exports.measure_count(actor, round_)
    start = time.perf_counter()
    for inspection in Inspection.objects.filter(round=round_).select_related("unit"):
        write_xlsx(selectors.ledger_rows(inspection), title=inspection.unit.name)
    separate_seconds = time.perf_counter() - start
    result = {"units": Inspection.objects.filter(round=round_).count(), "measures": measures,
              "seconds": round(round_seconds, 2), "mb": round(len(data) / 2**20, 1),
              "measures_per_s": round(measures / round_seconds),
              "per_inspection_seconds": round(separate_seconds, 2),
              "ratio": round(separate_seconds / round_seconds, 2)}
    print(f"[{engine}] export {result}", file=sys.stderr)
    return result


def child(engine: str, scale: float, requests: int, regenerate: bool, export: bool = True) -> dict:
    staffsite.prepare(engine, scale, regenerate)
    return {**time_pages(engine, requests), **({"export": time_export(engine)} if export else {})}


def main() -> int:
    args = staffsite.arguments(__doc__, requests=100, extra=lambda parser: parser.add_argument(
        "--pages-only", action="store_true", help="skip timing the round export"))
    return staffsite.run(__file__, args, lambda engine: child(
        engine, args.scale, args.requests, args.regenerate, export=not args.pages_only))


if __name__ == "__main__":
    raise SystemExit(main())
