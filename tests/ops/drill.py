"""Steps of the restore drill that need an installation of their own (run as a script, one process
per data folder and database, configured by XUNCHA_DATA_DIR and DATABASE_URL):

    python tests/ops/drill.py enrich   a progress report with an evidence file; a published notice
    python tests/ops/drill.py digest   {"tables": {name: [rows, sha256]}, "files": {path: sha256}}
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from pathlib import Path

EVIDENCE = b"%PDF-1.4\n% drill evidence\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
FOLDERS = ("evidence", "notices", "reuse-index", "reuse-checks")


def enrich() -> None:
    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.models import Inspection, Measure
    from xuncha.ledger.services import measures, notices

    system = system_actor()
    inspection = Inspection.objects.get(unit__name="天宝社区")
    measure = Measure.objects.filter(finding__inspection=inspection).order_by("pk").first()
    measures.report_progress(system, measure, dt.date(2025, 11, 10), "演练：已召开专题会议",
                             [("会议记录.pdf", [EVIDENCE])])
    notice = notices.draft_from_ledger(system, inspection)
    notice = notices.approve(system, notice)
    notices.publish(system, notice, override_reason="恢复演练")
    # What a worker would do next: index the new texts (queued jobs), so the index is complete.
    from xuncha.jobs.models import Job
    from xuncha.jobs.runner import run

    for job in Job.objects.filter(state="queued").order_by("pk"):
        run(job.pk)


def table_digests() -> dict[str, list]:
    """Rows and a sha256 over each table's rows in primary-key order."""
    from django.db import connection

    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            key = connection.introspection.get_primary_key_column(cursor, table) or "1"
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} "
                           f"ORDER BY {connection.ops.quote_name(key) if key != '1' else key}")
            digest, rows = hashlib.sha256(), 0
            for row in cursor.fetchall():
                digest.update(repr(row).encode("utf-8"))
                rows += 1
            result[table] = [rows, digest.hexdigest()]
    return result


def file_digests(data_dir: Path) -> dict[str, str]:
    found = {}
    for name in FOLDERS:
        for path in sorted((data_dir / name).rglob("*")):
            relative = path.relative_to(data_dir).as_posix()
            if path.is_file() and relative != "reuse-index/lock":
                found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def main(step: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    import django

    django.setup()
    from django.conf import settings

    if step == "enrich":
        enrich()
    else:
        files = file_digests(Path(settings.DATA_DIR))
        print(json.dumps({"tables": table_digests(), "files": files}))


if __name__ == "__main__":
    main(sys.argv[1])
