"""The public portal: search over 10,000 published notices, and a notice page under load.

    python bench/portal.py --json [--part search|load|all] [--notices 10000] [--seconds 20]
                                  [--connections 16] [--variants door,baseline,…]
    python bench/portal.py --quick        # load only: baseline, door, gunicorn; 5 s each

search  10,000 published notices (made from the five samples' sentences, about 3,000 characters
        each) are indexed as the portal indexes them (CJK bigrams in SQLite FTS5, or PostgreSQL's
        GIN index when DATABASE_URL points at one); 20 queries of one to three words are timed,
        each run 20 times. Baseline in the same process on the same texts: a plain LIKE '%…%' scan
        over a table of the same titles and texts.
load    The demo (`xuncha demo --load-only`, five published notices) in a temporary data folder;
        for each variant a server (bench/portal_server.py: waitress, 8 threads, as `xuncha serve`)
        on a loopback port, driven by wrk (--connections keep-alive connections on one thread,
        --seconds, after a 2 s warm-up; when wrk is missing, Python client processes: --procs ×
        --threads, --requests in all). Variants: `baseline` (the portal's cache taken out,
        bench/portal_settings.py: every request renders the page), `stack` (the page from
        PortalMiddleware's cache, through Django and the middleware above it, as before the
        door), `door` (answered at the WSGI door, portal/fastpath.py), `door 304` (with the
        ETag), `door w4` (4 threads), `gunicorn` (2 workers × 4 threads, when installed).

Figures printed per part with the load average; the last line is one JSON object with every
figure and the ratios.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from notice_page import cpu_seconds, free_port, percentile  # noqa: E402

XUNCHA = [sys.executable, "-m", "xuncha.cli"]
QUERIES = ["消防栓", "第一议题", "天宝社区", "财务管理", "三资管理", "党风廉政建设", "主体责任", "民主生活会",
           "整改 消防", "基层党组织 组织生活", "巡察 反馈", "问题 台账", "廉政", "合同", "垃圾清运",
           "发票", "不存在的词语组合", "社区 财务 制度", "回头看", "2025"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- search --

def _sentences() -> list[str]:
    from xuncha.demo import sample_notices

    found = []
    for _name, text in sample_notices():
        found += [s.strip() + "。" for s in re.split(r"[。\n]", text) if len(s.strip()) > 8]
    return found


def build_search(count: int) -> None:
    """count published notices, indexed; a plain table of the same texts for the baseline."""
    import datetime as dt

    from django.db import connection, transaction

    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.models import Notice
    from xuncha.ledger.services import setup
    from xuncha.portal.models import SearchEntry
    from xuncha.portal.services import search

    rng = random.Random(13)
    sentences = _sentences()
    actor = system_actor()
    root = setup.create_unit(actor, "示范区委", kind="committee")
    round_ = setup.create_round(actor, "基准轮次")
    team = setup.get_or_create_team(actor, "基准巡察组")
    per_unit = 20
    with transaction.atomic():
        inspections = []
        for index in range(count // per_unit):
            unit = setup.create_unit(actor, f"第{index}社区", parent=root)
            inspections.append(setup.create_inspection(actor, round_, team, unit))
        notices, at = [], dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        for index in range(count):
            inspection = inspections[index % len(inspections)]
            text = "".join(rng.choice(sentences) for _ in range(40))[:3000]
            title = f"{inspection.unit.name}关于巡察整改进展情况的通报（{index}）"
            notices.append(Notice(inspection=inspection, version=index // len(inspections) + 1,
                                  doc={"title": title, "text": text}, created_by=actor.user,
                                  state="published", published_at=at + dt.timedelta(minutes=index)))
        Notice.objects.bulk_create(notices, batch_size=500)
        rows = Notice.objects.filter(inspection__round=round_).values_list("pk", "inspection_id", "doc",
                                                                           "published_at")
        entries = [SearchEntry(notice_id=pk, inspection_id=ins, title=doc["title"], current=True,
                               grams=search.grams(doc["title"] + "\n" + doc["text"]), published_at=when)
                   for pk, ins, doc, when in rows]
        SearchEntry.objects.bulk_create(entries, batch_size=500)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"INSERT INTO {search.FTS_TABLE}(rowid, grams) "
                               "SELECT id, grams FROM portal_searchentry")
            cursor.execute("CREATE TABLE bench_plain (id integer primary key, body text)")
            cursor.executemany("INSERT INTO bench_plain (id, body) VALUES (%s, %s)",
                               [(pk, doc["title"] + "\n" + doc["text"]) for pk, _i, doc, _w in rows])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE portal_searchentry")


def time_queries(run, repeat: int = 20) -> dict:
    """Wall time (median of `repeat` runs per query) and CPU time of this process per query: on a
    shared machine the CPU figure says what a search costs whatever else runs."""
    per_query, cpu, hits = {}, {}, {}
    for query in QUERIES:
        run(query)  # warm
        times, cpus = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            hits[query] = run(query)
            times.append((time.perf_counter() - start) * 1000)
            cpus.append((time.process_time() - start_cpu) * 1000)
        per_query[query], cpu[query] = statistics.median(times), statistics.median(cpus)
    ms = list(per_query.values())
    return {"median_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 0.95), 2),
            "max_ms": round(max(ms), 2), "cpu_max_ms": round(max(cpu.values()), 2),
            "cpu_median_ms": round(statistics.median(cpu.values()), 2),
            "per_query_ms": {q: round(v, 2) for q, v in per_query.items()}, "hits": hits}


def search_part(count: int) -> dict:
    from django.db import connection

    from xuncha.portal import selectors

    log(f"building {count} published notices …")
    started = time.perf_counter()
    build_search(count)
    log(f"  built and indexed in {time.perf_counter() - started:.1f} s ({connection.vendor})")

    def portal(query: str) -> int:
        ids = selectors.notices(selectors.Filters(query=query))
        selectors.entries_for(ids[:20])  # the first page, as the index page shows it
        return len(ids)

    def like(query: str) -> int:
        words = query.split()
        where = " AND ".join(["body LIKE %s"] * len(words))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM bench_plain WHERE {where}", [f"%{w}%" for w in words])
            return cursor.fetchone()[0]

    indexed, baseline = time_queries(portal), time_queries(like)
    mismatched = [q for q in QUERIES if indexed["hits"][q] != baseline["hits"][q]]
    log(f"search   indexed: median {indexed['median_ms']} ms, p95 {indexed['p95_ms']} ms, "
        f"max {indexed['max_ms']} ms; CPU median {indexed['cpu_median_ms']} ms, max {indexed['cpu_max_ms']} ms"
        " (the count and the first page of 20)")
    log(f"         LIKE scan baseline: median {baseline['median_ms']} ms, max {baseline['max_ms']} ms")
    if mismatched:
        log(f"         result counts differ from the scan for: {mismatched}")
    return {"engine": connection.vendor, "notices": count, "indexed": indexed, "like_scan": baseline,
            "median_ratio": round(baseline["median_ms"] / indexed["median_ms"], 1),
            "counts_differ": mismatched}


# -- load --

def _client(port: int, path: str, etag: str, threads: int, seconds: float, budget: int, out) -> None:
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    left = [budget]
    expect = 304 if etag else 200
    headers = {"If-None-Match": etag} if etag else {}

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop_at:
            with lock:
                if left[0] <= 0:
                    break
                left[0] -= 1
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == expect
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append(time.perf_counter() - start)
            if not ok:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            times.extend(mine)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    out.put((times, errors[0]))


def drive(port: int, path: str, etag: str, args) -> dict:
    queue = multiprocessing.Queue()
    budget = args.requests // args.procs
    started = time.perf_counter()
    procs = [multiprocessing.Process(target=_client, args=(port, path, etag, args.threads, args.seconds,
                                                           budget, queue)) for _ in range(args.procs)]
    for proc in procs:
        proc.start()
    results = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - started
    ms = [t * 1000 for times, _ in results for t in times]
    return {"rps": round(len(ms) / elapsed, 1), "p50_ms": round(percentile(ms, 0.5), 2),
            "p95_ms": round(percentile(ms, 0.95), 2), "p99_ms": round(percentile(ms, 0.99), 2),
            "requests": len(ms), "errors": sum(e for _, e in results), "seconds": round(elapsed, 2)}


# name, server arguments (bench/portal_server.py), settings module, with the ETag
VARIANTS = [
    ("baseline", ["--stack"], "portal_settings", False),
    ("stack", ["--stack"], "xuncha.settings", False),
    ("door", [], "xuncha.settings", False),
    ("door 304", [], "xuncha.settings", True),
    ("door w4", ["--threads", "4"], "xuncha.settings", False),
    ("gunicorn", ["--server", "gunicorn", "--workers", "2", "--threads", "4"], "xuncha.settings", False),
]
QUICK = ("baseline", "door", "gunicorn")
SERVER = [sys.executable, str(HERE / "portal_server.py")]


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU time of the server and its worker processes (gunicorn forks them)."""
    total = cpu_seconds(pid)
    if total is None:
        return None
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def start(env: dict, port: int, server_args: list[str]) -> subprocess.Popen:
    server = subprocess.Popen([*SERVER, "--port", str(port), *server_args], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/public/")
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


def wrk(port: int, path: str, etag: str, args) -> dict:
    """The C load generator: --connections keep-alive connections on one thread for --seconds."""
    command = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds:g}s", "--timeout", "5s",
               "-s", str(HERE / "portal_wrk.lua")]
    if etag:
        command += ["-H", f"If-None-Match: {etag}"]
    done = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True,
                          text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    seconds = figures["duration_us"] / 1e6
    return {"rps": round(figures["requests"] / seconds, 1), "p50_ms": figures["p50_us"] / 1000,
            "p95_ms": figures["p95_us"] / 1000, "p99_ms": figures["p99_us"] / 1000,
            "max_ms": figures["max_us"] / 1000, "requests": figures["requests"],
            "errors": figures["errors"], "seconds": round(seconds, 2), "generator": "wrk"}


