"""The batch engine: winnowed fingerprints → inverted index → candidate pairs → exact verification.

1. Texts are normalised and fingerprinted in chunks (array code, no per-character Python).
2. Postings (hash, document) are partitioned by the hash's top byte and each part sorted (in two
   threads: NumPy sorts release the interpreter lock). Equal hashes are neighbours.
3. A hash in `common_limit` documents or more is a common phrase: reported apart, never a pair.
   Every other hash shared by several documents adds one to each of their pairs' counts.
4. A pair whose count is below what a copied share of `threshold` guarantees cannot reach the
   threshold and is dropped (the bound is in `min_shared`).
5. Each remaining pair is verified exactly on the two texts: all k-grams matched, maximal runs of
   matching k-grams on one diagonal are the shared passages, kept when at least `min_run` long.
   When repetition makes the matches outgrow the texts, the linear cover of `cover.py` instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from xuncha.core.reuse.cover import MASK_X, MASK_Y, Side, cover_runs
from xuncha.core.reuse.hashing import (
    contains,
    fingerprints_batch,
    kgram_hashes,
    kgram_hashes64,
    search,
)
from xuncha.core.reuse.text import encode, encode_batch

MIN_RUN = 13
CHUNK_CHARACTERS = 4_000_000  # texts are fingerprinted this many characters at a time
THREADS = min(2, os.cpu_count() or 1)
MATCH_BUDGET = 4  # k-gram matches per k-gram of the pair beyond which runs are found linearly
LOW = np.uint64(0xFFFFFFFF)
RUNS_SIFTED = 256  # runs beyond which `shown` (quadratic in them) gives way to the linear cover


def parameters(min_run: int) -> tuple[int, int]:
    """(k, w) with w + k - 1 == min_run: k-grams of about 60 % of the run, the rest as window."""
    if min_run < 2:
        raise ValueError("min_run must be at least 2")
    k = max(2, round(min_run * 0.6))
    return k, min_run - k + 1


def min_shared(threshold: float, shorter: np.ndarray | int, min_run: int, w: int) -> np.ndarray | int:
    """The fewest shared fingerprints (counted with repeats) a pair at `threshold` must have.

    A shared run of L ≥ min_run characters holds ⌊(L - k + 1) / w⌋ disjoint whole windows, each
    selecting a fingerprint in both texts: at least L / (min_run + w - 1) of them. A document whose
    copied share reaches the threshold is covered by such runs for threshold × its length characters,
    and the shorter length bounds both sides. Half of that bound is required, as a margin for runs
    that overlap on one side.
    """
    bound = np.floor(threshold * np.asarray(shorter) / (2 * (min_run + w - 1)))
    return np.maximum(1, bound).astype(np.int64)


@dataclass
class Passage:
    a: tuple[int, int]  # offsets in the original text of document a
    b: tuple[int, int]
    text: str


@dataclass
class Pair:
    a: str
    b: str
    share_a: float
    share_b: float
    jaccard: float
    passages: list[Passage] = field(default_factory=list)

    def side(self, name: str) -> tuple[str, float, list[tuple[int, int]]]:
        """As seen from document `name`: (the other document, this one's copied share, its spans)."""
        if name == self.a:
            return self.b, self.share_a, [p.a for p in self.passages]
        return self.a, self.share_b, [p.b for p in self.passages]

    @classmethod
    def from_dict(cls, data: dict) -> Pair:
        return cls(data["a"], data["b"], data["share_a"], data["share_b"], data["jaccard"],
                   [Passage(tuple(p["a"]), tuple(p["b"]), p["text"]) for p in data["passages"]])

    def to_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "share_a": round(self.share_a, 4), "share_b": round(self.share_b, 4),
                "jaccard": round(self.jaccard, 4),
                "passages": [{"a": list(p.a), "b": list(p.b), "text": p.text} for p in self.passages]}


@dataclass
class Document:
    name: str
    original: str

    @cached_property
    def encoded(self) -> tuple[np.ndarray, np.ndarray]:
        return encode(self.original)


