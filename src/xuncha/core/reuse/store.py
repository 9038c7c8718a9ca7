"""The persisted index: new documents compared with everything indexed before, without re-reading it.

A folder of immutable segments and a manifest naming them:

    manifest.json          {"format": 1, "min_run": 13, "segments": [...]}
    seg-000001/keys.npy    sorted postings, hash << 32 | document, 8 bytes each (memory-mapped)
    seg-000001/texts.bin   the documents' texts, each compressed; texts.npy holds their offsets
    seg-000001/names.json  the documents' names, numbered from the segment's `first`

Adding a document writes a small segment and a new manifest (atomic rename) under a file lock; small
segments are merged when there are many, as in a log-structured merge tree. Readers see a manifest
and the segments it names, which never change; a merge leaves the old folders for the next one to
remove.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xuncha.core.reuse.engine import (
    MIN_RUN,
    Document,
    Pair,
    Verifier,
    common_limit,
    fingerprint_all,
    min_shared,
    parameters,
)
from xuncha.core.reuse.hashing import contains, distinct, fingerprints_batch, kgram_hashes

FORMAT = 1
MERGE_AT = 24  # small segments before they are merged into one
LOW = np.uint64(0xFFFFFFFF)


class StoreError(Exception):
    """The index folder cannot be used (English for logs; callers show their own Chinese message)."""


@dataclass
class Segment:
    name: str
    first: int
    keys: np.ndarray
    names: list[str]
    offsets: np.ndarray
    texts: np.ndarray
    lengths: np.ndarray
    dictionary: bytes

    @classmethod
    def open(cls, folder: Path, dictionary: bytes) -> Segment:
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        names = json.loads((folder / "names.json").read_text("utf-8"))
        keys = np.load(folder / "keys.npy", mmap_mode="r")
        offsets = np.load(folder / "texts.npy")
        size = (folder / "texts.bin").stat().st_size
        texts = np.memmap(folder / "texts.bin", np.uint8, "r") if size else np.zeros(0, np.uint8)
        return cls(folder.name, meta["first"], keys, names, offsets, texts, np.load(folder / "lengths.npy"),
                   dictionary)

    def text(self, number: int) -> str:
        local = number - self.first
        return unpack(bytes(self.texts[self.offsets[local]:self.offsets[local + 1]]), self.dictionary)

    def postings(self, hashes: np.ndarray, cap: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(index into `hashes`, document) of the postings of the given hashes, at most `cap` of each
        (a formula's hash can have tens of thousands), and which hashes were cut short."""
        wide = hashes.astype(np.uint64) << np.uint64(32)
        low = np.searchsorted(self.keys, wide, "left")
        count = np.searchsorted(self.keys, wide | LOW, "right") - low
        short = count > cap if cap is not None else np.zeros(len(count), bool)
        if cap is not None:
            count = np.minimum(count, cap)
        total = int(count.sum())
        if not total:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), short
        which = np.repeat(np.arange(len(hashes)), count)
        at = np.repeat(low - (np.cumsum(count) - count), count) + np.arange(total)
        return which, (np.asarray(self.keys[at]) & LOW).astype(np.int64), short


def pack(text: str, dictionary: bytes) -> bytes:
    """A text compressed small: GB 18030 (two bytes a Chinese character) against a preset dictionary
    of typical wording, which is what makes one short document compress well on its own."""
    try:
        raw, kind = text.encode("gb18030"), b"G"
    except UnicodeEncodeError:
        raw, kind = text.encode("utf-8", "surrogatepass"), b"U"
    packer = zlib.compressobj(9, zdict=dictionary) if dictionary else zlib.compressobj(9)
    return kind + packer.compress(raw) + packer.flush()


def unpack(blob: bytes, dictionary: bytes) -> str:
    unpacker = zlib.decompressobj(zdict=dictionary) if dictionary else zlib.decompressobj()
    raw = unpacker.decompress(blob[1:]) + unpacker.flush()
    return raw.decode("gb18030") if blob[:1] == b"G" else raw.decode("utf-8", "surrogatepass")


