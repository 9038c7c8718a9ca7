"""The normaliser, Chinese dates, and parsing any text without crashing."""

import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha.core.dates import parse_date
from xuncha.core.parse import NotANotice, parse_text
from xuncha.core.parse.normalize import normalise


def test_ascii_and_full_width_punctuation_are_treated_alike():
    assert normalise("(一)问题\n整改结果:已完成") == "（一）问题\n整改结果：已完成"
    assert normalise("上午8:00开放") == "上午8:00开放"


def test_full_width_spaces_indentation_and_markup_are_removed():
    assert normalise("　　**四是**健全制度") == "四是健全制度"
    assert normalise("通　报") == "通报"


def test_a_sentence_broken_across_a_blank_line_is_joined_again():
    text = "三是规范议事流程。控制每次党委会议议题数量，确保所有议题得到充分讨论并详实记录议\n\n事过程。"
    assert normalise(text).endswith("详实记录议事过程。")


def test_a_date_without_a_year_takes_it_from_context():
    assert parse_date("9月15日", dt.date(2025, 8, 10)) == dt.date(2025, 9, 15)
    assert parse_date("1月8日", dt.date(2022, 12, 1)) == dt.date(2023, 1, 8)
    assert parse_date("2025 年 12 月 31 日") == dt.date(2025, 12, 31)
    assert parse_date("2月30日", 2025) is None


def test_statuses_are_mapped_to_the_four_values():
    text = "根据区委统一部署，2025年7月2日至8月10日，区委第一巡察组对某社区进行了巡察。\n一、整改事项\n"
    for word, status in [("已完成", "done"), ("基本完成", "partly"), ("未完成", "not_done"), ("长期坚持", "ongoing")]:
        doc = parse_text(text + f"（一）问题甲\n整改结果：{word}\n")
        assert doc.findings[0].status == status, word


NOTICE_ALPHABET = list("一二三四五六七八九十（）()、。：:；1234567890年月日是巡察整改问题完成\n 　*")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(NOTICE_ALPHABET) | st.characters(), max_size=400))
def test_parsing_never_crashes_on_any_text(raw):
    doc = parse_text(raw)
    for item in doc.findings:
        assert 0 <= item.span[0] <= item.span[1] <= len(doc.text)


@pytest.mark.parametrize("unit", ["1", "a", "%", "是", "问题：一是"])
def test_reading_a_long_run_of_one_thing_grows_linearly(unit):
    import time

    head = "区委第一巡察组于2023年3月1日至4月1日对某社区开展巡察，反馈问题整改情况通报如下。\n"

    def best(size: int) -> float:
        text = head + unit * (size // len(unit))
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            with contextlib.suppress(NotANotice):
                parse_text(text)
            timings.append(time.perf_counter() - started)
        return min(timings)

    small, large = best(20000), best(80000)
    assert large < 8 * small + 0.05, (small, large)  # quadratic work would be 16×
