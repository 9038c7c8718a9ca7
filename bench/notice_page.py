"""A demo notice page served by the real server, under load from the same host.

    python bench/notice_page.py --json [--requests 2000] [--threads 8] [--seconds 60] [--redis URL]
                                       [--repetitive 10000]

It loads the demo data (`xuncha demo --load-only`) into a temporary data folder, creates an office
admin and a notice draft from the largest demo inspection, then for each variant starts
`xuncha serve` (waitress) in a subprocess on a free loopback port, logs in over HTTP and drives the
notice page with a bounded load generator: THREADS threads, each with its own keep-alive
connection, REQUESTS requests in all or SECONDS, whichever comes first, loopback only. It prints
requests per second, p50/p95/p99 latency and the server's own CPU time per request (from
/proc, so the figure says what the page costs whatever else the host is running) per variant.
The baseline runs in the same process on the same data with the cache turned off
(XUNCHA_CACHE_URL=none): every view lints the notice and queries the 雷同 index, as before.
The last line is one JSON object:

    {"cached": {"rps", "p50_ms", "p95_ms", "p99_ms", "requests", "errors", "server_cpu_ms",
                "rps_per_idle_core"}, "uncached": {…}, "rps_ratio": cached / uncached}
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

PASSWORD = "Timing-only-Passw0rd-1"  # must not contain the login name
USER = "bench-admin"
XUNCHA = [sys.executable, "-m", "xuncha.cli"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def prepare(data_dir: Path, env: dict) -> int:
    """Demo data, the bench account and a notice draft; returns the notice's id."""
    subprocess.run([*XUNCHA, "demo", "--load-only"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*XUNCHA, "createuser", USER, "--role", "office_admin", "--password-stdin"],
                   input=PASSWORD + "\n", text=True, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    script = ("from xuncha.ledger.models import Inspection\n"
              "from xuncha.ledger.services import notices\n"
              "from xuncha.ledger.actor import system_actor\n"
              "target = max(Inspection.objects.all(), key=lambda i: i.findings_total)\n"
              "print(notices.draft_from_ledger(system_actor(), target).pk)\n")
    done = subprocess.run([*XUNCHA, "shell", "-c", script], env=env, check=True,
                          capture_output=True, text=True)
    return int(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen([*XUNCHA, "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def _cookies(response: http.client.HTTPResponse, jar: dict) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def login(port: int) -> str:
    """The Cookie header of a logged-in session, got through the real login form."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    jar: dict[str, str] = {}
    conn.request("GET", "/login/")
    response = conn.getresponse()
    page = response.read().decode()
    _cookies(response, jar)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    body = urlencode({"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token})
    conn.request("POST", "/login/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={jar['csrftoken']}", "Referer": f"http://127.0.0.1:{port}/login/"})
    response = conn.getresponse()
    response.read()
    _cookies(response, jar)
    if response.status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"login failed: {response.status}")
    conn.close()
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def drive(port: int, path: str, cookie: str, requests: int, threads: int, seconds: float) -> dict:
    """THREADS keep-alive connections share REQUESTS requests, stopping early after SECONDS."""
    lock = threading.Lock()
    state = {"left": requests, "errors": 0}
    times: list[float] = []
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop_at:
            with lock:
                if state["left"] <= 0:
                    break
                state["left"] -= 1
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200 and b'id="notice-preview"' in body
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append(time.perf_counter() - start)
            if not ok:
                with lock:
                    state["errors"] += 1
        conn.close()
        with lock:
            times.extend(mine)

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    ms = [t * 1000 for t in times]
    return {"rps": round(len(times) / elapsed, 1), "p50_ms": round(percentile(ms, 0.5), 2),
            "p95_ms": round(percentile(ms, 0.95), 2), "p99_ms": round(percentile(ms, 0.99), 2),
            "requests": len(times), "errors": state["errors"], "seconds": round(elapsed, 2)}


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux), to tell its cost from the host's load."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def repetitive_draft(env: dict, characters: int) -> int:
    """A second draft whose overview is one character repeated (the worst case for 雷同 and 体检)."""
    script = ("from xuncha.core.render.compose import FreeParts\n"
              "from xuncha.ledger.models import Inspection\n"
              "from xuncha.ledger.services import notices\n"
              "from xuncha.ledger.actor import system_actor\n"
              "target = min(Inspection.objects.all(), key=lambda i: i.findings_total)\n"
              "draft = notices.draft_from_ledger(system_actor(), target)\n"
              f"parts = FreeParts(overview=['啊' * {characters}], plans=['巩固整改成果。'])\n"
              "print(notices.update_draft(system_actor(), draft, parts, draft.row_version).pk)\n")
    done = subprocess.run([*XUNCHA, "shell", "-c", script], env=env, check=True,
                          capture_output=True, text=True)
    return int(done.stdout.strip().splitlines()[-1])


def run_variant(name: str, env: dict, notice: int, args) -> dict:
    port = free_port()
    server = start_server(env, port)
    try:
        cookie = login(port)
        path = f"/notices/{notice}/"
        drive(port, path, cookie, requests=50, threads=2, seconds=30)  # warm up: imports, caches
        before = cpu_seconds(server.pid)
        result = drive(port, path, cookie, args.requests, args.threads, args.seconds)
        after = cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if before is not None and after is not None and result["requests"]:
        # The server's own CPU per request: what one core could serve if the host were idle.
        result["server_cpu_ms"] = round((after - before) * 1000 / result["requests"], 2)
        result["rps_per_idle_core"] = round(1000 / result["server_cpu_ms"], 1)
    print(f"{name:<9} {result['rps']:7.1f} req/s  p50 {result['p50_ms']:7.2f} ms"
          f"  p95 {result['p95_ms']:7.2f} ms  p99 {result['p99_ms']:7.2f} ms"
          f"  server CPU {result.get('server_cpu_ms', '?')} ms/request"
          f"  ({result['requests']} requests, {result['errors']} errors)", file=sys.stderr)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--repetitive", type=int, default=0, metavar="N",
                        help="also a draft whose overview is one character repeated N times")
    parser.add_argument("--redis", metavar="URL",
                        help="also run with XUNCHA_CACHE_URL=URL, e.g. redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xuncha-bench-") as folder:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("XUNCHA_") and k != "DATABASE_URL"}
        env.update(XUNCHA_DATA_DIR=folder, XUNCHA_LOG_LEVEL="WARNING",
                   DJANGO_SETTINGS_MODULE="xuncha.settings")
        env["XUNCHA_2FA"] = "off"  # the page is measured, not the login
        notice = prepare(Path(folder), env)
        results = {}
        variants = [("uncached", "none"), ("cached", "db")]
        variants += [("redis", args.redis)] if args.redis else []
        for name, cache_url in variants:
            results[name] = run_variant(name, {**env, "XUNCHA_CACHE_URL": cache_url}, notice, args)
        if args.repetitive:
            worst = repetitive_draft(env, args.repetitive)
            for name, cache_url in (("repetitive_uncached", "none"), ("repetitive_cached", "db")):
                results[name] = run_variant(name, {**env, "XUNCHA_CACHE_URL": cache_url}, worst, args)
    results["rps_ratio"] = round(results["cached"]["rps"] / results["uncached"]["rps"], 2)
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
