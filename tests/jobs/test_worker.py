"""`xuncha worker` as real processes: a worker killed mid-job, another finishing it exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 5  # XUNCHA_JOB_TIMEOUT_SECONDS: the lease; django-q2 redelivers after 7 s


def _env(data: Path) -> dict[str, str]:
    env = {**os.environ, "XUNCHA_DATA_DIR": str(data), "PYTHONPATH": str(ROOT),
           "XUNCHA_JOB_MODULES": "tests.jobs.sample_tasks",
           "XUNCHA_JOB_TIMEOUT_SECONDS": str(TIMEOUT)}
    env.pop("DATABASE_URL", None)
    return env


def _xuncha(data: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "xuncha.cli", *args], env=_env(data), cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def _worker(data: Path, log: Path) -> subprocess.Popen:
    # Its own process group, so the whole cluster (sentinel, workers, monitor) dies at once.
    command = [sys.executable, "-m", "xuncha.cli", "worker"]
    return subprocess.Popen(command, env=_env(data), cwd=ROOT,
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


def _job(data: Path) -> tuple[str, int] | None:
    with sqlite3.connect(data / "xuncha.sqlite3", timeout=20) as db:
        return db.execute("SELECT state, attempts FROM jobs_job").fetchone()


def _wait(what, seconds: float, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := what():
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out; worker log:\n{log.read_text(errors='replace')[-3000:]}")


def test_a_job_of_a_worker_killed_mid_run_is_finished_exactly_once_by_the_next(tmp_path):
    data, flag = tmp_path / "data", tmp_path / "release"
    _xuncha(data, "migrate", "--verbosity", "0")
    _xuncha(data, "shell", "-c", "from xuncha.jobs.queue import enqueue; "
            f"enqueue('test.blocking', {{'flag': {str(flag)!r}}})")
    first = _worker(data, tmp_path / "first.log")
    second = None
    try:
        _wait(lambda: _job(data) == ("running", 1), 60, tmp_path / "first.log")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        second = _worker(data, tmp_path / "second.log")
        flag.touch()
        _wait(lambda: _job(data)[0] == "done", 60, tmp_path / "second.log")
        assert _job(data) == ("done", 2)
        with sqlite3.connect(data / "xuncha.sqlite3") as db:
            rows = db.execute(
                "SELECT count(*) FROM ledger_auditevent WHERE action = 'test.blocking'")
            assert rows.fetchone()[0] == 1
        second.send_signal(signal.SIGTERM)  # a clean stop, as a service manager does it
        assert second.wait(timeout=30) == 0
        log = (tmp_path / "second.log").read_text()
        assert "xuncha 后台任务进程已启动" in log and "后台任务进程已停止" in log
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)


def test_the_demo_stops_its_worker_cleanly_and_soon(tmp_path):
    """`make demo` stopped by Ctrl+C or SIGTERM stops its worker through `stop_worker`: the cluster's
    own shutdown, not the 15 s wait and a kill of the whole group."""
    from xuncha.ledger.management.commands.demo import stop_worker

    data, log = tmp_path / "data", tmp_path / "worker.log"
    _xuncha(data, "migrate", "--verbosity", "0")
    worker = _worker(data, log)
    try:
        _wait(lambda: "后台任务进程已启动" in log.read_text(errors="replace"), 60, log)
        time.sleep(2)  # the cluster's processes are up
        started = time.monotonic()
        stop_worker(worker)
        assert worker.returncode == 0 and time.monotonic() - started < 10
        assert "后台任务进程已停止" in log.read_text(errors="replace")
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
