"""The words of a notice, in one place: status words, heading numerals, date lines, the default
title. The parser reads with them, the renderers write with them, lint checks with them and the
Excel ledger maps its 整改状态 column through them, so 基本完成 means the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import re

from xuncha.core.numerals import CHARACTERS

# ---- statuses ---------------------------------------------------------------------------------

# What a notice says of a finding, as written back.
STATUS_LABELS = {"done": "已完成", "partly": "基本完成", "not_done": "未完成", "ongoing": "长期坚持"}
# The words people write for it. Order matters: a negation or qualifier before the plain word.
STATUS_WORDS = (
    ("基本完成", "partly"), ("阶段性完成", "partly"), ("部分完成", "partly"), ("大部分完成", "partly"),
    ("未完成", "not_done"), ("尚未完成", "not_done"), ("正在整改", "not_done"), ("整改中", "not_done"),
    ("未整改", "not_done"), ("推进中", "not_done"), ("进行中", "not_done"),
    ("长期坚持", "ongoing"), ("持续推进", "ongoing"), ("持续整改", "ongoing"), ("长期整改", "ongoing"),
    ("常态化", "ongoing"), ("长期", "ongoing"),
    ("已完成", "done"), ("已整改", "done"), ("已办结", "done"), ("已销号", "done"), ("完成", "done"),
)
# A notice status → the measure status that says the same in the ledger.
MEASURE_STATUS_OF = {"done": "done", "partly": "in_progress", "not_done": "in_progress", "ongoing": "ongoing"}
# Words only a ledger's 整改状态 cell uses: nothing done yet, and yes/no columns (是否完成).
LEDGER_ONLY_WORDS = (("未开始", "planned"), ("未启动", "planned"), ("是", "done"), ("否", "in_progress"))
# The labels of a finding's paragraphs: the result, what was done, what it achieved.
RESULT_LABEL, EFFECTS_LABEL = "整改结果", "取得成效"
MEASURES_LABEL, MEASURES_LABEL_RESULT_LAYOUT = "整改措施", "整改情况"
DESCRIPTION_LABEL = "具体表现"


def status_of(words: str) -> str | None:
    """The notice status (done, partly, not_done, ongoing) the words say, or None."""
    for word, status in STATUS_WORDS:
        if word in words:
            return status
    return None


def ledger_status_of(words: str) -> str | None:
    """The measure status (planned, in_progress, done, ongoing) a ledger cell says, or None."""
    if words in ("是", "否"):
        return dict(LEDGER_ONLY_WORDS)[words]
    for word, status in LEDGER_ONLY_WORDS[:2]:
        if word in words:
            return status
    status = status_of(words)
    return MEASURE_STATUS_OF[status] if status else None


# ---- headings, dates, title -------------------------------------------------------------------

CN = CHARACTERS  # 一 … 十, 百, 千, 零: heading numbers of any count a notice has
HEADING_PATTERNS = (
    (1, re.compile(rf"^(?P<marker>[{CN}]+)、\s*")),
    (2, re.compile(rf"^（(?P<marker>[{CN}]+)）\s*")),
    (3, re.compile(r"^(?P<marker>\d{1,3})\s*[.．、](?!\d)\s*")),
    (4, re.compile(r"^（(?P<marker>\d{1,3})）\s*")),
)
SIGNATURE_DATE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")


def numbered(marker: str, title: str) -> str:
    """A finding's heading as a notice writes it, from its path's last marker: “二、…”, “（一）…”, “1.…”."""
    if not marker:
        return title
    if marker.isdigit():
        return f"{marker}.{title}"
    if all(ch in CN for ch in marker):
        return f"{marker}、{title}"
    return f"{marker}{title}"


def item_heading(path: list[str], title: str) -> str:
    """A finding named alone, outside its notice: the markers under the top section kept, so the
    third section's “1.” is not confused with the first's (“（二）1.党费收缴不规范”)."""
    if not path:
        return title
    return "".join(path[1:-1]) + numbered(path[-1], title)


def date_line(day: dt.date) -> str:
    """The official way of writing a date (GB/T 9704): Arabic numerals, no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def default_title(round_name: str | None = None) -> str:
    return f"关于{round_name or '巡察'}整改进展情况的通报"
