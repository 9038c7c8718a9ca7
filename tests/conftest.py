"""Shared fixtures: a small cast of people and the ledger they work on.

Cast: the office admin; a member of team 4, which inspects 天宝社区; the editor and the
leader of 天宝社区; the editor of 建设社区 (another unit, who must be refused); a supervisor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from xuncha import filestores
from xuncha.ledger.actor import Actor, actor_for, system_actor
from xuncha.ledger.models import Finding, Inspection, Measure, Team, Unit
from xuncha.ledger.services import accounts, findings, measures, setup

PASSWORD = "Xuncha-test-pass-2025"
TODAY = dt.date(2025, 11, 20)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite the test database is a file, as in use, not Django's in-memory default: with an
    in-memory database the live server's request threads share the test's one connection, and
    so its transaction state (a request inside an atomic block turned another's autocommit off)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(settings.DATA_DIR / "test.sqlite3")


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, **filestores.local(tmp_path)}
    settings.REUSE_INDEX_DIR = tmp_path / "reuse-index"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # force_login gives no second factor: tests of it (tests/web/test_two_factor.py) turn it on.
    settings.TWO_FACTOR = "off"


@pytest.fixture(autouse=True)
def _jobs_run_in_process(monkeypatch):
    """A job handed to the queue runs here at once (there is no worker process in tests);
    one handed over for later waits until a test runs it. tests/jobs use the real queue too."""
    from xuncha import clock
    from xuncha.jobs import queue, runner

    def hand_off(job_id: int, at=None) -> None:
        if at is None or at <= clock.now():
            runner.run(job_id)

    monkeypatch.setattr(queue, "hand_off", hand_off)


@pytest.fixture
def today(monkeypatch):
    """Freeze the ledger's clock (the one seam for dates)."""
    monkeypatch.setattr("xuncha.ledger.services.measures.today", lambda: TODAY)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    return TODAY


@dataclass
class Cast:
    system: Actor
    district: Unit
    street: Unit
    tianbao: Unit
    jianshe: Unit
    team4: Team
    team2: Team
    inspection: Inspection  # team 4 → 天宝社区
    other_inspection: Inspection  # team 2 → 建设社区
    finding: Finding
    measure: Measure
    other_finding: Finding
    other_measure: Measure
    users: dict

    def actor(self, name: str, ip: str = "10.0.0.1") -> Actor:
        return actor_for(self.users[name], ip)


@pytest.fixture
def cast(db) -> Cast:
    system = system_actor()
    district = setup.create_unit(system, "示范区委", kind="committee")
    street = setup.create_unit(system, "天宝街道党工委", parent=district, kind="street")
    tianbao = setup.create_unit(system, "天宝社区", parent=street)
    jianshe = setup.create_unit(system, "建设社区", parent=district)
    team4 = setup.get_or_create_team(system, "区委第四巡察组")
    team2 = setup.get_or_create_team(system, "区委第二巡察组")
    round_ = setup.create_round(system, "2025年区委第三轮巡察", start=dt.date(2025, 7, 1))
    inspection = setup.create_inspection(system, round_, team4, tianbao, start=dt.date(2025, 7, 2),
                                         end=dt.date(2025, 8, 10), feedback_date=dt.date(2025, 9, 15))
    other = setup.create_inspection(system, round_, team2, jianshe, start=dt.date(2025, 7, 2),
                                    end=dt.date(2025, 8, 10), feedback_date=dt.date(2025, 9, 16))
    finding = findings.create_finding(system, inspection, "“第一议题”落实不到位", "38次会议仅13次落实。",
                                      category="一、集中整改期内已完成的整改事项", number="一/（一）")
    measure = measures.create_measure(system, finding, "每次支部会议第一项学习总书记重要讲话", lead="李书记",
                                      owner="社区党委", deadline=dt.date(2025, 11, 15))
    other_finding = findings.create_finding(system, other, "财务管理不规范")
    other_measure = measures.create_measure(system, other_finding, "补签合同", owner="社区居委会",
                                            deadline=dt.date(2025, 12, 31))
    plan = {
        "admin": ("office_admin", None, None),
        "team_member": ("team_member", None, team4),
        "editor": ("unit_editor", tianbao, None),
        "leader": ("unit_leader", tianbao, None),
        "street_editor": ("unit_editor", street, None),
        "outsider": ("unit_editor", jianshe, None),
        "supervisor": ("supervisor", None, None),
        "other_team": ("team_member", None, team2),
        "sysadmin": ("sys_admin", None, None),
        "secadmin": ("security_admin", None, None),
        "auditadmin": ("audit_admin", None, None),
    }
    users = {}
    for name, (role, unit, team) in plan.items():
        users[name] = accounts.create_staff(system, name, PASSWORD, role, unit=unit, team=team,
                                            display_name=name).user
    finding.refresh_from_db()
    measure.refresh_from_db()
    return Cast(system, district, street, tianbao, jianshe, team4, team2, inspection, other, finding, measure,
                other_finding, other_measure, users)


@pytest.fixture
def login(client, cast):
    def as_(name: str):
        client.force_login(cast.users[name])
        return client

    return as_


# --- S3-compatible storage: moto in server mode on a free loopback port -----------------------

S3_START_SECONDS = 30


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server():
    """A local S3-compatible server for the session; stopped (then killed if need be) after."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = _free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + S3_START_SECONDS
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto did not start in {S3_START_SECONDS}s") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def s3_storage(db, settings, moto_server):
    """Every kind of file in a fresh bucket of the local S3 server (XUNCHA_STORAGE=s3)."""
    import uuid

    import boto3

    bucket = f"xuncha-{uuid.uuid4().hex[:12]}"
    options = {"endpoint_url": moto_server, "region": "us-east-1", "access_key": "testing",
               "secret_key": "testing"}
    client = boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, **filestores.s3(bucket, **options)}

    def keys() -> list[str]:
        return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))

    return keys