def _write_segment(folder: Path, first: int, names: list[str], texts: list[str], keys: np.ndarray,
                   lengths: np.ndarray, dictionary: bytes) -> None:
    staging = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    np.save(staging / "lengths.npy", lengths.astype(np.int32))
    blobs = [pack(t, dictionary) for t in texts]
    offsets = np.zeros(len(blobs) + 1, np.uint64)
    np.cumsum([len(b) for b in blobs], out=offsets[1:])
    with open(staging / "texts.bin", "wb") as out:
        out.writelines(blobs)
    np.save(staging / "texts.npy", offsets)
    np.save(staging / "keys.npy", np.sort(keys))
    (staging / "names.json").write_text(json.dumps(names, ensure_ascii=False), "utf-8")
    (staging / "meta.json").write_text(json.dumps({"first": first, "count": len(names)}), "utf-8")
    for path in staging.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    os.replace(staging, folder)


class IndexStore:
    """A persisted fingerprint index in a folder. Open it once and keep it: segments are mapped."""

    def __init__(self, folder: str | Path, min_run: int = MIN_RUN, common_share: float = 0.2,
                 common_min_docs: int = 5, common_max_docs: int = 50) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.common = (common_share, common_min_docs, common_max_docs)
        self._stamp: tuple | None = None
        self.segments: list[Segment] = []
        self.names: dict[str, int] = {}
        manifest = self._manifest()
        if manifest is None:
            self.min_run = min_run
            self._save_manifest([])
        else:
            self.min_run = manifest["min_run"]
            if min_run != self.min_run:
                raise StoreError(f"index was built with min_run {self.min_run}, not {min_run}")
        self.dictionary = b""
        self.k, self.w = parameters(self.min_run)
        self.refresh()

    # -- manifest and segments -------------------------------------------------------------------
    def _manifest(self) -> dict | None:
        path = self.folder / "manifest.json"
        if not path.exists():
            return None
        try:
            manifest = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"unreadable manifest in {self.folder}: {exc}") from exc
        if manifest.get("format") != FORMAT:
            raise StoreError(f"index format {manifest.get('format')} is not {FORMAT}")
        return manifest

    def _save_manifest(self, segments: list[str]) -> None:
        staging = self.folder / "manifest.json.tmp"
        staging.write_text(json.dumps({"format": FORMAT, "min_run": self.min_run, "segments": segments}), "utf-8")
        os.replace(staging, self.folder / "manifest.json")

    def refresh(self) -> None:
        """Pick up segments written by other processes since the last look."""
        stat = (self.folder / "manifest.json").stat()
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if stamp == self._stamp:
            return
        dictionary = self.folder / "dictionary.bin"
        if not self.dictionary and dictionary.exists():  # another process wrote the first documents
            self.dictionary = dictionary.read_bytes()
        manifest = self._manifest() or {"segments": []}
        known = {s.name: s for s in self.segments}
        self.segments = [known.get(name) or Segment.open(self.folder / name, self.dictionary)
                         for name in manifest["segments"]]
        if any(name not in known for name in manifest["segments"]):
            count = len(self.names)
            for segment in self.segments:
                if segment.first + len(segment.names) > count:  # merged segments hold known names
                    self.names.update((name, segment.first + i) for i, name in enumerate(segment.names))
        self._stamp = stamp

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.folder / "lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                self.refresh()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @property
    def documents(self) -> int:
        return sum(len(s.names) for s in self.segments)

    def _next_segment(self) -> str:
        numbers = [int(s.name.split("-")[1]) for s in self.segments]
        return f"seg-{max(numbers, default=0) + 1:06d}"

    # -- writing ---------------------------------------------------------------------------------
    def add_many(self, items: list[tuple[str, str]]) -> None:
        """Index many documents at once (one segment); names already indexed are skipped."""
        with self._locked():
            self._index(items)

    def _index(self, items: list[tuple[str, str]]) -> None:
        items = sorted({name: text for name, text in items if name not in self.names}.items())
        if not items:
            return
        first = self.documents
        texts = [t for _, t in items]
        if not self.dictionary:
            self._make_dictionary(texts)
        lengths, buckets = fingerprint_all(texts, self.k, self.w, first=first)
        keys = np.concatenate(buckets) if buckets else np.zeros(0, np.uint64)
        self._append(first, [n for n, _ in items], texts, keys, lengths)

    def _make_dictionary(self, texts: list[str]) -> None:
        """32 KB of the first documents, kept for the life of the index (zlib's preset dictionary);
        topped up with the sample notices' wording when the first documents are few and short."""
        sample = "".join(texts[:64]).encode("gb18030", "replace")
        if len(sample) < 32768:
            from xuncha.demo import sample_notices

            sample = "".join(t for _, t in sample_notices()).encode("gb18030", "replace")[-32768:] + sample
        sample = sample[-32768:]
        staging = self.folder / "dictionary.bin.tmp"
        staging.write_bytes(sample)
        os.replace(staging, self.folder / "dictionary.bin")
        self.dictionary = sample

    def _append(self, first: int, names: list[str], texts: list[str], keys: np.ndarray,
                lengths: np.ndarray) -> None:
        name = self._next_segment()
        _write_segment(self.folder / name, first, names, texts, keys, lengths, self.dictionary)
        self._save_manifest([*(s.name for s in self.segments), name])
        self.refresh()
        if len(self.segments) > MERGE_AT:
            self._merge()

    def compact(self) -> int:
        """Merge every segment into one (the daily index maintenance); returns how many there were.
        Like every merge, it first removes the folders the previous merge left."""
        with self._locked():
            count = len(self.segments)
            if count > 1:
                self._merge(everything=True)
            return count

    def _merge(self, everything: bool = False) -> None:
        """Fold the small segments after the largest into one; into the largest too when together
        they reach a tenth of it. A merge takes a run of neighbours, so document numbers stay whole."""
        live = {s.name for s in self.segments}
        for folder in self.folder.glob("seg-*"):  # left by the previous merge: no reader holds them now
            if folder.name not in live:
                shutil.rmtree(folder, ignore_errors=True)
        ordered = sorted(self.segments, key=lambda s: s.first)
        big = max(range(len(ordered)), key=lambda i: len(ordered[i].names))
        start = big + 1 if len(ordered) - big - 1 >= 2 else 0
        if everything or sum(len(s.names) for s in ordered[start:]) * 10 >= len(ordered[big].names):
            start = 0 if everything else min(start, big)
        merged = ordered[start:]
        names = [n for s in merged for n in s.names]
        texts = [s.text(s.first + i) for s in merged for i in range(len(s.names))]
        keys = np.concatenate([np.asarray(s.keys) for s in merged])
        lengths = np.concatenate([s.lengths for s in merged])
        name = self._next_segment()
        _write_segment(self.folder / name, merged[0].first, names, texts, keys, lengths, self.dictionary)
        self._save_manifest([*(s.name for s in ordered[:start]), name])
        self.refresh()

    # -- reading ---------------------------------------------------------------------------------
    def _segment(self, number: int) -> Segment:
        for segment in self.segments:
            if segment.first <= number < segment.first + len(segment.names):
                return segment
        raise KeyError(number)

    def text(self, number: int) -> tuple[str, str]:
        segment = self._segment(number)
        return segment.names[number - segment.first], segment.text(number)

    def length(self, number: int) -> int:
        segment = self._segment(number)
        return int(segment.lengths[number - segment.first])

    def _document_frequency(self, hashes: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For sorted unique hashes: how many documents hold each (exact below `limit`, at least
        `limit` for a common one), and the postings (hash index, document) of the uncommon ones."""
        frequency = np.zeros(len(hashes), np.int64)
        short = np.zeros(len(hashes), bool)
        found: list[tuple[np.ndarray, np.ndarray]] = []
        for segment in self.segments:
            which, docs, cut = segment.postings(hashes, cap=4 * limit)
            short |= cut
            if len(which):
                # Postings are sorted by hash, then document: a new document is a change of either.
                new = np.ones(len(which), bool)
                new[1:] = (which[1:] != which[:-1]) | (docs[1:] != docs[:-1])
                frequency += np.bincount(which[new], minlength=len(hashes))
                found.append((which, docs))
        unsure = np.flatnonzero(short & (frequency < limit))
        if len(unsure):  # a hash repeated many times within few documents: count it all
            frequency[unsure], extra_which, extra_docs = self._document_frequency_full(hashes[unsure])
        which = np.concatenate([w for w, _ in found]) if found else np.zeros(0, np.int64)
        docs = np.concatenate([d for _, d in found]) if found else np.zeros(0, np.int64)
        keep = frequency[which] < limit
        which, docs = which[keep], docs[keep]
        if len(unsure):
            drop = contains(unsure, which)
            which = np.concatenate([which[~drop], unsure[extra_which]])
            docs = np.concatenate([docs[~drop], extra_docs])
        return frequency, which, docs

    def _document_frequency_full(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        frequency = np.zeros(len(hashes), np.int64)
        found = [segment.postings(hashes)[:2] for segment in self.segments]
        which = np.concatenate([w for w, _ in found]) if found else np.zeros(0, np.int64)
        docs = np.concatenate([d for _, d in found]) if found else np.zeros(0, np.int64)
        if len(which):
            pairs = distinct((which << 32) | docs)
            frequency += np.bincount(pairs >> 32, minlength=len(hashes))
        return frequency, which, docs

    def query(self, name: str, text: str, threshold: float = 0.3) -> list[Pair]:
        """The indexed documents this text shares passages with, at `threshold` or above."""
        self.refresh()
        me = Document(name, text)
        codes = me.encoded[0]
        prints, _ = fingerprints_batch(codes, np.array([0, len(codes)]), self.k, self.w)
        prints_sorted = np.sort(prints)
        unique = distinct(prints_sorted)
        new = name not in self.names  # a new text counts among the documents holding its fingerprints
        limit = common_limit(self.documents + new, *self.common)
        frequency, which, docs = self._document_frequency(unique, limit)
        frequency += new
        common = unique[frequency >= limit]
        mine = np.bincount(np.searchsorted(unique, prints_sorted), minlength=len(unique))
        keep = (frequency[which] < limit) & (docs != self.names.get(name, -1))
        docs, weight = docs[keep], mine[which[keep]]
        if not len(docs):
            return []
        candidates = distinct(docs)
        counts = np.bincount(np.searchsorted(candidates, docs), weights=weight, minlength=len(candidates))
        found = []
        others = []
        for number, count in zip(candidates.tolist(), counts.tolist(), strict=True):
            if count >= min_shared(threshold, min(len(codes), self.length(number)), self.min_run, self.w):
                others.append(Document(*self.text(number)))
        if not others:
            return []
        # Common text as the whole index sees it, in this document and in each candidate.
        grams = [kgram_hashes(d.encoded[0], self.k) for d in [*others, me]]
        every = distinct(np.concatenate(grams))
        seen = self._document_frequency(every, limit)[0] + new * contains(prints_sorted, every)
        common = distinct(np.concatenate([common, every[seen >= limit]]))
        verifier = Verifier(self.k, self.min_run, common)
        for other in others:
            pair = verifier.pair(me, other)
            if pair and max(pair.share_a, pair.share_b) >= threshold:
                found.append(pair)
        return sorted(found, key=lambda p: (-max(p.share_a, p.share_b), p.a, p.b))

    def add(self, name: str, text: str, threshold: float = 0.3) -> list[Pair]:
        """Compare the text with everything indexed before, then index it. Returns its pairs."""
        with self._locked():
            pairs = self.query(name, text, threshold)
            self._index([(name, text)])
        return pairs

    def put(self, name: str, text: str) -> None:
        """Index one document without comparing it (a name already indexed is left as it is)."""
        with self._locked():
            self._index([(name, text)])

    def size(self) -> dict[str, int]:
        """Bytes on disk: the postings and names (the index proper) and the stored texts."""
        index = texts = 0
        for segment in self.segments:
            folder = self.folder / segment.name
            for path in folder.iterdir():
                if path.name.startswith("texts"):
                    texts += path.stat().st_size
                else:
                    index += path.stat().st_size
        return {"index": index, "texts": texts, "documents": self.documents}