class Prepared:
    """One document ready for verification: its k-gram hashes and which of them hold common text."""

    __slots__ = ("codes", "counts", "grams", "masked", "positions", "sides", "unique")

    def __init__(self, codes: np.ndarray, k: int, common: np.ndarray) -> None:
        self.codes = codes
        self.grams = kgram_hashes64(codes, k)
        self.masked = common_chars = common_characters(self.grams, len(codes), k, common)
        self.sides: dict[tuple[int, str], Side] = {}
        if common_chars is None:
            self.positions = np.arange(len(self.grams))
        else:  # the k-grams that touch no common character
            window = np.zeros(len(common_chars) + 1, np.int64)
            np.cumsum(common_chars, out=window[1:])
            self.positions = np.flatnonzero((window[k:] - window[:-k]) == 0)
        ordered = np.sort(self.grams)
        first = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]])) \
            if len(ordered) else np.zeros(0, np.int64)
        self.unique = ordered[first]
        # How often each k-gram occurs; None when none repeats (most texts): the cache stays small.
        self.counts = np.diff(np.append(first, len(ordered))) if len(first) < len(ordered) else None

    def side(self, min_run: int, mark: str) -> Side:
        """The text as the linear cover walk reads it (built on first use, then kept)."""
        key = (min_run, mark)
        if key not in self.sides:
            self.sides[key] = Side(self.codes, self.masked, min_run, mark)
        return self.sides[key]


def common_characters(grams: np.ndarray, length: int, k: int, common: np.ndarray) -> np.ndarray | None:
    """Which characters lie inside a k-gram whose fingerprint is common (None when none do).

    Every k-gram touching them is left out of matching, so a run stops where a standard formula
    begins. `grams` are the 64-bit k-gram hashes; `common` the sorted 32-bit common fingerprints.
    """
    if not len(common) or not len(grams):
        return None
    top = np.minimum((grams >> np.uint64(32)).astype(np.uint32), np.uint32(0xFFFFFFFE))
    place = np.minimum(np.searchsorted(common, top), len(common) - 1)
    hit = np.flatnonzero(common[place] == top)
    if not len(hit):
        return None
    touched = np.bincount(hit, minlength=length + k + 1) - np.bincount(hit + k, minlength=length + k + 1)
    return np.cumsum(touched[:length]) > 0


def shared_runs(x: Prepared, y: Prepared, k: int, min_run: int) -> list[tuple[int, int, int, int]]:
    """Maximal runs (a_start, a_end, b_start, b_end) in code positions that both texts hold.

    Every maximal run when the texts match in few places; when repetition makes the matches
    outgrow the texts (one word repeated: every position matches every other), or the runs are
    too many to sift, the linear cover of `cover.py`: maximal runs covering exactly what each
    side shares.
    """
    if not len(x.positions) or not len(y.positions):
        return []
    if matches(x, y) > MATCH_BUDGET * (len(x.positions) + len(y.positions)) + 1024:
        return linear_runs(x, y, min_run)
    found = _all_runs(x, y, k, min_run, MATCH_BUDGET * (len(x.positions) + len(y.positions)) + 1024)
    if found is None or len(found) > RUNS_SIFTED:
        return linear_runs(x, y, min_run)
    return found


def matches(x: Prepared, y: Prepared) -> int:
    """Pairs of equal k-grams (common text included): what listing every run would cost."""
    if not len(x.unique) or not len(y.unique):
        return 0
    place = np.minimum(np.searchsorted(y.unique, x.unique), len(y.unique) - 1)
    hit = y.unique[place] == x.unique
    if x.counts is None and y.counts is None:
        return int(np.count_nonzero(hit))
    mine = x.counts[hit] if x.counts is not None else 1
    theirs = y.counts[place[hit]] if y.counts is not None else 1
    return int(np.sum(mine * theirs))


def linear_runs(x: Prepared, y: Prepared, min_run: int) -> list[tuple[int, int, int, int]]:
    """The linear cover of what two texts share, in time proportional to their lengths."""
    if min(len(x.codes), len(y.codes)) < min_run:
        return []
    return cover_runs(x.side(min_run, MASK_X), y.side(min_run, MASK_Y), min_run)


