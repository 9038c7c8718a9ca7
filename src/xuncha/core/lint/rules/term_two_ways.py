"""term-two-ways: one term written two ways in the same notice.

- 截止 and 截至 both used for "up to a time" (截止目前 beside 截至目前, 截止到2025年 beside
  截至2025年): each 截止 of that kind is reported; 截止日期 and 截止时间 are another word and pass.
  A 截止 with no 截至 anywhere is `wording`'s.
- The inspected unit's party organisation named with two suffixes (天宝社区党委 beside 天宝社区党支部;
  党委, 党总支, 党支部, 党工委, 党组): the less used form is reported, once. Only the unit the notice
  is about is checked, and only when its name without the suffix has three characters or more;
  abbreviations (沙市区法院 for 荆州市沙市区人民法院) are not guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule

WHEN = r"(?:目前|今年|本月|当前|年底|(?:19|20)\d{2}\s*年|\d{1,2}\s*月)"
UP_TO_WRONG = re.compile(rf"截止(?=\s*到?\s*{WHEN})")
UP_TO_RIGHT = re.compile(rf"截至(?=\s*{WHEN})")
PARTY_ORG = ("党委", "党总支", "党支部", "党工委", "党组")
SUFFIX = re.compile(f"(?:{'|'.join(PARTY_ORG)})$")


def _up_to(doc: NoticeDoc) -> Iterator[Diagnostic]:
    if not UP_TO_RIGHT.search(doc.text):
        return
    for match in UP_TO_WRONG.finditer(doc.text):
        yield RULE.diagnostic("本通报别处写作“截至”，此处却写“截止”；表示“到某时为止”应统一写作“截至”。",
                              span=match.span())


def _unit_names(doc: NoticeDoc) -> Iterator[Diagnostic]:
    base = SUFFIX.sub("", doc.unit or "")
    if len(base) < 3:
        return
    pattern = re.compile(re.escape(base) + f"({'|'.join(PARTY_ORG)})")
    matches = list(pattern.finditer(doc.text))
    uses = Counter(m.group(1) for m in matches)
    if len(uses) < 2:
        return
    usual = uses.most_common(1)[0][0]
    for suffix in uses:
        if suffix == usual:
            continue
        first = next(m for m in matches if m.group(1) == suffix)
        yield RULE.diagnostic(
            f"同一单位既写作“{base}{usual}”，又写作“{base}{suffix}”；党组织名称请按正式名称统一。",
            span=first.span())


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    yield from _up_to(doc)
    yield from _unit_names(doc)


RULE = Rule("term-two-ways", "warning",
            "同一通报中同一说法写成两种：“截至目前”与“截止目前”并用，或被巡察单位的党组织名称"
            "写法不一（如“天宝社区党委”与“天宝社区党支部”）。", check,
            catches=["截至目前，已完成整改10个。截止到2025年12月，未完成2个。"],
            passes=["截至目前，已完成整改10个。报名截止日期为12月1日。"])
