"""A local province in miniature: several app servers and a worker on one database and data folder.

Used by the multi-server test and `bench/cluster.py`. Everything listens on loopback only, every
wait is bounded, and `Cluster.stop` ends every process it started.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ACCOUNT = re.compile(r"用户名 (\S+)\s+密码 (\S+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def xuncha(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    """Run one `xuncha` command to its end; a failure raises with its output."""
    result = subprocess.run([sys.executable, "-m", "xuncha.cli", *args], env=env, capture_output=True,
                            text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"xuncha {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@dataclass
class Cluster:
    """N app servers and a worker sharing one DATABASE_URL and one data folder."""

    data_dir: Path
    database_url: str | None
    servers: int = 2
    workers: int = 1
    threads: int = 8
    extra_env: dict[str, str] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)
    _processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        env = {**os.environ, "XUNCHA_DATA_DIR": str(self.data_dir), **self.extra_env}
        env.pop("DATABASE_URL", None)
        env.setdefault("XUNCHA_2FA", "off")  # its clients log in with a password alone, as the demo
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def load_demo(self) -> dict[str, str]:
        """The sample notices and one account per role; returns {username: password}."""
        output = xuncha("demo", "--load-only", env=self.env).stdout
        self.accounts = dict(ACCOUNT.findall(output))
        return self.accounts

    def start(self, with_worker: bool = True) -> None:
        logs = self.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        for number in range(self.servers):
            port = free_port()
            self._spawn(["serve", "--host", "127.0.0.1", "--port", str(port), "--threads", str(self.threads)],
                        logs / f"server-{number}.log")
            self.urls.append(f"http://127.0.0.1:{port}")
        if with_worker:
            for number in range(self.workers):
                self._spawn(["worker"], logs / f"worker-{number}.log")
        for url in self.urls:
            wait_until(lambda url=url: _answers(url + "/login/"), 60, f"server {url} did not start")

    def _spawn(self, args: list[str], log: Path) -> None:
        with open(log, "ab") as out:
            process = subprocess.Popen([sys.executable, "-m", "xuncha.cli", *args], env=self.env, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        self._processes.append(process)

    def stop(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self._processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        self._processes.clear()

    def logs(self) -> str:
        return "\n".join(f"== {p.name}\n{p.read_text(errors='replace')[-4000:]}"
                         for p in sorted((self.data_dir / "logs").glob("*.log")))

    def client(self, server: int, username: str) -> Client:
        client = Client(self.urls[server % len(self.urls)])
        client.login(username, self.accounts[username])
        return client


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def wait_until(condition, seconds: float, message: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise TimeoutError(message)


class ServerError(AssertionError):
    """The server answered 5xx (or an unexpected status)."""


class Client:
    """A browser-like session against one server: cookies, CSRF token, redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.statuses: list[int] = []

    def switch(self, base: str) -> None:
        """Send the next requests to another app server with the same session (shared database)."""
        for cookie in list(self.cookies):
            cookie.domain = urllib.parse.urlsplit(base).hostname or cookie.domain
        self.base = base

    def _csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes, str]:
        request = urllib.request.Request(self.base + path, data=data, headers={
            "X-CSRFToken": self._csrf(), "Referer": self.base + "/", **(headers or {})})
        try:
            with self.opener.open(request, timeout=60) as response:
                status, body, url = response.status, response.read(), response.url
        except urllib.error.HTTPError as exc:
            status, body, url = exc.code, exc.read(), exc.url
        self.statuses.append(status)
        if status >= 500:
            raise ServerError(f"{path} answered {status}")
        return status, body, urllib.parse.urlsplit(url).path

    def get(self, path: str) -> tuple[int, bytes, str]:
        return self.request(path)

    def post(self, path: str, fields: dict[str, str] | None = None) -> tuple[int, bytes, str]:
        data = urllib.parse.urlencode(fields or {}).encode()
        return self.request(path, data, {"Content-Type": "application/x-www-form-urlencoded"})

    def upload(self, path: str, fields: dict[str, str], files: Iterable[tuple[str, str, bytes]]
               ) -> tuple[int, bytes, str]:
        """multipart/form-data: fields plus (field, file name, bytes) parts."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                         .encode())
        for name, filename, content in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                         f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                         + content + b"\r\n")
        data = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(path, data, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def login(self, username: str, password: str) -> None:
        self.get("/login/")
        status, _body, landed = self.post("/login/", {"username": username, "password": password,
                                                      "csrfmiddlewaretoken": self._csrf()})
        if landed.startswith("/login"):
            raise AssertionError(f"{username} could not log in ({status})")


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]
