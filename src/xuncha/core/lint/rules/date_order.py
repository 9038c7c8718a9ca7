"""date-order: inspection start ≤ end ≤ feedback ≤ notice date; nothing after the notice date."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from xuncha.core.dates import find_dates
from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule

ORDER = (("inspection_start", "巡察进驻日期"), ("inspection_end", "巡察结束日期"), ("feedback_date", "反馈日期"),
         ("notice_date", "通报日期"))


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    known = [(label, getattr(doc, name)) for name, label in ORDER if getattr(doc, name)]
    for (label_a, a), (label_b, b) in itertools.pairwise(known):
        if b < a:
            yield RULE.diagnostic(f"{label_b}（{b.isoformat()}）早于{label_a}（{a.isoformat()}），请核对日期。")
    for match in find_dates(doc.text):
        if match.year is not None and match.resolve(None) is None:
            yield RULE.diagnostic(f"“{doc.text[match.start:match.end]}”不是存在的日期，请核对。",
                                  span=(match.start, match.end))
        elif doc.notice_date and match.year is not None:
            day = match.resolve(None)
            if day and day > doc.notice_date:
                yield RULE.diagnostic(f"正文提到{day.isoformat()}，晚于通报日期{doc.notice_date.isoformat()}；"
                                      "已发生的事不应在通报日期之后，请核对。", span=(match.start, match.end))


RULE = Rule("date-order", "error",
            "日期先后矛盾：进驻、结束、反馈、通报日期应依次不早于前者，"
            "正文中已发生的事不晚于通报日期，日期须真实存在。", check,
            catches=["2025年9月15日进驻……2025年8月10日反馈", "2025年2月30日"],
            passes=["2025年7月2日至8月10日……9月15日反馈"])
