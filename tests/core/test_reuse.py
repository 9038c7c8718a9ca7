"""雷同检测, the reference engine: the guarantee, offsets, order independence, common phrases."""

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha.core.reuse import Pair, ReuseIndex, normalise, parameters
from xuncha.core.reuse.hashing import kgram_hashes, winnow
from xuncha.core.reuse.text import encode, encode_batch

CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def words(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(CJK) for _ in range(n))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), run=st.integers(13, 60), left=st.integers(0, 300), right=st.integers(0, 300))
def test_every_shared_run_of_min_run_characters_is_found(seed, run, left, right):
    rng = random.Random(seed)
    shared = words(rng, run)
    a = words(rng, left) + shared + words(rng, 200)
    b = words(rng, right) + "，" + shared + "。" + words(rng, 150)
    index = ReuseIndex(min_run=13)
    index.add("a", a)
    index.add("b", b)
    pairs = index.pairs(threshold=0.0)
    assert pairs, "a shared run of at least 13 characters must be found"
    passage = max(pairs[0].passages, key=lambda p: p.a[1] - p.a[0])
    assert shared in a[passage.a[0]:passage.a[1]] and shared in b[passage.b[0]:passage.b[1]]


def test_winnowing_parameters_keep_the_guarantee():
    for min_run in (8, 13, 20, 50):
        k, w = parameters(min_run)
        assert w + k - 1 == min_run and k >= 2 and w >= 1


def test_normalisation_keeps_offsets_into_the_original():
    norm = normalise("整改　措施：（一）ＡＢＣ１２")
    assert norm.text == "整改措施一abc12"
    assert [norm.offsets[0], norm.offsets[2]] == [0, 3]


def test_the_result_does_not_depend_on_input_order():
    rng = random.Random(4)
    shared = words(rng, 120)
    texts = {"x.txt": words(rng, 100) + shared, "y.txt": shared + words(rng, 80), "z.txt": words(rng, 300)}

    def run(order):
        index = ReuseIndex()
        for name in order:
            index.add(name, texts[name])
        return [p.to_dict() for p in index.pairs(threshold=0.1)]

    assert run(["x.txt", "y.txt", "z.txt"]) == run(["z.txt", "y.txt", "x.txt"])
    first = run(["x.txt", "y.txt", "z.txt"])[0]
    assert Pair.from_dict(first).to_dict() == first


def test_boilerplate_shared_by_most_documents_is_reported_apart_and_makes_no_pair():
    rng = random.Random(9)
    formula = "欢迎广大党员干部群众对巡察整改落实情况进行监督如有意见建议请及时向我们反映"
    index = ReuseIndex(common_min_docs=3)
    for number in range(8):
        index.add(f"d{number}", words(rng, 300) + formula)
    assert index.pairs(threshold=0.0) == []
    phrases = index.common_phrases()
    assert len(phrases) == 1 and phrases[0][1] == 8 and "对巡察整改落实情况进行监督" in phrases[0][0]


def test_fingerprints_are_stable_across_runs():
    codes = encode("巡察整改进展情况的通报全文")[0]
    assert kgram_hashes(codes, 4).tolist() == kgram_hashes(encode("巡察整改进展情况的通报全文")[0], 4).tolist()


@settings(max_examples=50, deadline=None)
@given(values=st.lists(st.integers(0, 40), min_size=1, max_size=120), w=st.integers(1, 9))
def test_winnowing_selects_every_window_minimum(values, w):
    hashes = np.array(values, np.uint32)
    expected = set()
    for start in range(max(1, len(values) - w + 1)):
        window = values[start:start + w]
        expected |= {start + i for i, value in enumerate(window) if value == min(window)}
    assert set(winnow(hashes, w).tolist()) == expected


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(st.text(alphabet="整改措施ａＡ，。 \u3000𠀀㈠½İ落实\n", max_size=40), min_size=1, max_size=6))
def test_batch_normalisation_equals_one_text_at_a_time(texts):
    codes, starts = encode_batch(texts)
    for number, text in enumerate(texts):
        assert codes[starts[number]:starts[number + 1]].tolist() == encode(text)[0].tolist()


def exact_shares(a: str, b: str, min_run: int = 13) -> tuple[float, float]:
    """By definition: every maximal run of equal characters on every diagonal, kept at min_run."""
    x, y = np.array(encode(a)[0], np.int64), np.array(encode(b)[0], np.int64)
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
    return cover_a.sum() / max(1, len(x)), cover_b.sum() / max(1, len(y))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), blocks=st.lists(st.integers(5, 80), min_size=1, max_size=6))
def test_shares_equal_the_exact_definition(seed, blocks):
    rng = random.Random(seed)
    source = words(rng, 600)
    copy = []
    for size in blocks:
        start = rng.randrange(0, 600 - size)
        copy += [source[start:start + size], words(rng, rng.randrange(1, 30))]
    index = ReuseIndex()
    index.add("a", source)
    index.add("b", "".join(copy))
    pairs = index.pairs(threshold=0.0)
    share_a, share_b = exact_shares(source, "".join(copy))
    if share_a == 0:
        assert pairs == []
    else:
        assert abs(pairs[0].share_a - share_a) < 1e-9 and abs(pairs[0].share_b - share_b) < 1e-9


def test_a_documents_total_share_is_the_union_of_what_it_shares_with_each_other():
    from xuncha.core.reuse.report import summaries

    rng = random.Random(12)
    first, second, mine = words(rng, 200), words(rng, 200), words(rng, 100)
    index = ReuseIndex()
    index.add("copy", "，".join([first[:120], mine, second[:80]]))
    index.add("first", first)
    index.add("second", second)
    pairs = index.pairs(threshold=0.1)
    by_name = {s.name: s for s in summaries(index, pairs)}
    shares = [p.side("copy")[1] for p in pairs if "copy" in (p.a, p.b)]
    assert abs(by_name["copy"].share - sum(shares)) < 1e-9 and abs(by_name["copy"].share - 200 / 300) < 1e-9
    assert [s for s, _ in by_name["copy"].sources] == ["first", "second"]
