"""Metadata of a notice: title, issuer, team, unit, round, dates, claims and contacts.

Real notices come as pages print them: breadcrumbs, 索引号 blocks and 发布时间 lines around the
title, the problems often cut off, 巡察 and 巡视 at every level. What cannot be read is left
empty and said in `Meta.warnings` (Chinese), never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from xuncha.core.dates import (
    APPROXIMATE_RE,
    GARBLED_RE,
    RANGE_RE,
    DateMatch,
    find_dates,
    find_page_dates,
)
from xuncha.core.document import Claim, Contacts
from xuncha.core.parse.normalize import ORG_SUFFIX, is_heading

N = r"[一二三四五六七八九十百\d]+"
XUN = r"(?:巡察|巡视)"
COMMITTEE = (r"(?:中央|省委|市委|区委|县委|州委|旗委|盟委|党工委|党委|工委|党组|教育部|"
             r"集团公司党委|集团党委)")
# Words that may stand between the committee and the team's number: 第三轮, 对村（社区）, 提级 …
TEAM_QUALIFIER = (rf"(?:第{N}轮|第{N}批|对村（社区）|对村|提级|镇村交叉{XUN}|交叉|上下|市区|"
                  rf"[\u4e00-\u9fff]{{2,6}}领域|{XUN}(?=第|“))")
TEAM_RE = re.compile(
    rf"(?P<committee>{COMMITTEE})?(?P<qualifiers>{TEAM_QUALIFIER}*)"
    rf"(?P<number>第{N})?(?P<kind>专项|联动|机动)?{XUN}(?:“回头看”)?(?P<suffix>第?{N})?组")
# An enterprise's or school's committee has its one team (集团公司党委巡察组, 党委巡视组).
ORGANISATION_COMMITTEES = ("集团公司党委", "集团党委", "党委", "党组")
COUNTED = re.compile(rf"(?:{N}个|各|分别)$")
TEAMS_LISTED = re.compile(rf"第{N}、(?:第)?{N}(?:巡察|巡视)组")  # 市委第三、四巡察组: two teams
# Where a team name ends; TEAM_RE is then matched backwards from there only (speed).
TEAM_END = re.compile(rf"{XUN}(?:“回头看”)?(?:第?{N})?组")
TEAM_AT_END = re.compile(TEAM_RE.pattern + "$")
ROUND_ANCHOR = re.compile(rf"第{N}(?:、第?{N})*轮")  # 第十一、十二轮: two rounds named together
ROUND_RE = re.compile(
    rf"(?:(?P<term>{N}届)[\u4e00-\u9fff]{{0,4}}?)?"
    rf"(?P<committee>集团公司第{N}届党委|{COMMITTEE})?"
    rf"(?P<round>第{N}(?:、第?{N})*轮(?:第{N}批)?(?:常规|专项|政治|提级|机动|延伸|对村（社区）|对村|交叉)*{XUN})")
ROUND_IN_TITLE = re.compile(rf"关于(?P<round>.+?{XUN})(?:集中)?整改")

UNIT = r"(?P<unit>(?:(?!巡察|巡视|反馈)[^，。；：:“”\s]){2,80}?)"
UNIT_PATTERNS = (
    re.compile(rf"对{UNIT}(?:进行了|开展了|进行|开展)[^，。；]{{0,20}}?(?:{XUN}|“回头看”)"),
    re.compile(rf"{XUN}(?!组){UNIT}(?:工作动员会|情况反馈会|情况反馈|反馈意见)"),
    re.compile(rf"向{UNIT}(?:集中|全面|分别)?反馈(?:了)?[^，。；]{{0,8}}?{XUN}"),
    re.compile(rf"进驻{UNIT}(?:开展|，)"),
    re.compile(rf"到{UNIT}(?:督查|回访)"),
)
# Several units ("2个区直部门", "徽城镇所辖村（社区）党组织"): the text names no one unit.
SEVERAL_UNITS = re.compile(rf"{N}[个家户所]|所辖|所属|[及、等]|系统(?:各)?单位")  # not 和: 文化和旅游局
VILLAGES_COVERED = re.compile(r"村级全覆盖|全覆盖巡察|村（社区）全覆盖")
# Not a unit at all ("组的", "动员会上", "时间为…", "整改工作").
NOT_A_UNIT = re.compile(rf"{XUN}|^组|的|\d|会上|会议|动员会|时间|整改|工作|效果")
SELF_ORG = re.compile(r"中共(?P<org>[^，。；、《》“”\s]{4,30}?)关于")

FEEDBACK_RE = re.compile(rf"反馈(?:了)?[^，。；]{{0,8}}?{XUN}(?:意见|情况)|反馈(?:大)?会|进行了反馈|情况反馈"
                         rf"|反馈了?意见|反馈第{N}轮")
INSPECTION_WORD = re.compile(rf"{XUN}|回头看|进驻")
NOT_INSPECTION = re.compile(r"信访|受理|来信|截止|截至")
STARTS_WORK = re.compile(rf"进驻|动员会|开始(?=[^。；]{{0,30}}{XUN})")
SENTENCE_RE = re.compile(r"[^。！？!?\n]+")
DATE_LINE = re.compile(r"^\s*((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$")

PAGE_LABEL = re.compile(r"(?:发布时间|发布日期|成文日期|成文时间|发文时间|发文日期|更新时间"
                        r"|(?:^|(?<=[\s\[【|•\-]))(?:日期|时间))\s*[：:]\s*")
SOURCE_DATE = re.compile(r"《[^》]{1,15}》\s*[（(]\s*(?=(?:19|20)\d{2})")
FURNITURE = re.compile(
    r"[>＞»►]|当前位置|您的位置|现在位置|所在位置|^(?:来源|发布|时间|日期|作者|浏览|点击|阅读|编辑"
    r"|责编|责任编辑|审核|字体|分享|朗读|打印|扫一扫|信息索引号|索引号|主题分类|发布机构|成文|文号"
    r"|发文|效力|公开方式|标签)|\.(?:jpe?g|png|gif)$|^Insert|欢迎(?:光临|进入|访问)|加入收藏"
    r"|^第[A-Z]?\d+版|^微信", re.I)
# A page that ran the signature into the last line: "特此公告。 省委第六巡视组 2018年5月5日".
INLINE_SIGNATURE = re.compile(r"特此(?:公告|通报|报告)。\s+(?P<org>[^\s，。！]{2,30}?)\s*"
                              r"(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$")
TITLE_FIELD = re.compile(r"^(?:文件名称|标题)[：:]\s*(?P<title>.*)$")
TITLE_WORDS = re.compile(r"巡察|巡视|整改|通报|公告|反馈|报告|回头看|动员")
BULLETS = re.compile(r"^[\s•·\-—>＞|\[]+")
GLUED_LABEL = re.compile(r"^【[^】]{1,12}】|^[\u4e00-\u9fff]{2,8}：(?=.{6,})")
BODY_START = re.compile(r"^(?:根据|按照|为|近日|日前|近期|截至|截止|本报讯)")
TITLE_ENDINGS = ("通报", "报告", "公告", "公示", "情况")

PHONE_RE = re.compile(  # after Chinese too: "值班电话17365353495"
    r"(?<![\dA-Za-z])(0\d{2,4}\s?[-—－–]{0,2}\s?\d{7,8}|1[3-9]\d{9}|400[-—]?\d{3}[-—]?\d{4}|12388)"
    r"(?!\d)")
# The lookbehind starts a match only at the start of a run: without it a long run of letters or
# digits is retried from every position (quadratic).
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
ADDRESS_RE = re.compile(r"(?:通讯地址|通信地址|来信地址|邮寄地址|邮政信箱|接待信访地址|来访接待室|来访地址|来信请寄"
                        r"|地址)(?:[：:]|为|\s*\|)\s*(?P<address>[^；;。，,|\n]+)")
TABLE_CELLS = re.compile(r"\|\s*(?P<cell>[^|\n]+?)\s*(?=\|)")
CONTACT_WORDS = re.compile(r"电话|联系方式|热线|信箱|邮箱|地址|举报|接待室|来信")

COUNT = r"\s*(\d+)\s*(?:个|项|条)"
COUNTED_NOUN = r"\s*(?P<count>\d+)\s*(?:个|项|条)"
NOUNS = r"(?P<noun>问题|整改措施|措施|整改任务|任务|事项|单位|社区)"
TOTAL_RE = re.compile(r"(?:反馈|制定|梳理|共|涉及|细化|形成|明确|列出)(?:的|了|出|有|计)?" + COUNTED_NOUN
                      + r"(?:具体)?" + NOUNS)
TOTAL_AFTER_NOUN = re.compile(NOUNS + r"(?:共|共计)?" + COUNTED_NOUN)
ALL_DONE_RE = re.compile(COUNTED_NOUN + r"(?:具体)?" + NOUNS + r"(?:均已|已经|已|全部)(?:全部)?完成")
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
    warnings: list[str] = field(default_factory=list)


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for part in text.split("\n"):
        if part.strip():
            out.append((pos, part))
        pos += len(part) + 1
    return out


def _is_body(line: str) -> bool:
    return bool(BODY_START.match(line) or is_heading(line) or DATE_LINE.match(line) or "。" in line
                or line.count("，") >= 2 or len(line) > 90)


def _title(lines: list[tuple[int, str]]) -> str | None:
    """The headline at the head of the page, past breadcrumbs, 索引号 blocks and column labels."""
    for index, (_, raw) in enumerate(lines[:16]):
        line = BULLETS.sub("", raw).strip()
        field_match = TITLE_FIELD.match(line)
        if field_match:
            value = field_match["title"].strip()
            if not value and index + 1 < len(lines):
                value = BULLETS.sub("", lines[index + 1][1]).strip()
            return value or None
        if not line or FURNITURE.search(raw) or FURNITURE.search(line) or not re.search(
                r"[\u4e00-\u9fff]", line):
            continue
        if _is_body(line):
            return None
        if not TITLE_WORDS.search(line):
            continue  # a column label or site name ("新闻中心")
        glued = GLUED_LABEL.match(line)
        if glued:
            rest = line[glued.end():]
            repeated = any(rest == later.strip() for _, later in lines[index + 1:index + 6])
            if raw.startswith("【") or repeated:
                return rest
        return line.rstrip("。")
    return None


def _signature(lines: list[tuple[int, str]]) -> tuple[str | None, dt.date | None]:
    """(issuer, notice date) from the signature block at the end."""
    tail = lines[-4:]
    inline = INLINE_SIGNATURE.search(tail[-1][1]) if tail else None
    if inline and _looks_like_org(inline["org"]):
        return inline["org"], DateMatch(0, 0, *_ymd(inline["date"])).resolve(None)
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


def _page_date(lines: list[tuple[int, str]]) -> dt.date | None:
    """The date the page prints for the document: a 发布时间/成文日期 line, else a bare date by
    the headline, else a source line ("《某报》（2020年11月24日）")."""
    for index, (_, line) in enumerate(lines):
        label = PAGE_LABEL.search(line)
        if label:
            rest = line[label.end():] or (lines[index + 1][1] if index + 1 < len(lines) else "")
            dates = find_page_dates(rest[:24])
            if dates and dates[0][0] <= 3:
                return dates[0][1]
    for _, line in lines[:10]:
        if _is_body(line) and "来源" not in line:
            break
        dates = find_page_dates(line)
        if dates and (re.search(r"\d{1,2}:\d{2}|来源|】", line) or TITLE_WORDS.search(line)):
            return dates[0][1]  # by the source, or printed in the headline's own line
    for _, line in lines:
        source = SOURCE_DATE.search(line)
        if source:
            dates = find_page_dates(line[source.end():])
            if dates:
                return dates[0][1]
    return None


def _team(text: str) -> str | None:
    """The inspection team: a numbered one first (区委第四巡察组, 省委第五巡视组, 市委机动巡察一组),
    else a named unnumbered one (市区联动巡察组, 党委巡视组) that is not one of several."""
    numbered, plain = [], []
    for end in TEAM_END.finditer(text):
        window = max(0, end.start() - 40)
        match = TEAM_AT_END.search(text, window, end.end())
        if not match:
            continue
        if match["number"] or match["suffix"]:
            numbered.append(match)
        elif (match["qualifiers"] or (match["kind"] and match["committee"])
              or match["committee"] in ORGANISATION_COMMITTEES) and not COUNTED.search(
                text[max(0, match.start() - 4):match.start()]):
            # 市区联动巡察组, 集团公司党委巡察组: a named team. A bare 县委巡察组 is mostly the
            # committee's teams in general (县委巡察组组长…), so it is not taken.
            plain.append(match)
    with_committee = [m for m in numbered if m["committee"]]
    best = (with_committee or numbered or plain or [None])[0]
    if best is None or TEAMS_LISTED.search(text):
        return None
    sentence = SENTENCE_RE.search(text, text.rfind("。", 0, best.start()) + 1)
    if any(m.group(0) != best.group(0) and sentence.start() <= m.start() < sentence.end()
           for m in numbered):
        return None  # two teams named side by side (a table of teams): no one team
    return best.group(0)


def _round(title: str | None, text: str, team: str | None) -> str | None:
    """The round as written; a 巡察 team's round is a 巡察 round (not the 巡视 it follows)."""
    in_title = ROUND_IN_TITLE.search(title or "")
    if in_title and re.search(r"轮|批|届|\d{4}", in_title["round"]):
        return in_title["round"]
    kind = team[-3:-1] if team and team[-3:-1] in ("巡察", "巡视") else None
    for source in (title or "", text[:3000]):
        for anchor in ROUND_ANCHOR.finditer(source):
            found = ROUND_RE.search(source, max(0, anchor.start() - 24), anchor.end() + 24)
            if found and (kind is None or found["round"].endswith(kind)):
                return (found["term"] or "") + (found["committee"] or "") + found["round"]
    return None


