"""The janitor: stored files that no row references, left by a crash between writing a file
and committing its row (a rolled-back transaction removes its own files; see storage.py).

Only files older than an hour are touched, so a write still in progress is never hit.
Meant to run daily (`xuncha purge-orphans`, or the job queue).
"""

from __future__ import annotations

import datetime as dt
import logging

from xuncha import clock
from xuncha.ledger.actor import system_actor
from xuncha.ledger.models import Evidence, Notice
from xuncha.ledger.services import audit, notices, storage
from xuncha.ledger.services.evidence import KIND as EVIDENCE

log = logging.getLogger(__name__)
GRACE = dt.timedelta(hours=1)


def _referenced_notice_files() -> set[str]:
    names: set[str] = set()
    published = Notice.objects.filter(state="published")
    for notice in published.only("pk", "inspection_id", "version", "files"):
        names.update(notices.stored_name(notice, entry) for entry in notice.files)
    return names


def _referenced() -> dict[str, set[str]]:
    return {EVIDENCE: set(Evidence.objects.values_list("stored_name", flat=True)),
            notices.FILES: _referenced_notice_files()}


def purge_orphans(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete unreferenced evidence and notice files older than an hour; counts per kind.

    Staged imports are not rows; `imports.purge_staged_imports` removes them by age.
    """
    cutoff = (now or clock.now()) - GRACE
    removed = {}
    for kind, keep in _referenced().items():
        # The rows were read first: a file committed since then is younger than the grace hour.
        old = [name for name in storage.walk(kind)
               if name not in keep and storage.modified(kind, name) < cutoff]
        storage.delete(kind, old)
        removed[kind] = len(old)
        if old:
            log.info("purged %d orphaned %s file(s)", len(old), kind)
    if any(removed.values()):
        audit.record_now(system_actor(), "files.purge_orphans", None,
                         f"删除无引用的存储文件：佐证材料 {removed.get(EVIDENCE, 0)} 个，"
                         f"通报文件 {removed.get(notices.FILES, 0)} 个", after=removed)
    return removed
