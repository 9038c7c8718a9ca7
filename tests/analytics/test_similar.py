"""共性问题 clusters and 屡查屡犯 proposals against findings grouped by hand."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from xuncha.core import similar

LABELLED = json.loads((Path(__file__).parent / "labelled_findings.json").read_text(encoding="utf-8"))["findings"]
# Pages never used to choose the area words or the thresholds (docs/analytics.md, Quality).
HELD_OUT = [f for f in LABELLED if f.get("set") == "held-out"]
HELD_OUT_2 = [f for f in LABELLED if f.get("set") == "held-out-2"]
# Gathered blind, then read to extend the area words: tuning parts now.
HELD_OUT_3 = [f for f in LABELLED if f.get("set") == "held-out-3"]
HELD_OUT_4 = [f for f in LABELLED if f.get("set") == "held-out-4"]
# Grouped and committed before the words were extended on held-out-3/4, measured once after: blind.
HELD_OUT_5 = [f for f in LABELLED if f.get("set") == "held-out-5"]


def _gold(labelled=LABELLED) -> set[tuple[int, int]]:
    return {(a["id"], b["id"]) for a, b in itertools.combinations(labelled, 2) if a["group"] == b["group"]}


def _precision_recall(predicted: set[tuple[int, int]], labelled=LABELLED) -> tuple[float, float]:
    gold = _gold(labelled)
    hits = len(predicted & gold)
    return hits / max(1, len(predicted)), hits / len(gold)


def _clustered(labelled) -> set[tuple[int, int]]:
    items = [similar.Item(f["id"], f["source"], f["text"]) for f in labelled]
    predicted = set()
    for found in similar.cluster(items, min_units=1):
        predicted |= set(itertools.combinations(sorted(i.id for i in found.items), 2))
    return predicted


def _proposed(labelled) -> set[tuple[int, int]]:
    items = [similar.Item(f["id"], f["source"], f["text"]) for f in labelled]
    predicted = set()
    for new in items:
        # Every other finding stands for an earlier round's finding of the same unit.
        earlier = [i for i in items if i.id != new.id]
        for found, _ in similar.repeat_candidates(new.text, earlier, limit=len(earlier)):
            predicted.add(tuple(sorted((new.id, found.id))))
    return predicted


def test_the_labelled_set_is_real_findings_grouped_by_hand():
    assert len(LABELLED) >= 300
    assert {f["source"].split("/")[0] for f in LABELLED if "set" not in f} == {"demo", "real"}
    assert all(f["source"].startswith(("http://", "https://")) for f in LABELLED if "set" in f)
    assert len({f["group"] for f in LABELLED}) >= 30
    assert len(HELD_OUT) >= 60
    assert len(HELD_OUT_2) >= 100 and len({f["source"] for f in HELD_OUT_2}) >= 10
    assert len(HELD_OUT_3) >= 50
    assert len(HELD_OUT_4) >= 60
    assert len(HELD_OUT_5) >= 50 and len({f["source"] for f in HELD_OUT_5}) >= 10
    for part in ("held-out-2", "held-out-3", "held-out-4", "held-out-5"):
        pages = {f["source"] for f in LABELLED if f.get("set") == part}
        assert not pages & {f["source"] for f in LABELLED if f.get("set") != part}


def test_it_clusters_the_labelled_findings_with_pairwise_precision_and_recall():
    # Measured on all 654: 0.89 / 0.85 (the first method: 0.82 / 0.52).
    precision, recall = _precision_recall(_clustered(LABELLED))
    assert precision >= 0.8, precision
    assert recall >= 0.7, recall


def test_it_proposes_repeats_with_the_same_precision_and_recall():
    # Measured on all 654: 0.89 / 0.85, as the clusters (one area, one problem).
    precision, recall = _precision_recall(_proposed(LABELLED))
    assert precision >= 0.8, precision
    assert recall >= 0.7, recall


def test_on_the_held_out_pages_it_reaches_the_goal_though_their_reader_wrote_the_words():
    # Measured: held-out 0.96 / 0.86 (first method 0.74 / 0.47), held-out-2 0.91 / 0.80 (0.86 /
    # 0.38). Not blind: whoever wrote the area words had read these pages. Without the words only
    # they contain (bench/similar_quality.py, `unprimed`): 0.90 / 0.58 and 0.91 / 0.47.
    for part in (HELD_OUT, HELD_OUT_2):
        for predicted in (_clustered(part), _proposed(part)):
            precision, recall = _precision_recall(predicted, part)
            assert precision >= 0.8, precision
            assert recall >= 0.7, recall


def test_on_the_parts_the_words_were_written_from_precision_stays_above_the_goal():
    # Measured: the first 192 0.91 / 0.92, tune 0.89 / 0.90 (0.79 / 0.85 before risk-control was
    # split from integrity and 差旅费 named finance).
    for part in ([f for f in LABELLED if "set" not in f], [f for f in LABELLED if f.get("set") == "tune"]):
        precision, recall = _precision_recall(_clustered(part), part)
        assert precision >= 0.8, precision
        assert recall >= 0.7, recall


def test_the_batches_once_blind_reach_the_goal_now_that_their_misses_were_read():
    # Measured: held-out-3 0.90 / 0.85 (blind, before the words were extended on it: 0.88 / 0.60),
    # held-out-4 0.87 / 0.88 (blind: 0.78 / 0.66). Tuning data now: these figures say the words
    # cover them, not that the words carry to unseen notices (held-out-5 below says that).
    for part in (HELD_OUT_3, HELD_OUT_4):
        for predicted in (_clustered(part), _proposed(part)):
            precision, recall = _precision_recall(predicted, part)
            assert precision >= 0.8, precision
            assert recall >= 0.7, recall


def test_on_the_blind_batch_both_figures_fall_short_and_this_records_how_far():
    # Measured once on held-out-5 (54 findings, 15 pages, grouped and committed before the words
    # were extended): clusters 0.72 / 0.46, repeats 0.70 / 0.46; the first method 0.42 / 0.19.
    # Below the goal: findings worded outside every area (买官卖官, 车房超标, 小官贪腐, 围猎) and
    # findings heading with another area (…研究干部任用 goes to cadres). A floor, so a change is
    # seen either way; not a figure to tune toward.
    for predicted in (_clustered(HELD_OUT_5), _proposed(HELD_OUT_5)):
        precision, recall = _precision_recall(predicted, HELD_OUT_5)
        assert precision >= 0.65, precision
        assert recall >= 0.4, recall


def test_shingles_alone_miss_most_pairs_which_is_why_themes_come_first():
    sets = {f["id"]: similar.shingles(f["text"]) for f in LABELLED}
    predicted = {(a, b) for a, b in itertools.combinations(sorted(sets), 2)
                 if similar.jaccard(sets[a], sets[b]) >= 0.34}
    _, recall = _precision_recall(predicted)
    assert recall < 0.3


def test_a_finding_belongs_to_the_area_it_names_first_and_a_broad_word_counts_last():
    assert similar.theme("全面从严治党主体责任、监督责任落实不到位") == "two-duties"
    assert similar.theme("监督责任落实不到位") == "supervision"
    assert similar.theme("政治站位不高，贯彻落实上级决策部署有差距") == "political-stance"
    assert similar.theme("党建引领作用不够凸显") == "core-role"  # the longest word at one place
    assert similar.theme("党建中统领作用不强") == "core-role"  # 党建 is a broad word
    assert similar.theme("食堂监督力度不足") == "supervision"  # nothing more specific named
    assert similar.theme("饮用水监督力度不足") == "regulation"  # a regulator's trade, not 纪检 监督


def test_areas_wider_than_the_hand_groups_are_split():
    # 廉政风险防控 (a system of posts and risk points) is not a case of corruption; a community's
    # 网格 is not how a place is governed; 公司法人治理 is a firm's own rules, not 司法.
    assert similar.theme("重要领域、重点岗位廉政风险管控不严") == "risk-control"
    assert similar.theme("乡村干部腐败问题凸显") == "integrity"
    assert similar.theme("社区网格管理员服务管理不到位") == "grid"
    assert similar.theme("基层治理能力建设还有短板") == "governance"
    assert similar.theme("公司法人治理体系建设与现代企业制度要求有差距") == "internal"
    # 经费 is a broad word and lost to 腐败风险 to its right; 科研经费 is specific, and named first.
    assert similar.theme("科研经费管理混乱，违规现象突出，存在腐败风险") == "finance"
    assert similar.theme("食堂菜价偏高") == ""


def test_average_linkage_does_not_chain_two_findings_through_a_third():
    # 0–1 alike, 1–2 alike, 0–2 not: connected components would make one group of three.
    groups = similar._average_link(3, {(0, 1): 0.9, (1, 2): 0.6}, 0.5)
    assert sorted(sorted(g) for g in groups) == [[0, 1], [2]]


def test_findings_naming_no_area_are_linked_by_weighted_ngrams():
    items = [similar.Item(1, "甲", "河道保洁不到位"), similar.Item(2, "乙", "河道保洁工作不到位"),
             similar.Item(3, "丙", "食堂菜价偏高")]
    assert [sorted(i.id for i in c.items) for c in similar.cluster(items)] == [[1, 2]]


def test_repeat_proposals_put_the_closer_wording_first_within_an_area():
    earlier = [similar.Item(5, 1, "理论学习不够"), similar.Item(6, 1, "落实“第一议题”制度不严格"),
               similar.Item(7, 1, "财务管理不规范")]
    found = similar.repeat_candidates("“第一议题”制度执行不到位", earlier)
    assert [item.id for item, _ in found] == [6, 5]


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