def _unit(text: str, issuer: str | None) -> str | None:
    """The inspected unit where the text first names it; "我院党组" is the issuer itself."""
    head = text[:3000]
    hits = [(m.start(), m["unit"], m.group(0)) for pattern in UNIT_PATTERNS for m in pattern.finditer(head)]
    for _, unit, phrase in sorted(hits):
        if VILLAGES_COVERED.search(phrase):
            return None  # 向某镇党委反馈村级全覆盖巡察情况: the town's villages were inspected
        if unit.startswith("我"):
            own = issuer or (SELF_ORG.search(head)["org"] if SELF_ORG.search(head) else None)
            return re.sub(r"^中共", "", own) if own else None
        if SEVERAL_UNITS.search(unit):
            return None  # several units inspected: a later mention of one of them is not the unit
        if not NOT_A_UNIT.search(unit):
            return unit
    return None


def _sentences(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in SENTENCE_RE.finditer(text)]


class _Years:
    """The year a date written without one belongs to: the dated date before it, else after."""

    def __init__(self, text: str, page_date: dt.date | None) -> None:
        self.dated = [(m.start, m.resolve(None)) for m in find_dates(text) if m.year is not None]
        self.page_date = page_date

    def context(self, offset: int) -> dt.date | int | None:
        before = [day for start, day in self.dated if start < offset and day]
        if before:
            return before[-1]
        if self.page_date:
            return self.page_date.year
        after = [day for start, day in self.dated if start > offset and day]
        return after[0].year if after else None


