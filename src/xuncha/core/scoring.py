"""Scoring a unit against an evaluation scheme (整改成效评估), in plain Python.

A scheme has three kinds of items:
- indicator (评分指标): its formula gives a rate 0–100; the item scores weight × rate / 100;
- deduction (扣分项): its formula gives points to take off, at most the item's weight;
- veto (一票否决): its formula is a condition; when it holds the total is 0 and the grade the lowest.
The grade is the first whose threshold the total reaches. The facts a formula may read are FACTS
(each with a Chinese alias), plus `rated` (the mean of the rater groups' scores for the indicator)
and `raters` (how many groups scored it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from xuncha.core.formula import Formula, parse


def half_up(value: float, places: int = 2) -> float:
    """Rounded as a score sheet rounds (四舍五入): 13.125 → 13.13, where round() gives 13.12."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))

INDICATOR, DEDUCTION, VETO = "indicator", "deduction", "veto"
KINDS = {INDICATOR: "评分指标", DEDUCTION: "扣分项", VETO: "一票否决"}


@dataclass(frozen=True)
class Fact:
    key: str
    label: str  # also accepted in formulae
    unit: str = ""
    rate: bool = False  # a percentage 0–100


FACTS: tuple[Fact, ...] = (
    Fact("findings", "问题数", "个"),
    Fact("measures", "措施数", "项"),
    Fact("completion_rate", "完成率", "%", True),
    Fact("ontime_rate", "按期完成率", "%", True),
    Fact("closeout_rate", "销号率", "%", True),
    Fact("overdue", "逾期措施数", "项"),
    Fact("extensions", "延期次数", "次"),
    Fact("supervisions", "督办次数", "次"),
    Fact("lint_errors", "体检错误数", "处"),
    Fact("satisfaction", "群众满意度", "分（百分制）", True),  # points, not the portal's share
    Fact("ratings", "群众评价数", "条"),
    Fact("repeats", "屡查屡犯数", "个"),
    Fact("failed_checks", "抽查未通过数", "项"),
    Fact("rebounds", "回头看反弹数", "项"),
    Fact("contradictions", "报告与事实不符数", "项"),
    Fact("due", "应完成措施数", "项"),  # measures with a deadline that are due or finished: 按期完成率's base
)
RATED = (Fact("rated", "评分", "分", True), Fact("raters", "评分组数", "组"))
FACT_KEYS = tuple(f.key for f in FACTS)
NAMES: dict[str, str] = {n: f.key for f in FACTS + RATED for n in (f.key, f.label)}
LABELS = {f.key: f.label for f in FACTS + RATED}
SATISFACTION_POINTS = {"satisfied": 100, "basically": 70, "unsatisfied": 30}
# A rate over an empty base (no findings, no measures due, no public rating) is not applicable
# (无数据): it is not 100 %. An indicator reading one is left out and the others are rescaled.
BASES = {"completion_rate": "findings", "closeout_rate": "findings", "ontime_rate": "due",
         "satisfaction": "ratings"}
# Fewer applicable indicator points than this share of full marks: the unit is not graded.
MIN_APPLICABLE_SHARE = 0.5
FULL_MARKS = 100.0  # a scheme's indicator weights total this (the scheme page refuses more; a run, other)
NOT_ASSESSABLE = "无法评估"


@dataclass(frozen=True)
class Item:
    key: str  # a stable id (the item's row id as text)
    kind: str
    name: str
    weight: float
    formula: Formula
    rated: bool = False  # rater groups score it


@dataclass(frozen=True)
class Scheme:
    items: tuple[Item, ...]
    grades: tuple[tuple[str, float], ...]  # (label, lowest total), best first
    groups: tuple[str, ...] = ()

    @property
    def full_marks(self) -> float:
        return sum(i.weight for i in self.items if i.kind == INDICATOR)


