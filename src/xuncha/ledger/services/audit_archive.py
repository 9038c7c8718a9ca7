"""`xuncha audit archive`: older audit records to a file, with their chain.

The file is JSON Lines: a header (format, the anchor the segment continues from, the cut), then
one record per line with every hashed field and its hash, so the segment verifies on its own
(`verify_file`). Records leave the database only with XUNCHA_AUDIT_ARCHIVE_DELETE on; the cut's
anchor (last seq and hash) is kept in AuditArchive, so the remaining chain still verifies.
Nothing younger than RETENTION_DAYS is archived (网络安全法 第二十一条: logs kept six months).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from xuncha import clock
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.models import AuditArchive, AuditEvent
from xuncha.ledger.services import audit, audit_chain

RETENTION_DAYS = 180
FORMAT = "xuncha-audit-archive"


@dataclass(frozen=True)
class Archived:
    count: int
    first_seq: int | None
    through_seq: int | None
    removed: bool
    path: Path
    sha256: str


def _line(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder) + "\n"


def _as_dict(event: AuditEvent) -> dict:
    data = {name: getattr(event, name) for name in audit_chain.HASHED}
    data["at"] = audit_chain.utc_text(event.at)
    data["hash"] = event.hash
    return data


def archive(actor: Actor, before: dt.date, out: Path) -> Archived:
    """Write every record older than `before` (a prefix of the chain) to `out`; remove them when
    the setting allows. Refuses a date that would take records younger than RETENTION_DAYS."""
    latest_allowed = clock.today() - dt.timedelta(days=RETENTION_DAYS)
    if before > latest_allowed:
        raise InvalidInput(f"审计记录至少保存 {RETENTION_DAYS} 天（网络安全法第二十一条），只能归档 "
                           f"{latest_allowed.isoformat()} 之前的记录。")
    out = Path(out)
    if out.exists():
        raise InvalidInput(f"输出文件已存在：{out.name}，请换一个文件名。")
    cutoff = dt.datetime.combine(before, dt.time.min, tzinfo=dt.UTC)
    remove = settings.AUDIT_ARCHIVE_DELETE
    with transaction.atomic():
        audit_chain.lock_head()  # no record is appended while the cut is taken
        start_seq, start_hash = audit_chain.anchor()
        first_young = AuditEvent.objects.filter(at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
        segment = AuditEvent.objects.filter(seq__gt=start_seq).order_by("seq")
        if first_young is not None:
            segment = segment.filter(seq__lt=first_young)
        events = list(segment.iterator(chunk_size=2000))
        verdict = audit_chain.check_records(iter(events), start_seq, start_hash)
        if not verdict.ok:
            raise InvalidInput(f"待归档的记录未通过校验，未归档：{verdict.problem}")
        header = {"format": FORMAT, "version": 1, "before": before.isoformat(),
                  "anchor": {"seq": start_seq, "hash": start_hash}, "count": len(events),
                  "through": {"seq": verdict.head_seq, "hash": verdict.head_hash}}
        digest = _write(out, [_line(header), *(_line(_as_dict(e)) for e in events)])
        if not events:
            return Archived(0, None, None, False, out, digest)
        first, last = events[0].seq, events[-1].seq
        AuditArchive.objects.create(at=clock.now(), before=before, first_seq=first, through_seq=last,
                                    last_hash=events[-1].hash, count=len(events), file_name=out.name,
                                    sha256=digest, removed=remove)
        if remove:
            # The one place audit rows are deleted (tests/ledger/test_audit_inventory.py).
            AuditEvent.objects.filter(seq__gte=first, seq__lte=last).delete()
        audit.record(actor, "audit.archive", None,
                     f"归档 {before.isoformat()} 之前的审计记录 {len(events)} 条"
                     + ("，并从数据库移除" if remove else "（数据库中保留）"),
                     after={"first_seq": first, "through_seq": last, "last_hash": events[-1].hash,
                            "file": out.name, "sha256": digest, "removed": remove})
    return Archived(len(events), first, last, remove, out, digest)


def _write(out: Path, lines: list[str]) -> str:
    """Write the file atomically (a temporary file renamed into place) and return its sha256."""
    out.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(lines).encode("utf-8")
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=".audit-archive-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return hashlib.sha256(data).hexdigest()


def verify_file(path: Path) -> audit_chain.Verdict:
    """Verify an archive file's chain on its own, from its anchor to its last record."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0]) if lines else {}
    if header.get("format") != FORMAT:
        return audit_chain.Verdict(False, 0, 0, "", None, "不是审计归档文件")
    events = []
    for text in lines[1:]:
        data = json.loads(text)
        event = AuditEvent(**{name: data[name] for name in audit_chain.HASHED if name != "at"},
                           hash=data["hash"])
        event.at = data["at"]
        events.append(event)
    anchor = header["anchor"]
    verdict = audit_chain.check_records(iter(events), anchor["seq"], anchor["hash"])
    through = header.get("through", {})
    if verdict.ok and (through.get("seq") != verdict.head_seq or through.get("hash") != verdict.head_hash):
        return audit_chain.Verdict(False, verdict.checked, verdict.head_seq, verdict.head_hash, None,
                                   "归档文件末尾记录缺失")
    return verdict