def _resolve(match: DateMatch, offset: int, years: _Years) -> dt.date | None:
    return match.resolve(None if match.year else years.context(offset + match.start))


def _inspection(text: str, years: _Years) -> tuple[dt.date | None, dt.date | None]:
    """The on-site period: the first 巡察/巡视 date range, else a 进驻/动员会 date as its start."""
    period = _period(text, years)
    return period if period is not None else (_work_start(text, years), None)


def _period(text: str, years: _Years) -> tuple[dt.date | None, dt.date | None] | None:
    for start, sentence in _sentences(text[:4000]):
        ranges = list(RANGE_RE.finditer(sentence))
        if not ranges:
            continue
        lead = sentence[max(0, ranges[0].start() - 12):ranges[0].start()]
        if NOT_INSPECTION.search(lead) or not (
                INSPECTION_WORD.search(sentence) or re.search(rf"{XUN}时间", _line_before(text, start))):
            continue  # "受理信访时间为…至…" is not the inspection
        if len(ranges) > 1:
            return None, None  # a period per unit: no one inspection period
        found = ranges[0]
        first = DateMatch(0, 0, _int(found["y1"]), int(found["m1"]), int(found["d1"]))
        second = DateMatch(0, 0, _int(found["y2"]), int(found["m2"]), int(found["d2"]))
        begin = first.resolve(years.context(start + found.start()) if first.year is None else None)
        return begin, (second.resolve(begin) if begin else None)
    return None


