"""The whole province's evidence checked at once: every flag that holds, and only those.

Reads each table once (fingerprints, early progress reports, deadlines), finds near-same
images with `core.provenance.near_pairs` over all hashes in memory, adds the flags missing
and removes those that no longer hold (a changed threshold, a corrected feedback date), in
short transactions: a rerun gives the same result.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F

from xuncha import clock
from xuncha.core import provenance
from xuncha.ledger.actor import Actor
from xuncha.ledger.models import ProgressReport
from xuncha.ledger.services import audit
from xuncha.provenance import services
from xuncha.provenance.kinds import FLAG_KIND
from xuncha.provenance.models import Fingerprint, Flag
from xuncha.provenance.services import Raised

log = logging.getLogger(__name__)

CHUNK = 5000


@dataclass
class Result:
    fingerprinted: int = 0
    files: int = 0
    flags: Counter = field(default_factory=Counter)
    added: int = 0
    removed: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        kinds = "，".join(f"{FLAG_KIND.label(k)} {n} 条" for k, n in sorted(self.flags.items())) or "无提示"
        return (f"佐证材料核验：{self.files} 个文件，新增指纹 {self.fingerprinted} 个；{kinds}；"
                f"新增 {self.added} 条，撤销 {self.removed} 条")


def progress_early() -> list[Raised]:
    rows = (ProgressReport.objects.filter(date__lt=F("measure__finding__inspection__feedback_date"))
            .values_list("pk", "date", "measure__finding_id", "measure__finding__inspection_id"))
    return [Raised("progress_before_feedback", finding, inspection, report_id=pk, on_date=day)
            for pk, day, finding, inspection in rows.iterator(chunk_size=CHUNK)]


def made_early() -> list[Raised]:
    rows = (Fingerprint.objects.filter(made_at__isnull=False, inspection__feedback_date__isnull=False)
            .values_list("evidence_id", "finding_id", "inspection_id", "made_at",
                         "inspection__feedback_date"))
    raised = []
    for evidence, finding, inspection, made_at, feedback in rows.iterator(chunk_size=CHUNK):
        day = services.local_date(made_at)
        if day < feedback:
            raised.append(Raised("made_before_feedback", finding, inspection, evidence_id=evidence,
                                 on_date=day))
    return raised


def made_late() -> list[Raised]:
    rows = (Fingerprint.objects.filter(made_at__gt=F("uploaded_at") + services.LATE_TOLERANCE)
            .values_list("evidence_id", "finding_id", "inspection_id", "made_at"))
    return [Raised("made_after_upload", finding, inspection, evidence_id=evidence,
                   on_date=services.local_date(made_at))
            for evidence, finding, inspection, made_at in rows.iterator(chunk_size=CHUNK)]


def same_files() -> list[Raised]:
    shared = (Fingerprint.objects.values("sha256").annotate(n=Count("finding_id", distinct=True))
              .filter(n__gt=1).values_list("sha256", flat=True))
    groups: dict[str, list[tuple]] = {}
    rows = (Fingerprint.objects.filter(sha256__in=shared).order_by("evidence_id")
            .values_list("evidence_id", "finding_id", "inspection_id", "sha256"))
    for row in rows.iterator(chunk_size=CHUNK):
        groups.setdefault(row[3], []).append(row)
    raised = []
    for members in groups.values():
        for i, (evidence, finding, inspection, _) in enumerate(members):
            older = [m for m in reversed(members[:i]) if m[1] != finding][:services.PAIR_LIMIT]
            raised += [Raised("same_file", finding, inspection, evidence_id=evidence, other_id=o[0],
                              other_finding_id=o[1], other_inspection_id=o[2]) for o in older]
    return raised


def near_images() -> tuple[list[Raised], int]:
    import numpy as np

    rows = list(Fingerprint.objects.filter(phash__isnull=False).order_by("evidence_id")
                .values_list("evidence_id", "finding_id", "inspection_id", "sha256", "phash")
                .iterator(chunk_size=CHUNK))
    if len(rows) < 2:
        return [], len(rows)
    evidence, finding, inspection, sha, hashes = zip(*rows, strict=True)
    values = np.array(hashes, dtype=np.int64).view(np.uint64)
    findings = np.array(finding, dtype=np.int64)
    numbers: dict[str, int] = {}  # a number per content: strings in numpy would cost 256 bytes each
    sha_ids = np.fromiter((numbers.setdefault(s, len(numbers)) for s in sha), dtype=np.int64, count=len(sha))
    pairs = provenance.near_pairs(values, settings.PROVENANCE_NEAR_BITS)
    keep = (findings[pairs[:, 0]] != findings[pairs[:, 1]]) & (sha_ids[pairs[:, 0]] != sha_ids[pairs[:, 1]])
    raised = []
    for new, old in pairs[keep].tolist():
        raised.append(Raised("near_image", finding[new], inspection[new], evidence_id=evidence[new],
                             other_id=evidence[old], other_finding_id=finding[old],
                             other_inspection_id=inspection[old],
                             distance=provenance.hamming(int(values[new]), int(values[old]))))
    return raised, len(rows)


def bursts() -> list[Raised]:
    uploads = (Fingerprint.objects.values_list("inspection_id", "finding_id", "uploaded_at")
               .iterator(chunk_size=CHUNK))
    windows = services.burst_windows(uploads)
    busy = {pk for (pk, _), per in windows.items() if sum(per.values()) >= settings.PROVENANCE_BURST_FILES}
    if not busy:
        return []
    deadlines = services._deadlines(busy)
    raised = []
    for (inspection, day), per in windows.items():
        total = sum(per.values())
        if inspection in busy and total >= settings.PROVENANCE_BURST_FILES and day in deadlines[inspection]:
            raised += [Raised("deadline_burst", f, inspection, on_date=day, count=total) for f in sorted(per)]
    return raised


def _store(raised: dict[str, Raised], at: dt.datetime) -> tuple[int, int]:
    """Add the missing flags, update burst counts, remove the stale: (added, removed)."""
    existing = set(Flag.objects.values_list("key", flat=True).iterator(chunk_size=CHUNK))
    new = [r for key, r in raised.items() if key not in existing]
    for start in range(0, len(new), CHUNK):
        with transaction.atomic():
            services.save(new[start:start + CHUNK], at)
    stale = list(existing - raised.keys())
    for start in range(0, len(stale), CHUNK):
        with transaction.atomic():
            Flag.objects.filter(key__in=stale[start:start + CHUNK]).delete()
    with transaction.atomic():
        for r in raised.values():
            if r.kind == "deadline_burst" and r.key in existing:
                Flag.objects.filter(key=r.key).exclude(count=r.count).update(count=r.count)
    return len(new), len(stale)


def run(actor: Actor, backfill_limit: int | None = None) -> Result:
    """The whole province's pass; one audit record says what it found and changed."""
    started = time.perf_counter()
    result = Result(fingerprinted=services.backfill(backfill_limit))
    near, _ = near_images()
    raised: dict[str, Raised] = {}
    for r in [*progress_early(), *made_early(), *made_late(), *same_files(), *near, *bursts()]:
        raised[r.key] = r
    result.files = Fingerprint.objects.count()
    result.flags = Counter(r.kind for r in raised.values())
    result.added, result.removed = _store(raised, clock.now())
    result.seconds = time.perf_counter() - started
    with transaction.atomic():
        audit.record(actor, "provenance.scan", None, result.summary()[:300], after={
            "files": result.files, "fingerprinted": result.fingerprinted, "added": result.added,
            "removed": result.removed, "flags": dict(result.flags)})
    log.info("provenance scan: %s files, %s flags, %.1f s", result.files, len(raised), result.seconds)
    return result
