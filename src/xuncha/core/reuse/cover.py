"""Shared runs of two texts in linear time, whatever the repetition: a cover, not every run.

Two texts made of one repeated word share a run on every other diagonal, each as long as the
shorter text, so listing every maximal run (what `engine.shared_runs` does for ordinary texts)
costs the product of the lengths. The shares do not need them: a character is shared exactly when
some window of `min_run` characters around it occurs in the other text. So:

1. every window of `min_run` characters free of common text is hashed (64 bits) in both texts;
2. each window of x that occurs in y is given one occurrence: the first at or after its own
   position (taken modulo y's length, wrapping round), so that the windows of a repeated region
   pick consecutive occurrences and line up on one diagonal;
3. consecutive windows on one diagonal form a chain, checked character by character;
4. walking the chains in order, a chain already inside the reach of the runs kept is skipped;
   one that is not is grown to its maximal run on its diagonal and kept.

The runs kept cover exactly the characters of x that are shared; the same walk from y's side
covers y's. Each kept run starts beyond the reach of the ones before, so their total length is
at most about twice the text's, and growing them compares each character a bounded number of times.
"""

from __future__ import annotations

import numpy as np

from xuncha.core.reuse.hashing import kgram_hashes64

Run = tuple[int, int, int, int]  # (a_start, a_end, b_start, b_end) in code positions
MASK_X, MASK_Y = "\x01", "\x02"  # common text; normalised texts hold no control characters


class Side:
    """One text as the cover walk needs it: codes, its windows, and strings for extending runs."""

    __slots__ = ("codes", "forward", "hashes", "reverse", "valid")

    def __init__(self, codes: np.ndarray, masked: np.ndarray | None, min_run: int,
                 mark: str) -> None:
        self.codes = codes
        self.hashes = kgram_hashes64(codes, min_run)
        if masked is None:
            self.valid = np.ones(len(self.hashes), bool)
            shown = codes
        else:  # a window holding any common character never matches
            inside = np.zeros(len(codes) + 1, np.int64)
            np.cumsum(masked, out=inside[1:])
            self.valid = (inside[min_run:] - inside[:-min_run]) == 0
            shown = np.where(masked, ord(mark), codes).astype(np.uint16)
        self.forward = shown.astype("<u2").tobytes().decode("utf-16-le", "surrogatepass")
        self.reverse = self.forward[::-1]


def common_prefix(s: str, i: int, t: str, j: int, limit: int) -> int:
    """Length of the common prefix of s[i:] and t[j:], at most `limit`: galloping slice
    comparisons, so a long match costs a few C-speed compares, not a Python loop per character."""
    limit = min(limit, len(s) - i, len(t) - j)
    done, size = 0, 8
    while done < limit:
        size = min(size, limit - done)
        if s[i + done:i + done + size] == t[j + done:j + done + size]:
            done += size
            size *= 2
        elif size == 1:
            break
        else:
            size //= 2
    return done


def occurrences(x: Side, y: Side) -> tuple[np.ndarray, np.ndarray]:
    """(window of x, the occurrence in y given to it) for every window of x that occurs in y."""
    jx, qy = np.flatnonzero(x.valid), np.flatnonzero(y.valid)
    if not len(jx) or not len(qy):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    qs = qy[np.argsort(y.hashes[qy], kind="stable")]  # by hash, then position
    hs = y.hashes[qs]
    new = np.concatenate([[True], hs[1:] != hs[:-1]])
    group_start = np.flatnonzero(new)
    group_end = np.append(group_start[1:], len(qs))
    unique = hs[group_start]
    group = np.minimum(np.searchsorted(unique, x.hashes[jx]), len(unique) - 1)
    hit = unique[group] == x.hashes[jx]
    jx, group = jx[hit], group[hit]
    # (group, position) as one sorted key: the first occurrence at or after a target is one search.
    ranked = ((np.cumsum(new) - 1).astype(np.uint64) << np.uint64(32)) | qs.astype(np.uint64)
    target = (group.astype(np.uint64) << np.uint64(32)) | (jx % len(y.hashes)).astype(np.uint64)
    at = np.searchsorted(ranked, target)
    wrap = at >= group_end[group]
    at[wrap] = group_start[group[wrap]]
    return jx, qs[at]


def chains(x: Side, y: Side, min_run: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, end, shift) in x of each chain of consecutive windows on one diagonal, checked."""
    jx, qy = occurrences(x, y)
    if not len(jx):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    shift = qy - jx
    breaks = np.flatnonzero((np.diff(jx) != 1) | (np.diff(shift) != 0)) + 1
    first = np.concatenate([[0], breaks])
    last = np.append(breaks, len(jx)) - 1
    a0, a1, d = jx[first], jx[last] + min_run, shift[first]
    # Character by character, all chains at once (a hash match is not taken on trust).
    length = a1 - a0
    offsets = np.cumsum(length) - length
    where = np.repeat(a0 - offsets, length) + np.arange(int(length.sum()))
    same = x.codes[where] == y.codes[where + np.repeat(d, length)]
    good = np.logical_and.reduceat(same, offsets)
    return a0[good], a1[good], d[good]


def walk(x: Side, y: Side, min_run: int) -> list[Run]:
    """Maximal runs whose x sides cover every shared character of x, each starting beyond the
    reach of those before it."""
    kept: list[Run] = []
    reach, floor = -1, 0
    n, m = len(x.forward), len(y.forward)
    for a0, a1, d in zip(*(v.tolist() for v in chains(x, y, min_run)), strict=True):
        if a1 <= reach:
            continue
        a1 += common_prefix(x.forward, a1, y.forward, a1 + d, n)
        # Grown back no further than the previous run's start: each character is read at most twice.
        a0 -= common_prefix(x.reverse, n - a0, y.reverse, m - a0 - d, a0 - floor)
        kept.append((a0, a1, a0 + d, a1 + d))
        reach, floor = a1, a0
    return kept


def cover_runs(x: Side, y: Side, min_run: int) -> list[Run]:
    """Runs that together cover exactly what x shares with y and what y shares with x."""
    runs = set(walk(x, y, min_run))
    runs.update((a0, a1, b0, b1) for b0, b1, a0, a1 in walk(y, x, min_run))
    return sorted(runs)
