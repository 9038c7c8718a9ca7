"""wording: a short, high-precision list of common mistakes in official writing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule
from xuncha.core.lint.rules.term_two_ways import UP_TO_RIGHT

UP_TO = re.compile(r"截止(?=\s*(?:目前|今年|本月|(?:19|20)\d{2}\s*年|\d{1,2}\s*月))")
# (pattern, message): each pattern is narrow on purpose — a wrong hint costs more than a missed one.
MISTAKES = (
    (re.compile(r"己经"), "“己经”应为“已经”。"),
    (UP_TO,
     "表示“到某时为止”应写“截至”（“截止”用于“截止日期”“截止到”）。"),
    (re.compile(r"([一二三四五六七八九十]是)是(?!否)"), "序号“{0}”后多了一个“是”。"),
    (re.compile(r"(?<![一二三四五六七八九十])([的了在和与])\1(?![的了在和与])"), "“{0}{0}”重复，请删去一个。"),
)


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    # With 截至 elsewhere in the notice, term-two-ways reports 截止 with that in mind.
    both = UP_TO_RIGHT.search(doc.text) is not None
    for pattern, message in MISTAKES:
        if both and pattern is UP_TO:
            continue
        for match in pattern.finditer(doc.text):
            yield RULE.diagnostic(message.format(*match.groups()), span=(match.start(), match.end()))


RULE = Rule("wording", "info", "公文常见用字错误：己经→已经；截止＋日期→截至；三是是等重复用字。", check,
            catches=["己经完成落实12项", "截止2025年12月11日", "三是是认真落实"],
            passes=["已经完成", "截至2025年12月11日", "截止日期", "三是认真落实"])
