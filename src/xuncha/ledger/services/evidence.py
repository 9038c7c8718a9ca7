"""Evidence files: size limit, type sniffed from the bytes, generated names in storage."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.core.files import File
from django.db import transaction

from xuncha.core import provenance
from xuncha.ledger import permissions
from xuncha.ledger.errors import InvalidInput, InvalidMove, NotFound, PermissionDenied
from xuncha.ledger.services import audit, storage

FINDING_STATUS_CLOSED = "closed"

# Sniffed MIME type → a plain word for people. Anything else is refused.
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
    "image/gif": "GIF 图片",
    "image/webp": "WebP 图片",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint 演示文稿",
    "application/msword": "Word 97-2003 文档",
    "application/vnd.ms-excel": "Excel 97-2003 表格",
    "application/zip": "ZIP 压缩包",
    "text/plain": "文本",
}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    sha256: str
    size: int
    content_type: str
    # Perceptual hash and date made (core.provenance), read before the file went to storage.
    traits: provenance.Traits = field(default_factory=provenance.Traits)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError:
            # The head may end inside a multi-byte character; retry without the last bytes.
            try:
                head[:-3].decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
    return False


def sniff(head: bytes, original_name: str) -> str:
    """The content type from the file's first bytes; the name's extension is not trusted."""
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        if mime == "application/x-zip-compressed":
            mime = "application/zip"
        return mime
    if head.startswith(_OLE_MAGIC):
        return "application/vnd.ms-excel" if original_name.lower().endswith(".xls") else "application/msword"
    if head and _looks_like_text(head):
        return "text/plain"
    return "application/octet-stream"


KIND = "evidence"


def _check(original_name: str) -> Callable[[bytes, int], None]:
    def check(head: bytes, size: int) -> None:
        if size == 0:
            raise InvalidInput(f"文件“{original_name}”是空文件。", field="files")
        if sniff(head, original_name) not in ALLOWED_TYPES:
            raise InvalidInput(
                f"文件“{original_name}”的类型不在允许范围内（可上传 PDF、图片、Word、Excel、压缩包或文本）。",
                field="files")

    return check


def store(chunks: Iterable[bytes], original_name: str) -> StoredFile:
    """Store the upload under a generated name; refuse it (storing nothing) if too big or of a
    type not allowed.

    The caller references the name in a row and calls `storage.delete_on_rollback` in that
    row's transaction; until then the file is an orphan the sweep would remove.
    """
    def inspect(head: bytes, handle) -> provenance.Traits:
        return provenance.read(handle, sniff(head, original_name))

    saved = storage.save_stream(KIND, storage.unique_name(), chunks, settings.EVIDENCE_MAX_BYTES,
                                label=f"文件“{original_name}”", check=_check(original_name),
                                inspect=inspect)
    return StoredFile(saved.name, saved.sha256, saved.size, sniff(saved.head, original_name),
                      saved.inspected)


def open_file(stored_name: str) -> File:
    return storage.open_file(KIND, stored_name)


def discard(stored_names: Iterable[str]) -> None:
    """Remove files written for a transaction that did not commit."""
    storage.delete(KIND, stored_names)


# -- withdrawal and removal (剩余信息保护: a wrong upload does not stay in storage) -----------

def _describe(evidence) -> dict:
    return {"name": evidence.original_name, "sha256": evidence.sha256, "size": evidence.size,
            "uploaded_by": evidence.uploaded_by_id, "report": evidence.report_id}


def _locked(pk: int):
    from xuncha.ledger.models import Evidence

    evidence = (Evidence.objects.select_for_update().select_related("report__measure__finding")
                .filter(pk=pk).first())
    if evidence is None:
        raise NotFound("佐证材料不存在，或已被撤回。")
    return evidence


def _forget(actor, evidence, action: str, summary: str, reason: str = "") -> None:
    """Record the act while the row still names its finding, delete the row, and delete the
    file once the transaction commits (a rollback keeps both)."""
    audit.record(actor, action, evidence, summary[:300], before=_describe(evidence),
                 after={"reason": reason} if reason else None)
    stored_name = evidence.stored_name
    evidence.delete()
    storage.delete_after_commit(KIND, [stored_name])


@transaction.atomic
def withdraw(actor, pk: int) -> None:
    """Its uploader withdraws an evidence file, while the finding is not yet signed off nor
    waiting for a sign-off decision."""
    evidence = _locked(pk)
    finding = evidence.report.measure.finding
    permissions.require(actor, "report_progress", finding.inspection)
    if evidence.uploaded_by_id != actor.user_id:
        raise PermissionDenied("只有上传人可以撤回佐证材料；销号后如需删除，请联系系统管理员。")
    if finding.status == FINDING_STATUS_CLOSED:
        raise InvalidMove("该问题已销号，佐证材料不能再撤回；如需删除，请联系系统管理员。")
    if finding.closeouts.filter(state="requested").exists():
        raise InvalidMove("该问题正在销号审核中，不能撤回佐证材料。")
    _forget(actor, evidence, "evidence.withdraw",
            f"撤回佐证材料“{evidence.original_name}”")


@transaction.atomic
def remove(actor, pk: int, reason: str) -> None:
    """The system administrator removes an evidence file (after sign-off too), with a reason."""
    permissions.require(actor, "remove_evidence")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请填写删除原因。", field="reason")
    evidence = _locked(pk)
    _forget(actor, evidence, "evidence.remove",
            f"删除佐证材料“{evidence.original_name}”，原因：{reason}", reason=reason)
