"""The formula language of evaluation schemes: a whitelist over `ast`, never eval."""

import pytest

from xuncha.core.formula import FormulaError, parse
from xuncha.core.scoring import NAMES

FACTS = {"completion_rate": 80.0, "closeout_rate": 50.0, "overdue": 3.0, "failed_checks": 0.0,
         "rebounds": 5.0, "contradictions": 5.0, "measures": 0.0}


def run(text: str, values=FACTS) -> float:
    return parse(text, NAMES)(values)


def test_it_computes_with_english_names_and_chinese_aliases():
    assert run("completion_rate * 0.6 + closeout_rate * 0.4") == pytest.approx(68)
    assert run("完成率 * 0.6 + 销号率 * 0.4") == pytest.approx(68)


def test_it_supports_comparisons_conditions_and_the_whitelisted_functions():
    assert run("报告与事实不符数 >= 5") == 1.0
    assert run("逾期措施数 > 5 or 回头看反弹数 >= 5 and not 抽查未通过数") == 1.0
    assert run("10 if overdue < 2 else 5") == 5
    assert run("clamp(overdue * 4, 0, 10) + min(1, 2) + max(1, 2, 3) + abs(-1) + round(2.345, 1)") \
        == pytest.approx(10 + 1 + 3 + 1 + 2.3)


def test_a_division_by_zero_gives_zero():
    assert run("完成率 / 措施数") == 0


def test_it_names_the_formula_facts():
    assert parse("完成率 + overdue", NAMES).names == {"completion_rate", "overdue"}


@pytest.mark.parametrize(("text", "words"), [
    ("", "不能为空"),
    ("完成率 +", "写法有误"),
    ("未知指标 * 2", "未知的指标名称"),
    ("__import__('os').system('id')", "不能调用"),
    ("completion_rate.__class__", "不能使用"),
    ("[1, 2]", "不能使用"),
    ("'a' * 3", "数字常量"),
    ("2 ** 100000", "+ - * / %"),
    ("open('x')", "不能调用"),
    ("lambda: 1", "不能使用"),
    ("min(x=1, y=2)", "名称=值"),
    ("abs(1, 2)", "参数个数"),
    ("1e400", "过大"),
    ("+".join(["1"] * 300), "过"),
])
def test_it_refuses_anything_outside_the_whitelist_with_a_chinese_message(text, words):
    with pytest.raises(FormulaError) as caught:
        parse(text, NAMES)
    assert words in caught.value.message


def test_an_overflow_counts_zero_instead_of_stopping_the_run():
    assert run("round(1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 "
               "* 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9 "
               "* 1e9 * 1e9 * 1e9 * 1e9 * 1e9 * 1e9)") == 0


@pytest.mark.parametrize(("text", "words"), [
    ("逾期措施数 ** ", "末尾不完整"),
    ("逾期措施数 * (1", "第9个字符的“(”没有对应的“)”"),
    ("逾期措施数 * 0.5)", "第12个字符的“)”没有对应的“(”"),
    ("overdue +* 2", "第10个字符附近"),
])
def test_a_syntax_error_says_where_it_is_in_characters(text, words):
    with pytest.raises(FormulaError) as caught:
        parse(text, NAMES)
    assert words in caught.value.message
