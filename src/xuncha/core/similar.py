"""Similar findings: 共性问题 clusters across units and 屡查屡犯 repeats within one unit.

Plain Python (numpy for the pairwise step), in two steps (docs/analytics.md has the figures):

1. **Problem areas.** `AREAS` lists the standard problem areas of 巡察 findings, written from the
   published categories (巡视工作条例: the 四个落实, the 三个聚焦 of 市县巡察, the six kinds of
   discipline) with the words notices use for each. A finding's area is the one it names
   **first** (the leftmost word in its text, the longest at that place; an everyday word such as
   党建 or 监督 only when no more specific one is named): notices head a finding with its main
   problem (政治站位不高，执行落实有差距). Findings of one area are one 共性问题.
2. **Text similarity** for findings that name no area: TF-IDF weighted character n-grams of their
   problem words, cosine similarity, and average linkage within a chart category (a group joins
   another only when the pairs between them are similar on average, so one shared phrase does not
   chain unrelated findings together).
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

K = 2
# Chosen on the tuning parts of tests/analytics/labelled_findings.json (docs/analytics.md).
CLUSTER_THRESHOLD = 0.5
REPEAT_THRESHOLD = 0.5
NGRAMS = (2, 3)
# An n-gram in more than this share of the findings (不到位, 有差距) says nothing about the problem.
MAX_DF = 0.05

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

# Problem areas (key, chart category, words), from the 巡察 categories rather than from examples:
# 落实党的理论路线方针政策和党中央决策部署 (political), 落实全面从严治党战略部署 and the
# six kinds of discipline (conduct), 落实新时代党的组织路线 (organisation), the 三重一大 and
# 民主集中制 rules (decision), 三资 and finance (finance), 群众身边 problems and 基层治理 of the
# 三个聚焦 (service), 落实巡视巡察整改 (rectification). A word belongs to one area only.
AREAS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # 落实党的理论路线方针政策和党中央重大决策部署
    ("theory-study", "political", (
        "理论学习", "政治理论", "理论武装", "政治学习", "第一议题", "中心组", "学习贯彻习近平",
        "习近平新时代中国特色社会主义思想", "新时代中国特色社会主义思想", "重要讲话", "重要指示",
        "重要论述", "二十大精神", "十九大精神", "全会精神", "会议精神", "上级精神", "学懂弄通",
        "学思践悟", "深学笃行", "学用结合", "学用脱节", "学习教育", "学习重视", "学习不")),
    ("political-stance", "political", (
        "政治站位", "政治意识", "政治担当", "政治自觉", "政治敏锐", "政治判断", "政治领悟",
        "政治执行", "四个意识", "两个维护", "两个确立", "政治建设", "大局意识")),
    ("decisions", "political", (
        "决策部署", "路线方针政策", "方针政策", "工作方针", "工作要求", "部署要求", "上级部署",
        "有令不行", "打折扣", "搞变通", "选择性执行", "职能责任", "职能职责", "履行职能",
        "中心工作", "法治思想", "新发展理念", "五大发展理念", "乡村振兴", "供给侧结构性改革",
        "三去一降一补", "放管服", "一窗通办", "一网通办", "最多跑一次")),
    ("development", "political", (
        "高质量发展", "经济发展", "改革发展", "谋划发展", "统筹发展", "发展思路", "发展定位",
        "内生动力", "深化改革", "改革任务", "营商环境", "产业发展", "招商引资", "集体经济",
        "发展活力", "经营管理能力")),
    ("ideology", "conduct", (
        "意识形态", "思想建设", "宣传思想", "舆情", "舆论", "封建迷信", "红色文化", "革命传统",
        "讲座")),
    ("education", "political", (
        "立德树人", "思想政治教育", "思政", "育人", "师德", "校风", "学风", "教学", "人才培养",
        "办学方向", "学籍", "学位管理", "招生")),
    ("justice", "political", ("司法", "公正与效率", "平安")),
    # 履行职能职责: a regulator's own oversight of its trade, not the party's 监督.
    ("regulation", "political", (
        "执法", "行业监管", "卫生监督", "饮用水", "供水", "非法行医")),
    ("health", "service", (
        "医共体", "医养结合", "医疗费用", "慢性病", "医改", "医德医风", "医保", "医疗服务", "医疗质量",
        "公共卫生")),
    ("poverty", "service", ("扶贫", "脱贫", "帮扶", "挂包帮", "返贫")),
    # 全面从严治党 and the six kinds of discipline
    ("two-duties", "conduct", (
        "从严治党", "管党治党", "从严治校", "管党治校", "主体责任", "两个责任", "一岗双责",
        "党风廉政建设", "廉政建设责任制", "政治责任", "清廉")),
    ("supervision", "conduct", (
        "监督", "纪检", "执纪", "提醒谈话", "问责", "第一种形态")),
    ("formalism", "conduct", (
        "八项规定", "四风", "形式主义", "官僚主义", "享乐主义", "奢靡", "作风", "招待", "接待",
        "公款", "津补贴", "滥发", "公车", "私车公养", "会风", "流于形式", "走过场", "重部署",
        "形式化", "特权")),
    ("inaction", "conduct", (
        "不担当", "不作为", "慢作为", "乱作为", "担当作为", "履职尽责", "履职不力", "推诿",
        "攻坚克难", "复杂问题", "怕担责", "打太极", "踢皮球", "庸懒散", "为官不为")),
    ("discipline", "conduct", (
        "政治纪律", "政治规矩", "组织纪律", "工作纪律", "生活纪律", "党规党纪", "纪律意识",
        "规矩意识", "违规违纪", "纪律松弛", "纪律不严")),
    ("mass-discipline", "conduct", (
        "群众纪律", "侵害群众利益", "群众身边", "微腐败", "蝇贪", "黑恶", "优亲厚友",
        "吃拿卡要")),
    ("integrity", "conduct", ("廉洁纪律", "腐败", "以权谋私", "利益输送", "贪污")),
    # 廉政风险防控 is a system a unit builds (posts, risk points), not a case of corruption.
    ("risk-control", "conduct", ("廉政风险", "廉洁风险", "风险防控", "廉洁隐患", "腐败风险")),
    ("warning-education", "conduct", ("警示教育", "以案促改")),
    ("personal-matters", "organisation", ("个人有关事项", "漏报", "瞒报", "兼职取酬", "经商办企业")),
    # 落实新时代党的组织路线: the party organisation, its members, the cadres
    ("core-role", "organisation", (
        "核心作用", "领导作用", "领导核心", "政治核心", "战斗堡垒", "政治功能", "引领作用", "统领",
        "把关定向", "党的领导", "集中统一领导", "党建引领", "党建与业务", "党建和业务", "融合",
        "重业务轻党建", "两张皮", "统筹协调", "组织力", "全面领导", "主责主业", "边缘化", "淡化",
        "前置研究", "生产经营决策")),
    ("party-building", "organisation", (
        "党建工作", "党建基础", "基层党建", "党务", "党的建设", "党建主业", "抓党建", "党建",
        "基层党组织建设", "党组织建设", "支部建设", "支部日常", "软弱涣散", "三会一课")),
    ("party-innovation", "organisation", ("党建创新", "党建活动", "创新意识")),
    ("standardisation", "organisation", ("标准化", "规范化")),
    ("political-life", "organisation", (
        "政治生活", "党内生活", "组织生活", "生活会", "批评与自我批评", "党内制度", "谈心谈话",
        "好人主义", "圈子文化", "码头文化")),
    ("members", "organisation", (
        "党员教育", "党员管理", "发展党员", "党员发展", "党费", "到会率", "党员档案", "流动党员",
        "党员活动", "先锋模范")),
    ("organisation-line", "organisation", ("组织路线", "组织建设")),
    ("cadres", "organisation", (
        "干部队伍", "人才队伍", "选人用人", "干部选拔", "选拔任用", "干部任用", "班子配备",
        "后备", "人才", "队伍建设", "交流轮岗", "轮岗", "借调", "编外", "三超两乱", "三龄两历",
        "内设机构", "超职数", "干部管理", "干部培养", "年轻干部", "师资", "专干", "村级班子",
        "村班子", "组织人事", "干部流失", "人才流失", "带病", "近亲繁殖", "人事档案", "违规进人")),
    ("leadership-team", "organisation", ("领导班子", "班子建设", "班子运行", "班子成员", "一把手")),
    ("election", "organisation", ("换届", "选举")),
    # 三重一大, 民主集中制 and the unit's own rules
    ("decision-making", "decision", (
        "三重一大", "民主集中制", "议事决策", "议事规则", "决策制度", "决策机制", "决策程序",
        "集体决策", "集体研究", "民主决策", "一征三议", "四议两公开", "会议和记录", "末位表态",
        "一言堂", "会前酝酿", "会议决策")),
    ("internal", "decision", (
        "内部管理", "内部治理", "内部控制", "管人管事", "制度建设", "建章立制", "机构设置",
        "机关建设", "自身建设", "公司法人", "法人治理", "公司治理",
        "现代企业制度")),
    ("openness", "decision", ("三务", "党务公开", "村务公开", "居务公开", "政务公开", "公开不及时")),
    # money, assets, projects
    ("finance", "finance", (
        "财务", "财经", "记账", "账目", "凭证", "支出", "经费", "报销", "资金", "内控", "票据",
        "现金", "预算", "收支", "会计", "往来款", "金额", "科研经费", "备用金", "差旅费")),
    ("assets", "finance", ("三资", "资产", "资源", "闲置", "采购")),
    ("projects", "finance", ("工程", "项目", "招投标", "招标", "基础设施建设", "基础设施")),
    ("subsidies", "finance", ("补贴", "补助", "惠民政策", "惠农", "电价", "低保")),
    # 群众身边 problems and 基层治理
    ("safety", "service", (
        "安全生产", "安全隐患", "安全管理", "隐患", "消防", "液化气", "房中房", "风险", "应急",
        "安全")),
    ("environment", "service", (
        "生态", "环保", "污染", "人居环境", "环境整治", "私搭乱建", "垃圾", "停放", "河长")),
    ("service-awareness", "service", (
        "以人民为中心", "为民服务", "服务意识", "服务群众", "群众观念", "宗旨意识", "急难愁盼",
        "民生", "就业")),
    ("governance", "service", ("基层治理", "社会治理", "治理能力", "矛盾纠纷", "信访")),
    # The 网格 of a community: who notices a problem first, not how a place is governed.
    ("grid", "service", ("网格", "物业", "前端感知")),
    ("civilisation", "service", ("移风易俗", "精神文明", "文明创建")),
    ("facilities", "service", ("设施", "适老", "长者饭堂", "阵地", "村部", "活动场所")),
    ("policy", "service", ("政策解释", "政策宣传", "文件精神", "政策理解")),
    ("housing", "service", ("危房", "房屋", "住房")),
    ("custody", "service", ("代管",)),
    ("it", "other", ("信息化", "数字化", "智慧")),
    # 落实巡视巡察整改
    ("rectification", "rectification", (
        "整改", "边改边犯", "反弹回潮", "检视", "认领", "长效机制", "成果运用", "举一反三",
        "落实到人")),
)
# Kept for callers that name the areas "themes" (one name for one idea in the pages).
THEMES = AREAS
THEME_CATEGORY = {key: category for key, category, _ in AREAS}
_AREA_OF_WORD = {word: key for key, _, words in AREAS for word in words}
assert len(_AREA_OF_WORD) == sum(len(words) for _, _, words in AREAS), "a word names two areas"
# Everyday nouns that name an area only when nothing more specific is named: 党建统领全局作用
# is about the party's leading role, 饮用水监督 is still about supervision.
BROAD_WORDS = frozenset((
    "党建", "监督", "安全", "风险", "资金", "项目", "工程", "资源", "融合", "人才", "民生", "教学",
    "支出", "经费", "采购", "闲置", "选举", "统筹协调"))
assert _AREA_OF_WORD.keys() >= BROAD_WORDS


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    # Leftmost word first; at one place the longest (党建引领 before 党建).
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))))


_SPECIFIC = _alternation(_AREA_OF_WORD.keys() - BROAD_WORDS)
_BROAD = _alternation(BROAD_WORDS)

# Broad words for a category when no area is named (a heading such as 关于财务管理方面).
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
    """The key of the problem area the text names first (a specific word before a broad one), or ""."""
    if text:
        found = _SPECIFIC.search(text) or _BROAD.search(text)
        if found:
            return _AREA_OF_WORD[found.group()]
    return ""


def canonical_category(*texts: str | None) -> str:
    """The chart category of a finding: its title's area, else broad words in any text."""
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


