"""The audit trail's hash chain: raw SQL changes and deletions are found; writers never fork it."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
import sys
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from xuncha.ledger.models import AuditChainHead, AuditEvent, AuditVerification
from xuncha.ledger.services import audit, audit_chain, setup

pytestmark = pytest.mark.django_db


def _verify_exit(capsys) -> tuple[int, str]:
    try:
        call_command("audit", "verify")
    except SystemExit as exc:
        return int(exc.code), capsys.readouterr().out
    return 0, capsys.readouterr().out


def _sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_every_record_links_to_the_one_before(cast):
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == audit_chain.GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
        assert len(after.hash) == 64 and after.hash == audit_chain.row_hash(after)
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)


def test_a_sound_chain_verifies_and_the_result_is_kept(cast, capsys):
    code, out = _verify_exit(capsys)
    assert code == 0 and "审计链完整" in out
    stored = AuditVerification.objects.get(kind="chain")
    assert stored.ok and stored.checked == stored.head_seq
    assert AuditEvent.objects.filter(action="audit.verify", result="ok").exists()


def test_a_raw_update_of_a_summary_is_found(cast, capsys):
    target = AuditEvent.objects.order_by("seq")[3]
    _sql("UPDATE ledger_auditevent SET summary = %s WHERE id = %s", "伪造的记录", target.pk)
    code, out = _verify_exit(capsys)
    assert code == 1
    assert f"第 {target.seq} 条记录的内容与其哈希不符" in out
    assert not AuditVerification.objects.filter(kind="chain").first().ok


def test_a_raw_update_that_also_rewrites_the_records_own_hash_breaks_the_next_link(cast, capsys):
    target = AuditEvent.objects.order_by("seq")[2]
    target.actor_name = "他人"
    forged = audit_chain.row_hash(target)
    _sql("UPDATE ledger_auditevent SET actor_name = %s, hash = %s WHERE id = %s", "他人", forged, target.pk)
    code, out = _verify_exit(capsys)
    assert code == 1 and f"第 {target.seq + 1} 条记录与前一条不衔接" in out


def test_a_raw_delete_in_the_middle_is_found(cast, capsys):
    target = AuditEvent.objects.order_by("seq")[4]
    _sql("DELETE FROM ledger_auditevent WHERE id = %s", target.pk)
    code, out = _verify_exit(capsys)
    assert code == 1 and f"第 {target.seq} 条记录缺失" in out


def test_a_raw_delete_of_the_newest_records_is_found(cast, capsys):
    last = AuditEvent.objects.order_by("-seq").first()
    _sql("DELETE FROM ledger_auditevent WHERE seq >= %s", last.seq - 1)
    code, out = _verify_exit(capsys)
    assert code == 1 and "末尾记录缺失" in out


def test_swapping_two_records_positions_is_found(cast, capsys):
    first, second = AuditEvent.objects.order_by("seq")[5:7]
    _sql("UPDATE ledger_auditevent SET seq = %s WHERE id = %s", -1, first.pk)
    _sql("UPDATE ledger_auditevent SET seq = %s WHERE id = %s", first.seq, second.pk)
    _sql("UPDATE ledger_auditevent SET seq = %s WHERE id = %s", second.seq, first.pk)
    code, out = _verify_exit(capsys)
    assert code == 1 and f"第 {first.seq} 条记录" in out


def test_a_row_inserted_by_hand_is_found(cast, capsys):
    _sql("INSERT INTO ledger_auditevent (at, actor_name, action, object_type, summary, result, unit_path, "
         "prev_hash, hash) VALUES (%s, '张三', 'finding.update', 'finding', '伪造', 'ok', '', '', '')",
         dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    code, out = _verify_exit(capsys)
    assert code == 1 and "没有链序号" in out


def test_values_the_database_gives_back_differently_still_verify(cast, capsys):
    """Dates, decimals, tuples and IPv6 addresses are stored as the hash saw them."""
    from decimal import Decimal

    with transaction.atomic():
        audit.record(cast.actor("admin", ip="2001:DB8:0:0::1"), "x.test", cast.finding, "s" * 400,
                     before={"when": dt.date(2025, 1, 2), "n": Decimal("1.50"), "list": (1, 2)},
                     after={"名称": "天宝", "nested": {"b": 1, "a": [None, True, 1.5]}})
    assert _verify_exit(capsys)[0] == 0


def test_writers_on_threads_never_fork_the_chain(transactional_db, cast):
    """Several threads append at once (each its own connection): seq has no gap or repeat."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("SQLite's in-memory test database locks tables without waiting; SQLite is "
                    "tested with real processes on a database file below")
    errors: list[Exception] = []
    barrier = threading.Barrier(4)

    def write(index: int) -> None:
        try:
            barrier.wait()
            for n in range(5):
                setup.create_unit(cast.system, f"单位{index}-{n}", parent=cast.district)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert audit_chain.verify().ok
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert AuditEvent.objects.filter(action="unit.create", summary__startswith="新建单位 单位").count() == 20


WRITER = """
import sys, django
django.setup()
from django.db import transaction
from xuncha.ledger.actor import system_actor
from xuncha.ledger.services import audit
from xuncha.ledger.models import Team
actor = system_actor()
team = Team.objects.order_by("pk").first()
for n in range(int(sys.argv[1])):
    with transaction.atomic():
        audit.record(actor, "process.test", team, f"进程{sys.argv[2]}第{n}条")
"""
PER_PROCESS = 60


def _run_writers(env: dict, count: int = 2) -> None:
    command = [sys.executable, "-c", WRITER, str(PER_PROCESS)]
    procs = [subprocess.Popen([*command, str(i)], env=env, stderr=subprocess.PIPE) for i in range(count)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="xuncha.settings", **extra)
    return env


@pytest.mark.postgres_only
def test_two_processes_writing_at_once_on_postgresql_never_fork_the_chain(transactional_db, cast):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (runs in the PostgreSQL pass)")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    _run_writers(_env(DATABASE_URL=url, XUNCHA_DATA_DIR=os.environ.get("XUNCHA_DATA_DIR", "var")))
    assert AuditEvent.objects.filter(action="process.test").count() == 2 * PER_PROCESS
    assert audit_chain.verify().ok
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_two_processes_writing_at_once_on_sqlite_never_fork_the_chain(tmp_path):
    env = _env(XUNCHA_DATA_DIR=str(tmp_path))
    xuncha = [sys.executable, "-m", "xuncha.cli"]
    subprocess.run([*xuncha, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run([*xuncha, "shell", "-c", "from xuncha.ledger.services import setup; "
                    "from xuncha.ledger.actor import system_actor; "
                    "setup.get_or_create_team(system_actor(), '区委第一巡察组')"], env=env, check=True, timeout=120)
    _run_writers(env)
    verified = subprocess.run([*xuncha, "audit", "verify"], env=env, capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "审计链完整" in verified.stdout
