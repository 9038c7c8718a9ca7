"""Chinese numerals of headings and lists (一、（十二）、一百零一是…), written and read in one place.

The written form is the one notices use: 十二 (not 一十二) at the start, 一百一十 (with 一 before
十 after a hundred), 零 for a run of missing places (一千零一), 万 and 亿 for the groups above.
"""

from __future__ import annotations

import re

DIGITS = "零一二三四五六七八九"
PLACES = {"十": 10, "百": 100, "千": 1000}
GROUPS = {"万": 10**4, "亿": 10**8}
# The characters of heading and list markers below 10,000 (no 万/亿: 千万是 is not a list item).
CHARACTERS = DIGITS[1:] + "".join(PLACES) + "零"


def _group(n: int) -> str:
    """0 < n < 10,000 → 一千零一; a 零 stands for each run of missing places inside."""
    out, gap = [], False
    for power, place in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // power % 10
        if digit == 0:
            gap = bool(out)
            continue
        if gap:
            out.append("零")
            gap = False
        out.append(DIGITS[digit] + place)
    return "".join(out)


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 100 → 一百, 101 → 一百零一, 110 → 一百一十, 10010 → 一万零一十."""
    if not isinstance(n, int) or n <= 0:
        raise ValueError(f"heading numbers start at 1, not {n!r}")
    parts, rest = [], n
    for word, size in (("亿", 10**8), ("万", 10**4)):
        if rest >= size:
            high, rest = divmod(rest, size)
            parts.append(cn_number(high) + word)
            if 0 < rest < size // 10:
                parts.append("零")  # 一万零五: a place is missing below the group
    if rest:
        parts.append(_group(rest))
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text  # 十二, not 一十二


def parse_cn_number(text: str) -> int | None:
    """The inverse of cn_number: 一百零一 → 101; None for anything cn_number would not write
    (二二, 十百), except that 一十二 is read as 12 as well."""
    if not text or any(ch not in DIGITS and ch not in PLACES and ch not in GROUPS for ch in text):
        return None
    total = section = digit = 0
    for ch in text:
        if ch in PLACES:
            section += (digit or 1) * PLACES[ch]
            digit = 0
        elif ch in GROUPS:
            section += digit
            total = (total + section) * GROUPS[ch] if ch == "亿" else total + section * GROUPS[ch]
            section = digit = 0
        else:
            digit = DIGITS.index(ch)
    value = total + section + digit
    if value <= 0:
        return None
    written = cn_number(value)
    older = "一" + written if written.startswith("十") else written  # 一十二 for 十二
    return value if text in (written, older) else None


# A heading marker typed at the start of a heading: 一、 （一） 1. 1、 （1）.
LEADING_MARKER = re.compile(
    rf"^\s*(?:[{CHARACTERS}]+\s*、|[（(]\s*[{CHARACTERS}\d]+\s*[）)]|\d{{1,3}}\s*[.．、](?!\d))\s*")


def strip_marker(text: str) -> str:
    """The heading text without a marker people typed: the system numbers headings itself, so
    a typed one would print twice (“（一）一、……”)."""
    return LEADING_MARKER.sub("", text, count=1).strip()
