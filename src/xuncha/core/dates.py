"""Chinese dates, parsed in one place: "2025年7月2日", "2025 年 12 月 31 日", "9月15日".

A date written without its year takes it from context: of the years around the date before it,
the one that puts it nearest (12月 … 1月 is the next year's January; 4月 … 3月 the same year's March). Pages also print
"2025-08-07", "2024/1/19" (find_page_dates). What cannot be read as a date is reported, never
guessed: periods given only to the ten days (上旬/下旬) and digits run together ("2024717日").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DATE_RE = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号]")
RANGE_RE = re.compile(DATE_RE.pattern.replace("?P<y>", "?P<y1>").replace("?P<m>", "?P<m1>").replace(
    "?P<d>", "?P<d1>")
    + r"\s*(?:至|到|[—\-－–~～]{1,2})?\s*" + DATE_RE.pattern.replace("?P<y>", "?P<y2>").replace(
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
            if isinstance(context, dt.date):
                return self._nearest(context)
            year = context
        try:
            return dt.date(year, self.month, self.day)
        except ValueError:
            return None

    def _nearest(self, context: dt.date) -> dt.date | None:
        # The year that puts the date nearest its context: after 12月 a bare 1月 is next year's,
        # but a 3月 written after 4月 (a period recalled) stays in the same year.
        candidates = []
        for year in (context.year - 1, context.year, context.year + 1):
            try:
                candidates.append(dt.date(year, self.month, self.day))
            except ValueError:
                continue
        return min(candidates, key=lambda day: (abs((day - context).days), day < context), default=None)


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


PAGE_DATE_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.]\s*(?P<m>1[0-2]|0?[1-9])\s*[-/.]\s*"
    r"(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)"
    r"|年\s*(?P<m2>1[0-2]|0?[1-9])\s*月\s*(?P<d2>3[01]|[12]\d|0?[1-9])\s*日)")
# "2019年4月上旬", "11月下旬", "2022年8月底": a period, not a day.
APPROXIMATE_RE = re.compile(r"(?:(?:19|20)\d{2}年)?(?:1[0-2]|0?[1-9])月(?:上旬|中旬|下旬|初|底|末)")
# "816日", "201944日": the 年/月 lost between the digits.
GARBLED_RE = re.compile(r"(?<![\d月号/.\-第])(?:\d{3,8}|3[2-9]|[4-9]\d)日")


def find_page_dates(text: str) -> list[tuple[int, dt.date]]:
    """Dates as pages print them ("2025-08-07 11:00", "2024/1/19", "2023年11月23日"), with offsets."""
    found = []
    for match in PAGE_DATE_RE.finditer(text):
        month, day = (match["m"], match["d"]) if match["m"] else (match["m2"], match["d2"])
        try:
            found.append((match.start(), dt.date(int(match["y"]), int(month), int(day))))
        except ValueError:
            continue
    return found


def format_date(day: dt.date) -> str:
    """The official way of writing a date (GB/T 9704): Arabic numerals, no leading zeros."""
    from xuncha.core.vocabulary import date_line

    return date_line(day)
