"""The one text normaliser every loader goes through.

- full-width spaces, indentation and stray markup (**四是**) removed;
- ASCII punctuation in Chinese context made full-width: (一) = （一）, 整改结果: = 整改结果：;
- headings and sentences broken across lines (or across a blank line) joined again.

The result is the `text` of a NoticeDoc; every span points into it.
"""

from __future__ import annotations

import re
import unicodedata

from xuncha.core.numerals import CHARACTERS

CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff]+")
# Word and WPS PDFs put spaces between Chinese and digits ("2023 年 7 月"): dropped, like those
# between Chinese characters.
_CJK_GAP = re.compile(
    rf"(?<=[{CJK}])[ \t\u00a0\u3000]+(?=[{CJK}\d])|(?<=\d)[ \t\u00a0\u3000]+(?=[{CJK}])")
# A breadcrumb ("首页 > 新闻中心 >") or a 来源/发布时间 line is page furniture: it never runs on.
_FURNITURE_MARK = re.compile(r"[>＞»►]|当前位置|您的位置|现在位置|来源[：:]|发布时间|发布日期|浏览|点击")
_MARKUP = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_PARENS = re.compile(r"\(([^()\n]{1,40})\)")
_CN_NUMERAL = CHARACTERS
_ENDS_CLAUSE = "。；;：:！!？?…）)》」』”\"'"
_HEADING = re.compile(
    rf"^(?:[{_CN_NUMERAL}]+、|（[{_CN_NUMERAL}]+）|（\d{{1,3}}）|\d{{1,3}}\s*[.．、](?!\d))")
_LIST_ITEM = re.compile(rf"^[{_CN_NUMERAL}]+是")
_LABEL = re.compile(rf"^[{CJK}]{{2,8}}[：:]")  # 整改结果：… starts a line of its own
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_TITLE_ENDINGS = ("通报", "报告", "公告", "公示")
ORG_SUFFIX = re.compile(
    r"(委员会|党委|工委|党工委|党总支|党支部|支部|党组|社区|街道|办事处|村委会|人民政府|局|办公室|中心)$")


def is_signature_org(line: str) -> bool:
    """A short line naming an organisation, as in the signature block (发文机关署名)."""
    return (0 < len(line) <= 40 and bool(ORG_SUFFIX.search(line)) and not _HEADING.match(line)
            and not re.search(r"[，。；：,;:]", line))
WRAP_MIN = 25  # a line this long that ends mid-sentence was wrapped by the page, not by the author

PUNCT_AFTER_CJK = {":": "：", ";": "；", ",": "，", "?": "？", "!": "！"}


def _fullwidth_parens(match: re.Match) -> str:
    inner = match.group(1)
    if re.search(rf"[{CJK}]", inner) or re.fullmatch(r"\d{1,2}", inner):
        return f"（{inner}）"
    return match.group(0)


# "8:00" and "http://" stay as they are: only punctuation right after Chinese changes.
_PUNCT_AFTER_CJK_RE = re.compile(rf"(?<=[{CJK}）])[:;,?!]")


def _fullwidth_punct(line: str) -> str:
    return _PUNCT_AFTER_CJK_RE.sub(lambda m: PUNCT_AFTER_CJK[m.group(0)], line)


def clean_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line)
    line = _MARKUP.sub(lambda m: m.group(1) or m.group(2), line)
    line = _CJK_GAP.sub("", line)
    line = _SPACES.sub(" ", line).strip()
    line = _PARENS.sub(_fullwidth_parens, line)
    line = line.replace("（ ", "（").replace(" ）", "）")
    return _fullwidth_punct(line)


def is_heading(line: str) -> bool:
    return bool(_HEADING.match(line))


def _joins(previous: str, following: str) -> bool:
    """Should `following` continue `previous` (a heading or sentence broken by the page)?"""
    if not previous or not following or previous[-1] in _ENDS_CLAUSE:
        return False
    if _FURNITURE_MARK.search(previous):
        return False
    if previous.endswith(_TITLE_ENDINGS) or re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", previous):
        return False  # a title, or a site's name in English, ends its line
    if following.startswith("关于") and following.endswith(_TITLE_ENDINGS):
        return False  # a headline standing on its own line
    if is_heading(following) or _LIST_ITEM.match(following) or _DATE_LINE.match(following):
        return False
    if following.startswith(("根据", "按照")):
        return False  # a headline is followed by the body's first sentence, not continued by it
    if not re.match(rf"[{CJK}]", following[0]) or _LABEL.match(following) or is_signature_org(following):
        return False
    if is_heading(previous) and "。" not in previous:
        # A heading wrapped onto a second line: that tail is short and not a sentence of its own.
        return len(following) <= 15 and not following.endswith("。")
    return len(previous) >= WRAP_MIN


def normalise(raw: str) -> str:
    """Normalised notice text: one paragraph a line, blank lines between blocks kept single."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    lines: list[str] = []
    blank_pending = False
    for line in (clean_line(part) for part in raw.split("\n")):
        if not line:
            blank_pending = bool(lines)
            continue
        if lines and _joins(lines[-1], line):
            lines[-1] += line
        else:
            if blank_pending:
                lines.append("")
            lines.append(line)
        blank_pending = False
    return "\n".join(lines)
