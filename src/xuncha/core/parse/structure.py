"""Headings, sections and findings of a normalised notice.

Heading levels: 一、 (1) / （一） (2) / 1. or 1、 (3) / （1） (4). The findings are the leaf
headings of the part that reports on the problems fed back; 一是…二是… items are measures
(or effects), never headings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from xuncha.core.document import DocFinding, DocSection
from xuncha.core.numerals import CHARACTERS
from xuncha.core.parse.normalize import is_heading, is_signature_org
from xuncha.core.vocabulary import HEADING_PATTERNS, SIGNATURE_DATE, STATUS_WORDS, status_of  # noqa: F401

CN = CHARACTERS  # 一 … 十, 百, 千, 零: heading numbers of any count a notice has
LIST_MARKER = re.compile(rf"(?:(?<=^)|(?<=[。；;：:！？!?\s]))(?P<marker>[{CN}]+是|\d是)(?=\S)")
QUOTED_TITLE = re.compile(r"^(?:针对|对照|关于|就)“(?P<title>[^”]{2,80})”(?:的)?问题[，,：:]?")
LABEL = re.compile(
    r"^(?P<label>整改结果|整改状态|完成情况|整改进度|整改措施|整改情况|整改举措|具体措施|主要措施|"
    r"取得成效|整改成效|问题描述|存在问题|具体表现|问题表现)\s*[：:]\s*")
LABEL_KIND = {
    "整改结果": "status", "整改状态": "status", "完成情况": "status", "整改进度": "status",
    "整改措施": "measures", "整改情况": "measures", "整改举措": "measures", "具体措施": "measures",
    "主要措施": "measures", "取得成效": "effects", "整改成效": "effects",
    "问题描述": "description", "存在问题": "description", "具体表现": "description", "问题表现": "description",
}
FINDINGS_PART = re.compile(r"问题|整改事项|任务落实|整改任务|整改实施|整改进展|反馈意见整改")
OTHER_PART = re.compile(r"总体情况|组织|主体责任|下一?步|打算|计划安排|存在的主要问题|工作情况$"
                        r"|渠道|联系方式|信访|受理")
# "反馈了…存在的5类主要问题：一、……；二、……。" or "发现了一些问题，主要是：一是……；二是……。":
# the problems listed in one sentence, as reports of a feedback meeting give them.
SENTENCE = re.compile(r"[^。；！？\n]+")
INLINE_COLON = re.compile(r"：(?=[一二三四五六七八九十]+(?:、|是))")
INLINE_ITEM = re.compile(r"(?P<marker>[一二三四五六七八九十]+)(?:、|是)(?P<title>[^；;。\n]+)(?P<end>[；;。]?)")
NOT_PROBLEMS = re.compile(r"建议|要求|表态|措施|意见")


@dataclass
class Line:
    start: int
    end: int
    text: str


@dataclass(eq=False)
class Heading:
    level: int
    marker: str
    title: str
    line: int  # index into lines
    rest: str  # text on the heading line after the title
    rest_start: int
    parent: Heading | None = None
    children: list[Heading] = field(default_factory=list)
    body: list[int] = field(default_factory=list)  # line indexes up to the next heading
    end: int = 0  # char offset where the heading's subtree ends

    @property
    def label(self) -> str:
        return {1: self.marker, 2: f"（{self.marker}）", 3: self.marker, 4: f"（{self.marker}）"}[self.level]

    def path(self) -> list[str]:
        node, parts = self, []
        while node is not None:
            parts.append(node.label)
            node = node.parent
        return parts[::-1]


def split_lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for part in text.split("\n"):
        if part.strip():
            lines.append(Line(pos, pos + len(part), part))
        pos += len(part) + 1
    return lines


def _title_and_rest(after: str) -> tuple[str, str]:
    quoted = QUOTED_TITLE.match(after)
    if quoted:
        return quoted["title"], after[quoted.end():]
    cut = after.find("。")
    if 0 < cut < len(after) - 1:
        return after[:cut], after[cut + 1:]
    return after.rstrip("。"), ""


CLOSING = re.compile(r"^(欢迎|联系电话|联系方式|举报电话|监督电话|邮政信箱|电子邮箱|通讯地址|来信地址|地址[：:])")


def tail_start(lines: list[Line]) -> int:
    """Index of the first line of the closing block (监督 invitation, contacts, signature), or len(lines).

    Those lines belong to no heading: without this, the last finding would swallow the
    contact paragraph as one of its measures.
    """
    last_heading = max((i for i, line in enumerate(lines) if is_heading(line.text)), default=-1)
    for index in range(last_heading + 1, len(lines)):
        if CLOSING.match(lines[index].text):
            return index
    end = len(lines)
    if end and SIGNATURE_DATE.match(lines[end - 1].text):
        end -= 1
    if end > last_heading + 1 and is_signature_org(lines[end - 1].text):
        end -= 1
    return end


def find_headings(lines: list[Line]) -> list[Heading]:
    headings: list[Heading] = []
    stack: list[Heading] = []
    lines = lines[: tail_start(lines)]
    for index, line in enumerate(lines):
        for level, pattern in HEADING_PATTERNS:
            match = pattern.match(line.text)
            if match and len(line.text) > match.end():
                title, rest = _title_and_rest(line.text[match.end():])
                heading = Heading(level, match["marker"], title.strip(), index, rest.strip(),
                                  line.end - len(rest.strip()) if rest.strip() else line.end)
                while stack and stack[-1].level >= level:
                    stack.pop()
                heading.parent = stack[-1] if stack else None
                if heading.parent:
                    heading.parent.children.append(heading)
                stack.append(heading)
                headings.append(heading)
                break
        else:
            if stack:
                stack[-1].body.append(index)
    _set_ends(headings, lines)
    return headings


def _set_ends(headings: list[Heading], lines: list[Line]) -> None:
    for i, heading in enumerate(headings):
        end = lines[-1].end
        for later in headings[i + 1:]:
            if later.level <= heading.level:
                end = lines[later.line].start - 1
                break
        heading.end = max(end, lines[heading.line].end)


def _is_findings_part(heading: Heading) -> bool:
    return bool(FINDINGS_PART.search(heading.title)) and not OTHER_PART.search(heading.title)


def split_items(text: str) -> tuple[str, list[str]]:
    """Split "前言。一是……；二是……" into ("前言。", ["……", "……"])."""
    marks = list(LIST_MARKER.finditer(text))
    if not marks:
        return text, []
    lead = text[: marks[0].start()].strip()
    items = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        item = text[mark.end():end].strip().rstrip("；;").strip()
        if item:
            items.append(item)
    return lead, items


def _measures_from(paragraphs: list[str]) -> list[str]:
    items: list[str] = []
    for paragraph in paragraphs:
        lead, listed = split_items(paragraph)
        if listed:
            if lead:
                items.append(lead)
            items.extend(listed)
        elif paragraph:
            items.append(paragraph)
    return items


def _finding_from(heading: Heading, lines: list[Line], category: str | None, unnumbered: bool) -> DocFinding:
    texts = [lines[i].text for i in heading.body]
    title = heading.title
    # Text after the title on the heading line describes the problem, whatever follows.
    description: list[str] = [heading.rest] if heading.rest else []
    if unnumbered and texts:
        title, rest = _title_and_rest(texts[0])
        texts = ([rest] if rest else []) + texts[1:]
    measures: list[str] = []
    effects: list[str] = []
    status_text: str | None = None
    labelled = any(LABEL.match(t) for t in texts)
    current = "description"
    for paragraph in texts:
        match = LABEL.match(paragraph)
        if match:
            current = LABEL_KIND[match["label"]]
            paragraph = paragraph[match.end():].strip()
            if current == "status":
                status_text = paragraph.rstrip("。")
                current = "description" if not measures else "measures"
                continue
        if not paragraph:
            continue
        if current == "measures":
            measures.extend(_measures_from([paragraph]))
        elif current == "effects":
            effects.extend(_measures_from([paragraph]))
        elif not labelled:
            lead, listed = split_items(paragraph)
            if listed:
                if lead:
                    description.append(lead)
                measures.extend(listed)
            else:
                measures.append(paragraph)
        else:
            description.append(paragraph)
    span_start = lines[heading.line].start
    return DocFinding(
        path=heading.path(), title=title.strip() or heading.title, category=category,
        description="\n".join(description) or None,
        status=status_of(status_text) if status_text else None, status_text=status_text,
        measures=measures, effects=effects, span=(span_start, heading.end),
    )


def findings_and_sections(text: str) -> tuple[list[DocFinding], list[DocSection]]:
    lines = split_lines(text)
    if not lines:
        return [], []
    headings = find_headings(lines)
    top = [h for h in headings if h.parent is None]
    parts = [h for h in top if h.level == 1 and _is_findings_part(h)]
    if not parts and not any(h.level == 1 for h in top):
        parts = top  # no 一、 parts at all: the whole notice reports on findings
    findings: list[DocFinding] = []
    finding_ids: set[int] = set()

    def walk(node: Heading, category: str | None) -> None:
        if not node.children:
            siblings = node.parent.children if node.parent else []
            unnumbered = any(s.children for s in siblings) and node.parent is not None and node.parent in parts
            findings.append(_finding_from(node, lines, node.title if unnumbered else category, unnumbered))
            finding_ids.add(id(node))
            return
        for child in node.children:
            walk(child, node.title if node not in parts else category)

    for part in parts:
        if part.level == 1 or part.children:
            for child in part.children:
                walk(child, None)
        else:
            walk(part, None)
    sections = [DocSection(path=h.path(), heading=h.title, span=(lines[h.line].start, h.end))
                for h in headings if id(h) not in finding_ids]
    return findings or inline_findings(text), sections


def inline_leads(text: str) -> Iterator[tuple[str, int]]:
    """(lead, end) of each sentence that says "…问题…：一是…": up to its last such colon.

    One pass over sentences, so a long text with no sentence ends stays linear (a pattern that
    looked for 问题 from every position took seconds on 40,000 characters)."""
    for sentence in SENTENCE.finditer(text):
        colons = [m.end() for m in INLINE_COLON.finditer(text, sentence.start(), sentence.end())]
        if colons and "问题" in text[sentence.start():colons[-1]]:
            yield text[sentence.start():colons[-1]], colons[-1]


def inline_findings(text: str) -> list[DocFinding]:
    """Problems listed inside one sentence after "…问题：", when the text has no numbered ones."""
    for lead, end in inline_leads(text):
        if NOT_PROBLEMS.search(lead):
            continue
        items: list[DocFinding] = []
        pos = end
        for marker in "一二三四五六七八九十":
            item = INLINE_ITEM.match(text, pos)
            if not item or item["marker"] != marker:
                break
            items.append(DocFinding(path=[marker], title=item["title"].strip(),
                                    span=(item.start(), item.end())))
            pos = item.end()
            if item["end"] not in "；;" or not item["end"]:
                break  # the sentence, and so the list, ends here
        if len(items) >= 2:
            return items
    return []
