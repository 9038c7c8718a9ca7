"""Heading numbers in Chinese: written for any count and read back by every reader in core."""

import pytest

from xuncha.core.lint.rules.numbering import number_of
from xuncha.core.numerals import cn_number, parse_cn_number
from xuncha.core.parse.structure import HEADING_PATTERNS, LIST_MARKER

ONES = "一二三四五六七八九"


def reference(n: int) -> str:
    """Written out place by place from the school rules, independently of core.numerals."""
    if n < 10:
        return ONES[n - 1]
    if n < 20:
        return "十" + (ONES[n - 11] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return ONES[tens - 1] + "十" + (ONES[ones - 1] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = ONES[hundreds - 1] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + ONES[rest - 1]
        # after a hundred, ten is 一十: 一百一十, 一百一十五
        return head + ("一" + reference(rest) if rest < 20 else reference(rest))
    if n == 1000:
        return "一千"
    raise ValueError(n)


@pytest.mark.parametrize("n", range(1, 1001))
def test_it_writes_every_number_to_a_thousand_as_the_reference_does(n):
    assert cn_number(n) == reference(n)


def test_it_writes_the_numbers_people_check_first():
    assert [cn_number(n) for n in (1, 10, 11, 20, 99, 100, 101, 110, 111, 120, 999, 1000)] == [
        "一", "十", "十一", "二十", "九十九", "一百", "一百零一", "一百一十", "一百一十一", "一百二十",
        "九百九十九", "一千"]
    big = (1001, 1010, 1100, 10000, 10005, 10010, 100000, 1100000, 100000005)
    assert [cn_number(n) for n in big] == [
        "一千零一", "一千零一十", "一千一百", "一万", "一万零五", "一万零一十", "十万", "一百一十万",
        "一亿零五"]


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_it_refuses_what_is_not_a_count(bad):
    with pytest.raises(ValueError):
        cn_number(bad)


def test_every_written_number_reads_back():
    for n in [*range(1, 10_001), 10_005, 10_010, 123_456, 100_000_005, 1_234_567_890]:
        assert parse_cn_number(cn_number(n)) == n, n
    for n in range(1, 1001):
        assert number_of(cn_number(n)) == n
        assert number_of(f"（{cn_number(n)}）") == n


def test_it_reads_nothing_that_is_not_a_number():
    assert [parse_cn_number(t) for t in ("", "二二", "十百", "零", "百", "一百一", "甲")] == [None] * 7
    assert parse_cn_number("一十二") == 12  # an older way of writing 十二


@pytest.mark.parametrize("n", [1, 10, 100, 101, 110, 120, 999, 1000])
def test_the_parser_takes_every_heading_and_list_number(n):
    levels = {level: pattern for level, pattern in HEADING_PATTERNS}
    assert levels[1].match(f"{cn_number(n)}、标题")["marker"] == cn_number(n)
    assert levels[2].match(f"（{cn_number(n)}）标题")["marker"] == cn_number(n)
    assert levels[3].match(f"{min(n, 999)}.标题")["marker"] == str(min(n, 999))
    assert LIST_MARKER.match(f"{cn_number(n)}是建立台账")["marker"] == f"{cn_number(n)}是"
