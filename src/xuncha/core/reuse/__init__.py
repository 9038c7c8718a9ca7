"""雷同检测: copied passages between documents, found with winnowed k-gram fingerprints.

Guarantee: with k-grams of length `k` and a winnowing window of `w` fingerprints, every run of at
least `w + k - 1` characters that two documents share (after normalisation) contains a window
whose minimum fingerprint both documents select, so the pair is found; the seed is then extended
into the maximal shared passage. With the default min_run of 13, k = 8 and w = 6.

This module is the reference engine (plain Python, exact). Passages are reported with offsets in
the original texts.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass, field

MIN_RUN = 13


@dataclass
class Normalised:
    """The text used for matching, and each of its characters' offset in the original."""

    text: str
    offsets: list[int]


def normalise(original: str) -> Normalised:
    """NFKC (full/half width unified); whitespace and punctuation dropped; offsets kept."""
    chars, offsets = [], []
    for index, ch in enumerate(original):
        folded = unicodedata.normalize("NFKC", ch)
        for part in folded:
            category = unicodedata.category(part)
            if category[0] in "PZC" or category == "Sk" or part.isspace():
                continue
            chars.append(part.lower())
            offsets.append(index)
    return Normalised("".join(chars), offsets)


def parameters(min_run: int) -> tuple[int, int]:
    """(k, w) with w + k - 1 == min_run: k-grams of about 60 % of the run, the rest as window."""
    if min_run < 2:
        raise ValueError("min_run must be at least 2")
    k = max(2, round(min_run * 0.6))
    return k, min_run - k + 1


def fingerprints(text: str, k: int, w: int) -> list[tuple[int, int]]:
    """(hash, position) of the winnowed k-grams: the rightmost minimum of every window of w."""
    if len(text) < k:
        return []
    hashes = [zlib.crc32(text[i:i + k].encode("utf-8")) for i in range(len(text) - k + 1)]
    if len(hashes) < w:
        low = min(range(len(hashes)), key=lambda i: (hashes[i], -i))
        return [(hashes[low], low)]
    chosen: list[tuple[int, int]] = []
    last = -1
    for start in range(len(hashes) - w + 1):
        window = range(start, start + w)
        low = min(window, key=lambda i: (hashes[i], -i))
        if low != last:
            chosen.append((hashes[low], low))
            last = low
    return chosen


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

    def to_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "share_a": round(self.share_a, 4), "share_b": round(self.share_b, 4),
                "jaccard": round(self.jaccard, 4),
                "passages": [{"a": list(p.a), "b": list(p.b), "text": p.text} for p in self.passages]}


@dataclass
class Document:
    name: str
    original: str
    norm: Normalised
    prints: list[tuple[int, int]]


