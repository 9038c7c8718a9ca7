"""ratio-arithmetic: a stated share ("共38次…其中13次，占比34%") does not match its own numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule

UNIT = r"(次|个|人|名|项|笔|件|户|家|场|条|处)"
SENTENCE = re.compile(r"[^。；\n]+")
TOTAL = re.compile(r"共(?:有|计|召开|开展|组织)?[^\d，。；]{0,12}?(\d+)" + UNIT)
SHARE = re.compile(r"(?:占比|占|比例为|比例|率达?|率为?)\s*(\d+(?:\.(\d+))?)\s*[%％]")
COUNT = re.compile(r"(\d+)" + UNIT)


def _close(part: int, whole: int, written: float, decimals: int) -> bool:
    return abs(round(100 * part / whole, decimals) - written) <= 0.5 * 10 ** -decimals + 1e-9


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    for sentence in SENTENCE.finditer(doc.text):
        text = sentence.group(0)
        total, share = TOTAL.search(text), SHARE.search(text)
        if not (total and share and "其中" in text[total.end():share.start()]):
            continue
        whole = int(total.group(1))
        between = text[text.index("其中", total.end()):share.start()]
        parts = [int(n) for n, unit in COUNT.findall(between) if unit == total.group(2)]
        if not whole or not parts:
            continue
        written, decimals = float(share.group(1)), len(share.group(2) or "")
        if any(_close(p, whole, written, decimals) for p in parts) or _close(sum(parts), whole, written, decimals):
            continue
        expected = round(100 * parts[0] / whole, decimals)
        yield RULE.diagnostic(f"共{whole}{total.group(2)}、其中{parts[0]}{total.group(2)}，占比应为{expected:g}%，"
                              f"而不是{written:g}%；请核对。", span=(sentence.start(), sentence.end()))


RULE = Rule("ratio-arithmetic", "warning", "通报中“共N…其中M…占比P%”之类的比例与其自身数字不符。", check,
            catches=["共召开38次支部会议，其中落实“第一议题”的仅有13次，占比43%"],
            passes=["共召开38次支部会议，其中落实“第一议题”的仅有13次，占比34%"])
