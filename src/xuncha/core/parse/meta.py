"""Metadata of a notice: title, issuer, team, unit, round, dates, claims and contacts."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from xuncha.core.dates import DateMatch, find_dates, find_range
from xuncha.core.document import Claim, Contacts
from xuncha.core.parse.normalize import ORG_SUFFIX, is_heading

TEAM_RE = re.compile(
    r"(?:[区市县州盟旗]委|党工委|党委|工委)?(?:第[一二三四五六七八九十\d]+巡察组|巡察[一二三四五六七八九十\d]+组)")
UNIT_RE = re.compile(r"对(?P<unit>[^，。；、：\s]{2,30}?)(?:进行了|开展了|进行|开展)")
ROUND_IN_TITLE = re.compile(r"关于(?P<round>.+?巡察)(?:集中)?整改")
ROUND_IN_INTRO = re.compile(r"(?:进行了|开展了)(?P<round>[^，。]{2,40}?巡察)")
DATE_LINE = re.compile(r"^\s*((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$")
FEEDBACK_RE = re.compile(r"反馈(?:了)?(?:巡察)?意见|反馈了巡察|反馈巡察")

PHONE_RE = re.compile(r"(?<![\d\w])(0\d{2,4}\s?[-—－–]{0,2}\s?\d{7,8}|1[3-9]\d{9}|400[-—]?\d{3}[-—]?\d{4}|12388)(?!\d)")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
ADDRESS_RE = re.compile(r"(?:通讯地址|来信地址|邮寄地址|邮政信箱|地址)[：:]\s*(?P<address>[^；;。，,\n]+)")
CONTACT_WORDS = re.compile(r"电话|联系方式|热线|信箱|邮箱|地址|举报")

COUNT = r"\s*(\d+)\s*(?:个|项|条)"
TOTAL_RE = re.compile(r"(?:反馈|制定|梳理|共|涉及|细化|形成|明确|列出)(?:的|了|出|有|计)?" + COUNT
                      + r"(?:具体)?(?P<noun>问题|整改措施|措施|整改任务|任务|事项|单位|社区)")
DONE_RE = re.compile(r"(?<!基本)(?<!未)(?<!尚未)(?:已经|己经|已)?(?:全部)?完成(?:整改落实|整改|落实)?" + COUNT)
PARTLY_RE = re.compile(r"基本完成(?:整改)?" + COUNT)
NOT_DONE_RE = re.compile(r"(?:尚未完成|未完成|正在整改)(?:整改)?" + COUNT)
RATE_RE = re.compile(r"完成率(?:为|达|达到)?\s*(\d+(?:\.\d+)?)\s*[%％]")
CLAUSE_RE = re.compile(r"[^。；;\n]+")
NOUN_SUBJECT = {"问题": "findings", "整改措施": "measures", "措施": "measures", "整改任务": "measures",
                "任务": "measures", "事项": "findings", "单位": "units", "社区": "units"}

@dataclass
class Meta:
    title: str | None = None
    issuer: str | None = None
    team: str | None = None
    unit: str | None = None
    round: str | None = None
    inspection_start: dt.date | None = None
    inspection_end: dt.date | None = None
    feedback_date: dt.date | None = None
    notice_date: dt.date | None = None

def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for part in text.split("\n"):
        if part.strip():
            out.append((pos, part))
        pos += len(part) + 1
    return out

def _intro(lines: list[tuple[int, str]]) -> tuple[int, str] | None:
    for start, line in lines[:8]:
        if "巡察" in line and find_range(line):
            return start, line
    return None

def _title(lines: list[tuple[int, str]], intro_start: int | None) -> str | None:
    for start, line in lines[:3]:
        if intro_start is not None and start >= intro_start:
            break
        if is_heading(line) or line.startswith(("根据", "按照", "（")) or DATE_LINE.match(line):
            continue
        return line.strip()
    return None

def _signature(lines: list[tuple[int, str]]) -> tuple[str | None, dt.date | None]:
    """(issuer, notice date) from the signature block at the end."""
    tail = lines[-4:]
    for i in range(len(tail) - 1, -1, -1):
        found = DATE_LINE.match(tail[i][1])
        if found:
            day = DateMatch(0, 0, *_ymd(found.group(1))).resolve(None)
            before = tail[i - 1][1].strip() if i > 0 else ""
            issuer = before if _looks_like_org(before) else None
            return issuer, day
    last = tail[-1][1].strip() if tail else ""
    return (last if _looks_like_org(last) and ORG_SUFFIX.search(last) else None), None

def _ymd(text: str) -> tuple[int, int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    return numbers[0], numbers[1], numbers[2]

def _looks_like_org(line: str) -> bool:
    return (0 < len(line) <= 40 and not is_heading(line) and line[-1] not in "。；：，！？"
            and not re.search(r"\d{4}", line) and "：" not in line)

def extract(text: str) -> Meta:
    meta = Meta()
    lines = _lines(text)
    if not lines:
        return meta
    intro = _intro(lines)
    meta.title = _title(lines, intro[0] if intro else None)
    meta.issuer, meta.notice_date = _signature(lines)
    if meta.issuer is None and meta.title and "关于" in meta.title:
        prefix = meta.title.split("关于", 1)[0].strip()
        if prefix and ORG_SUFFIX.search(prefix):
            meta.issuer = prefix
    head = intro[1] if intro else "\n".join(line for _, line in lines[:6])
    team = TEAM_RE.search(head) or TEAM_RE.search(text)
    meta.team = team.group(0) if team else None
    unit = UNIT_RE.search(head)
    meta.unit = unit["unit"] if unit else None
    rounds = ROUND_IN_TITLE.search(meta.title or "") or ROUND_IN_INTRO.search(head)
    if rounds and re.search(r"轮|批|届|\d{4}", rounds["round"]):
        meta.round = rounds["round"]
    if intro:
        _dates(meta, intro[1])
    return meta

def _dates(meta: Meta, intro: str) -> None:
    found = find_range(intro)
    if not found:
        return
    _, range_end, meta.inspection_start, meta.inspection_end = found
    feedback = FEEDBACK_RE.search(intro, range_end)
    if feedback:
        before = [d for d in find_dates(intro[range_end:feedback.start()])]
        if before:
            context = meta.inspection_end or meta.inspection_start
            meta.feedback_date = before[-1].resolve(context)

def claims(text: str) -> list[Claim]:
    found: list[Claim] = []
    for clause in CLAUSE_RE.finditer(text):
        part = clause.group(0)
        total = TOTAL_RE.search(part)
        done, partly, not_done, rate = (DONE_RE.search(part), PARTLY_RE.search(part),
                                        NOT_DONE_RE.search(part), RATE_RE.search(part))
        if not (done or partly or not_done or rate):
            continue
        if total:
            subject = NOUN_SUBJECT[total["noun"]]
        else:
            subject = next((s for word, s in NOUN_SUBJECT.items() if word in part), "other")
        found.append(Claim(
            subject=subject, total=int(total.group(1)) if total else None,
            done=int(done.group(1)) if done else None, partly=int(partly.group(1)) if partly else None,
            not_done=int(not_done.group(1)) if not_done else None,
            rate=float(rate.group(1)) if rate else None, span=(clause.start(), clause.end())))
    return found

def contacts(text: str) -> Contacts:
    result = Contacts()
    for _, line in _lines(text):
        if not CONTACT_WORDS.search(line):
            continue
        for phone in PHONE_RE.findall(line):
            if phone not in result.phones:
                result.phones.append(phone)
        for address in ADDRESS_RE.finditer(line):
            value = address["address"].strip()
            if value and value not in result.addresses:
                result.addresses.append(value)
    for email in EMAIL_RE.findall(text):
        if email not in result.emails:
            result.emails.append(email)
    return result
