"""An inspection of 1,000 measures as a signed bundle: exported at the centre, imported on a
laptop, changed there, and imported back at the centre.

    python bench/bundle.py --json [--measures 1000] [--evidence 20]

The centre is this process (a fresh SQLite database in a temporary data folder): it imports a
ledger of --measures measures (the bulk path) with --evidence evidence files of 64 KB, and exports
the inspection to the laptop. The laptop is a second process on its own data folder and database:
it imports the bundle (every object created), changes every measure's 责任领导, and exports its
changes back; the centre imports them (every measure merged field by field), then the same
bundle again (a replay, which changes nothing). The baseline, in the same process: the
inspection's Excel 台账 export (the ledger rows and the workbook, as the staff site makes it).
The last line is one JSON object:

    {"measures", "objects", "bundle_bytes", "export_s", "laptop_import_s", "laptop_export_s",
     "centre_import_s", "replay_s", "xlsx_s", "export_ratio", "import_ratio"}
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("XUNCHA_DATA_DIR", tempfile.mkdtemp(prefix="xuncha-bench-bundle-"))
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")


def setup() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def timed(work):
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def centre_inspection(count: int, evidence: int):
    from documents import ledger_rows
    from imports import inspection

    from xuncha.core.ledger_xlsx import read_xlsx, write_xlsx
    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.models import Measure
    from xuncha.ledger.services import imports, measures

    target = inspection("交换社区")
    book = read_xlsx(write_xlsx(ledger_rows(count)))
    imports.import_ledger(system_actor(), target, book, source="bench.xlsx")
    for index, measure in enumerate(Measure.objects.filter(finding__inspection=target)[:evidence]):
        content = b"%PDF-1.4\n" + os.urandom(64 * 1024)
        measures.report_progress(system_actor(), measure, dt.date(2024, 7, 1), f"第{index}份佐证",
                                 [(f"佐证{index}.pdf", [content])])
    return target


def laptop(folder: Path, *args: str) -> dict:
    env = {**os.environ, "XUNCHA_DATA_DIR": str(folder)}
    done = subprocess.run([sys.executable, __file__, "--laptop", str(folder), *args], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def laptop_side(args) -> None:
    """The laptop's process: its key, or importing the centre's bundle and answering it."""
    setup()
    from xuncha.exchange import keys, services
    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.models import Inspection, Measure

    if args.phase == "key":
        print(json.dumps({"key": keys.public_text()}))
        return
    system = system_actor()
    services.register_key(system, "centre", args.centre_key)
    data = Path(args.bundle).read_bytes()
    result, import_s = timed(lambda: services.import_bundle(system, data, "centre.zip"))
    Measure.objects.update(lead="笔记本上改过的责任领导")  # every measure changed on the laptop
    inspection = Inspection.objects.get()
    exported, export_s = timed(lambda: services.export_bundle(system, inspection.pk, "centre"))
    Path(args.out).write_bytes(exported.file.read())
    print(json.dumps({"import_s": import_s, "export_s": export_s, "created": sum(map(len, result.created.values())),
                      "sent": exported.transfer.objects_count}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=1000)
    parser.add_argument("--evidence", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--laptop", help=argparse.SUPPRESS)
    parser.add_argument("--phase", default="work", help=argparse.SUPPRESS)
    parser.add_argument("--bundle", help=argparse.SUPPRESS)
    parser.add_argument("--centre-key", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.laptop:
        laptop_side(args)
        return
    setup()
    from xuncha.core.ledger_xlsx import write_xlsx
    from xuncha.exchange import keys, services
    from xuncha.ledger import selectors
    from xuncha.ledger.actor import system_actor

    system = system_actor()
    target = centre_inspection(args.measures, args.evidence)
    folder = Path(tempfile.mkdtemp(prefix="xuncha-bench-laptop-"))
    services.register_key(system, "laptop", laptop(folder, "--phase", "key")["key"])
    _, xlsx_s = timed(lambda: write_xlsx(selectors.ledger_rows(target), title="台账"))
    exported, export_s = timed(lambda: services.export_bundle(system, target.pk, "laptop"))
    out, back = folder / "to-laptop.zip", folder / "to-centre.zip"
    out.write_bytes(exported.file.read())
    side = laptop(folder, "--bundle", str(out), "--centre-key", keys.public_text(), "--out", str(back))
    data = back.read_bytes()
    result, import_s = timed(lambda: services.import_bundle(system, data, "laptop.zip"))
    replay, replay_s = timed(lambda: services.import_bundle(system, data, "laptop.zip"))
    assert side["created"] == exported.transfer.objects_count and replay.replay
    assert len(result.updated.get("measure", [])) == args.measures, result.updated.keys()
    figures = {"measures": args.measures, "objects": exported.transfer.objects_count,
               "bundle_bytes": exported.size, "export_s": round(export_s, 3),
               "laptop_import_s": round(side["import_s"], 3), "laptop_export_s": round(side["export_s"], 3),
               "centre_import_s": round(import_s, 3), "replay_s": round(replay_s, 3), "xlsx_s": round(xlsx_s, 3),
               "export_ratio": round(export_s / xlsx_s, 2),
               "import_ratio": round(max(side["import_s"], import_s) / xlsx_s, 2)}
    if not args.json:
        for name, value in figures.items():
            print(f"{name:>16}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
