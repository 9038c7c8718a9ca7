"""A 10,000-row ledger import on SQLite, uploaded in the staff site and committed by the worker,
while other people keep working on the site."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from xuncha.testing.cluster import Cluster, ServerError

pytestmark = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="the SQLite write lock is what this is about (SQLite pass)")

ROWS = 10000


def ledger_file(path) -> None:
    import datetime as dt

    from xuncha.core.ledger_xlsx import LedgerRow, write_xlsx

    rows = [LedgerRow(number=str(n // 4 + 1), category="一、政治建设方面", finding=f"问题{n // 4 + 1}",
                      measure=f"第{n}条措施：逐项梳理并建立台账", lead="书记", owner="党委办公室",
                      deadline=dt.date(2025, 12, 31), progress="已完成梳理。" if n % 2 else "",
                      status="done" if n % 2 else "planned", completed_on=dt.date(2025, 10, 1) if n % 2 else None)
            for n in range(ROWS)]
    path.write_bytes(write_xlsx(rows))


def test_readers_and_writers_are_answered_within_two_seconds_during_a_large_import(tmp_path):
    cluster = Cluster(tmp_path / "data", None, servers=1)
    cluster.load_demo()
    made = subprocess.run(
        [sys.executable, "-m", "xuncha.cli", "shell", "-c",
         "from xuncha.ledger.models import Inspection, Unit, Round, Team;"
         "from xuncha.ledger.services import setup;"
         "from xuncha.ledger.actor import system_actor;"
         "import datetime as dt; a = system_actor();"
         "u = setup.create_unit(a, '导入测试社区', parent=Unit.objects.order_by('pk').first());"
         "r = setup.create_round(a, '导入测试轮次', start=dt.date(2025, 3, 1), end=dt.date(2025, 5, 31));"
         "i = setup.create_inspection(a, r, Team.objects.first(), u,"
         " start=dt.date(2025, 3, 1), end=dt.date(2025, 4, 1), feedback_date=dt.date(2025, 5, 1));"
         "print('INSPECTION', i.pk)"], env=cluster.env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    target = int(re.search(r"INSPECTION (\d+)", made.stdout).group(1))
    ledger = tmp_path / "ledger.xlsx"
    ledger_file(ledger)
    cluster.start()
    database = sqlite3.connect(tmp_path / "data" / "xuncha.sqlite3", check_same_thread=False)
    measure_id, finding_id = database.execute(
        "SELECT m.id, m.finding_id FROM ledger_measure m JOIN ledger_finding f ON f.id = m.finding_id "
        "JOIN ledger_unit u ON u.id = (SELECT unit_id FROM ledger_inspection WHERE id = f.inspection_id) "
        "WHERE u.name = '天宝社区' ORDER BY m.id LIMIT 1").fetchone()
    try:
        reader, writer = cluster.client(0, "admin"), cluster.client(0, "editor")
        office = cluster.client(0, "admin")
        _status, page, _landed = office.upload(f"/inspections/{target}/import", {},
                                               [("file", "台账.xlsx", ledger.read_bytes())])
        token = re.search(rb'name="token" value="([^"]+)"', page).group(1).decode()
        _status, page, _landed = office.post(f"/inspections/{target}/import/confirm", {"token": token})
        assert "已转入后台导入" in page.decode()

        def job_state() -> str:
            row = database.execute("SELECT state FROM jobs_job WHERE name = 'import.commit'").fetchone()
            return row[0] if row else "missing"

        class Importing:  # the worker's job, seen from here
            def poll(self):
                return None if job_state() in {"queued", "running", "retrying"} else 0

        importing = Importing()
        timings: dict[str, list[float]] = {"reader": [], "writer": []}
        failures: list[str] = []

        def every_half_second(name: str, call) -> None:
            while importing.poll() is None:
                started = time.perf_counter()
                try:
                    status = call()
                except ServerError as exc:
                    failures.append(f"{name}: {exc}")
                    status = 500
                timings[name].append(time.perf_counter() - started)
                if status >= 400:
                    failures.append(f"{name}: {status}")
                time.sleep(max(0.0, 0.5 - (time.perf_counter() - started)))

        pages = iter(lambda: None, 0)  # alternate between the 工作台 and another unit's ledger

        def read() -> int:
            next(pages)
            path = "/" if len(timings["reader"]) % 2 else f"/findings/{finding_id}/"
            return reader.get(path)[0]

        def write() -> int:
            version = database.execute("SELECT version FROM ledger_measure WHERE id = ?", [measure_id]).fetchone()[0]
            return writer.post(f"/measures/{measure_id}/progress", {
                "date": "2025-10-20", "text": "按计划推进。", "mark": "", "version": str(version)})[0]

        threads = [threading.Thread(target=every_half_second, args=("reader", read)),
                   threading.Thread(target=every_half_second, args=("writer", write))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        state = job_state()
    finally:
        cluster.stop()
    assert state == "done", cluster.logs()
    imported = database.execute("SELECT count(*) FROM ledger_measure m JOIN ledger_finding f "
                                "ON f.id = m.finding_id WHERE f.inspection_id = ?", [target]).fetchone()[0]
    assert imported == ROWS
    assert not failures, failures
    assert timings["reader"] and timings["writer"], timings
    slowest = max(timings["reader"] + timings["writer"])
    assert slowest < 2.0, f"slowest answer {slowest:.2f} s: {timings}"
    reports = database.execute("SELECT count(*) FROM ledger_progressreport WHERE measure_id = ?",
                               [measure_id]).fetchone()[0]
    assert reports >= len(timings["writer"]) > 0
    assert finding_id
