"""Normalisation for matching: one folding rule per character, applied through a lookup table.

Every character is folded on its own: NFKC (full/half width unified), lower case, and whitespace,
punctuation and control characters dropped. Because the fold is per character, it is a table over
the Basic Multilingual Plane and a batch of texts is normalised by array lookups; the rare characters
whose fold is not a single BMP character take the per-character path. Both paths give the same codes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np

BMP = 0x10000
SLOW = 0xFFFF  # a noncharacter: its own fold is empty, so it can mark "take the per-character path"


def fold(ch: str) -> str:
    """The matching form of one character: '' when it is dropped."""
    kept = []
    for part in unicodedata.normalize("NFKC", ch):
        category = unicodedata.category(part)
        if category[0] in "PZC" or category == "Sk" or part.isspace():
            continue
        kept.append(part.lower())
    return "".join(kept)


@cache
def _table() -> np.ndarray:
    """Every UTF-16 code unit's folded code: 0 when dropped, SLOW when it needs the per-character path."""
    folded = np.zeros(BMP, np.uint16)
    for code in range(BMP):
        if 0xD800 <= code < 0xE000:
            folded[code] = SLOW
            continue
        out = fold(chr(code))
        if len(out) == 1 and ord(out) < BMP and ord(out) not in (0, SLOW):
            folded[code] = ord(out)
        elif out:
            folded[code] = SLOW
    return folded


def _code(ch: str) -> int:
    value = ord(ch)
    return value if value < BMP else 0xE000 + value % 0x1900  # private-use stand-in, never 0


def _slow(text: str) -> tuple[np.ndarray, np.ndarray]:
    codes, offsets = [], []
    for index, ch in enumerate(text):
        for part in fold(ch):
            codes.append(_code(part))
            offsets.append(index)
    return np.array(codes, np.uint16), np.array(offsets, np.int64)


def encode(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(codes, offsets): the matching text as 16-bit codes and each code's index in `text`."""
    raw = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), np.uint16)
    codes = _table()[raw]
    if len(raw) != len(text) or (codes == SLOW).any():
        return _slow(text)
    keep = np.flatnonzero(codes)
    return codes[keep], keep


def encode_batch(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(codes of all texts one after another, start of each text in codes; one more at the end)."""
    joined = "".join(texts)
    raw = np.frombuffer(joined.encode("utf-16-le", "surrogatepass"), np.uint16)
    codes = _table()[raw]
    if len(raw) != len(joined) or (codes == SLOW).any():
        parts = [encode(t)[0] for t in texts]
        starts = np.zeros(len(texts) + 1, np.int64)
        np.cumsum([len(p) for p in parts], out=starts[1:])
        return (np.concatenate(parts) if parts else np.zeros(0, np.uint16)), starts
    kept = codes != 0
    bounds = np.zeros(len(texts) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, texts), np.int64, len(texts)), out=bounds[1:])
    return codes[kept], np.searchsorted(np.flatnonzero(kept), bounds)


@dataclass
class Normalised:
    """The text used for matching, and each of its characters' offset in the original."""

    text: str
    offsets: list[int]


def normalise(original: str) -> Normalised:
    codes, offsets = encode(original)
    return Normalised("".join(map(chr, codes.tolist())), offsets.tolist())