def _work_start(text: str, years: _Years) -> dt.date | None:
    for start, sentence in _sentences(text[:4000]):
        work = STARTS_WORK.search(sentence)
        if not work:
            continue
        dates = [d for d in find_dates(sentence) if d.start < work.start() <= d.end + 30
                 and not re.search(r"截[至止]\s*$", sentence[:d.start])]
        if dates:
            return _resolve(dates[-1], start, years)
    return None


def _line_before(text: str, start: int) -> str:
    """The line before the one starting at `start` ("一、巡察时间" above "2025年3月24日至…")."""
    if not start or text[start - 1] != "\n":
        return ""
    return text[text.rfind("\n", 0, start - 1) + 1:start - 1]


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _feedback(text: str, years: _Years) -> dt.date | None:
    for start, sentence in _sentences(text[:5000]):
        for word in FEEDBACK_RE.finditer(sentence):
            dates = [d for d in find_dates(sentence[:word.start()])
                     if not re.match(r"\s*(?:至|到|[—\-－–~～]|前)", sentence[d.end:])]
            if dates:
                return _resolve(dates[-1], start, years)
    return None


def _date_warnings(text: str) -> list[str]:
    warnings = []
    head = text[:4000]
    periods = APPROXIMATE_RE.finditer(head) if re.search("月(?:上旬|中旬|下旬|初|底|末)", head) else ()
    for match in periods:
        warnings.append(f"“{match.group(0)}”只写到旬或月，未作为日期读取。")
    for match in re.finditer(r"\d{2,8}日", head):
        before = head[max(0, match.start() - 1):match.start()]
        if GARBLED_RE.fullmatch(match.group(0)) and not re.match(r"[\d月号/.\-第]", before):
            warnings.append(f"“{match.group(0)}”不是完整的日期（年、月、日有缺失），未读取。")
    return warnings


