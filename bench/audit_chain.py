"""The audit chain's cost: one act with the chain against the same act with a plain insert.

    python bench/audit_chain.py --json [--acts 2000] [--verify 20000]

In a temporary SQLite database (or the empty database of DATABASE_URL), the same process
measures, alternating in rounds so that load on the machine hits both alike:

- record: `audit.record` (scope, lock the chain head, hash, insert, move the head) against the
  baseline, the same call with the chain's append swapped for a plain `AuditEvent.objects.create`
  of the same fields (the record as it was before the chain);
- act: a whole service act (`measures.update_measure`: permission, compare-and-swap, summary,
  audit record), chained against the same swap;
- verify: records per second that `xuncha audit verify` checks.

The last line is one JSON object: {"record": {"chain_us", "plain_us", "ratio", "added_us"}, "act": {…},
"verify": {"records", "seconds", "per_second"}}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time


def _setup(folder: str) -> None:
    os.environ.update(XUNCHA_DATA_DIR=folder, XUNCHA_LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="xuncha.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _plain_append(**fields):
    """The baseline: the record without its chain (no head lock, no hash)."""
    from django.db import transaction

    from xuncha import clock
    from xuncha.ledger.models import AuditEvent

    with transaction.atomic():
        return AuditEvent.objects.create(at=clock.now(), **fields)


def _timed(call, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e6)
    return times


def run(args) -> dict:
    import datetime as dt

    from django.db import transaction

    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.models import Measure
    from xuncha.ledger.services import audit, audit_chain, findings, measures, setup

    actor = system_actor()
    unit = setup.create_unit(actor, "基准社区")
    team = setup.get_or_create_team(actor, "基准巡察组")
    round_ = setup.create_round(actor, "基准轮次", start=dt.date(2025, 7, 1))
    inspection = setup.create_inspection(actor, round_, team, unit, start=dt.date(2025, 7, 2))
    finding = findings.create_finding(actor, inspection, "基准问题")
    measure = measures.create_measure(actor, finding, "基准措施", owner="社区", deadline=dt.date(2025, 12, 31))

    def record() -> None:
        with transaction.atomic():
            audit.record(actor, "bench.record", measure, "基准记录", before={"n": 1}, after={"n": 2})

    counter = iter(range(10**9))

    def act() -> None:
        current = Measure.objects.get(pk=measure.pk)
        measures.update_measure(actor, current, current.version, text=f"基准措施{next(counter)}")

    def plain(call) -> None:
        original = audit_chain.append  # the same call with the chain's append swapped out
        audit_chain.append = _plain_append
        try:
            call()
        finally:
            audit_chain.append = original

    results = {}
    for name, call in (("record", record), ("act", act)):
        chain_times, plain_times = [], []
        for i in range(args.acts):  # interleaved, each first in turn: the machine's load hits both alike
            if i % 2:
                chain_times += _timed(call, 1)
                plain_times += _timed(lambda call=call: plain(call), 1)
            else:
                plain_times += _timed(lambda call=call: plain(call), 1)
                chain_times += _timed(call, 1)
        chain_us, plain_us = statistics.median(chain_times), statistics.median(plain_times)
        differences = [c - p for c, p in zip(chain_times, plain_times, strict=True)]
        results[name] = {"chain_us": round(chain_us), "plain_us": round(plain_us),
                         "ratio": round(chain_us / plain_us, 2),
                         "added_us": round(statistics.median(differences))}
    # The plain inserts above left records without a chain: verify a chain of its own size.
    from xuncha.ledger.models import AuditEvent

    AuditEvent.objects.filter(seq=None).delete()
    while AuditEvent.objects.count() < args.verify:
        with transaction.atomic():
            for _ in range(500):
                audit.record(actor, "bench.record", measure, "基准记录", after={"n": 3})
    start = time.perf_counter()
    verdict = audit_chain.verify()
    seconds = time.perf_counter() - start
    assert verdict.ok, verdict.problem
    results["verify"] = {"records": verdict.checked, "seconds": round(seconds, 2),
                         "per_second": round(verdict.checked / seconds)}
    from django.db import connection

    results["database"] = connection.vendor
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always)")
    parser.add_argument("--acts", type=int, default=2000)
    parser.add_argument("--verify", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xuncha-bench-") as folder:
        _setup(folder)
        results = run(args)
    for name in ("record", "act"):
        value = results[name]
        print(f"{name:<7} chain {value['chain_us']:7d} µs  plain {value['plain_us']:7d} µs  "
              f"ratio {value['ratio']}  added {value['added_us']} µs (median of pairs)", file=sys.stderr)
    print(f"verify  {results['verify']['records']} records in {results['verify']['seconds']} s "
          f"({results['verify']['per_second']}/s)", file=sys.stderr)
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
