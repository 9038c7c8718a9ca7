"""k-gram hashes and winnowing over arrays of 16-bit codes (many documents at once).

Winnowing (Schleimer, Wilkerson and Aiken, 2003): of every window of `w` consecutive k-gram hashes
the minimum is selected. Two texts that share a run of `w + k - 1` characters share a whole window,
so both select its minimum: every such run leaves at least one fingerprint in common.
"""

from __future__ import annotations

import numpy as np

MISSING = np.uint32(0xFFFFFFFF)  # k-grams that cross a document boundary or hold excluded text
SORT_LOOKUPS = 65536  # lookups beyond which they are made in sorted order
_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                         0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
                        np.uint64)


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values. By sorting: NumPy 2.4's hash-based `np.unique` (and `isin`,
    `union1d`) took seconds on a million 64-bit values, a sort takes a tenth of one."""
    ordered = np.sort(values)
    if not len(ordered):
        return ordered
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])]


def contains(ordered: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which of `values` are in the sorted array `ordered`."""
    if not len(ordered):
        return np.zeros(len(values), bool)
    place = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return ordered[place] == values


def search(ordered: np.ndarray, values: np.ndarray, sides: tuple[str, ...] = ("left",)) -> list:
    """`np.searchsorted(ordered, values, side)` for each side, the values taken in sorted order
    when they are many: a million lookups of distinct values in random order miss the cache at
    every step, and sorting them first takes a third less (not worth it for repetitive values,
    which are few and stay in the cache)."""
    if len(values) < SORT_LOOKUPS:
        return [np.searchsorted(ordered, values, side) for side in sides]
    order = np.argsort(values)
    found = []
    for side in sides:
        at = np.empty(len(values), np.int64)
        at[order] = np.searchsorted(ordered, values[order], side)
        found.append(at)
    return found


def kgram_hashes64(codes: np.ndarray, k: int) -> np.ndarray:
    """A 64-bit hash of every k-gram of `codes` (len(codes) - k + 1 of them; none if shorter)."""
    n = len(codes) - k + 1
    if n <= 0:
        return np.zeros(0, np.uint64)
    codes = np.ascontiguousarray(codes, dtype=np.uint16)
    out = np.zeros(n, np.uint64)
    blocks, rest = divmod(k, 4)
    if blocks:
        # Four 16-bit codes read as one 64-bit word at every position: a strided view, no loop.
        padded = np.concatenate([codes, np.zeros(4, np.uint16)])
        words = np.ndarray((len(codes),), dtype="<u8", buffer=padded.data, strides=(2,))
        for block in range(blocks):
            out += words[4 * block:4 * block + n] * _MULTIPLIERS[block % 8]
    for extra in range(rest):
        start = 4 * blocks + extra
        out += codes[start:start + n].astype(np.uint64) * _MULTIPLIERS[(blocks + extra + 3) % 8]
    out ^= out >> np.uint64(29)
    out *= _MULTIPLIERS[4]
    out ^= out >> np.uint64(32)
    return out


def kgram_hashes(codes: np.ndarray, k: int) -> np.ndarray:
    """32-bit hashes (the top half of the 64-bit ones), never equal to MISSING."""
    return np.minimum((kgram_hashes64(codes, k) >> np.uint64(32)).astype(np.uint32), MISSING - np.uint32(1))


def winnow(hashes: np.ndarray, w: int) -> np.ndarray:
    """Positions whose hash is the minimum of some window of `w` hashes (MISSING never selected)."""
    n = len(hashes)
    if n == 0:
        return np.zeros(0, np.int64)
    if n < w:
        low = hashes.min()
        return np.zeros(0, np.int64) if low == MISSING else np.flatnonzero(hashes == low)
    # Sliding minimum by doubling: minima of windows of 1, 2, 4, … combined to width w.
    minima = hashes
    width = 1
    while width * 2 <= w:
        minima = np.minimum(minima[:-width], minima[width:])
        width *= 2
    if width < w:
        shift = w - width
        minima = np.minimum(minima[:len(minima) - shift], minima[shift:shift + len(minima) - shift])
    windows = len(minima)  # n - w + 1
    selected = np.zeros(n, bool)
    for offset in range(w):
        selected[offset:offset + windows] |= hashes[offset:offset + windows] == minima
    selected &= hashes != MISSING
    return np.flatnonzero(selected)


def fingerprints_batch(codes: np.ndarray, starts: np.ndarray, k: int, w: int,
                       excluded: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(hash, document) of every winnowed fingerprint of documents laid end to end in `codes`.

    `starts` holds each document's first code and one more at the end. A k-gram that runs into the
    next document is MISSING, so no window selects it and no fingerprint spans two documents.
    """
    hashes = kgram_hashes(codes, k)
    if len(hashes) == 0:
        return np.zeros(0, np.uint32), np.zeros(0, np.uint32)
    ends = starts[1:]
    # k-grams starting in the last k-1 codes of a document cross into the next one.
    for back in range(1, k):
        cut = ends - back
        cut = cut[(cut >= 0) & (cut < len(hashes))]
        hashes[cut] = MISSING
    if excluded is not None:
        hashes[contains(np.sort(excluded), hashes)] = MISSING
    positions = winnow(hashes, w)
    documents = (np.searchsorted(starts, positions, side="right") - 1).astype(np.uint32)
    return hashes[positions], documents
