"""Every file xuncha keeps goes through Django's storage API: one alias per kind.

The contract with transactions (docs/architecture.md, "Files and transactions"):
- a file is written under a new, unique name that no row references yet (`unique_name`);
- the row that references it is written in the same transaction, and `delete_on_rollback`
  removes the file if that transaction (or any transaction around it) rolls back;
- a file that a committed row stops needing is removed by `delete_after_commit`;
- `orphans.purge_orphans` removes what a crash between the two steps may leave.
So a failed write leaves nothing behind, and can simply be tried again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import tempfile
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction

from xuncha.filestores import KINDS, alias
from xuncha.ledger.errors import InvalidInput, ServiceError

log = logging.getLogger(__name__)

HEAD_BYTES = 8192  # enough for every type sniffer
SPOOL_BYTES = 1024 * 1024  # uploads above this wait on disk, not in memory, until stored


class TooLarge(InvalidInput):
    """An upload over its limit; the web layer answers 413."""

    code = "too_large"


class StorageUnavailable(ServiceError):
    code = "storage_unavailable"

    def __init__(self, message: str = "文件存储暂时不可用，请稍后重试；如持续出现，请联系管理员。") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Saved:
    name: str  # the name in the kind's storage
    size: int
    sha256: str
    head: bytes  # the first bytes, for sniffing the type
    inspected: Any = None  # what `inspect` read from the whole file before it was stored


def backend(kind: str) -> Storage:
    if kind not in KINDS:
        raise ValueError(f"unknown file kind {kind!r}")
    return storages[alias(kind)]


def unique_name(prefix: str = "", suffix: str = "") -> str:
    """A name no row has referenced, and none ever will again."""
    return f"{prefix}{uuid.uuid4().hex}{suffix}"


def megabytes(limit: int) -> str:
    """A limit as people read it: "20 MB" (or "512 KB" below one MB)."""
    if limit >= 1024 * 1024:
        return f"{round(limit / (1024 * 1024), 1):g} MB"
    return f"{max(1, limit // 1024)} KB"


def _spool(chunks: Iterable[bytes], limit: int, label: str) -> tuple[IO[bytes], int, str, bytes]:
    """Copy the stream to a spooled file, counting as it goes: stop at the limit, not after."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned open)
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"{label}超过 {megabytes(limit)} 的大小限制，未保存。", field="file")
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            digest.update(chunk)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, size, digest.hexdigest(), head


def save_stream(kind: str, name: str, chunks: Iterable[bytes], limit: int, label: str = "文件",
                check: Callable[[bytes, int], None] | None = None,
                inspect: Callable[[bytes, IO[bytes]], Any] | None = None) -> Saved:
    """Store a stream under `name`, refusing it past `limit` bytes while it is read.

    `check(head, size)` may refuse the content (raise InvalidInput) before anything is stored.
    `inspect(head, handle)` reads the spooled file once more before it goes to storage (which
    may be far away), and its result comes back in `Saved.inspected`.
    Call `delete_on_rollback` with the returned name inside the transaction that references it.
    """
    spool, size, sha256, head = _spool(chunks, limit, label)
    with spool:
        if check is not None:
            check(head, size)
        inspected = None
        if inspect is not None:
            inspected = inspect(head, spool)
            spool.seek(0)
        stored = _save(kind, name, spool)
    return Saved(stored, size, sha256, head, inspected)


