"""佐证材料核验: the fingerprint of each evidence file, and the flags it raises.

Flags are raised in the transaction of the progress report that brings the files (a hook of
`measures.report_progress`), and again for the whole province by `scan` (a queued job, the
daily run, `xuncha provenance`), which also fingerprints files uploaded before this existed
and drops flags that no longer hold (a withdrawn file takes its flags with it already).
No flag refuses anything.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xuncha import clock
from xuncha.core import provenance
from xuncha.ledger.models import Evidence, Inspection, Measure, ProgressReport
from xuncha.provenance.kinds import LATE_TOLERANCE_HOURS
from xuncha.provenance.models import Fingerprint, Flag

log = logging.getLogger(__name__)

PAIR_LIMIT = 20  # flags one file raises with other files of the same content
NEAR_CANDIDATES = 500  # rows read per image at upload (a band value shared this widely is noise)
LATE_TOLERANCE = dt.timedelta(hours=LATE_TOLERANCE_HOURS)


@dataclass(frozen=True)
class Raised:
    kind: str
    finding_id: int
    inspection_id: int
    evidence_id: int | None = None
    report_id: int | None = None
    other_id: int | None = None
    other_finding_id: int | None = None
    other_inspection_id: int | None = None
    distance: int | None = None
    on_date: dt.date | None = None
    count: int | None = None

    @property
    def key(self) -> str:
        if self.kind == "deadline_burst":
            return f"{self.kind}:{self.finding_id}:{self.on_date.isoformat()}"
        if self.kind == "progress_before_feedback":
            return f"{self.kind}:{self.report_id}"
        return f"{self.kind}:{self.evidence_id}:{self.other_id or ''}"

    def row(self, at: dt.datetime) -> Flag:
        return Flag(key=self.key, kind=self.kind, finding_id=self.finding_id,
                    inspection_id=self.inspection_id, evidence_id=self.evidence_id,
                    report_id=self.report_id, other_id=self.other_id,
                    other_finding_id=self.other_finding_id,
                    other_inspection_id=self.other_inspection_id, distance=self.distance,
                    on_date=self.on_date, count=self.count, created_at=at)


def fingerprint(evidence: Evidence, traits: provenance.Traits, finding_id: int, inspection_id: int,
                at: dt.datetime) -> Fingerprint:
    bands = provenance.bands(traits.phash) if traits.phash is not None else (None,) * provenance.BANDS
    return Fingerprint(
        evidence=evidence, finding_id=finding_id, inspection_id=inspection_id, sha256=evidence.sha256,
        phash=provenance.to_signed(traits.phash) if traits.phash is not None else None,
        band0=bands[0], band1=bands[1], band2=bands[2], band3=bands[3],
        made_at=_aware(traits.made_at), made_source=traits.made_source, uploaded_at=at)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A file's own date: with its offset when it gave one, else read as local time."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


# -- at upload ------------------------------------------------------------------------------

def on_report(report: ProgressReport, rows: list) -> dict:
    """The hook run in the progress report's transaction: fingerprints, then flags.

    Returns what the report's audit record adds: the kinds of flag raised, if any.
    """
    finding = report.measure.finding
    inspection = finding.inspection
    now = clock.now()
    prints = [fingerprint(evidence, stored.traits, finding.pk, inspection.pk, now)
              for evidence, stored in rows]
    Fingerprint.objects.bulk_create(prints)
    raised = [*progress_early(report, inspection, finding.pk), *made_early(prints, inspection),
              *made_late(prints)]
    raised += same_files(prints) + near_images(prints)
    if prints:
        raised += bursts(_upload_times(inspection.pk, now), _deadlines([inspection.pk]))
    save(raised, now)
    return {"flags": sorted({r.kind for r in raised})} if raised else {}


def progress_early(report: ProgressReport, inspection: Inspection, finding_id: int) -> list[Raised]:
    feedback = inspection.feedback_date
    if feedback is None or report.date >= feedback:
        return []
    return [Raised("progress_before_feedback", finding_id, inspection.pk, report_id=report.pk,
                   on_date=report.date)]


def made_early(prints: Iterable[Fingerprint], inspection: Inspection) -> list[Raised]:
    feedback = inspection.feedback_date
    if feedback is None:
        return []
    return [Raised("made_before_feedback", p.finding_id, p.inspection_id, evidence_id=p.evidence_id,
                   on_date=local_date(p.made_at))
            for p in prints if p.made_at is not None and local_date(p.made_at) < feedback]


def made_late(prints: Iterable[Fingerprint]) -> list[Raised]:
    """A file whose own date is after its upload: its device's clock, or the file, is not what it
    says (and a date "before the feedback" from the same clock means little)."""
    return [Raised("made_after_upload", p.finding_id, p.inspection_id, evidence_id=p.evidence_id,
                   on_date=local_date(p.made_at))
            for p in prints if p.made_at is not None and p.made_at > p.uploaded_at + LATE_TOLERANCE]


def _pair(kind: str, new: Fingerprint, old: dict, distance: int | None = None) -> Raised:
    return Raised(kind, new.finding_id, new.inspection_id, evidence_id=new.evidence_id,
                  other_id=old["evidence_id"], other_finding_id=old["finding_id"],
                  other_inspection_id=old["inspection_id"], distance=distance)


PAIR_FIELDS = ("evidence_id", "finding_id", "inspection_id", "sha256", "phash")


def same_files(prints: list[Fingerprint]) -> list[Raised]:
    """Earlier files of the same bytes on other findings (the most recent PAIR_LIMIT each)."""
    raised = []
    for p in prints:
        others = (Fingerprint.objects.filter(sha256=p.sha256).exclude(finding_id=p.finding_id)
                  .exclude(evidence_id=p.evidence_id).order_by("-evidence_id")
                  .values(*PAIR_FIELDS)[:PAIR_LIMIT])
        raised += [_pair("same_file", p, other) for other in others]
    return raised


def near_images(prints: list[Fingerprint]) -> list[Raised]:
    """Earlier images on other findings within XUNCHA_PROVENANCE_NEAR_BITS bits, found through
    the banded index: each band probed to the radius the threshold needs."""
    threshold = settings.PROVENANCE_NEAR_BITS
    radius = provenance.band_radius(threshold)
    raised = []
    for p in prints:
        if p.phash is None:
            continue
        mine = provenance.to_unsigned(p.phash)
        probe = Q()
        for i, band in enumerate(provenance.bands(mine)):
            probe |= Q(**{f"band{i}__in": list(provenance.probes(band, radius))})
        others = (Fingerprint.objects.filter(probe).exclude(finding_id=p.finding_id)
                  .exclude(sha256=p.sha256).order_by("-evidence_id")
                  .values(*PAIR_FIELDS)[:NEAR_CANDIDATES])
        for other in others:
            distance = provenance.hamming(mine, provenance.to_unsigned(other["phash"]))
            if distance <= threshold:
                raised.append(_pair("near_image", p, other, distance))
    return raised


# -- bursts before a deadline ---------------------------------------------------------------

def _day_end(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def _upload_times(inspection_id: int, now: dt.datetime) -> list[tuple[int, int, dt.datetime]]:
    """(inspection, finding, uploaded at) of the inspection's files of the last window."""
    since = now - dt.timedelta(minutes=settings.PROVENANCE_BURST_MINUTES)
    return list(Fingerprint.objects.filter(inspection_id=inspection_id, uploaded_at__gte=since)
                .values_list("inspection_id", "finding_id", "uploaded_at"))


