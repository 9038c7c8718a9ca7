"""A large Excel ledger imported into an inspection: the bulk path against the screens replayed.

    python bench/imports.py --json [--rows 10000] [--baseline-rows 1000]

Builds a 台账 of --rows measures (three per finding) with xuncha's own writer, reads it back,
and commits it into an empty inspection of a fresh SQLite database in a temporary data folder:
one transaction, bulk inserts (`imports.import_ledger`). The baseline in the same run replays the
same rows through the per-row services the screens use (create_finding, create_measure,
report_progress), on --baseline-rows rows. The last line is one JSON object:

    {"rows", "commit_s", "rows_per_s", "baseline_rows_per_s", "ratio", "queries"}
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("XUNCHA_DATA_DIR", tempfile.mkdtemp(prefix="xuncha-bench-imports-"))
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")


def setup():
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def inspection(name: str):
    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.services import setup as ledger_setup

    actor = system_actor()
    unit = ledger_setup.create_unit(actor, name, kind="community")
    round_ = ledger_setup.create_round(actor, f"{name}轮次", start=dt.date(2024, 3, 1))
    team = ledger_setup.get_or_create_team(actor, "市委第一巡察组")
    return ledger_setup.create_inspection(actor, round_, team, unit, start=dt.date(2024, 3, 1),
                                          end=dt.date(2024, 4, 30), feedback_date=dt.date(2024, 6, 1))


def replay(target, book) -> None:
    """The screens, one row at a time: what an import did before the bulk path."""
    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.services import findings, measures

    actor = system_actor()
    for item in book.findings:
        finding = findings.create_finding(actor, target, title=item.text[:500], category=item.category,
                                          number=item.number)
        for row in item.rows:
            kind = "ongoing" if row.ongoing else "deadline"
            measure = measures.create_measure(actor, finding, text=row.measure, lead=row.lead,
                                              owner=row.owner, kind=kind,
                                              deadline=row.deadline if kind == "deadline" else None)
            if row.progress:
                measures.report_progress(actor, measure, min(row.completed_on or measures.today(),
                                                              measures.today()), row.progress)


def time_transactions(module) -> list[float]:
    """Seconds spent inside each transaction the module opens: on SQLite, the write lock held."""
    import contextlib

    from django.db import transaction

    held: list[float] = []
    original = transaction.atomic

    @contextlib.contextmanager
    def timed(*args, **kwargs):
        with original(*args, **kwargs):
            started = time.perf_counter()
            yield
            held.append(time.perf_counter() - started)

    # Only this module's transactions are timed: it gets a shim of django.db.transaction.
    module.transaction = type("TimedTransaction", (), {"atomic": staticmethod(timed),
                                                       "on_commit": staticmethod(transaction.on_commit)})
    return held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--baseline-rows", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from documents import ledger_rows

    from xuncha.core.ledger_xlsx import read_xlsx, write_xlsx
    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.services import imports

    held = time_transactions(imports)
    book = read_xlsx(write_xlsx(ledger_rows(args.rows)))
    assert not book.errors, book.errors[:3]
    target = inspection("批量导入社区")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = imports.import_ledger(system_actor(), target, book, source="bench.xlsx")
        seconds = time.perf_counter() - started
    assert result.measures == args.rows
    small = read_xlsx(write_xlsx(ledger_rows(args.baseline_rows)))
    started = time.perf_counter()
    replay(inspection("逐条录入社区"), small)
    baseline = args.baseline_rows / (time.perf_counter() - started)
    rate = args.rows / seconds
    print(json.dumps({"rows": args.rows, "commit_s": round(seconds, 2),
                      "write_lock_s": round(max(held), 2), "rows_per_s": round(rate),
                      "baseline_rows_per_s": round(baseline), "ratio": round(rate / baseline, 1),
                      "queries": len(queries), "machine": f"{os.cpu_count()} cores"}))


if __name__ == "__main__":
    main()