def _all_runs(x: Prepared, y: Prepared, k: int, min_run: int,
              budget: int) -> list[tuple[int, int, int, int]] | None:
    """Every maximal run, from all pairs of matching k-grams; None when they exceed `budget`."""
    gx = x.grams[x.positions]
    gy_all = y.grams[y.positions]
    order = np.argsort(gy_all)
    gy, py = gy_all[order], y.positions[order]
    low, high = search(gy, gx, ("left", "right"))
    count = high - low
    hit = count > 0
    if not hit.any():
        return []
    count, low, ia = count[hit], low[hit], x.positions[hit]
    total = int(count.sum())
    if total > budget:
        return None
    first = np.repeat(low - (np.cumsum(count) - count), count) + np.arange(total)
    ia = np.repeat(ia, count)
    diagonal = py[first] - ia
    # One sort by (diagonal, position in a): consecutive k-grams on a diagonal become neighbours.
    span = len(x.codes) + 1
    key = (diagonal + len(y.codes)) * span + ia
    key.sort()
    diagonal, ia = key // span - len(y.codes), key % span
    breaks = np.flatnonzero((np.diff(diagonal) != 0) | (np.diff(ia) != 1)) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [len(ia)]]) - 1
    a0, a1, shift = ia[starts], ia[ends] + k, diagonal[starts]
    keep = (a1 - a0) >= min_run
    a0, a1, shift = a0[keep], a1[keep], shift[keep]
    if not len(a0):
        return []
    # Character by character, all runs at once (a hash match is not taken on trust).
    length = a1 - a0
    offsets = np.cumsum(length) - length
    where = np.repeat(a0 - offsets, length) + np.arange(int(length.sum()))
    same = x.codes[where] == y.codes[where + np.repeat(shift, length)]
    good = np.logical_and.reduceat(same, offsets)
    runs = zip(a0[good].tolist(), a1[good].tolist(), (a0 + shift)[good].tolist(), (a1 + shift)[good].tolist(),
               strict=True)
    return sorted(runs)


def covered(spans: Iterable[tuple[int, int]]) -> int:
    total, end = 0, -1
    for start, stop in sorted(spans):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


def _postings_groups(keys: np.ndarray, limit: int) -> tuple[np.ndarray, ...]:
    """From sorted (hash << 32 | document) keys: pair keys (one per shared fingerprint and pair of
    documents), the extra weight of those whose fingerprint repeats (a pair counts the product of
    its two documents' repeats), and the common hashes with their document counts and a few of
    their documents."""
    if len(keys) < 2:
        empty = np.zeros(0, np.uint64)
        return (empty, empty, np.zeros(0, np.int64), np.zeros(0, np.uint32), np.zeros(0, np.int64),
                np.zeros((0, 3), np.int64))
    hashes = keys >> np.uint64(32)
    new_group = np.empty(len(keys), bool)
    new_group[0] = True
    np.not_equal(hashes[1:], hashes[:-1], out=new_group[1:])
    group_start = np.flatnonzero(new_group)
    # Distinct documents per group: a repeated key is the same document again.
    new_key = np.empty(len(keys), bool)
    new_key[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new_key[1:])
    distinct = np.add.reduceat(new_key.astype(np.int32), group_start)
    is_common = distinct >= limit
    common_starts = group_start[is_common]
    common = (hashes[common_starts]).astype(np.uint32)
    samples = np.stack([(keys[np.minimum(common_starts + j, len(keys) - 1)] & LOW).astype(np.int64)
                        for j in (0, 1, 2)], axis=1) if len(common_starts) else np.zeros((0, 3), np.int64)
    shared = (distinct >= 2) & ~is_common
    empty = np.zeros(0, np.uint64)
    if not shared.any():
        return empty, empty, np.zeros(0, np.int64), common, distinct[is_common], samples
    # One entry per (hash, document) with its repeats: a word repeated 500,000 times in one text
    # is one entry of weight 500,000, not 500,000 entries paired with each other.
    key_start = np.flatnonzero(new_key)
    member = np.repeat(shared, distinct)
    repeats = np.diff(np.append(key_start, len(keys)))[member].astype(np.int64)
    docs = keys[key_start[member]] & LOW
    group_of = np.repeat(np.flatnonzero(shared), distinct[shared])
    group_size = np.repeat(distinct[shared], distinct[shared])
    out, extra_keys, extra_weights = [], [], []
    for gap in range(1, int(group_size.max())):
        alive = np.flatnonzero(group_size[:len(docs) - gap] > gap)
        same = alive[group_of[alive] == group_of[alive + gap]]
        pair = (docs[same] << np.uint64(32)) | docs[same + gap]
        out.append(pair)
        weight = repeats[same] * repeats[same + gap]
        heavy = weight > 1
        extra_keys.append(pair[heavy])
        extra_weights.append(weight[heavy] - 1)
    return (np.concatenate(out), np.concatenate(extra_keys), np.concatenate(extra_weights), common,
            distinct[is_common], samples)