def _deadlines(inspection_ids: Iterable[int]) -> dict[int, set[dt.date]]:
    """Each inspection's deadline days: its measures' 完成时限 and its 集中整改期 end."""
    ids = list(inspection_ids)
    days: dict[int, set[dt.date]] = {pk: set() for pk in ids}
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        for pk, day in (Measure.objects.filter(finding__inspection_id__in=chunk, deadline__isnull=False)
                        .values_list("finding__inspection_id", "deadline").distinct()):
            days[pk].add(day)
        for pk, day in Inspection.objects.filter(pk__in=chunk, rectification_end__isnull=False).values_list(
                "pk", "rectification_end"):
            days[pk].add(day)
    return days


def burst_windows(uploads: Iterable[tuple[int, int, dt.datetime]]) -> dict:
    """{(inspection, day): {finding: files}} of uploads in the last minutes of a day."""
    window = dt.timedelta(minutes=settings.PROVENANCE_BURST_MINUTES)
    found: dict = {}
    for inspection_id, finding_id, at in uploads:
        day = local_date(at)
        if _day_end(day) - at <= window:
            per = found.setdefault((inspection_id, day), {})
            per[finding_id] = per.get(finding_id, 0) + 1
    return found


def bursts(uploads: Iterable[tuple[int, int, dt.datetime]], deadlines: dict[int, set[dt.date]]) -> list[Raised]:
    """A flag on each finding with files in a burst: at least XUNCHA_PROVENANCE_BURST_FILES of
    the unit's files in the last XUNCHA_PROVENANCE_BURST_MINUTES before a deadline's end."""
    raised = []
    for (inspection_id, day), per in burst_windows(uploads).items():
        total = sum(per.values())
        if total < settings.PROVENANCE_BURST_FILES or day not in deadlines.get(inspection_id, ()):
            continue
        raised += [Raised("deadline_burst", finding_id, inspection_id, on_date=day, count=total)
                   for finding_id in sorted(per)]
    return raised


# -- writing ---------------------------------------------------------------------------------

def save(raised: list[Raised], at: dt.datetime) -> None:
    """Store new flags (one already raised is kept); a burst's count follows the files."""
    if not raised:
        return
    Flag.objects.bulk_create([r.row(at) for r in raised], ignore_conflicts=True, batch_size=2000)
    for r in raised:
        if r.kind == "deadline_burst":
            Flag.objects.filter(key=r.key).exclude(count=r.count).update(count=r.count)


# -- backfill of files stored before fingerprints -----------------------------------------------

def backfill(limit: int | None = None, chunk: int = 200) -> int:
    """Fingerprint evidence that has none (read back from storage); returns how many."""
    from xuncha.ledger.services import evidence as evidence_files

    done = 0
    while limit is None or done < limit:
        size = chunk if limit is None else min(chunk, limit - done)
        batch = list(Evidence.objects.filter(fingerprint__isnull=True)
                     .select_related("report__measure__finding").order_by("pk")[:size])
        if not batch:
            break
        rows = [fingerprint(e, _traits_of(e, evidence_files), e.report.measure.finding_id,
                            e.report.measure.finding.inspection_id, e.created_at) for e in batch]
        with transaction.atomic():
            Fingerprint.objects.bulk_create(rows, ignore_conflicts=True)
        done += len(batch)
    return done


def _traits_of(evidence: Evidence, evidence_files) -> provenance.Traits:
    try:
        with evidence_files.open_file(evidence.stored_name) as handle:
            return provenance.read(handle, evidence.content_type)
    except Exception as exc:  # a missing or unreadable file keeps its sha256 and nothing more
        log.warning("evidence %s not read for its fingerprint: %s", evidence.pk, exc)
        return provenance.Traits()
