"""The ledger's background work, run by `xuncha worker` (xuncha.jobs)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings

from xuncha import clock
from xuncha.jobs.registry import job
from xuncha.jobs.runner import step
from xuncha.ledger.services import exports, imports, orphans, reuse, reuse_checks, submissions

log = logging.getLogger(__name__)


# Files and a long run: not in one transaction (docs/architecture.md, the exactly-once contract);
# run_check is idempotent instead.
def _reuse_check_failed(pk: int, reason: str) -> None:
    reuse_checks.mark_failed(pk)


@job("reuse.check", title="雷同检测", max_attempts=3, atomic=False, on_failure=_reuse_check_failed)
def reuse_check(pk: int) -> None:
    step("比对文档")
    reuse_checks.run_check(pk)


@job("reuse.purge", title="清理过期雷同检测", atomic=False)
def reuse_purge(day: str) -> None:
    cutoff = dt.date.fromisoformat(day) - dt.timedelta(days=settings.REUSE_CHECK_DAYS)
    removed = reuse_checks.purge(cutoff)
    log.info("removed %s reuse checks created before %s", removed, cutoff)


@job("reuse.index_maintenance", title="雷同索引维护", atomic=False)
def reuse_index_maintenance(day: str = "") -> None:
    step("合并索引分段")
    segments = reuse.store().compact()
    log.info("reuse index: %s segment(s) merged into one", segments)


# The index is a folder of files under its own lock: idempotent (names already indexed are skipped).
@job("reuse.index", title="雷同索引更新", max_attempts=5, atomic=False)
def reuse_index(items: list[list[str]]) -> None:
    reuse.index_many([(name, text) for name, text in items])


# Builds its rows outside any transaction and takes the write lock only to insert them (the bulk
# path), so not atomic; a rerun after a lost acknowledgement finds the import already recorded.
@job("import.commit", title="导入台账", max_attempts=2, atomic=False)
def import_commit(inspection: int, token: str, name: str, user: int, ip: str = "", kind: str = "") -> None:
    step("导入")
    imports.commit_staged_job(inspection, token, name, user, ip, kind)


@job("imports.purge", title="清理过期的待导入文件", atomic=False)
def imports_purge(day: str = "") -> None:
    removed = imports.purge_staged_imports()
    log.info("removed %s staged import uploads", removed)


@job("forms.purge", title="清理过期的表单令牌", atomic=False)
def forms_purge(day: str = "") -> None:
    # A form sent again a week later is a new form, not a double click.
    removed = submissions.forget_before(clock.now() - dt.timedelta(days=7))
    log.info("removed %s used form tokens", removed)


@job("files.purge_orphans", title="清理无主文件", atomic=False)
def files_purge_orphans(day: str = "") -> None:
    removed = orphans.purge_orphans()
    log.info("removed orphan files: %s", removed)


# The audit chain and the published files, checked every day; the viewer shows the latest result.
@job("audit.verify", title="审计日志完整性校验", atomic=False)
def audit_verify(day: str = "") -> None:
    from xuncha.ledger.services import audit_chain

    verdict, _ = audit_chain.verify_and_store()
    log.info("audit chain check: %s", "sound" if verdict.ok else verdict.problem)


@job("published.verify", title="发布文件完整性校验", atomic=False)
def published_verify(day: str = "") -> None:
    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.services import published

    checked, mismatches = published.verify_all(system_actor())
    log.info("published files: %s checked, %s mismatched", checked, len(mismatches))
# Writes a file, so not atomic; idempotent: a rerun finds the file already stored.
@job("ledger.round_export", title="导出台账", max_attempts=3, atomic=False)
def round_export(round: int, user: int, name: str, ip: str = "") -> None:
    step("生成工作簿")
    exports.build_export(round, user, name, ip)


@job("exports.purge", title="清理过期的导出台账", atomic=False)
def exports_purge(day: str = "") -> None:
    removed = exports.purge_exports()
    log.info("removed %s round export workbooks", removed)
