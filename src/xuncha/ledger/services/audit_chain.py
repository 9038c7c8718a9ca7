"""The audit trail's hash chain: appending under one lock, and verifying.

Each AuditEvent holds `seq` (1, 2, 3, … with no gap), `prev_hash` (the hash of record seq-1, or
of the archive cut's last record) and `hash` = SHA-256 of its own canonical content, the
previous hash included. Changing, deleting, inserting or reordering a record breaks the chain
from that record on; deleting the newest records shows against AuditChainHead.

Writers serialise on AuditChainHead: PostgreSQL locks the row (SELECT … FOR UPDATE) until the
writer's transaction commits, and SQLite transactions begin IMMEDIATE (settings), which takes the
database's one write lock at BEGIN. So two writers never read the same head: the chain cannot
fork, and `seq` is unique in the database as a second line of defence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from xuncha import clock
from xuncha.ledger.models import AuditArchive, AuditChainHead, AuditEvent, AuditVerification

log = logging.getLogger(__name__)

GENESIS = "0" * 64  # the "previous hash" of record 1
HEAD_PK = 1
# The fields a record's hash covers, in this order (the key names are the JSON keys hashed).
HASHED = ("seq", "prev_hash", "at", "actor_id", "actor_name", "ip", "action", "object_type",
          "object_id", "summary", "before", "after", "inspection_id", "finding_id", "result",
          "unit_path")
_IP_FIELD = AuditEvent._meta.get_field("ip")


def canonical_json(value: Any) -> Any:
    """The value as the database gives it back: plain JSON types (dates as text)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def utc_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_hash(fields: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the hashed fields (sorted keys, no spaces, UTF-8)."""
    data = {name: fields[name] for name in HASHED}
    data["at"] = utc_text(data["at"]) if isinstance(data["at"], dt.datetime) else data["at"]
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_hash(event: AuditEvent) -> str:
    return content_hash({name: getattr(event, name) for name in HASHED})


def _field_text(name: str, value: str | None) -> str:
    return (value or "")[:AuditEvent._meta.get_field(name).max_length]


# Plain SQL for the two statements every append adds: the ORM's query building cost more than the
# statements themselves (bench/audit_chain.py).
_HEAD_TABLE = AuditChainHead._meta.db_table


def lock_head() -> tuple[int, str]:
    """(seq, hash) of the chain's end, its row locked for this transaction (created from the last
    record when missing)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM {_HEAD_TABLE} WHERE id = %s{lock}", [HEAD_PK])
        row = cursor.fetchone()
    if row is not None:
        return row[0], row[1]
    last = AuditEvent.objects.exclude(seq=None).order_by("-seq").first()
    try:
        with transaction.atomic():  # a savepoint: a concurrent first writer may win the insert
            AuditChainHead.objects.create(pk=HEAD_PK, seq=last.seq if last else 0,
                                          hash=last.hash if last else "")
    except IntegrityError:
        pass
    head = AuditChainHead.objects.select_for_update().get(pk=HEAD_PK)
    return head.seq, head.hash


def append(**fields: Any) -> AuditEvent:
    """Write one record at the end of the chain, in the caller's transaction (or its own)."""
    with transaction.atomic():
        head_seq, head_hash = lock_head()
        at = clock.now()  # taken under the lock, so time order follows chain order on one clock
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        ip = fields.get("ip") or None
        values = {
            **fields,
            "seq": head_seq + 1,
            "prev_hash": head_hash or GENESIS,
            "at": at,
            "ip": _IP_FIELD.to_python(ip) if ip else None,
            "actor_name": _field_text("actor_name", fields.get("actor_name")),
            "action": _field_text("action", fields.get("action")),
            "object_type": _field_text("object_type", fields.get("object_type")),
            "summary": _field_text("summary", fields.get("summary")),
            "unit_path": _field_text("unit_path", fields.get("unit_path")),
            "result": _field_text("result", fields.get("result") or "ok"),
            "before": canonical_json(fields.get("before")),
            "after": canonical_json(fields.get("after")),
        }
        values["hash"] = content_hash(values)
        event = AuditEvent.objects.create(**values)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {_HEAD_TABLE} SET seq = %s, hash = %s WHERE id = %s",
                           [event.seq, event.hash, HEAD_PK])
    return event



def append_many(records: list[dict[str, Any]]) -> int:
    """Write many records at the end of the chain at once (a day's ladder steps): one head lock,
    hashes computed in order, the rows written as plain tuples (COPY on PostgreSQL, executemany on
    SQLite: model objects and bulk_create cost more than the writing). Records name no `at`: they
    share the moment the lock was taken. The unit path is filled from the inspection when not given."""
    if not records:
        return 0
    from xuncha.ledger.models import Inspection

    wanted = {r["inspection_id"] for r in records if r.get("inspection_id") and "unit_path" not in r}
    paths = dict(Inspection.objects.filter(pk__in=wanted).values_list("pk", "unit__path")) if wanted else {}
    with transaction.atomic():
        seq, prev = lock_head()
        prev = prev or GENESIS
        at = clock.now()
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        rows = []
        for fields in records:
            seq += 1
            ip = fields.get("ip") or None
            values = {
                "actor_id": None, "object_id": None, "inspection_id": None, "finding_id": None,
                **fields,
                "seq": seq, "prev_hash": prev, "at": at,
                "ip": _IP_FIELD.to_python(ip) if ip else None,
                "actor_name": _field_text("actor_name", fields.get("actor_name")),
                "action": _field_text("action", fields.get("action")),
                "object_type": _field_text("object_type", fields.get("object_type")),
                "summary": _field_text("summary", fields.get("summary")),
                "unit_path": _field_text("unit_path", fields.get("unit_path")
                                         or paths.get(fields.get("inspection_id"), "")),
                "result": _field_text("result", fields.get("result") or "ok"),
                "before": canonical_json(fields.get("before")),
                "after": canonical_json(fields.get("after")),
            }
            values["hash"] = prev = content_hash(values)
            rows.append(values)
        _insert(rows, at)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {_HEAD_TABLE} SET seq = %s, hash = %s WHERE id = %s", [seq, prev, HEAD_PK])
    return len(rows)


