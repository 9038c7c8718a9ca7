"""共性问题 and 屡查屡犯 quality per part of the labelled set, and clustering speed, beside the first method.

    python bench/similar_quality.py [--json] [--findings 10000] [--sweep]

Quality: pairwise precision / recall of the clusters (`similar.cluster`, min_units=1) and of the
repeat proposals (each finding against all others) against the hand-made groups of
tests/analytics/labelled_findings.json, per part: `base` (the five samples and the real corpus),
`tune`, `held-out`, `held-out-2`, `held-out-3` and `held-out-4` (gathered blind, now tuning data
for the area words), `held-out-5` (gathered and grouped before the words were extended on
held-out-3 and held-out-4, measured once after: the blind part) and `all`. Methods: `v1` (bench/similar_v1.py, the first
method, kept unchanged), `current` (xuncha.core.similar), and three ablations of the current one:
`text-only` (no problem areas: TF-IDF n-grams and average linkage alone), `single-link` (the same
with connected components instead of average linkage) and `list-order` (the area listed first
wins, as v1 did, instead of the area named first); and `unprimed`, the current method without
the area words that v1 lacked and that only held-out texts contain (their author had read those
parts: a pessimistic bound on how much that reading helped).

Speed: clustering `--findings` synthetic findings (labelled texts with random extra words, ten a
unit), v1 and current timed in the same process, and their ratio.

`--sweep` prints the current method's figures, and its text step's alone, over thresholds,
n-gram sizes and the document frequency cut, per part, so that a choice made on `base` + `tune`
can be read off against the held-out parts. Last line: JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import similar_v1  # noqa: E402

from xuncha.core import similar  # noqa: E402

LABELLED = json.loads((HERE.parent / "tests/analytics/labelled_findings.json").read_text(encoding="utf-8"))["findings"]
PARTS = {
    "base": [f for f in LABELLED if "set" not in f],
    "tune": [f for f in LABELLED if f.get("set") == "tune"],
    "held-out": [f for f in LABELLED if f.get("set") == "held-out"],
    "held-out-2": [f for f in LABELLED if f.get("set") == "held-out-2"],
    "held-out-3": [f for f in LABELLED if f.get("set") == "held-out-3"],
    "held-out-4": [f for f in LABELLED if f.get("set") == "held-out-4"],
    "held-out-5": [f for f in LABELLED if f.get("set") == "held-out-5"],
    "all": LABELLED,
}


def gold(part) -> set[tuple[int, int]]:
    return {tuple(sorted((a["id"], b["id"]))) for a, b in itertools.combinations(part, 2) if a["group"] == b["group"]}


def score(predicted: set, part) -> tuple[float, float]:
    truth = gold(part)
    hits = len(predicted & truth)
    return round(hits / max(1, len(predicted)), 3), round(hits / max(1, len(truth)), 3)


def clustered(module, part) -> set:
    items = [module.Item(f["id"], f["source"], f["text"]) for f in part]
    out = set()
    for found in module.cluster(items, min_units=1):
        out |= set(itertools.combinations(sorted(i.id for i in found.items), 2))
    return out


def proposed(module, part) -> set:
    items = [module.Item(f["id"], f["source"], f["text"]) for f in part]
    out = set()
    for new in items:
        earlier = [i for i in items if i.id != new.id]
        for found, _ in module.repeat_candidates(new.text, earlier, limit=len(earlier)):
            out.add(tuple(sorted((new.id, found.id))))
    return out


@contextlib.contextmanager
def variant(name: str):
    """The current module with one part switched off (restored on exit)."""
    saved = similar.theme, similar._average_link
    if name == "text-only":
        similar.theme = lambda text: ""
    elif name == "single-link":
        def components(n, pairs, threshold):
            parent = list(range(n))

            def find(x):
                while parent[x] != x:
                    parent[x] = parent[parent[x]]
                    x = parent[x]
                return x
            for i, j in pairs:
                parent[find(j)] = find(i)
            groups = {}
            for i in range(n):
                groups.setdefault(find(i), []).append(i)
            return list(groups.values())
        similar._average_link = components
        similar.theme = lambda text: ""
    elif name == "unprimed":
        # The area words were written by someone who had read the held-out parts: drop every word
        # that v1 did not have and that only held-out texts contain, the most pessimistic reading.
        v1_words = {w for _, _, words in similar_v1.THEMES for w in words}
        tuning = [f["text"] for f in PARTS["base"] + PARTS["tune"]]
        held = [f["text"] for f in PARTS["held-out"] + PARTS["held-out-2"]]
        primed = {w for w in similar._AREA_OF_WORD if w not in v1_words
                  and any(w in t for t in held) and not any(w in t for t in tuning)}
        specific = similar._alternation(similar._AREA_OF_WORD.keys() - similar.BROAD_WORDS - primed)
        broad = similar._alternation(similar.BROAD_WORDS - primed)

        def unprimed(text):
            found = text and (specific.search(text) or broad.search(text))
            return similar._AREA_OF_WORD[found.group()] if found else ""
        similar.theme = unprimed
    elif name == "list-order":
        def first_listed(text):
            for key, _, words in similar.AREAS:
                if text and any(w in text for w in words):
                    return key
            return ""
        similar.theme = first_listed
    try:
        yield similar
    finally:
        similar.theme, similar._average_link = saved


def quality(with_repeats: bool = True) -> dict:
    results = {}
    for method in ("v1", "current", "unprimed", "text-only", "single-link", "list-order"):
        with (contextlib.nullcontext(similar_v1) if method == "v1" else variant(method)) as module:
            results[method] = {}
            for part_name, part in PARTS.items():
                row = {"clusters": score(clustered(module, part), part)}
                if with_repeats and method in ("v1", "current"):
                    row["repeats"] = score(proposed(module, part), part)
                results[method][part_name] = row
    return results


def sweep() -> list[dict]:
    """The current method and its text step alone over n-gram sizes, the document frequency cut
    and the threshold."""
    rows = []
    saved = (similar.NGRAMS, similar.MAX_DF)
    try:
        for method, sizes, max_df, threshold in itertools.product(
                ("current", "text-only"), ((2,), (2, 3), (1, 2, 3)), (0.05, 0.2, 1.0), (0.1, 0.2, 0.3, 0.5)):
            similar.NGRAMS, similar.MAX_DF = sizes, max_df
            similar.tfidf.__defaults__ = (max_df, sizes)
            row = {"method": method, "ngrams": sizes, "max_df": max_df, "threshold": threshold}
            with variant(method) as module:
                for part_name, part in PARTS.items():
                    items = [module.Item(f["id"], f["source"], f["text"]) for f in part]
                    pred = set()
                    for found in module.cluster(items, threshold=threshold, min_units=1):
                        pred |= set(itertools.combinations(sorted(i.id for i in found.items), 2))
                    row[part_name] = score(pred, part)
            rows.append(row)
    finally:
        similar.NGRAMS, similar.MAX_DF = saved
        similar.tfidf.__defaults__ = (saved[1], saved[0])
    return rows


def speed(count: int) -> dict:
    rng = random.Random(7)
    texts = [f["text"] for f in LABELLED]
    words = "社区党委工作人员制度落实管理服务群众项目资金会议记录学习教育监督检查"
    rows = []
    for n in range(count):
        base = rng.choice(texts)
        noise = "".join(rng.choice(words) for _ in range(rng.randint(0, 6)))
        rows.append((n, n // 10, base + noise))
    out = {"findings": count}
    for name, module in (("v1", similar_v1), ("current", similar)):
        items = [module.Item(*row) for row in rows]
        started = time.perf_counter()
        found = module.cluster(items)
        out[name] = {"seconds": round(time.perf_counter() - started, 3), "clusters": len(found)}
    out["ratio"] = round(out["current"]["seconds"] / max(1e-9, out["v1"]["seconds"]), 2)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--no-repeats", action="store_true", help="clusters only (the repeats take longer)")
    args = parser.parse_args()
    results = {"sizes": {k: len(v) for k, v in PARTS.items()}}
    if args.sweep:
        results["sweep"] = sweep()
        for row in results["sweep"]:
            print(row["method"], row["ngrams"], row["max_df"], row["threshold"],
                  "  ".join(f"{p} {row[p][0]:.2f}/{row[p][1]:.2f}" for p in PARTS), file=sys.stderr)
    results["quality"] = quality(not args.no_repeats)
    for method, parts in results["quality"].items():
        for part, row in parts.items():
            print(f"{method:10} {part:10} " + "  ".join(f"{k} {v[0]:.2f}/{v[1]:.2f}" for k, v in row.items()),
                  file=sys.stderr)
    if args.findings:
        results["speed"] = speed(args.findings)
        print(f"clustering {args.findings} findings: {results['speed']}", file=sys.stderr)
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
