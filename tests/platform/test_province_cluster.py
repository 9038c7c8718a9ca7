"""The province set-up, for real: two app servers and a worker on one PostgreSQL database and one
shared data folder, driven by two clients at once through the whole notice lifecycle."""

from __future__ import annotations

import hashlib
import os
import re
import threading
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from xuncha.testing.cluster import Client, Cluster, wait_until

DATABASE_URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not DATABASE_URL.startswith(("postgres://", "postgresql://")),
                                reason="needs PostgreSQL (runs in the PostgreSQL pass of make test)")


@pytest.fixture
def database():
    """A fresh database of its own on the same server, dropped afterwards."""
    import psycopg

    name = f"xuncha_cluster_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(DATABASE_URL)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(parts._replace(path=f"/{name}"))
    yield url
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def cluster(tmp_path, database):
    cluster = Cluster(tmp_path / "shared", database, servers=2, workers=1)
    cluster.load_demo()
    cluster.start()
    yield cluster
    cluster.stop()


def query(url: str, sql: str, *args) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql, args).fetchall()


def notice_id(landed: str) -> int:
    match = re.fullmatch(r"/notices/(\d+)/", landed)
    assert match, f"expected the new notice's page, landed on {landed}"
    return int(match.group(1))


def lifecycle(cluster: Cluster, inspection: int, drafter: Client, approver: Client, publisher: Client) -> int:
    """Draft on one server, approve and publish on others; returns the notice id."""
    status, _body, landed = drafter.post(f"/inspections/{inspection}/notices/new")
    assert status == 200
    pk = notice_id(landed)
    approver.post(f"/notices/{pk}/approve")
    publisher.post(f"/notices/{pk}/publish", {"override_reason": "演示数据，体检提示已人工核对"})
    return pk


def test_two_servers_and_a_worker_run_the_lifecycle_for_two_clients_at_once(cluster, database):
    inspections = dict(query(database, "SELECT u.name, i.id FROM ledger_inspection i "
                                       "JOIN ledger_unit u ON u.id = i.unit_id ORDER BY i.id"))
    tianbao = inspections.pop("天宝社区")
    errors: list[BaseException] = []
    published: list[int] = []

    def unit_staff() -> None:  # the unit's own people, each on a different server
        try:
            editor, leader = cluster.client(0, "editor"), cluster.client(1, "leader")
            admin = cluster.client(0, "admin")
            published.append(lifecycle(cluster, tianbao, editor, leader, admin))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    def office() -> None:  # the office, alternating servers, plus a 雷同 batch for the worker
        try:
            here, there = cluster.client(1, "admin"), cluster.client(0, "admin")
            for inspection in inspections.values():
                published.append(lifecycle(cluster, inspection, here, there, here))
                here, there = there, here
            samples = [(name, text.encode()) for name, text in _samples()]
            status, _body, landed = here.upload("/reuse/", {"title": "两台服务器"},
                                                [("files", name, data) for name, data in samples])
            assert status == 200 and re.fullmatch(r"/reuse/\d+/", landed), landed
        except BaseException as exc:
            errors.append(exc)

    # The demo publishes a notice per sample (the portal's content): count only what this run adds.
    demo_notices = {r[0] for r in query(database, "SELECT id FROM ledger_notice")}
    demo_publishes = query(database, "SELECT count(*) FROM ledger_auditevent WHERE action = 'notice.publish'")[0][0]
    threads = [threading.Thread(target=unit_staff), threading.Thread(target=office)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not errors, f"{errors!r}\n{cluster.logs()}"

    rows = [r for r in query(database, "SELECT id, inspection_id, version, state, files FROM ledger_notice "
                                       "ORDER BY id") if r[0] not in demo_notices]
    assert sorted(r[0] for r in rows) == sorted(published)
    assert all(r[3] == "published" for r in rows), rows  # each a new version beside the demo's
    assert len({r[1] for r in rows}) == 5
    publishes = query(database, "SELECT count(*) FROM ledger_auditevent WHERE action = 'notice.publish'")
    assert publishes == [(demo_publishes + 5,)]
    # A file published through one server is served, unchanged, by the other.
    pk, _inspection, _version, _state, files = rows[0]
    pdf = next(f for f in files if f["format"] == "pdf")
    for server in (0, 1):
        _status, body, _landed = cluster.client(server, "admin").get(f"/notices/{pk}/download/pdf")
        assert hashlib.sha256(body).hexdigest() == pdf["sha256"]
    # The batch went through the queue to the worker process (app servers run no background work).
    wait_until(lambda: query(database, "SELECT state FROM ledger_reusecheck") == [("done",)], 120,
               f"the worker did not finish the batch\n{cluster.logs()}")
    assert query(database, "SELECT state, attempts FROM jobs_job WHERE name = 'reuse.check'") == [("done", 1)]


def _samples() -> list[tuple[str, str]]:
    from xuncha.demo import sample_notices

    return sample_notices()
