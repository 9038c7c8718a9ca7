"""雷同 on repetitive text: the same shares and passages as the exact reference, in linear time."""

import random
import time

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.test_reuse import exact_shares
from xuncha.core.reuse import ReuseIndex
from xuncha.core.reuse import engine as engine_module
from xuncha.core.reuse.engine import Prepared, _all_runs, _postings_groups, count_keys, linear_runs
from xuncha.core.reuse.hashing import kgram_hashes64
from xuncha.core.reuse.store import IndexStore
from xuncha.core.reuse.text import encode

CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
WORD = "整改"


def words(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(CJK) for _ in range(n))


def repetitive(rng: random.Random, pieces: int) -> str:
    """Blocks of repeated units (one character, a word, a passage) mixed with ordinary text."""
    out = []
    for _ in range(pieces):
        unit = rng.choice(["改", "整改", "整改落实巡察反馈", words(rng, rng.randrange(1, 40))])
        plain = words(rng, rng.randrange(1, 60))
        out.append(unit * rng.randrange(1, 60) if rng.random() < 0.7 else plain)
    return "".join(out)


def exact_cover(a: str, b: str, min_run: int = 13) -> tuple[np.ndarray, np.ndarray]:
    """Which characters of each text lie in a shared run of min_run or more, by definition."""
    x, y = encode(a)[0].astype(np.int64), encode(b)[0].astype(np.int64)
    cover_a, cover_b = np.zeros(len(x), bool), np.zeros(len(y), bool)
    for shift in range(-len(x) + 1, len(y)):
        i0, j0 = max(0, -shift), max(0, shift)
        n = min(len(x) - i0, len(y) - j0)
        equal = np.concatenate([[False], x[i0:i0 + n] == y[j0:j0 + n], [False]])
        edges = np.flatnonzero(np.diff(equal.astype(np.int8)))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            if stop - start >= min_run:
                cover_a[i0 + start:i0 + stop] = True
                cover_b[j0 + start:j0 + stop] = True
    return cover_a, cover_b


def check_passages(pair, a: str, b: str) -> None:
    """Each passage is a shared run of at least 13, maximal (but for a start inside another
    passage, where growing it back would only read that one again); together they cover exactly
    what is shared."""
    cover_a, cover_b = exact_cover(a, b)
    mine_a, mine_b = np.zeros(len(a), bool), np.zeros(len(b), bool)
    for passage in pair.passages:
        (a0, a1), (b0, b1) = passage.a, passage.b
        assert a[a0:a1] == b[b0:b1] == passage.text and a1 - a0 >= 13
        assert a1 == len(a) or b1 == len(b) or a[a1] != b[b1], "a passage runs as far as it can"
        inside = any(p.a[0] < a0 < p.a[1] or p.b[0] < b0 < p.b[1] for p in pair.passages)
        assert a0 == 0 or b0 == 0 or a[a0 - 1] != b[b0 - 1] or inside
        mine_a[a0:a1] = mine_b[b0:b1] = True
    assert (mine_a == cover_a).all() and (mine_b == cover_b).all()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), pieces=st.integers(1, 8))
def test_repetitive_texts_get_the_exact_shares_and_passages(seed, pieces):
    rng = random.Random(seed)
    a = repetitive(rng, pieces)
    b = repetitive(rng, pieces)
    if rng.random() < 0.5:
        b += a[rng.randrange(0, len(a) + 1):]
    index = ReuseIndex()
    index.add("a", a)
    index.add("b", b)
    pairs = index.pairs(threshold=0.0)
    share_a, share_b = exact_shares(a, b)
    if share_a == 0:
        assert pairs == []
        return
    (pair,) = pairs
    assert abs(pair.share_a - share_a) < 1e-9 and abs(pair.share_b - share_b) < 1e-9
    check_passages(pair, a, b)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), pieces=st.integers(1, 8), common=st.integers(0, 4))
