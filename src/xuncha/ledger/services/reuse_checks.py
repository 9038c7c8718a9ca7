"""Batch 雷同 checks: a batch of uploaded files (or a zip of them) checked in the background.

The upload is unpacked in a temporary folder, then kept through the storage API (kind "reuse": a
folder of the data folder, or the S3 bucket) with its ReuseCheck row in one step; when that
commits, a `reuse.check` job goes on the queue (xuncha.jobs). A worker process runs it: it claims
the row (a conditional update), reads every file through the parse loaders, runs the engine with
progress written back to the row, and stores the result. Files that cannot be read are listed
with the reason; they never stop a run. A batch is bounded in size, in documents and in checks
per person per day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xuncha import clock
from xuncha.core.parse.loaders import LOADERS, LoadError, load_bytes
from xuncha.core.reuse import ReuseIndex
from xuncha.jobs.queue import enqueue
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor, system_actor
from xuncha.ledger.errors import InvalidInput, NotFound
from xuncha.ledger.models import ReuseCheck
from xuncha.ledger.services import audit, storage

log = logging.getLogger(__name__)

CHUNK = 1 << 20
Upload = tuple[str, Iterable[bytes]]  # (file name, its bytes in chunks)


KIND = "reuse"


def prefix(check: ReuseCheck | int) -> str:
    """The check's folder in storage: <pk>/files/… (the documents) and <pk>/texts.json."""
    return str(check if isinstance(check, int) else check.pk)


def _safe_name(name: str, taken: set[str]) -> str:
    """A stored name: the last path part, no separators, unique in the batch."""
    base = PurePosixPath(name.replace("\\", "/")).name.strip() or "未命名"
    base = "".join(ch for ch in base if ch not in '<>:"|?*\x00')[:120]
    stem, dot, suffix = base.rpartition(".")
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}（{number}）.{suffix}" if dot else f"{base}（{number}）"
    taken.add(candidate)
    return candidate


class _Budget:
    """What is left of the batch's bounds while its files are stored (zips count unpacked)."""

    def __init__(self) -> None:
        self.bytes = settings.REUSE_BATCH_MAX_BYTES
        self.files = settings.REUSE_BATCH_MAX_FILES

    def spend(self, size: int) -> None:
        self.bytes -= size
        if self.bytes < 0:
            raise InvalidInput(f"这批文件合计超过 {settings.REUSE_BATCH_MAX_BYTES / 2**20:.3g} MB 的上限，"
                               "请分批检测。")

    def count(self, documents: int = 1) -> None:
        self.files -= documents
        if self.files < 0:
            raise InvalidInput(f"一次最多检测 {settings.REUSE_BATCH_MAX_FILES} 份文档，请分批检测。")