def extract(text: str) -> Meta:
    meta = Meta()
    lines = _lines(text)
    if not lines:
        return meta
    meta.title = _title(lines)
    meta.issuer, meta.notice_date = _signature(lines)
    if meta.issuer is None and meta.title and "关于" in meta.title:
        prefix = meta.title.split("关于", 1)[0].strip()
        if prefix and ORG_SUFFIX.search(prefix):
            meta.issuer = prefix
    page_date = _page_date(lines)
    meta.notice_date = meta.notice_date or page_date
    meta.team = _team(text)
    meta.unit = _unit(text, meta.issuer)
    meta.round = _round(meta.title, text, meta.team)
    years = _Years(text, page_date)
    meta.inspection_start, meta.inspection_end = _inspection(text, years)
    meta.feedback_date = _feedback(text, years)
    meta.warnings = _date_warnings(text)
    return meta


def claims(text: str) -> list[Claim]:
    found: list[Claim] = []
    for clause in CLAUSE_RE.finditer(text):
        part = clause.group(0)
        if "完成" not in part and "正在整改" not in part:
            continue  # every count of work done says 完成 (or 正在整改)
        done, partly, not_done, rate = (DONE_RE.search(part), PARTLY_RE.search(part),
                                        NOT_DONE_RE.search(part), RATE_RE.search(part))
        all_done = ALL_DONE_RE.search(part) if not done else None
        if not (done or partly or not_done or rate or all_done):
            continue
        if all_done:
            total, count = all_done, int(all_done["count"])
        else:
            total, count = _total_before(part, done.start() if done else len(part)), None
        if total:
            subject = NOUN_SUBJECT[total["noun"]]
        else:
            subject = next((s for word, s in NOUN_SUBJECT.items() if word in part), "other")
        found.append(Claim(
            subject=subject, total=int(total["count"]) if total else None,
            done=int(done.group(1)) if done else count,
            partly=int(partly.group(1)) if partly else None,
            not_done=int(not_done.group(1)) if not_done else None,
            rate=float(rate.group(1)) if rate else None, span=(clause.start(), clause.end())))
    return found


def _total_before(part: str, end: int) -> re.Match | None:
    """The stated total nearest before the done count ("反馈的12个问题", "整改任务106个")."""
    found = [m for pattern in (TOTAL_RE, TOTAL_AFTER_NOUN) for m in pattern.finditer(part[:end])]
    return max(found, key=lambda m: m.start()) if found else None


def contacts(text: str) -> Contacts:
    result = Contacts()
    for _, line in _lines(text):
        if not CONTACT_WORDS.search(line):
            continue
        for phone in PHONE_RE.findall(line):
            if phone not in result.phones:
                result.phones.append(phone)
        for address in ADDRESS_RE.finditer(line):
            values = [address["address"].strip()]
            if line[address.start("address") - 1:address.start("address")].strip() in ("|", ""):
                # a table row "通信地址 | 一组的 | 二组的 |": every cell is an address
                values += [m["cell"] for m in TABLE_CELLS.finditer(line, address.end())]
            for value in values:
                if value and value not in result.addresses:
                    result.addresses.append(value)
    for email in EMAIL_RE.findall(text):
        if email not in result.emails:
            result.emails.append(email)
    return result