_COLUMNS = (*HASHED, "hash")
_JSON = {name: AuditEvent._meta.get_field(name) for name in ("before", "after")}


def _insert(rows: list[dict[str, Any]], at: dt.datetime) -> None:
    """The records as one COPY (PostgreSQL) or executemany (SQLite) of plain tuples."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    names = ", ".join(connection.ops.quote_name(AuditEvent._meta.get_field(c).column) for c in _COLUMNS)
    stamp = at if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(at)
    tuples = []
    for values in rows:
        values["at"] = stamp
        for name, field in _JSON.items():
            if values[name] is not None:
                values[name] = field.get_db_prep_value(values[name], connection)
        if values["ip"] is not None:
            values["ip"] = connection.ops.adapt_ipaddressfield_value(values["ip"])
        tuples.append(tuple(values[c] for c in _COLUMNS))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in tuples:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
        for start in range(0, len(tuples), 5000):
            cursor.executemany(sql, tuples[start:start + 5000])

# --- verification -----------------------------------------------------------------------------

@dataclass
class Verdict:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    problem: str = ""  # Chinese, for the viewer and the command

    def line(self) -> str:
        if self.ok:
            return f"审计链完整：共校验 {self.checked} 条记录，末条序号 {self.head_seq}，哈希 {self.head_hash[:16]}…"
        return f"审计链异常：{self.problem}"


def anchor() -> tuple[int, str]:
    """(seq, hash) the remaining chain continues from: the last removed archive's, or the start."""
    cut = AuditArchive.objects.filter(removed=True).order_by("-through_seq").first()
    return (cut.through_seq, cut.last_hash) if cut else (0, GENESIS)


def check_records(records: Iterator[AuditEvent], start_seq: int, start_hash: str) -> Verdict:
    """Walk records in seq order from an anchor; the first fault ends the walk."""
    expected, prev, checked = start_seq + 1, start_hash, 0
    for event in records:
        if event.seq is None:
            return Verdict(False, checked, expected - 1, prev, None,
                           f"记录 ID {event.pk} 没有链序号（未经审计链写入）")
        if event.seq < expected:
            return Verdict(False, checked, expected - 1, prev, event.seq,
                           f"第 {event.seq} 条记录顺序错乱（应为第 {expected} 条）")
        if event.seq > expected:
            missing = (f"第 {expected} 条" if event.seq == expected + 1
                       else f"第 {expected}–{event.seq - 1} 条")
            return Verdict(False, checked, expected - 1, prev, expected, f"{missing}记录缺失（被删除）")
        if event.prev_hash != prev:
            return Verdict(False, checked, expected - 1, prev, event.seq,
                           f"第 {event.seq} 条记录与前一条不衔接（前序记录被删除、替换或调换）")
        if row_hash(event) != event.hash:
            return Verdict(False, checked, expected - 1, prev, event.seq,
                           f"第 {event.seq} 条记录的内容与其哈希不符（记录被改动）")
        prev, expected, checked = event.hash, expected + 1, checked + 1
    return Verdict(True, checked, expected - 1, prev)


def verify() -> Verdict:
    """Check the whole chain in the database, then that nothing is missing after its last row."""
    records = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    verdict = check_records(records, *anchor())
    if not verdict.ok:
        return verdict
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    head_seq, head_hash = (head.seq, head.hash or GENESIS) if head else (verdict.head_seq, verdict.head_hash)
    if head_seq != verdict.head_seq or (head_seq and head_hash != verdict.head_hash):
        return Verdict(False, verdict.checked, verdict.head_seq, verdict.head_hash, verdict.head_seq + 1,
                       f"末尾记录缺失：链末端为第 {head_seq} 条，现存记录只到第 {verdict.head_seq} 条")
    return verdict


def verify_and_store(actor=None) -> tuple[Verdict, AuditVerification]:
    """Verify, keep the result for the viewer, record the act in the chain, and log the head
    (a copy of it outside the database)."""
    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.services import audit

    verdict = verify()
    stored = AuditVerification.objects.create(
        at=clock.now(), ok=verdict.ok, checked=verdict.checked, head_seq=verdict.head_seq,
        head_hash=verdict.head_hash, bad_seq=verdict.bad_seq, problem=verdict.problem[:300],
        bad_count=0 if verdict.ok else 1, kind="chain")
    if verdict.ok:
        log.info("audit chain sound: %s records, head %s %s", verdict.checked, verdict.head_seq,
                 verdict.head_hash)
    else:
        log.error("audit chain broken at seq %s: %s", verdict.bad_seq, verdict.problem)
    with transaction.atomic():
        audit.record(actor or system_actor(), "audit.verify", stored, verdict.line(),
                     after={"ok": verdict.ok, "checked": verdict.checked, "head_seq": verdict.head_seq,
                            "bad_seq": verdict.bad_seq},
                     result="ok" if verdict.ok else "broken")
    return verdict, stored


def latest(kind: str = "chain") -> AuditVerification | None:
    return AuditVerification.objects.filter(kind=kind).order_by("-at", "-id").first()