def save_bytes(kind: str, name: str, data: bytes) -> str:
    """Store bytes made by the system itself (a rendered notice); returns the stored name."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        spool.write(data)
        spool.seek(0)
        return _save(kind, name, spool)


def _save(kind: str, name: str, handle: IO[bytes]) -> str:
    try:
        stored = backend(kind).save(name, File(handle, name=name))
    except Exception:
        log.exception("storing %s/%s failed", kind, name)
        delete(kind, [name])  # a half-written object must not stay behind
        raise StorageUnavailable() from None
    if stored != name:  # a backend that renamed it: unique names make this a misconfiguration
        delete(kind, [stored])
        raise StorageUnavailable()
    return stored


def open_file(kind: str, name: str) -> File:
    """The stored file opened for reading, streamed in chunks by the caller."""
    try:
        return backend(kind).open(name, "rb")
    except FileNotFoundError:
        raise
    except Exception as exc:
        if _missing(exc):
            raise FileNotFoundError(name) from None
        log.exception("opening %s/%s failed", kind, name)
        raise StorageUnavailable() from None


def open_stream(kind: str, name: str) -> tuple[IO[bytes], int]:
    """(a readable stream, its size) for a download that is passed on as it arrives.

    On S3 this reads the object's body directly; the storage's own file object would first
    copy the whole object to a temporary file.
    """
    store = backend(kind)
    try:
        if hasattr(store, "bucket"):
            from storages.utils import clean_name

            key = store._normalize_name(clean_name(name))  # the key the storage itself would use
            body = store.connection.meta.client.get_object(Bucket=store.bucket_name, Key=key)
            return body["Body"], int(body["ContentLength"])
        return store.open(name, "rb"), store.size(name)
    except FileNotFoundError:
        raise
    except Exception as exc:
        if _missing(exc):
            raise FileNotFoundError(name) from None
        log.exception("opening %s/%s failed", kind, name)
        raise StorageUnavailable() from None


def _missing(exc: Exception) -> bool:
    """S3 reports a missing key as a ClientError with a 404 / NoSuchKey code."""
    response = getattr(exc, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}


def read_bytes(kind: str, name: str) -> bytes:
    with open_file(kind, name) as handle:
        return handle.read()


def exists(kind: str, name: str) -> bool:
    return backend(kind).exists(name)


def delete(kind: str, names: Iterable[str]) -> None:
    """Remove files; one already gone is fine, one that cannot be removed is logged and left
    to the orphan sweep rather than failing the caller."""
    store = backend(kind)
    for name in names:
        try:
            store.delete(name)
        except FileNotFoundError:
            continue
        except Exception:
            log.warning("could not delete %s/%s; the orphan sweep will retry", kind, name,
                        exc_info=True)


def walk(kind: str, folder: str = "") -> Iterator[str]:
    """Every stored name under a folder, recursively."""
    store = backend(kind)
    try:
        folders, files = store.listdir(folder)
    except FileNotFoundError:
        return
    prefix = f"{folder.rstrip('/')}/" if folder else ""
    for name in files:
        yield prefix + name
    for sub in folders:
        yield from walk(kind, prefix + sub)


def modified(kind: str, name: str) -> dt.datetime:
    return backend(kind).get_modified_time(name)


def delete_on_rollback(kind: str, names: Iterable[str], using: str | None = None) -> None:
    """Remove these files unless the current transaction, and every one around it, commits.

    Django keeps no rollback hook, but it drops the on-commit callbacks of a transaction or
    savepoint that rolls back. The callback registered here is owned only by that list, so
    when it is dropped without having run, its finalizer deletes the files.
    """
    names = list(names)
    if not names:
        return
    state = {"committed": False}

    def committed() -> None:
        state["committed"] = True

    def finalize(kind: str, names: list[str], state: dict) -> None:
        if not state["committed"]:
            log.info("transaction rolled back: deleting %d new file(s) of %s", len(names), kind)
            delete(kind, names)

    weakref.finalize(committed, finalize, kind, names, state)
    transaction.on_commit(committed, using=using)


def delete_after_commit(kind: str, names: Iterable[str], using: str | None = None) -> None:
    """Remove files a committed change no longer needs (kept if that change rolls back)."""
    names = list(names)
    transaction.on_commit(lambda: delete(kind, names), using=using)


@contextlib.contextmanager
def removed_on_error(kind: str, names: list[str]) -> Iterator[list[str]]:
    """Files written before their transaction starts: removed if anything fails on the way."""
    try:
        yield names
    except BaseException:
        delete(kind, names)
        raise
