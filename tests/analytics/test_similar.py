"""共性问题 clusters and 屡查屡犯 proposals against findings grouped by hand."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from xuncha.core import similar

LABELLED = json.loads((Path(__file__).parent / "labelled_findings.json").read_text(encoding="utf-8"))["findings"]


def _gold() -> set[tuple[int, int]]:
    return {(a["id"], b["id"]) for a, b in itertools.combinations(LABELLED, 2) if a["group"] == b["group"]}


def _precision_recall(predicted: set[tuple[int, int]]) -> tuple[float, float]:
    gold = _gold()
    hits = len(predicted & gold)
    return hits / max(1, len(predicted)), hits / len(gold)


def test_the_labelled_set_is_real_findings_grouped_by_hand():
    assert len(LABELLED) >= 180
    assert {f["source"].split("/")[0] for f in LABELLED} == {"demo", "real"}
    assert len({f["group"] for f in LABELLED}) >= 30


def test_it_clusters_the_labelled_findings_with_pairwise_precision_and_recall():
    items = [similar.Item(f["id"], f["source"], f["text"]) for f in LABELLED]
    predicted = set()
    for found in similar.cluster(items, min_units=1):
        predicted |= set(itertools.combinations(sorted(i.id for i in found.items), 2))
    precision, recall = _precision_recall(predicted)
    assert precision >= 0.8, precision
    assert recall >= 0.7, recall


def test_it_proposes_repeats_with_the_same_precision_and_recall():
    items = [similar.Item(f["id"], f["source"], f["text"]) for f in LABELLED]
    predicted = set()
    for new in items:
        # Every other finding stands for an earlier round's finding of the same unit.
        earlier = [i for i in items if i.id != new.id]
        for found, _ in similar.repeat_candidates(new.text, earlier, limit=len(earlier)):
            predicted.add(tuple(sorted((new.id, found.id))))
    precision, recall = _precision_recall(predicted)
    assert precision >= 0.8, precision
    assert recall >= 0.7, recall


def test_shingles_alone_miss_most_pairs_which_is_why_themes_come_first():
    sets = {f["id"]: similar.shingles(f["text"]) for f in LABELLED}
    predicted = {(a, b) for a, b in itertools.combinations(sorted(sets), 2)
                 if similar.jaccard(sets[a], sets[b]) >= 0.34}
    _, recall = _precision_recall(predicted)
    assert recall < 0.3


def test_clusters_keep_only_problems_common_to_two_units():
    items = [similar.Item(1, "甲", "财务管理不规范"), similar.Item(2, "乙", "财务制度管理不严"),
             similar.Item(3, "甲", "记账凭证记录不规范"), similar.Item(4, "丙", "意识形态工作未得到重视")]
    found = similar.cluster(items)
    assert [sorted(i.id for i in c.items) for c in found] == [[1, 2, 3]]
    assert found[0].units == ["乙", "甲"]


def test_a_finding_gets_a_chart_category_from_its_title_or_heading():
    assert similar.canonical_category("财务管理不规范", "") == "finance"
    assert similar.canonical_category("“第一议题”落实不到位", "") == "political"
    assert similar.canonical_category("其他事项", "关于基层党组织建设方面") == "organisation"
    assert similar.canonical_category("某事", "") == "other"


def test_clustering_ten_thousand_findings_takes_seconds_not_minutes():
    import random
    import time

    rng = random.Random(7)
    texts = [f["text"] for f in LABELLED]
    words = "社区党委工作人员制度落实管理服务群众项目资金会议记录学习教育监督检查"
    items = []
    for n in range(10_000):
        base = rng.choice(texts)
        noise = "".join(rng.choice(words) for _ in range(rng.randint(0, 6)))
        items.append(similar.Item(n, n // 10, base + noise))
    started = time.perf_counter()
    similar.cluster(items)
    assert time.perf_counter() - started < 10
