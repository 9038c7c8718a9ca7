"""雷同 within the ledger: progress reports and notices compared with other units' and earlier rounds'.

Texts are indexed in the persisted index under the data folder (shared by every app server, like the
evidence files) once their transaction commits. A name carries the row and a digest of the text,
so an entry whose row was changed or never committed is simply not resolved.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from xuncha.core.reuse import Pair
from xuncha.core.reuse.store import IndexStore, StoreError
from xuncha.ledger.models import Inspection, Notice, ProgressReport

log = logging.getLogger(__name__)

SHARE = 0.3  # a text is flagged when this share of it is copied from one other text
_stores: dict[Path, IndexStore] = {}
_lock = threading.Lock()


def index_folder() -> Path:
    return Path(settings.REUSE_INDEX_DIR)


def store() -> IndexStore:
    """The process's handle on the persisted index (opened once, refreshed on every use)."""
    folder = index_folder()
    with _lock:
        if folder not in _stores:
            _stores[folder] = IndexStore(folder)
        return _stores[folder]


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def progress_name(report: ProgressReport) -> str:
    return progress_key(report.pk, report.text)


def progress_key(pk: int, text: str) -> str:
    return f"progress:{pk}:{_digest(text)}"


def notice_name(notice: Notice) -> str:
    return f"notice:{notice.pk}:{_digest(notice.doc.get('text', ''))}"


@dataclass
class Source:
    """Another text this one copies from, as a person should read it."""

    label: str
    share: float  # of this text
    spans: list[tuple[int, int]]  # in this text


def _resolve(pairs: list[Pair], me: str, inspection: Inspection) -> list[Source]:
    """The pairs' other texts that still exist as indexed and belong to another inspection."""
    wanted: dict[str, dict[int, tuple[str, Pair]]] = {"progress": {}, "notice": {}}
    for pair in pairs:
        kind, _, rest = pair.side(me)[0].partition(":")
        pk, _, digest = rest.partition(":")
        if kind in wanted and pk.isdigit():
            wanted[kind][int(pk)] = (digest, pair)
    found = []  # (kind, pk, its inspection, its text now, how to name it)
    for report in ProgressReport.objects.filter(pk__in=wanted["progress"]).select_related(
            "measure__finding__inspection__unit", "measure__finding__inspection__round"):
        owner = report.measure.finding.inspection
        found.append(("progress", report.pk, owner, report.text,
                      f"{owner.unit.name} · {owner.round.name} · 整改进展（{report.date:%Y-%m-%d}）"))
    for notice in Notice.objects.filter(pk__in=wanted["notice"]).select_related("inspection__unit",
                                                                                 "inspection__round"):
        owner = notice.inspection
        found.append(("notice", notice.pk, owner, notice.doc.get("text", ""),
                      f"{owner.unit.name} · {owner.round.name}（第{notice.version}版通报）"))
    sources = []
    for kind, pk, owner, text, label in found:
        digest, pair = wanted[kind][pk]
        if digest == _digest(text) and owner.pk != inspection.pk:
            _, share, spans = pair.side(me)
            sources.append(Source(label, share, spans))
    return sorted(sources, key=lambda s: -s.share)


def copied_sources(text: str, inspection: Inspection, me: str = "draft") -> list[Source]:
    """Other units' and earlier rounds' texts that this text copies at least SHARE of."""
    if not text.strip():
        return []
    try:
        pairs = store().query(me, text, threshold=SHARE)
    except (OSError, StoreError) as exc:  # the check is advice: never stop the user's work for it
        log.warning("reuse index unavailable: %s", exc)
        return []
    return [s for s in _resolve(pairs, me, inspection) if s.share >= SHARE]


def index_later(name: str, text: str) -> None:
    """Index the text in the background once the current transaction commits (nothing if it rolls
    back): a request never waits for the index's file lock while another process writes to it."""
    if not text.strip():
        return
    from xuncha.jobs.queue import enqueue

    enqueue("reuse.index", {"items": [[name, text]]})


def put(name: str, text: str) -> None:
    try:
        store().put(name, text)
    except (OSError, StoreError) as exc:
        log.warning("could not index %s: %s", name, exc)


def index_many(items: list[tuple[str, str]]) -> None:
    """Index many texts at once (one segment), e.g. after a bulk import commits."""
    items = [(name, text) for name, text in items if text.strip()]
    if not items:
        return
    try:
        store().add_many(items)
    except (OSError, StoreError) as exc:
        log.warning("could not index %d texts: %s", len(items), exc)


def reindex() -> int:
    """Index every progress report and notice not yet in the index (after an upgrade or restore)."""
    index = store()
    items = [(progress_name(r), r.text) for r in ProgressReport.objects.only("pk", "text").iterator()]
    items += [(notice_name(n), n.doc.get("text", "")) for n in Notice.objects.only("pk", "doc").iterator()]
    missing = [(name, text) for name, text in items if name not in index.names and text.strip()]
    index.add_many(missing)
    return len(missing)