def _merge(intervals: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Merge (a_start, a_end, b_start, b_end) runs that overlap on the same diagonal or in a."""
    merged: list[tuple[int, int, int, int]] = []
    for a0, a1, b0, b1 in sorted(set(intervals)):
        if merged and a0 <= merged[-1][1] and (b0 - a0) == (merged[-1][2] - merged[-1][0]):
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], a1), last[2], max(last[3], b1))
        else:
            merged.append((a0, a1, b0, b1))
    return merged


def _covered(spans: list[tuple[int, int]]) -> int:
    total, end = 0, -1
    for start, stop in sorted(spans):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


class ReuseIndex:
    """Documents added one by one; each is compared with everything indexed before it."""

    def __init__(self, min_run: int = MIN_RUN, common_share: float = 0.2, common_min_docs: int = 5) -> None:
        self.min_run = min_run
        self.k, self.w = parameters(min_run)
        self.common_share = common_share
        self.common_min_docs = common_min_docs
        self.documents: list[Document] = []
        self.postings: dict[int, list[tuple[int, int]]] = defaultdict(list)  # hash → [(doc, position)]

    def add(self, name: str, text: str) -> int:
        norm = normalise(text)
        document = Document(name, text, norm, fingerprints(norm.text, self.k, self.w))
        number = len(self.documents)
        self.documents.append(document)
        for value, position in document.prints:
            self.postings[value].append((number, position))
        return number

    def common_hashes(self) -> set[int]:
        """Fingerprints in a large share of the corpus: standard formulae, not copying."""
        limit = max(self.common_min_docs, self.common_share * len(self.documents))
        return {h for h, posts in self.postings.items() if len({d for d, _ in posts}) >= limit}

    def _runs(self, x: Document, y: Document, seeds: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
        a, b = x.norm.text, y.norm.text
        runs = []
        for i, j in seeds:
            start_a, start_b = i, j
            while start_a > 0 and start_b > 0 and a[start_a - 1] == b[start_b - 1]:
                start_a, start_b = start_a - 1, start_b - 1
            end_a, end_b = i, j
            while end_a < len(a) and end_b < len(b) and a[end_a] == b[end_b]:
                end_a, end_b = end_a + 1, end_b + 1
            if end_a - start_a >= self.min_run:
                runs.append((start_a, end_a, start_b, end_b))
        return _merge(runs)

    def pairs(self, threshold: float = 0.3, exclude_common: bool = True) -> list[Pair]:
        common = self.common_hashes() if exclude_common else set()
        seeds: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for value, posts in self.postings.items():
            if value in common or len(posts) < 2:
                continue
            for index, (doc_a, pos_a) in enumerate(posts):
                for doc_b, pos_b in posts[index + 1:]:
                    if doc_a != doc_b:
                        key, seed = ((doc_a, doc_b), (pos_a, pos_b)) if doc_a < doc_b else ((doc_b, doc_a),
                                                                                         (pos_b, pos_a))
                        seeds[key].append(seed)
        found = []
        for (doc_a, doc_b), pair_seeds in seeds.items():
            x, y = self.documents[doc_a], self.documents[doc_b]
            if x.name > y.name:  # the same pair whatever order the documents came in
                x, y, pair_seeds = y, x, [(j, i) for i, j in pair_seeds]
            pair = self._pair(x, y, pair_seeds)
            if pair and max(pair.share_a, pair.share_b) >= threshold:
                found.append(pair)
        return sorted(found, key=lambda p: (-max(p.share_a, p.share_b), p.a, p.b))

    def _pair(self, x: Document, y: Document, seeds: list[tuple[int, int]]) -> Pair | None:
        runs = self._runs(x, y, seeds)
        if not runs:
            return None
        share_a = _covered([(r[0], r[1]) for r in runs]) / max(1, len(x.norm.text))
        share_b = _covered([(r[2], r[3]) for r in runs]) / max(1, len(y.norm.text))
        grams_a = {x.norm.text[i:i + self.k] for i in range(len(x.norm.text) - self.k + 1)}
        grams_b = {y.norm.text[i:i + self.k] for i in range(len(y.norm.text) - self.k + 1)}
        jaccard = len(grams_a & grams_b) / max(1, len(grams_a | grams_b))
        passages = []
        for a0, a1, b0, b1 in sorted(runs):
            start_a, end_a = x.norm.offsets[a0], x.norm.offsets[a1 - 1] + 1
            start_b, end_b = y.norm.offsets[b0], y.norm.offsets[b1 - 1] + 1
            passages.append(Passage((start_a, end_a), (start_b, end_b), x.original[start_a:end_a]))
        return Pair(x.name, y.name, share_a, share_b, jaccard, passages)

    def common_phrases(self, limit: int = 50) -> list[tuple[str, int]]:
        """The standard formulae: runs of common fingerprints grown into phrases, with their doc counts."""
        common = self.common_hashes()
        by_doc: dict[int, list[tuple[int, int]]] = defaultdict(list)  # doc → [(position, docs sharing)]
        for value in common:
            posts = self.postings[value]
            docs = len({d for d, _ in posts})
            for doc, position in posts:
                by_doc[doc].append((position, docs))
        found: dict[str, int] = {}
        for doc, marks in by_doc.items():
            text = self.documents[doc].norm.text
            start = end = None
            count = 0
            for position, docs in [*sorted(marks), (10**12, 0)]:
                if end is not None and position <= end:
                    end, count = max(end, position + self.k), min(count, docs)
                    continue
                if start is not None and end - start >= self.min_run:
                    phrase = text[start:end]
                    found[phrase] = max(found.get(phrase, 0), count)
                start, end, count = position, position + self.k, docs
        kept: list[tuple[str, int]] = []
        for phrase, count in sorted(found.items(), key=lambda item: (-item[1], -len(item[0]), item[0])):
            # The same formula seen with different neighbours: keep the version most documents share.
            if not any(phrase in other or other in phrase for other, _ in kept):
                kept.append((phrase, count))
        return kept[:limit]
