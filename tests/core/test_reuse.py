"""雷同检测, the reference engine: the guarantee, offsets, order independence, common phrases."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha.core.reuse import ReuseIndex, fingerprints, normalise, parameters

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
    assert fingerprints("巡察整改进展情况的通报全文", 4, 3) == fingerprints("巡察整改进展情况的通报全文", 4, 3)
