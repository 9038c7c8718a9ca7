"""The first 共性问题 method (theme words in list order + bigram Jaccard), kept unchanged as the
baseline that bench/similar_quality.py measures beside `xuncha.core.similar` in the same process.

Similar findings: 共性问题 clusters across units and 屡查屡犯 repeats within one unit.

Plain Python (numpy for the pairwise step). A finding's text is reduced to its problem words
(numbering, quotes, punctuation and filler such as 问题/存在/方面 removed) and cut into
character shingles of length `K`; two findings are similar when the Jaccard index of their
shingle sets reaches a threshold. Short titles are the norm (财务管理不规范, 三重一大制度执行不到位),
so bigrams carry the meaning; the 雷同 engine's 13-character runs would find none of these pairs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

K = 2
# Tuned on tests/analytics/labelled_findings.json after it was labelled (docs/analytics.md).
CLUSTER_THRESHOLD = 0.34
REPEAT_THRESHOLD = 0.34

_NUMBERING = re.compile(r"^\s*[（(]?[一二三四五六七八九十百\d]+[)）.、．]\s*|[一二三四五六七八九十]是")
_NOISE = re.compile(
    r"关于|方面|问题|存在|情况|的|了|和|与|及|等|有的|部分|个别|一些|仍然|依然|还|工作|"
    r"[\s“”\"'‘’《》〈〉（）()【】\[\]，,。；;：:、！!？?·—\-]")

# Canonical categories for charts: the same problem is headed differently by every notice.
CATEGORY_LABELS: dict[str, str] = {
    "political": "政治建设和决策部署落实",
    "conduct": "全面从严治党和作风建设",
    "organisation": "基层党组织和队伍建设",
    "decision": "民主决策和制度建设",
    "finance": "财务和资金资产管理",
    "service": "为民服务和基层治理",
    "rectification": "巡察整改落实",
    "other": "其他",
}

# Problem themes (主题) of inspection findings, most specific first: (key, category, words).
# Findings naming one theme are one 共性问题; the words are the ones notices use for it.
# Character shingles alone miss most of these pairs (理论学习不够 / 深学笃行习近平…思想不到位
# share no bigram): docs/analytics.md has the measured figures of both.
THEMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("safety", "service", ("安全", "隐患", "消防", "液化气", "房中房", "餐饮")),
    ("education", "political", ("立德树人", "思想政治教育", "校风", "学风", "师德")),
    ("rectification", "rectification", ("整改", "边改边犯", "检视", "认领", "落实到人")),
    ("political-stance", "political", ("政治站位", "政治担当", "政治自觉", "四个意识", "政治建设",
                                       "政治意识", "政治敏锐")),
    ("theory-study", "political", ("理论学习", "第一议题", "学习贯彻习近平", "深学笃行", "学懂弄通",
                                   "学思践悟", "重要论述", "学习重视", "新时代中国特色社会主义思想",
                                   "二十大精神", "十九大精神")),
    ("poverty", "service", ("扶贫", "脱贫", "挂包帮")),
    ("decisions", "political", ("决策部署", "工作要求有差距", "工作方针", "乡村振兴", "法治思想")),
    ("health", "service", ("医共体", "医养结合", "医疗费用", "慢性病")),
    ("development", "political", ("高质量发展", "经济发展")),
    ("justice", "political", ("司法", "公正与效率", "平安")),
    ("core-role", "organisation", ("核心作用", "领导作用", "战斗堡垒", "政治功能", "引领作用", "融合")),
    ("supervision", "conduct", ("监督",)),
    ("ideology", "conduct", ("意识形态", "思想建设")),
    ("inaction", "conduct", ("不担当", "不作为", "慢作为")),
    ("two-duties", "conduct", ("从严治党", "两个责任", "主体责任", "管党治党", "从严治校", "管党治校")),
    ("party-innovation", "organisation", ("党建创新", "党建活动", "创新意识")),
    ("party-building", "organisation", ("党建工作", "党建基础", "基层党建", "党务工作")),
    ("internal", "decision", ("内部管理", "内部控制", "内部治理", "管人管事")),
    ("finance", "finance", ("财务", "财经", "记账", "凭证", "支出", "经费", "金额", "内控", "报销")),
    ("formalism", "conduct", ("形式主义", "四风", "作风", "八项规定", "招待费", "津补贴", "流于形式",
                              "纪律")),
    ("standardisation", "organisation", ("标准化", "规范化")),
    ("political-life", "organisation", ("政治生活", "党内生活", "生活会", "党内制度")),
    ("members", "organisation", ("党员教育", "党员活动", "党费", "到会率")),
    ("organisation-line", "organisation", ("组织路线", "组织建设", "组织力")),
    ("cadres", "organisation", ("干部队伍", "人才队伍", "借调", "选人用人", "班子配备", "后备力量",
                                "队伍建设", "交流轮岗", "三超两乱", "三龄两历")),
    ("election", "organisation", ("换届",)),
    ("leader", "organisation", ("一把手",)),
    ("assets", "finance", ("三资", "资产资金")),
    ("subsidies", "finance", ("补贴", "电价")),
    ("projects", "finance", ("惠民项目", "民生微实事", "项目推进")),
    ("decision-making", "decision", ("民主决策", "三重一大", "议事决策", "会议和记录", "一征三议",
                                     "四议两公开", "民主集中制")),
    ("openness", "decision", ("三务", "公开不及时")),
    ("grid", "service", ("网格", "物业运行", "前端感知", "服务管理严重缺位")),
    ("service-awareness", "service", ("服务意识",)),
    ("custody", "service", ("代管",)),
    ("facilities", "service", ("设施", "适老", "长者饭堂", "阵地", "村部")),
    ("environment", "service", ("环境", "私搭乱建", "停放", "垃圾", "污染")),
    ("governance", "service", ("基层治理", "社会治理", "民生难点")),
    ("it", "other", ("信息化",)),
    ("policy", "service", ("政策解释", "文件精神", "政策理解")),
)
THEME_CATEGORY = {key: category for key, category, _ in THEMES}
# Broad words for a category when no theme is named (a heading such as 关于财务管理方面).
_CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("rectification", ("整改",)),
    ("finance", ("财务", "资金", "资产", "采购", "合同", "项目")),
    ("decision", ("决策", "议事", "制度")),
    ("conduct", ("从严", "纪律", "作风", "廉洁", "腐败", "不正之风", "责任")),
    ("organisation", ("党组织", "党建", "党员", "干部", "组织")),
    ("political", ("政治", "学习", "部署", "思想")),
    ("service", ("群众", "服务", "治理", "民生")),
)


def theme(text: str | None) -> str:
    """The key of the first theme the text names, or ""."""
    if text:
        for key, _, words in THEMES:
            if any(word in text for word in words):
                return key
    return ""


def canonical_category(*texts: str | None) -> str:
    """The chart category of a finding: its title's theme, else broad words in any text."""
    for text in texts:
        key = theme(text)
        if key:
            return THEME_CATEGORY[key]
    for text in texts:
        for category, words in _CATEGORY_WORDS:
            if text and any(word in text for word in words):
                return category
    return "other"


