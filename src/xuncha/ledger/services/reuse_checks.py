"""Batch 雷同 checks: a batch of uploaded files (or a zip of them) checked in the background.

The upload is stored under the data folder and a ReuseCheck row is queued in one step; a worker
thread of the same server claims it (a conditional update, so only one worker ever runs a batch),
reads every file through the parse loaders, runs the engine with progress written back to the row,
and stores the result. Files that cannot be read are listed with the reason; they never stop a run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import threading
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from xuncha.core.parse.loaders import LOADERS, LoadError, load_path
from xuncha.core.reuse import ReuseIndex
from xuncha.ledger import permissions
from xuncha.ledger.models import ReuseCheck
from xuncha.ledger.services import audit
from xuncha.ledger.services.actor import Actor
from xuncha.ledger.services.errors import InvalidInput, NotFound

log = logging.getLogger(__name__)

MAX_FILES = 5000
CHUNK = 1 << 20
Upload = tuple[str, Iterable[bytes]]  # (file name, its bytes in chunks)


def folder(check: ReuseCheck | int) -> Path:
    return Path(settings.REUSE_CHECKS_DIR) / str(check if isinstance(check, int) else check.pk)


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


def _save(target: Path, chunks: Iterable[bytes], limit: int, name: str) -> None:
    size = 0
    with open(target, "wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise InvalidInput(f"“{name}”超过 {limit / 2**20:.3g} MB 的上限，请拆分后再上传。")
            out.write(chunk)


def _unzip(path: Path, into: Path, taken: set[str], limit: int) -> int:
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
            with archive.open(member) as source:
                _save(into / _safe_name(name, taken), iter(lambda: source.read(CHUNK), b""), limit, name)
            count += 1
            if count > MAX_FILES:
                raise InvalidInput(f"一次最多检测 {MAX_FILES} 份文档。")
    path.unlink()
    return count


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
    limit = settings.REUSE_MAX_BYTES
    staging = Path(settings.REUSE_CHECKS_DIR) / f"upload-{os.getpid()}-{threading.get_ident()}-{time.time_ns()}"
    files = staging / "files"
    files.mkdir(parents=True)
    check = None
    try:
        taken: set[str] = set()
        count = 0
        for name, chunks in uploads:
            stored = files / _safe_name(name, taken)
            _save(stored, chunks, limit, name)
            if stored.suffix.lower() == ".zip":
                taken.discard(stored.name)
                count += _unzip(stored, files, taken, limit)
            elif stored.suffix.lower() in LOADERS:
                count += 1
            else:
                stored.unlink()
                raise InvalidInput(f"“{name}”不是可检测的文件类型（支持 txt、docx、html、pdf 和 zip）。")
        if not count:
            raise InvalidInput("没有找到可检测的文档（支持 txt、docx、html、pdf，或装有这些文件的 zip）。")
        if count > MAX_FILES:
            raise InvalidInput(f"一次最多检测 {MAX_FILES} 份文档。")
        with transaction.atomic():
            check = ReuseCheck.objects.create(
                title=(title.strip() or (uploads[0][0] if len(uploads) == 1 else f"{count} 份文档"))[:200],
                created_by=actor.user, min_run=min_run, threshold=threshold, files=count)
            audit.record(actor, "reuse.check", check, f"提交雷同检测：{check.title}（{count} 份文档）")
            os.replace(staging, folder(check))
            transaction.on_commit(lambda: launch(check.pk))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if check is not None:  # moved into place, then the transaction failed
            shutil.rmtree(folder(check), ignore_errors=True)
        raise
    return check


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
    path = folder(check) / "texts.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


# -- the worker ----------------------------------------------------------------------------------

def launch(pk: int) -> None:
    """Run the check in a thread of this server (daemon: a stopped server leaves it to `resume`)."""
    threading.Thread(target=_worker, args=(pk,), name=f"reuse-check-{pk}", daemon=True).start()


def _worker(pk: int) -> None:
    close_old_connections()
    try:
        run_check(pk)
    finally:
        connection.close()  # the thread's own connection


STALE_SECONDS = 300  # a running check whose worker has been silent this long died with its server


def resume() -> int:
    """Queue again the checks whose server stopped under them, and start every queued one."""
    stale = timezone.now() - dt.timedelta(seconds=STALE_SECONDS)
    ReuseCheck.objects.filter(state="running", heartbeat__lt=stale).update(state="queued", progress=0.0)
    pending = list(ReuseCheck.objects.filter(state="queued").values_list("pk", flat=True))
    for pk in pending:
        launch(pk)
    return len(pending)


def _progress(pk: int) -> Callable[[float, str], None]:
    last = [0.0]

    def report(fraction: float, stage: str) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or fraction >= 1:
            last[0] = now
            ReuseCheck.objects.filter(pk=pk).update(progress=round(min(1.0, fraction), 3), stage=stage,
                                                    heartbeat=timezone.now())
    return report


def run_check(pk: int) -> bool:
    """Claim and run one queued check. False when another worker has it already."""
    claimed = ReuseCheck.objects.filter(pk=pk, state="queued").update(state="running", heartbeat=timezone.now(),
                                                                      stage="读取文件")
    if not claimed:
        return False
    try:
        _run(ReuseCheck.objects.get(pk=pk))
    except Exception:
        log.exception("reuse check %s failed", pk)
        ReuseCheck.objects.filter(pk=pk).update(state="failed", error="检测过程中出现意外错误，请重新提交；"
                                                "如仍失败，请联系系统管理员。")
    return True


def _run(check: ReuseCheck) -> None:
    started = time.perf_counter()
    report = _progress(check.pk)
    paths = sorted(p for p in (folder(check) / "files").iterdir() if p.is_file())
    index = ReuseIndex(min_run=check.min_run)
    skipped, loaded = [], {}
    for number, path in enumerate(paths):
        try:
            text = load_path(path)
        except LoadError as exc:
            skipped.append({"name": path.name, "reason": exc.message})
            continue
        except OSError:
            skipped.append({"name": path.name, "reason": "无法读取文件"})
            continue
        if not text.strip():
            skipped.append({"name": path.name, "reason": "文件没有文字内容"})
            continue
        index.add(path.name, text)
        loaded[path.name] = text
        report(0.4 * (number + 1) / len(paths), f"读取文件（{number + 1}/{len(paths)}）")
    pairs = index.pairs(threshold=check.threshold, progress=lambda f: report(0.4 + 0.55 * f, "比对文档"))
    common = [{"text": text, "documents": count} for text, count in index.common_phrases()]
    staging = folder(check) / "texts.json.tmp"
    staging.write_text(json.dumps(loaded, ensure_ascii=False), "utf-8")
    os.replace(staging, folder(check) / "texts.json")
    ReuseCheck.objects.filter(pk=check.pk).update(
        state="done", progress=1.0, stage="完成", heartbeat=timezone.now(), documents=len(loaded),
        pair_count=len(pairs), skipped=skipped, seconds=round(time.perf_counter() - started, 2),
        result={"pairs": [p.to_dict() for p in pairs], "common": common})