def run_variant(name: str, env: dict, server_args: list[str], path: str, etag: str, args) -> dict:
    port = free_port()
    server = start(env, port, server_args)
    try:
        if args.generator == "wrk":
            wrk(port, path, etag, argparse.Namespace(**{**vars(args), "seconds": 2}))  # warm
        else:
            warm = argparse.Namespace(**{**vars(args), "requests": 200, "seconds": 10, "procs": 1,
                                         "threads": 2})
            drive(port, path, etag, warm)
        load_before = os.getloadavg()[0]
        before = tree_cpu_seconds(server.pid)
        result = wrk(port, path, etag, args) if args.generator == "wrk" else drive(port, path, etag, args)
        after = tree_cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result["load_average"] = round(load_before, 2)
    if before is not None and after is not None and result["requests"]:
        result["server_cpu_ms"] = round((after - before) * 1000 / result["requests"], 3)
        result["rps_per_idle_core"] = round(1000 / max(result["server_cpu_ms"], 0.001), 1)
    log(f"{name:<9} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:6.2f} ms  p95 {result['p95_ms']:6.2f} ms"
        f"  p99 {result['p99_ms']:6.2f} ms  server CPU {result.get('server_cpu_ms', '?')} ms/request"
        f"  ({result['requests']} requests, {result['errors']} errors, load {load_before:.1f})")
    return result


