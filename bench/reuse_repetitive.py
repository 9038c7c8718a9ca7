"""雷同检测 on repetitive text: time against size, next to ordinary text of the same size.

    python bench/reuse_repetitive.py --json [--sizes 0.25,0.5,1,2] [--repeat 3]

For each kind of text and each size (millions of characters), a document `a` of that size and
another `b` made of its first half and a new ending are
- batch: added to a `ReuseIndex` with five ordinary documents, and all pairs asked for;
- store: `a` added to a fresh persisted index (`IndexStore.add`), then `b` queried against it.
The kinds: one word repeated, one character, two words alternating, a passage of the samples
repeated, and ordinary text with repeated stretches. The baseline is the same engine on ordinary
text (the 雷同 corpus's wording) of the same size, measured in the same process; `ratio` is a
kind's time over the baseline's. Times are medians of `--repeat` runs. The last line is one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reuse_corpus import _filler, _material

from xuncha.core.reuse import ReuseIndex
from xuncha.core.reuse.store import IndexStore
from xuncha.core.reuse.text import encode

PASSAGE = "欢迎广大党员干部群众对巡察整改落实情况进行监督，如有意见建议请及时向我们反映。"


def ordinary(size: int, seed: int) -> str:
    return _filler(random.Random(seed), _material()[0], size)


def kinds(size: int) -> dict[str, str]:
    """Texts of `size` characters, by kind."""
    def repeat(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    plain = ordinary(size, 1)
    mixed = "".join(plain[i:i + 500] + repeat("整改")[:500] for i in range(0, size, 1000))[:size]
    return {"ordinary": plain, "one_word": repeat("整改"), "one_character": repeat("改"),
            "two_words": repeat("整改落实巡察反馈"), "passage": repeat(PASSAGE), "mixed": mixed}


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def batch(a: str, b: str, others: list[str]) -> None:
    index = ReuseIndex()
    index.add("a", a)
    index.add("b", b)
    for number, text in enumerate(others):
        index.add(f"other{number}", text)
    assert index.pairs(threshold=0.3), "a and b share half of a"


def store(a: str, b: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="xuncha-reuse-"))
    try:
        index = IndexStore(folder)
        index.add("a", a)
        assert index.query("b", b, threshold=0.3)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true",
                        help="end with one JSON line (always printed)")
    parser.add_argument("--sizes", default="0.25,0.5,1,2",
                        help="millions of characters, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    encode("预热")  # the folding table is built once per process, before any clock starts
    others = [ordinary(1000, 100 + n) for n in range(5)]
    store("预热" * 10, "预热" * 10)  # the compression dictionary and imports, before any clock
    figures: dict = {"sizes_mb": [], "repeat": args.repeat}
    for size_mb in (float(s) for s in args.sizes.split(",")):
        size = int(size_mb * 1_000_000)
        row: dict = {}
        for kind, a in kinds(size).items():
            b = a[:size // 2] + ordinary(2000, 7)
            in_batch = median_seconds(lambda a=a, b=b: batch(a, b, others), args.repeat)
            in_store = median_seconds(lambda a=a, b=b: store(a, b), args.repeat)
            row[kind] = {"batch_s": round(in_batch, 3), "store_s": round(in_store, 3)}
        base = row["ordinary"]
        for figure in row.values():
            figure["batch_ratio"] = round(figure["batch_s"] / base["batch_s"], 2)
            figure["store_ratio"] = round(figure["store_s"] / base["store_s"], 2)
        shown = ", ".join(f"{k} {v['batch_s']}/{v['store_s']} s" for k, v in row.items())
        print(f"{size_mb} M characters: {shown}", file=sys.stderr, flush=True)
        figures["sizes_mb"].append(size_mb)
        figures[str(size_mb)] = row
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
