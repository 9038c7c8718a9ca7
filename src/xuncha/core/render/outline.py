"""The outline of a notice: the ordered blocks every renderer lays out (text, HTML, .docx, PDF).

An outline comes from a NoticeDoc. A parsed notice keeps its own wording: the introduction,
the free parts (总体情况, 下一步打算 …) and the closing are taken from its text by span; only
the findings part is laid out from the structured findings. A NoticeDoc without text (one
built from the ledger) gets the standard wording around its findings and claims.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from xuncha.core.dates import format_date
from xuncha.core.document import Claim, DocFinding, NoticeDoc
from xuncha.core.numerals import cn_number, parse_cn_number
from xuncha.core.parse.structure import split_lines
from xuncha.core.vocabulary import (
    DESCRIPTION_LABEL,
    EFFECTS_LABEL,
    HEADING_PATTERNS,
    MEASURES_LABEL,
    MEASURES_LABEL_RESULT_LAYOUT,
    RESULT_LABEL,
    SIGNATURE_DATE,
    STATUS_LABELS,
    default_title,
)

INVITATION = "欢迎广大党员干部群众对巡察整改落实情况进行监督。如有意见建议，请及时向我们反映。"


@dataclass
class Block:
    """One paragraph. `level` 1–4 for headings (一、/（一）/1./（1）), 0 for body text."""

    text: str
    level: int = 0
    label: str | None = None  # "整改结果" … : shown in bold before the text
    rest: str = ""  # body text run on after a heading ("1.标题。" + "具体表现……")
    # What the block belongs to, for a notice composed from the ledger (its spans are known as it
    # is written): the index of its finding, or the path and heading of the section it opens.
    finding: int | None = None
    section: list[str] | None = None
    heading: str = ""

    def plain(self) -> str:
        return f"{self.label}：{self.text}" if self.label else self.text + self.rest


@dataclass
class Outline:
    title: str
    blocks: list[Block] = field(default_factory=list)
    issuer: str | None = None
    date: dt.date | None = None
    # A letter's 发文字号 (centred above the title) and 主送机关 (flush left under it); notices have none.
    number: str | None = None
    addressee: str | None = None
    # The published notice's public page: a QR code to it by the signature (扫码查看整改进展、提出意见),
    # in the .docx and the PDF; None (drafts, or no portal address known) draws none.
    qr: str | None = None


def heading_level(text: str) -> int:
    """1–4 for a line opening with 一、/（一）/1./（1）, else 0 (the parser's own patterns)."""
    return next((level for level, pattern in HEADING_PATTERNS if pattern.match(text)), 0)


def _items(texts: list[str]) -> str:
    """["甲。", "乙"] → "一是甲。二是乙" (a single item stays as it is)."""
    if len(texts) == 1:
        return texts[0]
    parts = []
    for number, item in enumerate(texts, start=1):
        joint = "" if item.endswith(("。", "；", "！", "？")) or number == len(texts) else "；"
        parts.append(f"{cn_number(number)}是{item}{joint}")
    return "".join(parts)


def _label(marker: str) -> str:
    if marker.isdigit():
        return f"{marker}."
    if parse_cn_number(marker):
        return f"{marker}、"
    return marker


def layout_of(doc: NoticeDoc) -> str:
    """The three layouts of the samples: 整改结果/整改情况, 取得成效, 整改措施."""
    if any(f.status for f in doc.findings):
        return "result"
    if any(f.effects for f in doc.findings) and not any(f.measures for f in doc.findings):
        return "effects"
    return "measures"


def finding_blocks(findings: list[DocFinding], layout: str) -> list[Block]:
    blocks: list[Block] = []
    current_category: tuple | None = None
    starts: list[tuple[int, int]] = []  # (first block, finding index)
    for index, item in enumerate(findings):
        path = item.path or []
        marker = path[-1] if path else ""
        if len(path) >= 3 or (len(path) == 2 and item.category):
            key = (tuple(path[:2]), item.category)
            if key != current_category and item.category:
                blocks.append(Block(f"{path[1]}{item.category}", level=2, section=list(path[:2]),
                                    heading=item.category))
            current_category = key
        starts.append((len(blocks), index))
        description = [line for line in (item.description or "").split("\n") if line.strip()]
        labelled = bool(item.status or item.status_text or item.measures or item.effects)
        if description and not labelled:
            # With nothing labelled after it, an unlabelled paragraph would read as a measure.
            if len(path) == 2 and item.category:
                blocks.append(Block(f"{item.title}。"))
            else:
                label = _label(marker)
                blocks.append(Block(f"{label}{item.title}", level=heading_level(label + "x") or 2))
            blocks.append(Block(description[0], label=DESCRIPTION_LABEL))
            blocks.extend(Block(line) for line in description[1:])
            continue
        if len(path) == 2 and item.category:
            # A category with a single, unnumbered finding: its title opens the first paragraph.
            first = description.pop(0) if description else ""
            blocks.append(Block(f"{item.title}。{first}"))
        else:
            label = _label(marker)
            level = heading_level(label + "x") or 2
            if level >= 3 and description:
                # "1.标题。具体表现……" on one line, as numbered findings are usually written.
                blocks.append(Block(f"{label}{item.title}。", level=level, rest=description.pop(0)))
            else:
                blocks.append(Block(f"{label}{item.title}", level=level))
        blocks.extend(Block(line) for line in description)
        if item.status or item.status_text:
            blocks.append(Block(item.status_text or STATUS_LABELS[item.status], label=RESULT_LABEL))
        if item.measures:
            label = MEASURES_LABEL_RESULT_LAYOUT if layout == "result" else MEASURES_LABEL
            blocks.append(Block(_items(item.measures), label=label))
        if item.effects:
            blocks.append(Block(_items(item.effects), label=EFFECTS_LABEL))
    firsts = {first for first, _ in starts}
    for first, index in starts:
        position = first
        while position < len(blocks) and blocks[position].section is None and \
                (position == first or position not in firsts):
            blocks[position].finding = index
            position += 1
    return blocks


_NOUNS = {"findings": ("个具体问题", "反馈问题"), "measures": ("项整改措施", "整改措施"), "units": ("个单位", "各单位"),
          "other": ("个事项", "各事项")}


def claim_sentence(claim: Claim) -> str:
    """A claim in the words the parser reads back: "反馈的12个具体问题，已完成整改12个"."""
    counted, collective = _NOUNS.get(claim.subject, _NOUNS["other"])
    unit = "项" if claim.subject == "measures" else "个"
    parts = [f"反馈的{claim.total}{counted}" if claim.subject == "findings" and claim.total is not None else
             f"共{claim.total}{counted}" if claim.total is not None else f"{collective}中"]
    if claim.done is not None:
        parts.append(f"已完成整改{claim.done}{unit}")
    if claim.partly is not None:
        parts.append(f"基本完成{claim.partly}{unit}")
    if claim.not_done is not None:
        parts.append(f"未完成{claim.not_done}{unit}")
    if claim.rate is not None:
        parts.append(f"完成率{claim.rate:g}%")
    return "，".join(parts)


def claims_paragraph(claims: list[Claim]) -> str:
    return "截至目前，" + "；".join(claim_sentence(c) for c in claims) + "。"


def standard_intro(doc: NoticeDoc) -> str:
    team, unit = doc.team or "巡察组", doc.unit or "被巡察单位"
    level = re.match(r"^([区市县州]委|党工委|党委)", team)
    sentences = []
    when = ""
    if doc.inspection_start and doc.inspection_end:
        when = f"{format_date(doc.inspection_start)}至{format_date(doc.inspection_end)}，"
    sentences.append(f"根据{level.group(1) if level else '党委'}统一部署，{when}{team}对{unit}进行了"
                     f"{doc.round or '巡察'}。")
    if doc.feedback_date:
        sentences.append(f"{format_date(doc.feedback_date)}，{team}向{unit}反馈了巡察意见。")
    sentences.append("按照巡察工作有关要求，现将巡察整改进展情况予以公布。")
    return "".join(sentences)


OVERVIEW = "对照巡察反馈问题清单，逐项制定整改措施，明确责任领导、责任人和完成时限，推进整改落实。"


def standard_blocks(doc: NoticeDoc, overview: list[str] | None = None, plans: list[str] | None = None) -> list[Block]:
    """The standard wording around the doc's findings and claims, with optional free parts."""
    blocks = [Block(standard_intro(doc))]
    first = doc.findings[0].path[0] if doc.findings and doc.findings[0].path else ""
    part = first if parse_cn_number(first) else ("二" if doc.claims or overview else "一")
    if part != "一" or doc.claims or overview:
        blocks.append(Block("一、整改工作总体情况", level=1, section=["一"], heading="整改工作总体情况"))
        blocks.extend(Block(text) for text in overview or ([] if doc.claims else [OVERVIEW]))
        if doc.claims:
            blocks.append(Block(claims_paragraph(doc.claims)))
    blocks.append(Block(f"{part}、反馈问题整改情况", level=1, section=[part], heading="反馈问题整改情况"))
    blocks.extend(finding_blocks(doc.findings, layout_of(doc)))
    if plans:
        following = cn_number(parse_cn_number(part) + 1)
        blocks.append(Block(f"{following}、下一步工作打算", level=1, section=[following], heading="下一步工作打算"))
        blocks.extend(Block(text) for text in plans)
    contacts = doc.contacts
    if contacts.any():
        parts = ([f"联系电话：{'、'.join(contacts.phones)}"] if contacts.phones else []) + \
                ([f"电子邮箱：{'、'.join(contacts.emails)}"] if contacts.emails else []) + \
                ([f"通讯地址：{'、'.join(contacts.addresses)}"] if contacts.addresses else [])
        blocks.append(Block(INVITATION + "；".join(parts) + "。"))
    return blocks


def _text_blocks(doc: NoticeDoc) -> list[Block]:
    """Blocks of a parsed notice: its own text, with the findings part laid out afresh."""
    lines = split_lines(doc.text)
    findings = sorted(doc.findings, key=lambda f: f.span[0])
    start = findings[0].span[0] if findings else None
    end = max(f.span[1] for f in findings) if findings else None
    # The findings part starts at the first category heading above the first finding.
    for section in doc.sections:
        if start is not None and len(section.path) >= 2 and section.span[0] < start <= section.span[1] \
                and findings and section.path[:2] == findings[0].path[:2]:
            start = section.span[0]
    blocks: list[Block] = []
    emitted = False
    title_line = doc.title
    for index, line in enumerate(lines):
        if index == 0 and title_line and line.text == title_line:
            continue
        if start is not None and start <= line.start < end:
            if not emitted:
                blocks.extend(finding_blocks(findings, layout_of(doc)))
                emitted = True
            continue
        if _is_signature(lines, index, doc):
            continue
        blocks.append(_heading_block(line.text))
    return blocks


def _heading_block(text: str) -> Block:
    """A line of the notice's own text; a heading that runs on into its paragraph
    ("（一）高度重视，强化领导。街道党工委……") keeps its heading font on the heading alone."""
    level = heading_level(text)
    if level in (1, 2):
        stop = text.find("。")
        if 0 < stop < len(text) - 1:
            return Block(text[:stop + 1], level=level, rest=text[stop + 1:])
    return Block(text, level=level)


def _is_signature(lines, index: int, doc: NoticeDoc) -> bool:
    text = lines[index].text
    last = index == len(lines) - 1
    if SIGNATURE_DATE.match(text) and last and doc.notice_date:
        return True
    following_date = index == len(lines) - 2 and SIGNATURE_DATE.match(lines[-1].text)
    return bool(doc.issuer and text.strip() == doc.issuer and (following_date or last))


def _width(text: str) -> float:
    """Width in grid characters: Chinese one, Arabic digits and Latin letters half."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in text)


def signature_indents(issuer: str | None, date_text: str) -> tuple[float, float]:
    """Right indents (characters) of the issuer and the date, GB/T 9704-2012 §7.3.5.2 (不加盖印章):
    the issuer two characters from the right, the date on the next line centred under it; a date
    longer than the issuer goes two characters from the right and the issuer is centred over it."""
    if not issuer:
        return 0.0, 2.0
    if not date_text:
        return 2.0, 0.0
    issuer_width, date_width = _width(issuer), _width(date_text)
    if date_width <= issuer_width:
        return 2.0, 2.0 + (issuer_width - date_width) / 2
    return 2.0 + (date_width - issuer_width) / 2, 2.0


def outline(doc: NoticeDoc) -> Outline:
    blocks = _text_blocks(doc) if doc.text.strip() else standard_blocks(doc)
    title = doc.title or default_title(doc.round)
    return Outline(title=title, blocks=blocks, issuer=doc.issuer, date=doc.notice_date)