def test_the_linear_cover_covers_what_every_run_covers(seed, pieces, common):
    """Forced on any text, common text masked or not: the same characters as listing every run."""
    rng = random.Random(seed)
    a, b = repetitive(rng, pieces), repetitive(rng, pieces) + words(rng, 20)
    b += a[len(a) // 3:len(a) // 3 + 40]
    grams = kgram_hashes64(encode(a)[0], 8)
    chosen = np.asarray(rng.sample(grams.tolist(), min(common, len(grams))), np.uint64)
    excluded = np.sort((chosen >> np.uint64(32)).astype(np.uint32))
    x, y = Prepared(encode(a)[0], 8, excluded), Prepared(encode(b)[0], 8, excluded)

    def covers(runs):
        on_a, on_b = np.zeros(len(x.codes), bool), np.zeros(len(y.codes), bool)
        for a0, a1, b0, b1 in runs:
            assert (x.codes[a0:a1] == y.codes[b0:b1]).all() and a1 - a0 >= 13
            on_a[a0:a1] = on_b[b0:b1] = True
        return on_a.tolist(), on_b.tolist()

    assert covers(linear_runs(x, y, 13)) == covers(_all_runs(x, y, 8, 13, budget=1 << 40))


@settings(max_examples=40, deadline=None)
@given(postings=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 5)), max_size=80),
       limit=st.integers(2, 7))
def test_pairs_count_every_repeat_as_before(postings, limit):
    """A fingerprint held r times by one document and s by another counts r × s for the pair."""
    keys = np.sort(np.array([(h << 32) | d for h, d in postings], np.uint64))
    expected: dict[int, int] = {}
    for h in {h for h, _ in postings}:
        docs = sorted(d for g, d in postings if g == h)
        if len(set(docs)) >= limit:
            continue
        for i, left in enumerate(docs):
            for right in docs[i + 1:]:
                if left != right:
                    expected[(left << 32) | right] = expected.get((left << 32) | right, 0) + 1
    pair_keys, extra, weight, *_ = _postings_groups(keys, limit)
    found: dict[int, int] = {}
    if len(pair_keys):
        unique, counts = count_keys(pair_keys, 8)
        np.add.at(counts, np.searchsorted(unique, extra), weight)
        found = dict(zip(unique.tolist(), counts.tolist(), strict=True))
    assert found == expected


def test_the_persisted_index_agrees_with_the_batch_engine_on_repetitive_texts(tmp_path):
    rng = random.Random(5)
    texts = {f"d{n}": repetitive(rng, 6) for n in range(12)}
    texts["long"] = "监督" * 20_000  # a word none of the others repeats, so it is no formula
    texts["mixed"] = words(rng, 300) + "监督" * 3_000 + texts["d3"]
    batch = ReuseIndex()
    for name, text in texts.items():
        batch.add(name, text)
    expected = {(p.a, p.b): round(max(p.share_a, p.share_b), 6) for p in batch.pairs(threshold=0.1)}
    index = IndexStore(tmp_path / "index")
    for name in sorted(texts):  # one by one, then each asked for against the whole index
        index.put(name, texts[name])
    found = {}
    for name in sorted(texts):
        for p in index.query(name, texts[name], threshold=0.1):
            found[(min(p.a, p.b), max(p.a, p.b))] = round(max(p.share_a, p.share_b), 6)
    assert ("long", "mixed") in expected and found == expected


def seconds(run) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def test_the_work_grows_linearly_with_the_repeats(tmp_path):
    """Twice the text, about twice the time (quadratic work would be four times): a generous
    factor, not an absolute timing, so a busy machine does not fail it."""

    def check(size: int) -> None:
        text = (WORD * size)[:size]
        index = ReuseIndex()
        index.add("a", text)
        index.add("b", text[:size // 2] + "另起一段")
        assert index.pairs(threshold=0.3)
        store = IndexStore(tmp_path / f"index-{size}-{time.perf_counter_ns()}")
        store.add("a", text)
        assert store.query("b", text[:size // 2] + "另起一段")

    check(50_000)  # warm: the folding table and imports
    small, large = seconds(lambda: check(250_000)), seconds(lambda: check(500_000))
    assert large < 3.0 * small


def test_the_match_budget_sends_repetition_to_the_linear_cover(monkeypatch):
    calls = []
    monkeypatch.setattr(engine_module, "linear_runs",
                        lambda *args: calls.append(1) or [])
    index = ReuseIndex()
    index.add("a", WORD * 5_000)
    index.add("b", WORD * 4_000)
    index.pairs(threshold=0.0)
    assert calls, "one word repeated goes the linear way"


def test_a_formula_repeated_through_whole_documents_is_one_common_phrase():
    index = ReuseIndex()
    for number in range(6):
        index.add(f"d{number}", "整改落实巡察反馈" * 20_000)
    assert index.pairs(threshold=0.0) == []
    (phrase, documents), = index.common_phrases()
    assert documents == 6 and len(phrase) == 160_000