@dataclass
class ItemScore:
    key: str
    name: str
    kind: str
    weight: float
    value: float  # the formula's value (a rate, points deducted, or 1/0 for a veto)
    points: float  # what it adds (indicator), takes off (deduction), or 0
    unrated: bool = False  # a rated indicator no group has scored yet
    applicable: bool = True  # False: an indicator over a rate with an empty base (不适用, 无数据)


@dataclass
class UnitScore:
    items: list[ItemScore] = field(default_factory=list)
    indicators: float = 0.0
    deductions: float = 0.0
    vetoed: list[str] = field(default_factory=list)
    total: float = 0.0
    grade: str = ""
    applicable_weight: float = 0.0  # the indicators' weights that apply
    scaled: bool = False  # some indicator did not apply: the others were rescaled to full marks
    assessable: bool = True  # False: too little applies to grade the unit (无法评估)


def not_applicable(facts: Mapping[str, float]) -> set[str]:
    """The rate facts whose base is empty for this unit (a base not given at all is not judged)."""
    return {key for key, base in BASES.items() if key in facts and base in facts and not facts[base]}


def compile_item(key: str, kind: str, name: str, weight: float, text: str, rated: bool = False) -> Item:
    return Item(key, kind, name, float(weight), parse(text, NAMES), rated)


def satisfaction(counts: Mapping[str, int]) -> tuple[float, int]:
    """(mean points, number of ratings) of public ratings counted per rating value; no rating: 0
    with 0 ratings — the score treats it as not applicable (无数据), not as satisfied."""
    total = sum(counts.get(k, 0) for k in SATISFACTION_POINTS)
    if not total:
        return 0.0, 0
    points = sum(SATISFACTION_POINTS[k] * counts.get(k, 0) for k in SATISFACTION_POINTS)
    return points / total, total


def rate(part: float, whole: float) -> float:
    """A percentage; over an empty base 0 — the score treats it as not applicable (BASES)."""
    return 100.0 * part / whole if whole else 0.0


def score(scheme: Scheme, facts: Mapping[str, float],
          rated: Mapping[str, Sequence[float]] | None = None) -> UnitScore:
    """The unit's result: `facts` by FACT_KEYS, `rated` the groups' scores per item key."""
    rated = rated or {}
    result = UnitScore()
    missing = not_applicable(facts)
    for item in scheme.items:
        groups = rated.get(item.key, ())
        values = dict(facts, rated=sum(groups) / len(groups) if groups else 0.0, raters=float(len(groups)))
        value = item.formula(values)
        applicable = not (item.kind == INDICATOR and item.formula.names & missing)
        if not applicable:
            value, points = 0.0, 0.0
        elif item.kind == INDICATOR:
            points = item.weight * max(0.0, min(100.0, value)) / 100
            result.indicators += points
            result.applicable_weight += item.weight
        elif item.kind == DEDUCTION:
            points = max(0.0, min(item.weight, value))
            result.deductions += points
        else:
            points = 0.0
            if value:
                result.vetoed.append(item.name)
        result.items.append(ItemScore(item.key, item.name, item.kind, item.weight, value, half_up(points),
                                      unrated=item.rated and not groups, applicable=applicable))
    full = scheme.full_marks
    result.scaled = result.applicable_weight < full
    if result.scaled and result.applicable_weight:
        result.indicators *= full / result.applicable_weight
    result.assessable = bool(full) and result.applicable_weight >= MIN_APPLICABLE_SHARE * full
    total = 0.0 if result.vetoed or not result.assessable else max(0.0, result.indicators - result.deductions)
    result.total = half_up(total)
    result.indicators, result.deductions = round(result.indicators, 2), round(result.deductions, 2)
    result.grade = (grade_of(scheme.grades, result.total, bool(result.vetoed)) if result.assessable or result.vetoed
                    else NOT_ASSESSABLE)
    return result


def grade_of(grades: Sequence[tuple[str, float]], total: float, vetoed: bool = False) -> str:
    if not grades:
        return ""
    if vetoed:
        return grades[-1][0]
    for label, low in grades:
        if total >= low:
            return label
    return grades[-1][0]
