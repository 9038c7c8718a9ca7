"""Scoring a unit: indicators weighted, deductions capped, a veto zeroes the total, grades."""

from xuncha.core.scoring import Scheme, compile_item, rate, satisfaction, score

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


def test_satisfaction_counts_100_70_30_and_no_rating_as_100():
    assert satisfaction({"satisfied": 1, "basically": 1, "unsatisfied": 1}) == (200 / 3, 3)
    assert satisfaction({}) == (100.0, 0)
    assert rate(0, 0) == 100.0 and rate(1, 4) == 25.0


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
