"""Evidence files: size limit, type sniffed from the bytes, generated names outside static."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings

from xuncha.ledger.services.errors import InvalidInput

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


def evidence_dir() -> Path:
    path = Path(settings.EVIDENCE_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(chunks: Iterable[bytes], original_name: str) -> StoredFile:
    """Write the upload under a generated name; refuse it (and keep nothing) if too big or of a bad type."""
    limit = settings.EVIDENCE_MAX_BYTES
    folder = evidence_dir()
    digest, size, head = hashlib.sha256(), 0, b""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise InvalidInput(
                        f"文件“{original_name}”超过 {limit // (1024 * 1024)} MB 的大小限制。", field="files")
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise InvalidInput(f"文件“{original_name}”是空文件。", field="files")
        content_type = sniff(head, original_name)
        if content_type not in ALLOWED_TYPES:
            raise InvalidInput(
                f"文件“{original_name}”的类型不在允许范围内（可上传 PDF、图片、Word、Excel、压缩包或文本）。",
                field="files")
        stored_name = uuid.uuid4().hex
        os.replace(tmp, folder / stored_name)
        return StoredFile(stored_name, digest.hexdigest(), size, content_type)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def path_of(stored_name: str) -> Path:
    return evidence_dir() / stored_name


def discard(stored_names: Iterable[str]) -> None:
    """Remove files written for a transaction that did not commit."""
    for name in stored_names:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path_of(name))
