"""Chinese dates, parsed in one place: "2025年7月2日", "2025 年 12 月 31 日", "9月15日".

A date written without its year takes it from context: the year of the date before it,
moved on by one when the month would otherwise go backwards (12月 … 1月).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DATE_RE = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号]")
RANGE_RE = re.compile(DATE_RE.pattern.replace("?P<y>", "?P<y1>").replace("?P<m>", "?P<m1>").replace(
    "?P<d>", "?P<d1>") + r"\s*(?:至|到|—|-|－|–|~)\s*" + DATE_RE.pattern.replace("?P<y>", "?P<y2>").replace(
    "?P<m>", "?P<m2>").replace("?P<d>", "?P<d2>"))


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    year: int | None
    month: int
    day: int

    def resolve(self, context: dt.date | int | None) -> dt.date | None:
        """The date, taking a missing year from the context date (or year); None if impossible."""
        year = self.year
        if year is None:
            if context is None:
                return None
            # After 12月, a bare 1月 belongs to the next year.
            year = (context.year + (self.month < context.month)) if isinstance(context, dt.date) else context
        try:
            return dt.date(year, self.month, self.day)
        except ValueError:
            return None


def find_dates(text: str) -> list[DateMatch]:
    return [DateMatch(m.start(), m.end(), int(m["y"]) if m["y"] else None, int(m["m"]), int(m["d"]))
            for m in DATE_RE.finditer(text)]


def parse_date(text: str, context: dt.date | int | None = None) -> dt.date | None:
    """The first date in `text`, or None."""
    found = DATE_RE.search(text)
    if not found:
        return None
    match = DateMatch(found.start(), found.end(), int(found["y"]) if found["y"] else None,
                      int(found["m"]), int(found["d"]))
    return match.resolve(context)


def find_range(text: str) -> tuple[int, int, dt.date | None, dt.date | None] | None:
    """The first "A至B" date range: (start, end, first date, second date)."""
    found = RANGE_RE.search(text)
    if not found:
        return None
    first = DateMatch(0, 0, int(found["y1"]) if found["y1"] else None, int(found["m1"]), int(found["d1"]))
    second = DateMatch(0, 0, int(found["y2"]) if found["y2"] else None, int(found["m2"]), int(found["d2"]))
    a = first.resolve(None)
    b = second.resolve(a) if a else None
    return found.start(), found.end(), a, b


def format_date(day: dt.date) -> str:
    """The official way of writing a date (GB/T 9704): Arabic numerals, no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"