def normalise(text: str) -> str:
    """The problem words of a finding's text."""
    return _NOISE.sub("", _NUMBERING.sub("", text or ""))


def shingles(text: str, k: int = K) -> frozenset[str]:
    core = normalise(text)
    if len(core) <= k:
        return frozenset([core]) if core else frozenset()
    return frozenset(core[i:i + k] for i in range(len(core) - k + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(a: str, b: str) -> float:
    """1.0 for one theme, 0.0 for two different themes, else the shingles' Jaccard index."""
    theme_a, theme_b = theme(a), theme(b)
    if theme_a and theme_b:
        return 1.0 if theme_a == theme_b else 0.0
    return jaccard(shingles(a), shingles(b))


@dataclass
class Item:
    """One finding as the clustering sees it: an id, its unit and its text."""

    id: int
    unit: int | str
    text: str
    category: str = ""


@dataclass
class Cluster:
    category: str
    items: list[Item] = field(default_factory=list)

    @property
    def units(self) -> list[int | str]:
        return sorted({item.unit for item in self.items}, key=str)


def _pairs(sets: Sequence[frozenset[str]], threshold: float) -> Iterable[tuple[int, int]]:
    """Index pairs with Jaccard ≥ threshold: a sparse incidence matrix multiplied by itself."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, s in enumerate(sets):
        for sh in s:
            rows.append(i)
            cols.append(vocab.setdefault(sh, len(vocab)))
    if not rows:
        return
    sizes = np.array([len(s) for s in sets], dtype=np.float32)
    # Postings per shingle; each pair's intersection is counted once per shingle they share.
    order = np.argsort(np.array(cols), kind="stable")
    r = np.array(rows)[order]
    c = np.array(cols)[order]
    bounds = np.flatnonzero(np.diff(c)) + 1
    counts: dict[int, int] = {}
    n = len(sets)
    for posting in np.split(r, bounds):
        if len(posting) < 2:
            continue
        a, b = np.triu_indices(len(posting), 1)
        keys = posting[a].astype(np.int64) * n + posting[b]
        uniq, times = np.unique(keys, return_counts=True)
        for key, t in zip(uniq.tolist(), times.tolist(), strict=True):
            counts[key] = counts.get(key, 0) + t
    if not counts:
        return
    keys = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    inter = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
    i, j = keys // n, keys % n
    score = inter / (sizes[i] + sizes[j] - inter)
    keep = score >= threshold
    yield from zip(i[keep].tolist(), j[keep].tolist(), strict=True)


def _link(members: Sequence[Item], threshold: float) -> list[list[Item]]:
    """Connected groups of the members whose shingles reach the threshold (union-find)."""
    parent = list(range(len(members)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in _pairs([shingles(m.text) for m in members], threshold):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    groups: dict[int, list[Item]] = {}
    for index, member in enumerate(members):
        groups.setdefault(find(index), []).append(member)
    return list(groups.values())


def cluster(items: Sequence[Item], threshold: float = CLUSTER_THRESHOLD,
            min_units: int = 2) -> list[Cluster]:
    """Groups of similar findings, largest first: one per theme named, and for findings that
    name none, connected groups of shingle similarity within a chart category.

    Only groups spanning at least `min_units` units are kept: a 共性问题 is common to units.
    """
    themed: dict[str, list[Item]] = {}
    loose: dict[str, list[Item]] = {}
    for item in items:
        key = theme(item.text)
        if key:
            themed.setdefault(key, []).append(item)
        else:
            loose.setdefault(item.category or canonical_category(item.text), []).append(item)
    clusters = [Cluster(key, members) for key, members in themed.items()]
    for category, members in loose.items():
        clusters += [Cluster(category, group) for group in _link(members, threshold)]
    clusters = [c for c in clusters if len(c.units) >= min_units]
    clusters.sort(key=lambda c: (-len(c.units), -len(c.items), c.items[0].id))
    return clusters


def repeat_candidates(text: str, earlier: Iterable[Item], threshold: float = REPEAT_THRESHOLD,
                      limit: int = 3) -> list[tuple[Item, float]]:
    """Earlier findings (of the same unit) that this finding's text repeats, best first."""
    scored = [(item, similarity(text, item.text)) for item in earlier]
    scored = [(item, score) for item, score in scored if score >= threshold]
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]
