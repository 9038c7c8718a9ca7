"""Published files are what was published: each is served only while its sha256 matches the one
stored at publishing (Notice.files). A mismatch is refused and recorded as the audit action
`published_file.mismatch` (result "mismatch"), which the office sees in 审计日志 and which a
notifications module can read as its alert.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.db import transaction

from xuncha import clock
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import ServiceError
from xuncha.ledger.models import AuditVerification, Notice
from xuncha.ledger.services import audit, storage
from xuncha.ledger.services.notices import FILES, stored_name

log = logging.getLogger(__name__)

MISMATCH = "published_file.mismatch"  # the alert's action name: notifications read this
CHUNK = 1 << 16


class PublishedFileChanged(ServiceError):
    code = "published_file_changed"

    def __init__(self) -> None:
        super().__init__("该通报的发布文件与发布时不一致（可能已被改动或损坏），系统已拒绝下载并通知巡察办。"
                         "请联系巡察办核查。")


@dataclass(frozen=True)
class Mismatch:
    notice: Notice
    entry: dict
    actual: str | None  # None: the file is gone


def file_digest(name: str) -> str | None:
    """The sha256 of a stored published file, read in chunks; None when it is missing."""
    try:
        handle, _ = storage.open_stream(FILES, name)
    except FileNotFoundError:
        return None
    digest = hashlib.sha256()
    try:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    finally:
        handle.close()
    return digest.hexdigest()


def check(notice: Notice, entry: dict) -> Mismatch | None:
    actual = file_digest(stored_name(notice, entry))
    return None if actual == entry.get("sha256") else Mismatch(notice, entry, actual)


def _record(actor: Actor, mismatch: Mismatch, how: str) -> None:
    entry = mismatch.entry
    with transaction.atomic():
        audit.record(actor, MISMATCH, mismatch.notice,
                     f"发布文件与发布时不一致（{how}）：{entry.get('name')}",
                     before={"sha256": entry.get("sha256"), "size": entry.get("size")},
                     after={"sha256": mismatch.actual, "format": entry.get("format"),
                            "missing": mismatch.actual is None},
                     result="mismatch")
    log.error("published file %s of notice %s does not match its sha256 (%s)",
              entry.get("name"), mismatch.notice.pk, how)


def ensure_unchanged(actor: Actor, notice: Notice, entry: dict) -> None:
    """Before serving a published file: refuse (and record the alert) when it changed."""
    mismatch = check(notice, entry)
    if mismatch is not None:
        _record(actor, mismatch, "下载时发现")
        raise PublishedFileChanged()


def verify_all(actor: Actor) -> tuple[int, list[Mismatch]]:
    """Check every published notice's files: (files checked, mismatches), each one recorded,
    and the result kept for the audit viewer."""
    checked, found = 0, []
    for notice in Notice.objects.filter(state="published").order_by("pk").iterator(chunk_size=200):
        for entry in notice.files:
            checked += 1
            mismatch = check(notice, entry)
            if mismatch is not None:
                found.append(mismatch)
                _record(actor, mismatch, "定期校验发现")
    stored = AuditVerification.objects.create(
        at=clock.now(), ok=not found, checked=checked, bad_count=len(found), kind="published",
        problem="" if not found else f"{len(found)} 个发布文件与发布时不一致"
                                     f"（如：通报 {found[0].notice.pk} 的 {found[0].entry.get('name')}）")
    audit.record_now(actor, "published.verify", stored,
                     f"校验发布文件 {checked} 个，" + (f"{len(found)} 个不一致" if found else "全部一致"),
                     after={"checked": checked, "mismatches": len(found)}, result="mismatch" if found else "ok")
    return checked, found