class ReuseIndex:
    """Documents added one by one, compared all against all when `pairs` is asked for.

    The result depends on the names and texts only, not on the order they were added in.
    """

    def __init__(self, min_run: int = MIN_RUN, common_share: float = 0.2, common_min_docs: int = 5,
                 common_max_docs: int = 50) -> None:
        self.min_run = min_run
        self.k, self.w = parameters(min_run)
        self.common_share = common_share
        self.common_min_docs = common_min_docs
        self.common_max_docs = common_max_docs
        self.documents: list[Document] = []
        self._built: tuple | None = None

    def add(self, name: str, text: str) -> int:
        self.documents.append(Document(name, text))
        self._built = None
        return len(self.documents) - 1

    @property
    def common_limit(self) -> int:
        """Documents a fingerprint must be in to count as a standard formula."""
        return common_limit(len(self.documents), self.common_share, self.common_min_docs, self.common_max_docs)

    def _build(self, progress: Callable[[float], None] | None = None) -> tuple:
        if self._built is not None:
            return self._built
        order = sorted(range(len(self.documents)), key=lambda i: self.documents[i].name)
        self.documents = [self.documents[i] for i in order]
        lengths, buckets = fingerprint_all([d.original for d in self.documents], self.k, self.w, progress)
        *pair_keys, common, common_docs, samples = group_buckets(buckets, self.common_limit)
        self._built = (lengths, tuple(pair_keys), common, common_docs, samples)
        return self._built

    def candidates(self, threshold: float, exclude_common: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(document a, document b) numbers of the pairs worth verifying at `threshold`."""
        lengths, pair_keys, common, _, _ = self._build()
        # Without exclusion every fingerprint counts: only small collections come this way.
        keys, extra, weight = self._all_pairs() if not exclude_common and len(common) else pair_keys
        if not len(keys):
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        unique, counts = count_keys(keys, len(self.documents))
        np.add.at(counts, np.searchsorted(unique, extra), weight)  # repeated fingerprints
        a = (unique >> np.uint64(32)).astype(np.int64)
        b = (unique & np.uint64(0xFFFFFFFF)).astype(np.int64)
        need = min_shared(threshold, np.minimum(lengths[a], lengths[b]), self.min_run, self.w)
        keep = counts >= need
        return a[keep], b[keep]

    def _all_pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        _, buckets = fingerprint_all([d.original for d in self.documents], self.k, self.w)
        return group_buckets(buckets, limit=1 << 31)[:3]  # no fingerprint is common

    def pairs(self, threshold: float = 0.3, exclude_common: bool = True,
              progress: Callable[[float], None] | None = None) -> list[Pair]:
        self._build(progress)
        common = self._built[2] if exclude_common else np.zeros(0, np.uint32)
        a, b = self.candidates(threshold, exclude_common)
        verifier = Verifier(self.k, self.min_run, common)
        found = []
        for number, (i, j) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
            pair = verifier.pair(self.documents[i], self.documents[j])
            if pair and max(pair.share_a, pair.share_b) >= threshold:
                found.append(pair)
            if progress and number % 256 == 0:
                progress(0.7 + 0.3 * number / max(1, len(a)))
        return sorted(found, key=lambda p: (-max(p.share_a, p.share_b), p.a, p.b))

    def common_hashes(self) -> np.ndarray:
        return self._build()[2]

    def common_phrases(self, limit: int = 50) -> list[tuple[str, int]]:
        """The standard formulae: runs of common fingerprints grown into phrases, with their doc counts."""
        _, _, common, counts, samples = self._build()
        if not len(common):
            return []
        order = np.argsort(common)
        common, counts = common[order], counts[order]
        found: dict[str, int] = {}
        for number in sorted(set(samples.ravel().tolist()))[:200]:
            document = self.documents[number]
            codes, offsets = document.encoded
            grams = kgram_hashes(codes, self.k)
            hit = np.flatnonzero(contains(common, grams))
            if not len(hit):
                continue
            df = counts[np.searchsorted(common, grams[hit])]
            # Overlapping or touching common k-grams grow into one phrase (whole arrays: a text
            # of one repeated formula has a hit at every position).
            first = np.flatnonzero(np.concatenate([[True], np.diff(hit) > self.k]))
            last = np.append(first[1:], len(hit)) - 1
            least = np.maximum.reduceat(df, first)
            for start, end, docs in zip(hit[first].tolist(), (hit[last] + self.k).tolist(),
                                        least.tolist(), strict=True):
                if end - start >= self.min_run:
                    phrase = document.original[offsets[start]:offsets[end - 1] + 1]
                    found[phrase] = max(found.get(phrase, 0), docs)
        kept: list[tuple[str, int]] = []
        for phrase, count in sorted(found.items(), key=lambda item: (-item[1], -len(item[0]), item[0])):
            # The same formula seen with different neighbours: keep the version most documents share.
            if not any(phrase in other or other in phrase for other, _ in kept):
                kept.append((phrase, count))
        return kept[:limit]


def count_keys(keys: np.ndarray, documents: int) -> tuple[np.ndarray, np.ndarray]:
    """(distinct pair keys, how often each occurs): parts by first document, sorted in two threads."""
    first = keys >> np.uint64(32)
    part = (first * np.uint64(64) // np.uint64(max(1, documents))).astype(np.uint8)
    order = np.argsort(part, kind="stable")
    edges = np.searchsorted(part[order], np.arange(65))
    keys = keys[order]

    def one(number: int) -> tuple[np.ndarray, np.ndarray]:
        chunk = np.sort(keys[edges[number]:edges[number + 1]])
        if not len(chunk):
            return chunk, np.zeros(0, np.int64)
        starts = np.flatnonzero(np.concatenate([[True], chunk[1:] != chunk[:-1]]))
        return chunk[starts], np.diff(np.append(starts, len(chunk)))

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(one, range(64)))
    return np.concatenate([r[0] for r in results]), np.concatenate([r[1] for r in results])


def common_limit(documents: int, share: float, least: int, most: int) -> int:
    """A fingerprint in this many documents is a standard formula: a share of a small collection,
    at most `most` documents in a large one (copying is pairs and small groups, not hundreds)."""
    return max(least, min(most, int(np.ceil(share * documents))))


class Verifier:
    """Exact comparison of two documents, with their prepared hashes kept for the next pair."""

    def __init__(self, k: int, min_run: int, common: np.ndarray, cache_size: int = 4096) -> None:
        self.k, self.min_run = k, min_run
        self.common = np.sort(np.asarray(common, np.uint32))
        self.cache: dict[int, Prepared] = {}
        self.cache_size = cache_size

    def prepared(self, document: Document) -> Prepared:
        key = id(document)
        found = self.cache.get(key)
        if found is None:
            if len(self.cache) >= self.cache_size:
                self.cache.clear()
            found = self.cache[key] = Prepared(document.encoded[0], self.k, self.common)
        return found

    def pair(self, x: Document, y: Document) -> Pair | None:
        if x.name > y.name:  # the same pair whatever order the documents came in
            x, y = y, x
        px, py = self.prepared(x), self.prepared(y)
        runs = shared_runs(px, py, self.k, self.min_run)
        if not runs:
            return None
        share_a = covered((r[0], r[1]) for r in runs) / max(1, len(px.codes))
        share_b = covered((r[2], r[3]) for r in runs) / max(1, len(py.codes))
        union = len(px.unique) + len(py.unique)
        place = np.minimum(np.searchsorted(py.unique, px.unique), max(0, len(py.unique) - 1))
        both = int(np.count_nonzero(py.unique[place] == px.unique)) if len(py.unique) else 0
        jaccard = both / max(1, union - both)
        ox, oy = x.encoded[1], y.encoded[1]
        passages = []
        for a0, a1, b0, b1 in shown(runs):
            start_a, end_a = int(ox[a0]), int(ox[a1 - 1]) + 1
            start_b, end_b = int(oy[b0]), int(oy[b1 - 1]) + 1
            passages.append(Passage((start_a, end_a), (start_b, end_b), x.original[start_a:end_a]))
        return Pair(x.name, y.name, share_a, share_b, jaccard, passages)


def shown(runs: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The runs worth showing: a phrase that recurs inside both texts also matches itself out of
    line; such a run adds nothing when a longer one already covers it on both sides. Many runs
    come only from the linear cover, which keeps no such run: they are shown as they are."""
    if len(runs) > RUNS_SIFTED:
        return runs
    kept: list[tuple[int, int, int, int]] = []
    for run in sorted(runs, key=lambda r: (r[0] - r[1], r)):
        inside = any(k[0] <= run[0] and run[1] <= k[1] for k in kept) and any(
            k[2] <= run[2] and run[3] <= k[3] for k in kept)
        if not inside:
            kept.append(run)
    return sorted(kept)


def fingerprint_all(texts: list[str], k: int, w: int, progress: Callable[[float], None] | None = None,
                    first: int = 0) -> tuple[np.ndarray, list[np.ndarray]]:
    """(normalised length of each text, postings keys partitioned by the hash's top byte)."""
    chunks: list[tuple[int, int]] = []
    start = size = 0
    for number, text in enumerate(texts):
        size += len(text)
        if size >= CHUNK_CHARACTERS:
            chunks.append((start, number + 1))
            start, size = number + 1, 0
    if start < len(texts):
        chunks.append((start, len(texts)))
    lengths = np.zeros(len(texts), np.int64)
    parts: list[list[np.ndarray]] = [[] for _ in range(256)]

    def one(chunk: tuple[int, int]) -> tuple[int, np.ndarray, list[np.ndarray]]:
        low, high = chunk
        codes, starts = encode_batch(texts[low:high])
        hashes, documents = fingerprints_batch(codes, starts, k, w)
        keys = (hashes.astype(np.uint64) << np.uint64(32)) | (documents.astype(np.uint64) + np.uint64(first + low))
        top = (hashes >> np.uint32(24)).astype(np.uint8)
        order = np.argsort(top, kind="stable")  # a radix sort for one byte
        keys, edges = keys[order], np.searchsorted(top[order], np.arange(257))
        return low, np.diff(starts), [keys[edges[i]:edges[i + 1]] for i in range(256)]

    with ThreadPoolExecutor(THREADS) as pool:
        for done, (low, chunk_lengths, chunk_parts) in enumerate(pool.map(one, chunks), 1):
            lengths[low:low + len(chunk_lengths)] = chunk_lengths
            for bucket, keys in enumerate(chunk_parts):
                if len(keys):
                    parts[bucket].append(keys)
            if progress:
                progress(0.5 * done / len(chunks))
    return lengths, [np.concatenate(p) if len(p) > 1 else p[0] for p in parts if p]


def group_buckets(buckets: list[np.ndarray], limit: int) -> tuple[np.ndarray, ...]:
    """Sort each bucket and collect pair keys and common hashes over all of them."""
    def one(keys: np.ndarray):
        # A bucket's hashes share their top byte: two stable radix passes over the other 24 bits sort
        # it in linear time, and keep each hash's documents in ascending order, as they came.
        hashes = (keys >> np.uint64(32)).astype(np.uint32)
        order = np.argsort((hashes & np.uint32(0xFFFF)).astype(np.uint16), kind="stable")
        keys, hashes = keys[order], hashes[order]
        keys = keys[np.argsort((hashes >> np.uint32(16)).astype(np.uint8), kind="stable")]
        return _postings_groups(keys, limit)

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(one, buckets))
    if not results:
        return _postings_groups(np.zeros(0, np.uint64), limit)
    return tuple(np.concatenate([r[i] for r in results]) for i in range(6))
