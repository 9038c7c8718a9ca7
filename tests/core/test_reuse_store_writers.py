"""The persisted 雷同 index with several writers: two processes adding at once lose nothing."""

import multiprocessing
import random

from xuncha.core.reuse.store import IndexStore

CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def texts_for(writer: int, count: int) -> dict[str, str]:
    rng = random.Random(writer)
    return {f"w{writer}-{n:03d}": "".join(rng.choice(CJK) for _ in range(300)) for n in range(count)}


def add_all(folder: str, writer: int, count: int, start) -> None:
    store = IndexStore(folder)
    start.wait(10)  # both writers begin together, so their adds and merges interleave
    for name, text in texts_for(writer, count).items():
        store.add(name, text)


def test_two_processes_adding_at_once_leave_every_document_findable(tmp_path):
    folder = str(tmp_path / "index")
    IndexStore(folder)  # the manifest exists before either writer opens it
    count = 40  # more than MERGE_AT each, so merges run while the other process adds
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    writers = [context.Process(target=add_all, args=(folder, w, count, start)) for w in (1, 2)]
    for process in writers:
        process.start()
    start.set()
    for process in writers:
        process.join(120)
        assert process.exitcode == 0
    store = IndexStore(folder)
    assert store.documents == 2 * count
    expected = {**texts_for(1, count), **texts_for(2, count)}
    assert set(store.names) == set(expected)
    for name, text in expected.items():
        assert store.text(store.names[name]) == (name, text)
    # A later document copying one of each writer's texts finds both as its sources.
    copied = expected["w1-007"][:200] + expected["w2-033"][100:300]
    found = {p.b if p.a == "probe" else p.a for p in store.query("probe", copied, threshold=0.2)}
    assert {"w1-007", "w2-033"} <= found