def load_part(args) -> dict:
    with tempfile.TemporaryDirectory(prefix="xuncha-bench-") as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("XUNCHA_") and k != "DATABASE_URL"}
        env.update(XUNCHA_DATA_DIR=folder, XUNCHA_LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="xuncha.settings",
                   PYTHONPATH=os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]))
        log("loading the demo (five published notices) …")
        subprocess.run([*XUNCHA, "demo", "--load-only"], env=env, check=True, stdout=subprocess.DEVNULL)
        path = "/public/notices/1/"
        port = free_port()
        server = start(env, port, [])
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path)
            response = conn.getresponse()
            size, etag = len(response.read()), response.getheader("ETag")
        finally:
            server.terminate()
            server.wait(timeout=30)
        log(f"notice page {path}: {size} bytes, ETag {etag}; generator {args.generator}, "
            f"{args.connections} connections, {args.seconds:g} s a variant")
        results = {"page_bytes": size, "generator": args.generator, "connections": args.connections}
        chosen = args.variants.split(",") if args.variants else QUICK if args.quick \
            else [name for name, *_ in VARIANTS]
        for name, server_args, settings_module, with_etag in VARIANTS:
            if name not in chosen or (name == "gunicorn" and not _has_gunicorn()):
                continue
            results[name] = run_variant(name, {**env, "DJANGO_SETTINGS_MODULE": settings_module},
                                        server_args, path, etag if with_etag else "", args)
    best = max((v for k, v in results.items() if isinstance(v, dict) and k != "baseline"
                and k != "door 304"), key=lambda v: v["rps"])
    if "baseline" in results:
        results["rps_ratio_best_to_baseline"] = round(best["rps"] / results["baseline"]["rps"], 2)
    if "stack" in results and "door" in results:
        results["rps_ratio_door_to_stack"] = round(results["door"]["rps"] / results["stack"]["rps"], 2)
    return results


def _has_gunicorn() -> bool:
    from importlib.util import find_spec

    return os.name == "posix" and find_spec("gunicorn") is not None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always)")
    parser.add_argument("--part", choices=["search", "load", "all"], default="all")
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=16, help="wrk's keep-alive connections")
    parser.add_argument("--variants", default="", help="comma-separated: " + ",".join(n for n, *_ in VARIANTS))
    parser.add_argument("--quick", action="store_true",
                        help="load only, three variants of 5 s (baseline, door, gunicorn)")
    args = parser.parse_args()
    args.generator = "wrk" if shutil.which("wrk") else "python"
    if args.quick:
        args.part, args.seconds = "load", min(args.seconds, 5)
    log(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    results = {}
    if args.part in ("search", "all"):
        results["search"] = search_in_subprocess(args.notices)
    if args.part in ("load", "all"):
        results["load"] = load_part(args)
    results["load_average_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(results, ensure_ascii=False))
    return 0


def search_in_subprocess(count: int) -> dict:
    """The search part in a fresh data folder (and a fresh PostgreSQL database when asked)."""
    with tempfile.TemporaryDirectory(prefix="xuncha-bench-") as folder:
        env = {**os.environ, "XUNCHA_DATA_DIR": folder, "XUNCHA_LOG_LEVEL": "WARNING",
               "DJANGO_SETTINGS_MODULE": "xuncha.settings"}
        subprocess.run([*XUNCHA, "migrate", "-v", "0"], env=env, check=True)
        done = subprocess.run([sys.executable, __file__, "--search-worker", str(count)], env=env, check=True,
                              stdout=subprocess.PIPE, text=True)
        return json.loads(done.stdout.strip().splitlines()[-1])


def search_worker(count: int) -> int:
    import django

    django.setup()
    result = search_part(count)
    for part in ("indexed", "like_scan"):
        result[part].pop("hits")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--search-worker":
        sys.exit(search_worker(int(sys.argv[2])))
    sys.exit(main())
