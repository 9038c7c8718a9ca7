"""numbering: gaps, repeats or disorder in 一、/（一）/1./（1） headings and 一是/二是 lists."""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule
from xuncha.core.numerals import parse_cn_number
from xuncha.core.parse.structure import HEADING_PATTERNS, LIST_MARKER, split_lines


def number_of(marker: str) -> int | None:
    """一 → 1, 十二 → 12, 一百零一 → 101, "3" → 3."""
    marker = marker.strip("（）、.．是")
    if marker.isdigit():
        return int(marker)
    return parse_cn_number(marker)


def _heading_markers(doc: NoticeDoc) -> list[tuple[int, int, int, int]]:
    """(level, number, start, end) of every heading line, in order."""
    found = []
    for line in split_lines(doc.text):
        for level, pattern in HEADING_PATTERNS:
            match = pattern.match(line.text)
            if match and len(line.text) > match.end():
                number = number_of(match["marker"])
                if number is not None:  # the span is the whole heading line
                    found.append((level, number, line.start, line.end))
                break
    return found


def _check_sequence(numbers: list[tuple[int, int, int]], what: str) -> Iterator[Diagnostic]:
    expected = 1
    for number, start, end in numbers:
        if number != expected:
            problem = ("重复" if number < expected else "跳号") if expected > 1 else "没有从头编号"
            yield RULE.diagnostic(f"{what}编号{problem}：此处应为第{expected}项，写成了第{number}项；请核对序号。",
                                  span=(start, end))
        expected = number + 1


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    # Headings: each level's numbers run 1, 2, 3 … under the same parent.
    counters: dict[int, list[tuple[int, int, int]]] = {}
    markers = _heading_markers(doc)
    for level, number, start, end in markers:
        for deeper in [lvl for lvl in counters if lvl > level]:
            yield from _check_sequence(counters.pop(deeper), "标题")
        counters.setdefault(level, []).append((number, start, end))
    for sequence in counters.values():
        yield from _check_sequence(sequence, "标题")
    # 一是…二是…: within the text between two headings; 一是 starts a new list.
    bounds = [start for _, _, start, _ in markers] + [len(doc.text)]
    previous = 0
    for bound in bounds:
        sequence: list[tuple[int, int, int]] = []
        for match in LIST_MARKER.finditer(doc.text, previous, bound):
            number = number_of(match["marker"])
            if number is None:
                continue
            if number == 1 and sequence:
                yield from _check_sequence(sequence, "“一是、二是”")
                sequence = []
            sequence.append((number, match.start(), match.end()))
        if sequence:
            yield from _check_sequence(sequence, "“一是、二是”")
        previous = bound


RULE = Rule("numbering", "warning", "标题序号（一、/（一）/1./（1））或“一是、二是”序列跳号、重复或未从头开始。", check,
            catches=["一是建立台账；三是定期检查", "2是2022年8月……（前面没有一是）"],
            passes=["一是建立台账；二是定期检查"])
