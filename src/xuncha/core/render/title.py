"""Where a long title breaks (GB/T 9704-2012 §7.3.1: 回行时词意完整，排列对称，长短适宜).

A 2号 title holds 20 characters a line in the 156 mm text block. Word and browsers break CJK
text anywhere, which splits words (关/于, 党工/委, 第/二批); so the renderers break the title
themselves, between words, into lines as even as the words allow.

Without a dictionary, the places a break may go are found from the words of notice titles:
after 关于, before 关于 and 的, after an organisation's suffix (委员会, 党工委, 党委, 党组, 街道,
社区, 公司, …), after 巡察/巡视 or a counted 第N轮/批/组. A break inside a protected word
(关于, 党工委, 第二批, 巡察, 整改, 情况, …) is never chosen while any other will do.
"""

from __future__ import annotations

import itertools
import re

LINE_CHARS = 20  # 2号 (22 pt) characters in 156 mm

_NUMERAL = "一二三四五六七八九十百零〇两0123456789"
# Words never split: a break strictly inside one of these is the last resort.
PROTECTED = re.compile(
    rf"关于|党工委|党委|党组|委员会|工委|巡察|巡视|整改|情况|通报|落实|进展|公开|集中|反馈|意见|工作|"
    rf"有限公司|公司|社区|街道|乡镇|人民|政府|医院|学校|法院|检察院|回头看|专项|提级|联动|机动|"
    rf"第[{_NUMERAL}]+[轮批组届次个]|[{_NUMERAL}]+[届年月日]|中共")
# Good places: the break goes AFTER these ...
AFTER = re.compile(rf"(?:关于|委员会|党工委|党委|党组|街道|社区|公司|局|办公室|医院|学校|法院|巡察组|巡视组|"
                   rf"第[{_NUMERAL}]+[轮批]|巡察|巡视|“回头看”|回头看)")
# ... or BEFORE these.
BEFORE = re.compile(r"(?:关于|的|整改|巡察|巡视)")
# Never before the committee a place or organisation names (社区|委员会, 街道|党工委).
NOT_BEFORE = re.compile(r"委员会|党工委|党委|党组|委(?=关于|$)")
# After a place name's level (市, 区, 县, 镇, 乡, 村), unless it is the committee itself (区委).
PLACE = re.compile(r"[省市区县镇乡村](?![委政人])")


def _costs(title: str) -> list[float]:
    """The cost of a break before each position (index i: between title[i-1] and title[i])."""
    n = len(title)
    cost = [6.0] * (n + 1)
    for match in PLACE.finditer(title):
        cost[match.end()] = min(cost[match.end()], 2.0)
    for match in AFTER.finditer(title):
        cost[match.end()] = min(cost[match.end()], 0.0)
    for match in BEFORE.finditer(title):
        cost[match.start()] = min(cost[match.start()], 0.5 if match.group() != "的" else 1.0)
    for match in NOT_BEFORE.finditer(title):
        cost[match.start()] = max(cost[match.start()], 50.0)
    for match in PROTECTED.finditer(title):
        for inside in range(match.start() + 1, match.end()):
            cost[inside] = 100.0
    # Punctuation may not start a line; an opening quotation mark may not end one.
    for index in range(1, n):
        if title[index] in "，、。：；！？”）》" or title[index - 1] in "“（《":
            cost[index] = 1000.0
    return cost


def break_title(title: str, width: int = LINE_CHARS) -> list[str]:
    """The title as lines of at most `width` characters, broken between words, as even as they go."""
    title = title.strip()
    n = len(title)
    if n <= width:
        return [title]
    cost = _costs(title)
    lines = -(-n // width)
    best: tuple[float, list[int]] | None = None
    # Few lines (a title is rarely more than three): try every split into `lines` or one more.
    for count in (lines, lines + 1):
        found = _best_split(n, count, width, cost)
        if found and (best is None or found[0] < best[0]):
            best = found
        if best and best[0] < 100:
            break
    cuts = best[1] if best else list(range(width, n, width))
    bounds = [0, *cuts, n]
    return [title[a:b] for a, b in itertools.pairwise(bounds)]


def _best_split(n: int, count: int, width: int, cost: list[float]) -> tuple[float, list[int]] | None:
    """Cheapest `count - 1` cuts with every line at most `width`: break costs plus unevenness."""
    ideal = n / count
    # Dynamic programme over (cut position, lines so far).
    table: dict[tuple[int, int], tuple[float, list[int]]] = {(0, 0): (0.0, [])}
    for used in range(count):
        for (position, lines), (total, cuts) in list(table.items()):
            if lines != used:
                continue
            last = used == count - 1
            ends = [n] if last else range(position + 1, min(n, position + width) + 1)
            for end in ends:
                if end - position > width or end - position < 1:
                    continue
                step = total + abs((end - position) - ideal) * 0.4 + (0 if last else cost[end])
                key = (end, used + 1)
                if key not in table or step < table[key][0]:
                    table[key] = (step, cuts if last else [*cuts, end])
    return table.get((n, count))
