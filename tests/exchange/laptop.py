"""The laptop's side of tests/exchange/test_round_trip.py: run in its own process on its own data
folder (its own SQLite file, files and key), as `python -m tests.exchange.laptop ACTION ARGS…`."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    import django

    django.setup()
    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.models import Measure
    from xuncha.ledger.services import measures

    action, uid, *rest = argv
    measure = Measure.objects.get(uid=uid)
    system = system_actor()
    if action == "change":  # change FIELD VALUE
        measures.update_measure(system, measure, measure.version, **{rest[0]: rest[1]})
    elif action == "report":  # report TEXT FILE: a progress report marking it done, with evidence
        with open(rest[1], "rb") as handle:
            measures.report_progress(system, measure, dt.date(2025, 11, 10), rest[0],
                                     [(os.path.basename(rest[1]), [handle.read()])], mark="done")
    measure = Measure.objects.get(uid=uid)
    reports = list(measure.reports.values_list("text", flat=True))
    print(json.dumps({"lead": measure.lead, "owner": measure.owner, "status": measure.status,
                      "reports": reports, "evidence": sum(r.evidence.count() for r in measure.reports.all())},
                     ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
