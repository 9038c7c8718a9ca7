"""雷同检测 at scale: xuncha's engine against a MinHash LSH baseline, on the same corpus in one process.

    python bench/reuse.py --json [--docs 100000]      (CI's quick mode: --docs 10000)

The corpus is bench/reuse_corpus.py's (deterministic). Both engines go from raw texts to verified
pairs with their 雷同率 and passages; the baseline is datasketch (character 5-gram sets,
MinHash.bulk, 128 permutations, MinHashLSH at threshold 0.2) followed by the same verifier. Pairs
are reported at 雷同率 ≥ 0.2 and checked against an exact reference (every maximal run of equal
characters on every diagonal). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from reuse_corpus import Corpus, build

from xuncha.core.reuse import ReuseIndex, Verifier, parameters
from xuncha.core.reuse.engine import MIN_RUN, Document, common_characters
from xuncha.core.reuse.hashing import kgram_hashes64
from xuncha.core.reuse.store import IndexStore
from xuncha.core.reuse.text import encode

THRESHOLD = 0.2
SAMPLED = 500
HELD_OUT = 100


class PeakMemory:
    """Peak resident memory above the level at the start, sampled every few milliseconds."""

    def __enter__(self) -> PeakMemory:
        gc.collect()
        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)  # hand freed memory back, so the start is honest
        self.start = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * 4096

    def _watch(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, self._rss())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def mb(self) -> float:
        return (self.peak - self.start) / 2**20


def run_xuncha(corpus: Corpus) -> tuple[dict, ReuseIndex]:
    index = ReuseIndex()
    for name, text in zip(corpus.names, corpus.texts, strict=True):
        index.add(name, text)
    pairs = index.pairs(threshold=THRESHOLD)
    return {(p.a, p.b): p for p in pairs}, index


def run_baseline(corpus: Corpus) -> dict:
    from datasketch import MinHash, MinHashLSH

    documents = [Document(name, text) for name, text in zip(corpus.names, corpus.texts, strict=True)]
    normalised = [d.encoded[0].tobytes().decode("utf-16-le", "surrogatepass") for d in documents]
    shingles = [{t[i:i + 5].encode("utf-8") for i in range(len(t) - 4)} for t in normalised]
    signatures = MinHash.bulk(shingles, num_perm=128)
    lsh = MinHashLSH(threshold=0.2, num_perm=128)
    with lsh.insertion_session() as session:
        for number, signature in enumerate(signatures):
            session.insert(number, signature, check_duplication=False)
    candidates = set()
    for number, signature in enumerate(signatures):
        candidates.update((min(number, other), max(number, other)) for other in lsh.query(signature) if other != number)
    k, _ = parameters(MIN_RUN)
    verifier = Verifier(k, MIN_RUN, np.zeros(0, np.uint32))
    found = {}
    for a, b in sorted(candidates):
        pair = verifier.pair(documents[a], documents[b])
        if pair and max(pair.share_a, pair.share_b) >= THRESHOLD:
            found[(pair.a, pair.b)] = pair
    return found


def exact_share(a: str, b: str, common: np.ndarray, min_run: int = MIN_RUN) -> float:
    """max(share_a, share_b) by definition: all maximal diagonal runs of equal characters ≥ min_run,
    common text (as the index found it) never equal to anything."""
    k, _ = parameters(min_run)
    x, y = encode(a)[0].astype(np.int64), encode(b)[0].astype(np.int64)
    for codes, mark in ((x, -1), (y, -2)):
        masked = common_characters(kgram_hashes64(codes.astype(np.uint16), k), len(codes), k, common)
        if masked is not None:
            codes[masked] = mark
    n, m = len(x), len(y)
    if not n or not m:
        return 0.0
    equal = x[:, None] == y[None, :]
    # Skew so that every diagonal is one column, then find runs down the columns.
    rows = np.arange(n)[:, None]
    columns = rows + np.arange(n + m - 1)[None, :] - (n - 1)
    inside = (columns >= 0) & (columns < m)
    skewed = np.zeros((n, n + m - 1), bool)
    skewed[inside] = equal[np.broadcast_to(rows, columns.shape)[inside], columns[inside]]
    flat = np.concatenate([np.zeros((n + m - 1, 1), bool), skewed.T, np.zeros((n + m - 1, 1), bool)], axis=1)
    edges = np.diff(flat.astype(np.int8), axis=1)
    diagonal, start = np.nonzero(edges == 1)
    _, stop = np.nonzero(edges == -1)
    long = (stop - start) >= min_run
    diagonal, start, stop = diagonal[long], start[long], stop[long]
    cover_a = np.zeros(n + 1, np.int64)
    np.add.at(cover_a, start, 1)
    np.add.at(cover_a, stop, -1)
    offset = diagonal - (n - 1)
    cover_b = np.zeros(m + 1, np.int64)
    np.add.at(cover_b, start + offset, 1)
    np.add.at(cover_b, stop + offset, -1)
    share_a = np.count_nonzero(np.cumsum(cover_a)[:n]) / n
    share_b = np.count_nonzero(np.cumsum(cover_b)[:m]) / m
    return max(share_a, share_b)


def incremental(corpus: Corpus) -> dict:
    """Persist the corpus less 100 copies, then add those one by one, as a server would."""
    texts = dict(zip(corpus.names, corpus.texts, strict=True))
    held = sorted(b for _, b in list(corpus.planted)[:HELD_OUT])
    folder = Path(tempfile.mkdtemp(prefix="xuncha-reuse-"))
    try:
        store = IndexStore(folder)
        start = time.perf_counter()
        store.add_many([(n, t) for n, t in texts.items() if n not in set(held)])
        built = time.perf_counter() - start
        size = store.size()
        times, found = [], 0
        for name in held:
            start = time.perf_counter()
            pairs = store.add(name, texts[name], threshold=THRESHOLD)
            times.append(time.perf_counter() - start)
            found += any(name in (p.a, p.b) for p in pairs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"incremental_p50_ms": round(float(np.percentile(times, 50)) * 1000, 2),
            "incremental_p95_ms": round(float(np.percentile(times, 95)) * 1000, 2),
            "incremental_found": found, "incremental_added": len(held), "index_build_seconds": round(built, 2),
            "index_bytes_per_doc": round(size["index"] / size["documents"]),
            "texts_bytes_per_doc": round(size["texts"] / size["documents"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always printed)")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--no-baseline", action="store_true", help="skip datasketch (figures from xuncha only)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a quality goal is missed (recall, precision, accuracy, index size)")
    args = parser.parse_args()
    log = lambda *parts: print(*parts, file=sys.stderr, flush=True)  # noqa: E731
    corpus = build(args.docs)
    log(f"corpus: {len(corpus.texts)} documents, {sum(map(len, corpus.texts)):,} characters, "
        f"{len(corpus.planted)} planted pairs")
    encode("预热")  # the folding table is built once per process, before any clock starts
    figures: dict = {"documents": len(corpus.texts)}

    with PeakMemory() as memory:
        start = time.perf_counter()
        found, index = run_xuncha(corpus)
        figures["seconds"] = round(time.perf_counter() - start, 3)
    figures["peak_mb"] = round(memory.mb, 1)
    log(f"xuncha: {figures['seconds']} s, peak +{figures['peak_mb']} MB, {len(found)} pairs")
    common = np.sort(index.common_hashes())

    if args.docs > 10_000:
        small = build(10_000)
        start = time.perf_counter()
        run_xuncha(small)
        figures["seconds_10k"] = round(time.perf_counter() - start, 3)
        figures["scaling_100k_10k"] = round(figures["seconds"] / figures["seconds_10k"], 2)

    # Truth: the exact 雷同率 of every planted pair, of every reported pair, and 500 sampled ones.
    texts = dict(zip(corpus.names, corpus.texts, strict=True))
    exact = {pair: exact_share(texts[pair[0]], texts[pair[1]], common) for pair in set(corpus.planted) | set(found)}
    true_05 = [p for p in corpus.planted if exact[p] >= 0.5]
    true_03 = [p for p in corpus.planted if 0.3 <= exact[p] < 0.5]
    figures["recall_0_5"] = round(sum(p in found for p in true_05) / max(1, len(true_05)), 4)
    figures["recall_0_3"] = round(sum(p in found for p in true_03) / max(1, len(true_03)), 4)
    figures["precision"] = round(sum(exact[p] >= THRESHOLD for p in found) / max(1, len(found)), 4)
    sample = random.Random(1).sample(sorted(found), min(SAMPLED, len(found)))
    errors = [abs(max(found[p].share_a, found[p].share_b) - exact[p]) for p in sample]
    figures["share_max_error"] = round(max(errors, default=0.0), 6)
    figures["share_sampled"] = len(sample)
    others = [p for p in found if p not in corpus.planted]
    template_text = "".join(encode(t)[0].tobytes().decode("utf-16-le") for t in corpus.templates)
    figures["non_planted_pairs"] = len(others)
    figures["non_planted_ratio"] = round(len(others) / max(1, len(corpus.planted)), 4)
    figures["boilerplate_only_pairs"] = sum(
        all(encode(x.text)[0].tobytes().decode("utf-16-le") in template_text for x in found[p].passages)
        for p in found)
    figures["planted_pairs"] = len(corpus.planted)
    log(f"truth: recall ≥0.5 {figures['recall_0_5']}, 0.3–0.5 {figures['recall_0_3']}, "
        f"precision {figures['precision']}, max share error {figures['share_max_error']}")

    del index
    if args.no_baseline:
        figures.update(baseline_seconds=None, baseline_recall_0_5=None, baseline_peak_mb=None, speedup=None)
    else:
        with PeakMemory() as memory:
            start = time.perf_counter()
            baseline = run_baseline(corpus)
            figures["baseline_seconds"] = round(time.perf_counter() - start, 3)
        figures["baseline_peak_mb"] = round(memory.mb, 1)
        figures["baseline_recall_0_5"] = round(sum(p in baseline for p in true_05) / max(1, len(true_05)), 4)
        figures["baseline_recall_0_3"] = round(sum(p in baseline for p in true_03) / max(1, len(true_03)), 4)
        figures["speedup"] = round(figures["baseline_seconds"] / figures["seconds"], 1)
        figures["memory_ratio"] = round(figures["peak_mb"] / max(1.0, figures["baseline_peak_mb"]), 3)
        log(f"baseline: {figures['baseline_seconds']} s, peak +{figures['baseline_peak_mb']} MB, "
            f"recall ≥0.5 {figures['baseline_recall_0_5']}")
    figures.update(incremental(corpus))
    log(f"incremental: p95 {figures['incremental_p95_ms']} ms")
    print(json.dumps(figures))
    return 1 if args.check and missed(figures) else 0


def missed(figures: dict) -> list[str]:
    """The goals that do not depend on the machine's speed, and which of them failed."""
    goals = {"recall_0_5": figures["recall_0_5"] >= 0.995, "recall_0_3": figures["recall_0_3"] >= 0.95,
             "precision": figures["precision"] == 1.0, "share_max_error": figures["share_max_error"] <= 0.005,
             "non_planted_ratio": figures["non_planted_ratio"] <= 0.01,
             "boilerplate_only_pairs": figures["boilerplate_only_pairs"] == 0,
             "bytes_per_doc": figures["index_bytes_per_doc"] + figures["texts_bytes_per_doc"] <= 4096}
    failed = [name for name, ok in goals.items() if not ok]
    for name in failed:
        print(f"goal missed: {name}", file=sys.stderr)
    return failed


if __name__ == "__main__":
    sys.exit(main())
