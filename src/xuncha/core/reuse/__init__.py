"""雷同检测: copied passages between documents, found with winnowed k-gram fingerprints.

Guarantee: with k-grams of length `k` and a winnowing window of `w` fingerprints, every run of at
least `w + k - 1` characters that two documents share (after normalisation) contains a window
whose minimum fingerprint both documents select, so the pair becomes a candidate; verification then
finds every shared run exactly. With the default min_run of 13, k = 8 and w = 6. Passages are
reported with offsets in the original texts. The choice is explained in docs/reuse.md.
"""

from xuncha.core.reuse.engine import (
    MIN_RUN,
    Document,
    Pair,
    Passage,
    ReuseIndex,
    Verifier,
    common_limit,
    parameters,
)
from xuncha.core.reuse.text import Normalised, normalise

__all__ = ["MIN_RUN", "Document", "Normalised", "Pair", "Passage", "ReuseIndex", "Verifier", "common_limit",
           "normalise", "parameters"]
