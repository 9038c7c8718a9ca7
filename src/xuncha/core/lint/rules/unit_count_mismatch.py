"""unit-count-mismatch: "对5个村开展巡察" with a list that names another number of villages.

The count is N个 + 村, 社区, 村（社区）, 乡镇, 镇, 街道, 单位 or 部门 (+ 党组织/党委/党总支/党支部). The
list is the names joined by 、 right before it (A村、B村、C村等4个村) or in brackets or after a colon
right after it (4个村（A村、B村、C村）). Conservative on purpose:

- every name must end like the noun (A村 for 村; A社区 or A居委会 for 社区); for 单位 and 部门 any name
  goes, but the list must have three names or more;
- a name with a digit, 和, 及 or 所辖 in it means the list cannot be counted reliably: skipped;
- 等 after a shorter list means "and others" (浦东、石桥等6个社区): only a longer list is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule
from xuncha.core.numerals import parse_cn_number

# Found from the 个 (a literal the regex engine jumps to), then the number read backwards:
# scanning every position for a number first is several times slower on long texts.
NOUN = re.compile(r"个(?P<noun>村（社区）|村|社区|乡镇|镇|街道|单位|部门)(?:党组织|党委|党总支|党支部)?")
NUMBER = re.compile(r"(?:(?<!\d)\d{1,3}|(?<![一二三四五六七八九十两])[一二三四五六七八九十两]{1,3})$")
ENDINGS = {
    "村": ("村", "村委会", "村党支部", "村党总支", "村党委"),
    "社区": ("社区", "居委会", "社区党支部", "社区党总支", "社区党委"),
    "乡镇": ("乡", "镇", "乡党委", "镇党委"), "镇": ("镇", "镇党委"), "街道": ("街道", "街道党工委"),
}
ENDINGS["村（社区）"] = ENDINGS["村"] + ENDINGS["社区"]
BEFORE_STOP = "对在向于，,：:；;。（）\n"
UNCOUNTABLE = re.compile(r"\d|和|及|所辖|其中")
AFTER = re.compile(r"[（：:]\s*(?P<names>[^）。；\n]{2,400})")


def _number(written: str) -> int | None:
    return int(written) if written.isdigit() else parse_cn_number(written.replace("两", "二"))


def _names_before(text: str, start: int) -> tuple[list[str], bool, tuple[int, int]]:
    """The names joined by 、 that end at `start`, whether 等 closes them, and their span."""
    end = start
    etc = text[end - 1:end] == "等"
    end -= etc
    begin = end
    while begin > 0 and text[begin - 1] not in BEFORE_STOP and end - begin < 400:
        begin -= 1
    names = [n.strip() for n in text[begin:end].split("、")]
    return names, etc, (begin, start)


def _names_after(text: str, end: int) -> tuple[list[str], bool, tuple[int, int]]:
    match = AFTER.match(text, end)
    if not match:
        return [], False, (end, end)
    names = match["names"].rstrip("等").split("、")
    return [n.strip() for n in names], match["names"].endswith("等"), match.span("names")


def _countable(names: list[str], noun: str) -> bool:
    if len(names) < 2 or any(not n or UNCOUNTABLE.search(n) or len(n) > 20 for n in names):
        return False
    if noun in ENDINGS:
        return all(any(n.endswith(e) and len(n) > len(e) for e in ENDINGS[noun]) for n in names)
    return len(names) >= 3


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    text = doc.text
    for found in NOUN.finditer(text):
        number = NUMBER.search(text, max(0, found.start() - 3), found.start())
        stated = _number(number.group(0)) if number else None
        if stated is None:
            continue
        start, end, noun = number.start(), found.end(), found["noun"]
        for names, etc, (begin, last) in (_names_before(text, start), _names_after(text, end)):
            if not _countable(names, noun) or len(names) == stated or (etc and len(names) < stated):
                continue
            yield RULE.diagnostic(
                f"通报称{text[start:end]}，但列出的名称有{len(names)}个（{'、'.join(names)[:40]}）；"
                "请核对数量，或补全名单。", span=(min(begin, start), max(end, last)))

RULE = Rule("unit-count-mismatch", "warning",
            "通报写明的村、社区、单位个数与紧挨着列出的名称个数不符（如“对5个村开展巡察”只列出4个村名）。",
            check,
            catches=["区委巡察组对东村、西村、南村、北村5个村开展了巡察。",
                     "区委巡察组对5个村（东村、西村、南村、北村）开展了巡察。"],
            passes=["区委巡察组对东村、西村、南村、北村等4个村开展了巡察。",
                    "区委巡察组对东村、西村、南村、北村等5个村开展了巡察。",
                    "区委巡察组对浦东、石桥等6个社区开展了巡察。"])
