"""The inspection page of a 2,500-finding inspection: a page at a time against the whole tree.

    python bench/inspection_page.py --json [--findings 2500] [--requests 30]

It builds one inspection of FINDINGS findings (about 3.3 measures each, texts from the sample
notices, statuses and summaries derived as the ledger does: bench/province.py with one community)
in a temporary SQLite database, or in the database of DATABASE_URL when it is set (it must be
empty), and requests the inspection page through the real URL stack and middleware
(django.test.Client) as the office admin. The baseline, in the same process on the same data,
is the page as it was before paging: every finding with its measures and ledger 体检 in one
response (the same view with more findings per page than the inspection has). It prints
p50/p95 server time, the response size and the query count of each; the last line is one JSON
object:

    {"paged": {"p50_ms", "p95_ms", "bytes", "queries"}, "whole": {…},
     "speedup": whole p50 / paged p50}
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PASSWORD = "bench-only-Password-1"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(client, url: str, requests: int) -> dict:
    from django.db import connection

    response = client.get(url)
    assert response.status_code == 200, response.status_code
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(percentile(times, 0.5), 1), "p95_ms": round(percentile(times, 0.95), 1),
            "bytes": len(response.content), "queries": len(queries)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always)")
    parser.add_argument("--findings", type=int, default=2500)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xuncha-bench-") as folder:
        results = run(folder, args)
    print(json.dumps(results, ensure_ascii=False))
    return 0


def run(folder: str, args) -> dict:
    os.environ.update(XUNCHA_DATA_DIR=folder, XUNCHA_ALLOWED_HOSTS="testserver",
                      XUNCHA_LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="xuncha.settings")
    os.environ["XUNCHA_2FA"] = "off"  # the page is measured, not the login
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    import province
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from xuncha.ledger import selectors
    from xuncha.ledger.models import Inspection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    scale = province.Scale(units=3, findings=args.findings, measures=args.findings * 10 // 3,
                           events=1000, rounds=1, teams=1, districts=1)
    province.generate(scale, log=lambda message: None)
    province.create_bench_users(3, PASSWORD)
    inspection = Inspection.objects.get()
    client = Client()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="bench-admin"))
    url = f"/inspections/{inspection.pk}/"
    results = {"paged": measure(client, url, args.requests)}
    paged = selectors.FINDINGS_PER_PAGE
    # The whole tree in one response, as before paging.
    selectors.FINDINGS_PER_PAGE = args.findings + 1
    results["whole"] = measure(client, url, max(3, args.requests // 6))
    selectors.FINDINGS_PER_PAGE = paged
    for name, value in results.items():
        print(f"{name:<6} p50 {value['p50_ms']:8.1f} ms  p95 {value['p95_ms']:8.1f} ms  "
              f"{value['bytes'] / 1024:8.0f} KB  queries {value['queries']}", file=sys.stderr)
    results["speedup"] = round(results["whole"]["p50_ms"] / results["paged"]["p50_ms"], 1)
    results["findings"] = inspection.findings_total
    results["measures"] = inspection.measures_total
    return results


if __name__ == "__main__":
    sys.exit(main())
