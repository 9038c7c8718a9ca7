"""Scoring a unit: indicators weighted, deductions capped, a veto zeroes the total, grades."""

from xuncha.core.scoring import (
    FACT_KEYS,
    NOT_ASSESSABLE,
    Scheme,
    compile_item,
    not_applicable,
    rate,
    satisfaction,
    score,
)

GRADES = (("好", 90.0), ("较好", 80.0), ("一般", 60.0), ("差", 0.0))


def scheme():
    return Scheme(items=(
        compile_item("1", "indicator", "组织领导", 15, "评分", rated=True),
        compile_item("2", "indicator", "整改任务完成", 85, "完成率"),
        compile_item("3", "deduction", "逾期", 10, "逾期措施数 * 2"),
        compile_item("4", "veto", "报告与事实不符", 0, "报告与事实不符数 >= 5"),
    ), grades=GRADES)


def facts(**changes):
    return {"completion_rate": 100.0, "overdue": 0.0, "contradictions": 0.0, **changes}


def test_it_weights_rates_and_averages_the_rater_groups():
    result = score(scheme(), facts(), {"1": [100, 80, 60, 100]})
    assert result.indicators == 15 * 0.85 + 85
    assert result.total == 97.75 and result.grade == "好"


def test_a_rated_indicator_nobody_scored_is_flagged_and_counts_zero():
    result = score(scheme(), facts())
    assert result.items[0].unrated and result.items[0].points == 0
    assert result.total == 85 and result.grade == "较好"


def test_a_deduction_is_capped_at_its_weight():
    result = score(scheme(), facts(overdue=20), {"1": [100]})
    assert result.deductions == 10 and result.total == 90


def test_a_veto_scores_zero_and_the_lowest_grade():
    result = score(scheme(), facts(contradictions=5), {"1": [100]})
    assert result.vetoed == ["报告与事实不符"] and result.total == 0 and result.grade == "差"


def test_satisfaction_counts_100_70_30_and_no_rating_is_no_data():
    assert satisfaction({"satisfied": 1, "basically": 1, "unsatisfied": 1}) == (200 / 3, 3)
    assert satisfaction({}) == (0.0, 0)
    assert rate(0, 0) == 0.0 and rate(1, 4) == 25.0


def default_scheme():
    return Scheme(items=(
        compile_item("1", "indicator", "组织领导", 15, "评分", rated=True),
        compile_item("2", "indicator", "责任落实", 15, "按期完成率"),
        compile_item("3", "indicator", "整改任务完成", 60, "完成率 * 0.6 + 销号率 * 0.4"),
        compile_item("4", "indicator", "群众满意度", 10, "群众满意度"),
        compile_item("5", "deduction", "逾期", 10, "逾期措施数 * 1"),
    ), grades=GRADES)


def empty_facts(**changes):
    base = dict.fromkeys(FACT_KEYS, 0.0)
    base.update(changes)
    return base


def test_a_unit_with_nothing_to_rate_is_not_given_full_marks():
    # No findings, no measures, no public rating: every rate is over an empty base.
    result = score(default_scheme(), empty_facts(), {"1": [90]})
    assert [i.name for i in result.items if not i.applicable] == ["责任落实", "整改任务完成", "群众满意度"]
    assert all(i.points == 0 for i in result.items if not i.applicable)
    # Only 组织领导 (15 of 100) applies: too little to grade.
    assert not result.assessable and result.total == 0 and result.grade == NOT_ASSESSABLE
    assert not_applicable(empty_facts()) == {"completion_rate", "closeout_rate", "ontime_rate", "satisfaction"}


def test_indicators_that_do_not_apply_are_left_out_and_the_rest_rescaled():
    # Findings and due measures, all done; no public rating: 群众满意度 does not apply.
    facts_ = empty_facts(findings=2, measures=2, due=2, completion_rate=100, closeout_rate=50, ontime_rate=50)
    result = score(default_scheme(), facts_, {"1": [80]})
    assert [i.applicable for i in result.items] == [True, True, True, False, True]
    # 12 + 7.5 + 48 = 67.5 of 90 applicable points → 75 of 100.
    assert result.applicable_weight == 90 and result.scaled and result.assessable
    assert result.indicators == 75 and result.total == 75 and result.grade == "一般"
    rated = score(default_scheme(), dict(facts_, ratings=4, satisfaction=100), {"1": [80]})
    assert not rated.scaled and rated.total == 77.5


def test_points_are_rounded_half_up_as_score_sheets_round():
    from xuncha.core.scoring import half_up

    assert round(13.125, 2) == 13.12  # Python's own rounding, which a score sheet does not use
    assert (half_up(13.125), half_up(0.125), half_up(2.675), half_up(-1.005)) == (13.13, 0.13, 2.68, -1.01)


def test_the_report_prints_facts_to_one_decimal_and_scores_to_two_as_a_score_sheet_rounds():
    import datetime as dt

    from xuncha.core.render.evaluation import EvaluationReport, report_outline

    result = score(scheme(), facts(completion_rate=100 * 7 / 13, overdue=3.0), {"1": [100, 80, 60, 100]})
    report = EvaluationReport(unit="天宝社区", round="第一轮", scheme="《评估方案》", issuer="区委巡察办",
                              date=dt.date(2026, 6, 30), score=result,
                              facts={"completion_rate": 100 * 7 / 13, "ontime_rate": 53.85, "overdue": 3.0})
    text = "".join(block.text for block in report_outline(report).blocks)
    # 53.846… and 53.85 both print as the page prints them (53.8 / 53.9 half up), not 53.85.
    assert "主要整改数据：完成率53.8%，按期完成率53.9%，逾期措施数3项。" in text
    assert "53.85" not in text and f"评估得分{result.total:g}分" in text
