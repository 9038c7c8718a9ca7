"""The notice lifecycle on PostgreSQL through real app servers: one server against two.

    python bench/cluster.py --json [--lifecycles 20] [--clients 4]

Creates a database of its own (dropped afterwards), loads the demo, then for 1 and for 2 app
servers (plus a worker) runs `--lifecycles` notice lifecycles — draft on one server, approve and
publish (every format rendered and stored) on others — from `--clients` concurrent clients, each a
logged-in office admin. The one-server run is the baseline measured in the same process. The last
line is one JSON object:

    {"servers_1": {"lifecycles_per_s", "requests_per_s", "p50_ms", "p95_ms"},
     "servers_2": {…}, "ratio": servers_2 / servers_1 lifecycles per second}
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from xuncha.testing.cluster import Cluster

SERVER = os.environ.get("XUNCHA_BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")


def run(servers: int, lifecycles: int, clients: int) -> dict:
    import psycopg

    name = f"xuncha_bench_cluster_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(SERVER)
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        with tempfile.TemporaryDirectory() as folder:
            cluster = Cluster(Path(folder), url, servers=servers)
            cluster.load_demo()
            cluster.start()
            try:
                return _drive(cluster, url, lifecycles, clients)
            finally:
                cluster.stop()
    finally:
        with psycopg.connect(SERVER, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drive(cluster: Cluster, url: str, lifecycles: int, clients: int) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        inspections = [row[0] for row in conn.execute("SELECT id FROM ledger_inspection ORDER BY id")]
    sessions = [[cluster.client(s, "admin") for s in range(len(cluster.urls))] for _ in range(clients)]
    latencies: list[float] = []
    counter = iter(range(lifecycles))
    lock = threading.Lock()

    def timed(call, *args):
        start = time.perf_counter()
        result = call(*args)
        with lock:
            latencies.append(time.perf_counter() - start)
        return result

    def worker(mine: list) -> None:
        while True:
            with lock:
                number = next(counter, None)
            if number is None:
                return
            inspection = inspections[number % len(inspections)]
            drafter, other = mine[number % len(mine)], mine[(number + 1) % len(mine)]
            _status, _body, landed = timed(drafter.post, f"/inspections/{inspection}/notices/new")
            pk = int(landed.strip("/").split("/")[1])
            timed(other.post, f"/notices/{pk}/approve")
            timed(drafter.post, f"/notices/{pk}/publish", {"override_reason": "基准测试"})

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(mine,)) for mine in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    with psycopg.connect(url) as conn:
        published = conn.execute("SELECT count(*) FROM ledger_notice WHERE state = 'published'").fetchone()[0]
    assert published == lifecycles, f"{published} of {lifecycles} notices published"
    ordered = sorted(latencies)
    return {"lifecycles_per_s": round(lifecycles / seconds, 2),
            "requests_per_s": round(len(latencies) / seconds, 1),
            "p50_ms": round(1000 * statistics.median(ordered), 1),
            "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifecycles", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = {f"servers_{n}": run(n, args.lifecycles, args.clients) for n in (1, 2)}
    result["ratio"] = round(result["servers_2"]["lifecycles_per_s"] / result["servers_1"]["lifecycles_per_s"], 2)
    result["machine"] = f"{os.cpu_count()} cores"
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