def _save(target: Path, chunks: Iterable[bytes], limit: int, name: str, budget: _Budget) -> None:
    size = 0
    with open(target, "wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise InvalidInput(f"“{name}”超过 {limit / 2**20:.3g} MB 的上限，请拆分后再上传。")
            budget.spend(len(chunk))
            out.write(chunk)


def _unzip(path: Path, into: Path, taken: set[str], limit: int, budget: _Budget) -> int:
    """Store the documents inside a zip; returns how many. Refuses members over the size limit."""
    count = 0
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InvalidInput(f"“{path.name}”不是有效的 zip 压缩包。") from None
    with archive:
        for member in archive.infolist():
            if member.is_dir() or Path(member.filename).suffix.lower() not in LOADERS:
                continue
            if member.file_size > limit:
                raise InvalidInput(f"压缩包中的“{member.filename}”超过 {limit / 2**20:.3g} MB 的上限。")
            name = member.filename
            if not member.flag_bits & 0x800:  # not UTF-8: Chinese Windows zips name files in GBK
                with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
                    name = member.filename.encode("cp437").decode("gbk")
            budget.count()
            with archive.open(member) as source:
                chunks = iter(lambda: source.read(CHUNK), b"")
                _save(into / _safe_name(name, taken), chunks, limit, name, budget)
            count += 1
    path.unlink()
    return count


def _within_daily_limit(actor: Actor) -> None:
    start = timezone.make_aware(dt.datetime.combine(clock.today(), dt.time()))
    done = ReuseCheck.objects.filter(created_by_id=actor.user_id, created_at__gte=start).count()
    if done >= settings.REUSE_DAILY_CHECKS:
        raise InvalidInput(f"每人每天最多提交 {settings.REUSE_DAILY_CHECKS} 次雷同检测，今天的次数已用完，"
                           "请明天再试。")


def start_check(actor: Actor, uploads: list[Upload], title: str = "", min_run: int = 13,
                threshold: float = 0.3) -> ReuseCheck:
    """Store the batch and queue it; the check starts in the background once this commits."""
    permissions.require(actor, "check_reuse")
    if not uploads:
        raise InvalidInput("请选择要检测的文件（可多选，或上传 zip 压缩包）。")
    if not 8 <= min_run <= 200:
        raise InvalidInput("最短雷同字数应在 8 到 200 之间。")
    if not 0 < threshold <= 1:
        raise InvalidInput("复制比阈值应在 0 到 1 之间。")
    _within_daily_limit(actor)
    limit, budget = settings.REUSE_MAX_BYTES, _Budget()
    staging = Path(tempfile.mkdtemp(prefix="xuncha-batch-"))
    files = staging / "files"
    files.mkdir()
    try:
        taken: set[str] = set()
        count = 0
        for name, chunks in uploads:
            stored = files / _safe_name(name, taken)
            _save(stored, chunks, limit, name, budget)
            if stored.suffix.lower() == ".zip":
                taken.discard(stored.name)
                budget.spend(-stored.stat().st_size)  # a zip counts by what it holds
                count += _unzip(stored, files, taken, limit, budget)
            elif stored.suffix.lower() in LOADERS:
                budget.count()
                count += 1
            else:
                stored.unlink()
                raise InvalidInput(f"“{name}”不是可检测的文件类型（支持 txt、docx、html、pdf 和 zip）。")
        if not count:
            raise InvalidInput("没有找到可检测的文档（支持 txt、docx、html、pdf，或装有这些文件的 zip）。")
        with transaction.atomic():
            check = ReuseCheck.objects.create(
                title=(title.strip() or (uploads[0][0] if len(uploads) == 1 else f"{count} 份文档"))[:200],
                created_by=actor.user, min_run=min_run, threshold=threshold, files=count)
            audit.record(actor, "reuse.check", check, f"提交雷同检测：{check.title}（{count} 份文档）")
            _keep(check, files)
            enqueue("reuse.check", {"pk": check.pk}, actor=actor, title=f"雷同检测：{check.title}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return check


def _keep(check: ReuseCheck, files: Path) -> None:
    """Into storage under the check's folder; removed again if the transaction rolls back."""
    kept: list[str] = []
    with storage.removed_on_error(KIND, kept):
        for path in sorted(files.iterdir()):
            with open(path, "rb") as handle:
                name = f"{prefix(check)}/files/{path.name}"
                kept.append(storage.save_stream(KIND, name, iter(lambda h=handle: h.read(CHUNK), b""),
                                                path.stat().st_size + 1).name)
        storage.delete_on_rollback(KIND, kept)


def visible_checks(actor: Actor):
    """An office admin or supervisor sees every batch; others see their own."""
    permissions.require(actor, "check_reuse")
    checks = ReuseCheck.objects.select_related("created_by")
    if actor.role in {"office_admin", "supervisor", "system"}:
        return checks
    return checks.filter(created_by_id=actor.user_id)


def get_check(actor: Actor, pk: int) -> ReuseCheck:
    check = visible_checks(actor).filter(pk=pk).first()
    if check is None:
        raise NotFound()
    return check


def texts(check: ReuseCheck) -> dict[str, str]:
    try:
        return json.loads(storage.read_bytes(KIND, f"{prefix(check)}/texts.json").decode("utf-8"))
    except FileNotFoundError:
        return {}


# -- the worker (the `reuse.check` job in xuncha/ledger/tasks.py) -------------------------------

def _progress(pk: int) -> Callable[[float, str], None]:
    last = [0.0]

    def report(fraction: float, stage: str) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or fraction >= 1:
            last[0] = now
            ReuseCheck.objects.filter(pk=pk).update(progress=round(min(1.0, fraction), 3), stage=stage,
                                                    heartbeat=clock.now())
    return report


FAILED = "检测过程中出现意外错误，请重新提交；如仍失败，请联系系统管理员。"


def run_check(pk: int) -> bool:
    """Claim and run one check; False when it is already done (or gone).

    Only its job calls this, and the job queue runs a job in one worker at a time, so a check
    left "running" by a worker that died is claimed again here; the run is idempotent (its
    texts file is replaced whole, its row rewritten). A failure puts the check back in the
    queue for the job's next attempt; after the last, the job calls `mark_failed`.
    """
    claimed = ReuseCheck.objects.filter(pk=pk, state__in=["queued", "running", "failed"]).update(
        state="running", heartbeat=clock.now(), stage="读取文件", progress=0.0, error="")
    if not claimed:
        return False
    try:
        _run(ReuseCheck.objects.get(pk=pk))
    except Exception:
        ReuseCheck.objects.filter(pk=pk, state="running").update(state="queued", stage="出错，稍后自动重试")
        raise
    return True


def mark_failed(pk: int) -> None:
    """The check's job gave up: say so on the check's page."""
    ReuseCheck.objects.filter(pk=pk, state__in=["queued", "running"]).update(
        state="failed", error=FAILED, stage="")


def purge(before: dt.date) -> int:
    """Remove the checks created before `before` (rows with an audit record, then folders), and
    folders left without a row; returns the checks removed. (A check "running" that long ago
    died with its last worker.)"""
    start = timezone.make_aware(dt.datetime.combine(before, dt.time()))
    old = list(ReuseCheck.objects.filter(created_at__lt=start))
    actor = system_actor()
    for check in old:
        with transaction.atomic():
            audit.record(actor, "reuse.purge", check, f"删除过期雷同检测：{check.title}")
            ReuseCheck.objects.filter(pk=check.pk).delete()
        storage.delete(KIND, list(storage.walk(KIND, prefix(check.pk))))
    known = set(ReuseCheck.objects.values_list("pk", flat=True))
    for name in list(storage.walk(KIND)):
        top = name.split("/", 1)[0]
        if top.isdigit() and int(top) not in known and storage.modified(KIND, name) < start:
            storage.delete(KIND, [name])  # left by a crash between storing and the row's commit
    return len(old)


def _run(check: ReuseCheck) -> None:
    started = time.perf_counter()
    report = _progress(check.pk)
    names = sorted(storage.walk(KIND, f"{prefix(check)}/files"))
    index = ReuseIndex(min_run=check.min_run)
    skipped, loaded = [], {}
    for number, stored in enumerate(names):
        name = stored.rsplit("/", 1)[-1]
        try:
            text = load_bytes(storage.read_bytes(KIND, stored), name)
        except LoadError as exc:
            skipped.append({"name": name, "reason": exc.message})
            continue
        except (OSError, storage.StorageUnavailable):
            skipped.append({"name": name, "reason": "无法读取文件"})
            continue
        if not text.strip():
            skipped.append({"name": name, "reason": "文件没有文字内容"})
            continue
        index.add(name, text)
        loaded[name] = text
        report(0.4 * (number + 1) / len(names), f"读取文件（{number + 1}/{len(names)}）")
    pairs = index.pairs(threshold=check.threshold, progress=lambda f: report(0.4 + 0.55 * f, "比对文档"))
    common = [{"text": text, "documents": count} for text, count in index.common_phrases()]
    result = f"{prefix(check)}/texts.json"
    storage.delete(KIND, [result])  # a rerun replaces it whole (the run is idempotent)
    storage.save_bytes(KIND, result, json.dumps(loaded, ensure_ascii=False).encode("utf-8"))
    ReuseCheck.objects.filter(pk=check.pk).update(
        state="done", progress=1.0, stage="完成", heartbeat=clock.now(), documents=len(loaded),
        pair_count=len(pairs), skipped=skipped, seconds=round(time.perf_counter() - started, 2),
        result={"pairs": [p.to_dict() for p in pairs], "common": common})
