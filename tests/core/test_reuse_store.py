"""The persisted 雷同 index: incremental adds agree with the batch engine, survive reopening and merges."""

import json
import random

import pytest

from xuncha.core.reuse import ReuseIndex
from xuncha.core.reuse import store as store_module
from xuncha.core.reuse.store import IndexStore, StoreError

CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def words(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(CJK) for _ in range(n))


def corpus(seed: int = 3, documents: int = 30) -> dict[str, str]:
    rng = random.Random(seed)
    texts = {f"d{n:03d}": words(rng, 400) for n in range(documents)}
    names = sorted(texts)
    for source, target in zip(names[::6], names[3::6], strict=False):
        start = rng.randrange(0, 200)
        texts[target] = texts[target][:150] + texts[source][start:start + 180] + texts[target][150:300]
    return texts


def pairs_of(pairs, name: str) -> dict:
    return {tuple(sorted((p.a, p.b))): round(max(p.share_a, p.share_b), 6) for p in pairs if name in (p.a, p.b)}


def test_adding_documents_one_by_one_finds_what_the_batch_engine_finds(tmp_path):
    texts = corpus()
    batch = ReuseIndex()
    for name, text in texts.items():
        batch.add(name, text)
    everything = batch.pairs(threshold=0.1)
    assert everything, "the corpus holds copied pairs"
    index = IndexStore(tmp_path / "index")
    found = {}
    for name in sorted(texts):
        found.update(pairs_of(index.add(name, texts[name], threshold=0.1), name))
    assert found == {tuple(sorted((p.a, p.b))): round(max(p.share_a, p.share_b), 6) for p in everything}


def test_the_index_is_read_again_after_reopening_and_after_merges(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "MERGE_AT", 3)
    texts = corpus(seed=8)
    names = sorted(texts)
    index = IndexStore(tmp_path / "index")
    index.add_many([(n, texts[n]) for n in names[:10]])
    for name in names[10:-1]:
        index.put(name, texts[name])
    assert len(index.segments) <= 4, "small segments are merged"
    reopened = IndexStore(tmp_path / "index")
    assert reopened.documents == len(names) - 1
    assert sorted(reopened.names) == names[:-1]
    probe = texts[names[3]][100:380]
    assert names[3] in {p.b for p in reopened.query("probe", probe, threshold=0.3)} | {
        p.a for p in reopened.query("probe", probe, threshold=0.3)}
    assert reopened.text(reopened.names[names[5]]) == (names[5], texts[names[5]])


def test_a_name_already_indexed_is_not_added_twice(tmp_path):
    index = IndexStore(tmp_path / "index")
    index.put("a", "巡察整改进展情况的通报全文" * 10)
    index.put("a", "另一段完全不同的文字内容" * 10)
    assert index.documents == 1


def test_texts_survive_compression_whatever_the_characters(tmp_path):
    index = IndexStore(tmp_path / "index")
    odd = "整改𠀀措施\ud800（一）ＡＢＣ½"
    index.put("odd", odd)
    index.put("plain", "巡察整改")
    assert index.text(index.names["odd"]) == ("odd", odd)


def test_a_damaged_manifest_is_a_clear_error(tmp_path):
    folder = tmp_path / "index"
    IndexStore(folder)
    (folder / "manifest.json").write_text("{not json", "utf-8")
    with pytest.raises(StoreError):
        IndexStore(folder)
    (folder / "manifest.json").write_text(json.dumps({"format": 99}), "utf-8")
    with pytest.raises(StoreError):
        IndexStore(folder)


def test_an_index_refuses_another_min_run(tmp_path):
    IndexStore(tmp_path / "index", min_run=13)
    with pytest.raises(StoreError):
        IndexStore(tmp_path / "index", min_run=20)


def test_a_persisted_document_costs_less_than_four_kilobytes(tmp_path):
    rng = random.Random(2)
    index = IndexStore(tmp_path / "index")
    index.add_many([(f"d{n}", words(rng, 1000)) for n in range(200)])
    size = index.size()
    assert (size["index"] + size["texts"]) / size["documents"] < 4096


def test_a_passage_repeated_many_times_in_one_document_is_not_taken_for_a_formula(tmp_path):
    rng = random.Random(6)
    repeated = "整改落实到位" * 300 + words(rng, 300)
    index = IndexStore(tmp_path / "index")
    index.add_many([("repeats", repeated)] + [(f"other{n}", words(rng, 400)) for n in range(8)])
    pairs = index.query("copy", "开头" + repeated[-400:], threshold=0.3)
    assert [p.b if p.a == "copy" else p.a for p in pairs] == ["repeats"]


def test_merges_keep_every_document_findable_whatever_order_segments_came_in(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "MERGE_AT", 3)
    texts = corpus(seed=11, documents=40)
    names = sorted(texts)
    index = IndexStore(tmp_path / "index")
    for name in names[:5]:
        index.put(name, texts[name])
    index.add_many([(n, texts[n]) for n in names[5:30]])  # the largest segment in the middle
    for name in names[30:]:
        index.put(name, texts[name])
    reopened = IndexStore(tmp_path / "index")
    assert reopened.documents == 40 and len(reopened.segments) <= 4
    for name in names:
        assert reopened.text(reopened.names[name]) == (name, texts[name])
        hits = reopened.query("probe", texts[name][50:350], threshold=0.5)
        assert name in {p.a for p in hits} | {p.b for p in hits}


def test_two_handles_on_one_folder_see_each_others_documents(tmp_path):
    """As two app servers sharing the data folder: the one opened first still reads what the other wrote."""
    rng = random.Random(21)
    texts = {f"d{n}": words(rng, 400) for n in range(4)}
    early = IndexStore(tmp_path / "index")  # opened before any document or dictionary exists
    late = IndexStore(tmp_path / "index")
    late.put("d0", texts["d0"])
    early.put("d1", texts["d1"])
    late.put("d2", texts["d2"])
    for handle in (early, late):
        handle.refresh()
        assert {handle.text(handle.names[n]) for n in ("d0", "d1", "d2")} == {(n, texts[n]) for n in ("d0", "d1", "d2")}
    hits = early.query("probe", texts["d2"][:300] + texts["d0"][:300], threshold=0.3)
    assert {p.a for p in hits} | {p.b for p in hits} >= {"d0", "d2"}


def test_a_merge_leaves_the_folders_it_replaced_until_the_next_merge(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "MERGE_AT", 3)
    rng = random.Random(4)
    index = IndexStore(tmp_path / "index")
    for n in range(4):
        index.put(f"d{n}", words(rng, 200))
    replaced = {p.name for p in (tmp_path / "index").glob("seg-*")} - {s.name for s in index.segments}
    assert replaced, "readers of the old manifest can still open its segments"
    assert all((tmp_path / "index" / name / "keys.npy").exists() for name in replaced)
    for n in range(4, 8):
        index.put(f"d{n}", words(rng, 200))
    assert not replaced & {p.name for p in (tmp_path / "index").glob("seg-*")}, "the next merge removes them"