def grams(text: str, sizes: Sequence[int] = NGRAMS) -> dict[str, int]:
    """Character n-grams of the problem words with their counts."""
    core = normalise(text)
    counts: dict[str, int] = {}
    for n in sizes:
        if len(core) < n:
            continue
        for i in range(len(core) - n + 1):
            gram = core[i:i + n]
            counts[gram] = counts.get(gram, 0) + 1
    if not counts and core:
        counts[core] = 1
    return counts


def tfidf(texts: Sequence[str], max_df: float = MAX_DF,
          sizes: Sequence[int] = NGRAMS) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (sublinear tf, smoothed idf) of the texts' n-grams.

    An n-gram in more than `max_df` of the texts (and more than two) is dropped: the words every
    finding uses (不到位, 有差距) would otherwise make everything similar, and their postings are
    the costly part of the pairwise step.
    """
    counted = [grams(t, sizes) for t in texts]
    df: dict[str, int] = {}
    for counts in counted:
        for gram in counts:
            df[gram] = df.get(gram, 0) + 1
    n = len(texts)
    limit = max(2, max_df * n)
    vectors = []
    for counts in counted:
        vec = {g: (1 + math.log(c)) * (math.log((n + 1) / (df[g] + 1)) + 1)
               for g, c in counts.items() if df[g] <= limit}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        vectors.append({g: w / norm for g, w in vec.items()})
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(g, 0.0) for g, w in a.items())


def similarity(a: str, b: str, vectors: tuple[dict[str, float], dict[str, float]] | None = None) -> float:
    """1.0 for one problem area, 0.0 for two different areas, else the texts' cosine similarity
    (TF-IDF vectors given by the caller, who knows the corpus; else the two texts' own n-grams)."""
    theme_a, theme_b = theme(a), theme(b)
    if theme_a and theme_b:
        return 1.0 if theme_a == theme_b else 0.0
    if vectors is None:
        vectors = tuple(tfidf([a, b], max_df=1.0))
    return cosine(*vectors)


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


def _cosine_pairs(vectors: Sequence[dict[str, float]], threshold: float) -> dict[tuple[int, int], float]:
    """Index pairs (i < j) whose cosine reaches the threshold, from the postings of each n-gram."""
    vocab: dict[str, int] = {}
    rows, cols, weights = [], [], []
    for i, vec in enumerate(vectors):
        for gram, w in vec.items():
            rows.append(i)
            cols.append(vocab.setdefault(gram, len(vocab)))
            weights.append(w)
    if not rows:
        return {}
    order = np.argsort(np.array(cols), kind="stable")
    r = np.array(rows, dtype=np.int64)[order]
    c = np.array(cols)[order]
    w = np.array(weights, dtype=np.float64)[order]
    bounds = np.flatnonzero(np.diff(c)) + 1
    n = len(vectors)
    key_parts, score_parts = [], []
    for posting, pw in zip(np.split(r, bounds), np.split(w, bounds), strict=True):
        if len(posting) < 2:
            continue
        a, b = np.triu_indices(len(posting), 1)
        lo, hi = np.minimum(posting[a], posting[b]), np.maximum(posting[a], posting[b])
        key_parts.append(lo * n + hi)
        score_parts.append(pw[a] * pw[b])
    if not key_parts:
        return {}
    keys = np.concatenate(key_parts)
    scores = np.concatenate(score_parts)
    uniq, inverse = np.unique(keys, return_inverse=True)
    sums = np.bincount(inverse, weights=scores)
    keep = sums >= threshold - 1e-9
    return {(int(k // n), int(k % n)): float(s) for k, s in zip(uniq[keep], sums[keep], strict=True)}


def _average_link(n: int, pairs: dict[tuple[int, int], float], threshold: float) -> list[list[int]]:
    """Average-linkage groups: the most similar two groups merge while the mean similarity of all
    pairs between them (pairs not listed count 0) reaches the threshold."""
    size = [1] * n
    alive = [True] * n
    links: list[dict[int, float]] = [{} for _ in range(n)]
    for (i, j), s in pairs.items():
        links[i][j] = s
        links[j][i] = s
    heap = [(-s, i, j) for (i, j), s in pairs.items()]
    heapq.heapify(heap)
    members = [[i] for i in range(n)]
    while heap:
        neg, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue
        mean = links[a].get(b, 0.0) / (size[a] * size[b])
        if abs(mean + neg) > 1e-12:  # stale: the groups changed since this entry
            continue
        if mean < threshold - 1e-9:
            break
        if len(links[a]) < len(links[b]):
            a, b = b, a
        alive[b] = False
        members[a] += members[b]
        size[a] += size[b]
        del links[a][b]
        for other, s in links[b].items():
            if other == a:
                continue
            total = links[a].get(other, 0.0) + s
            links[a][other] = total
            links[other][a] = total
            del links[other][b]
        links[b] = {}
        for other, total in links[a].items():
            mean = total / (size[a] * size[other])
            if mean >= threshold - 1e-9:
                heapq.heappush(heap, (-mean, min(a, other), max(a, other)))
    return [members[i] for i in range(n) if alive[i]]


def _link(members: Sequence[Item], threshold: float) -> list[list[Item]]:
    """Average-linkage groups of the members by TF-IDF cosine of their texts."""
    vectors = tfidf([m.text for m in members])
    # Weaker pairs still count toward a group's mean; pairs under half the threshold are too
    # many to keep and move a mean little.
    pairs = _cosine_pairs(vectors, threshold / 2)
    return [[members[i] for i in group] for group in _average_link(len(members), pairs, threshold)]


def cluster(items: Sequence[Item], threshold: float = CLUSTER_THRESHOLD,
            min_units: int = 2) -> list[Cluster]:
    """Groups of similar findings, largest first: one per problem area named, and for findings
    that name none, average-linkage groups of text similarity within a chart category.

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
    earlier = list(earlier)
    # The unit's findings are the corpus that weighs the n-grams: its everyday words weigh little.
    vectors = tfidf([text] + [item.text for item in earlier], max_df=1.0)
    scored = []
    for i, item in enumerate(earlier):
        closeness = cosine(vectors[0], vectors[i + 1])
        score = similarity(text, item.text, (vectors[0], vectors[i + 1]))
        if score >= threshold:
            scored.append((item, score, closeness))
    # Findings of one area score alike: the closer wording comes first.
    scored.sort(key=lambda row: (-row[1], -row[2]))
    return [(item, score) for item, score, _ in scored[:limit]]
