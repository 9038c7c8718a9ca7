"""A notice composed from structured parts (the ledger's findings and counts, the free parts
people write), and those free parts read back from a composed or parsed notice.

The composed NoticeDoc has text and spans like any imported notice, so every renderer lays it
out the same way; its spans are known as the text is written (the ledger's findings, claims and
dates are the truth, not what a parser would read back from them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace

from xuncha.core import privacy
from xuncha.core.document import Contacts, DocSection, NoticeDoc
from xuncha.core.parse import parse_text
from xuncha.core.parse.structure import split_lines
from xuncha.core.render.outline import INVITATION, Outline, claim_sentence, claims_paragraph, standard_blocks
from xuncha.core.render.text import text_of
from xuncha.core.vocabulary import default_title

OVERVIEW_PART = re.compile(r"总体情况|组织|主体责任")
PLANS_PART = re.compile(r"下一?步|打算|计划安排")


@dataclass
class FreeParts:
    """What people write around the findings: 总体情况, 下一步打算 and how to reach them."""

    overview: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    contacts: Contacts = field(default_factory=Contacts)


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


def compose(doc: NoticeDoc, parts: FreeParts) -> NoticeDoc:
    """The standard notice around doc's metadata, claims and findings, with the free parts."""
    base = NoticeDoc(**{**doc.__dict__, "text": "", "contacts": parts.contacts})
    blocks = standard_blocks(base, overview=parts.overview, plans=parts.plans)
    title = doc.title or default_title(doc.round)
    text = text_of(Outline(title=title, blocks=blocks, issuer=doc.issuer, date=doc.notice_date))
    # Where each block's line lies in the text: text_of writes the title, a blank line, then one
    # line a block.
    spans, at = [], len(title) + 2
    for block in blocks:
        spans.append((at, at + len(block.plain())))
        at = spans[-1][1] + 1
    findings = [dc_replace(f) for f in doc.findings]
    for index, item in enumerate(findings):
        mine = [span for block, span in zip(blocks, spans, strict=True) if block.finding == index]
        item.span = (mine[0][0], mine[-1][1]) if mine else (0, 0)
    sections = []
    for number, block in enumerate(blocks):
        if block.section is None:
            continue
        depth = len(block.section)
        end = number + 1
        # A section ends at the next heading of its level or above: a section's, or a finding's
        # numbered at that level (（二）丙问题 after the category （一）), or at the closing lines.
        while end < len(blocks) and not (blocks[end].section and len(blocks[end].section) <= depth) \
                and not (blocks[end].finding is not None and len(findings[blocks[end].finding].path) <= depth) \
                and not blocks[end].text.startswith(INVITATION):
            end += 1
        sections.append(DocSection(path=list(block.section), heading=block.heading,
                                   span=(spans[number][0], spans[end - 1][1])))
    claims = [dc_replace(c) for c in doc.claims]
    if claims:
        paragraph = claims_paragraph(claims)
        at = text.find(paragraph)
        cursor = at
        for number, claim in enumerate(claims):
            sentence = claim_sentence(claim)
            start = text.find(sentence, cursor)
            claim.span = (at if number == 0 else start, start + len(sentence))
            cursor = start + len(sentence)
    return NoticeDoc(**{**base.__dict__, "text": text, "title": title, "findings": findings,
                        "sections": sorted(sections, key=lambda s: s.span), "claims": claims,
                        "warnings": []})


def masked(mask: str) -> str:
    """李建新 → 李某, 13812345678 → 138＊＊＊＊5678: what a mask puts in place of the original."""
    kind = privacy.number_kind(mask)
    return privacy.mask_number(mask, kind) if kind else privacy.mask_name(mask)


def mask_names(doc: NoticeDoc, masks: list[str]) -> NoticeDoc:
    """The notice with each masked name or number replaced everywhere, parsed again so the
    spans stay true. A number is replaced only where it stands alone, not inside a longer run."""
    text = doc.text
    for mask in masks:
        if privacy.number_kind(mask):
            text = re.sub(rf"(?<![\dXx]){re.escape(mask)}(?![\dXx])", _const(masked(mask)), text)
        else:
            text = text.replace(mask, masked(mask))
    return doc if text == doc.text else parse_text(text, source=doc.source)


def _const(value: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: value


def free_parts(doc: NoticeDoc) -> FreeParts:
    """The free parts of a notice, as compose() takes them (the claims sentence is left out:
    it is rewritten from the ledger's counts each time)."""
    parts = FreeParts(contacts=doc.contacts)
    lines = split_lines(doc.text)
    claims = claims_paragraph(doc.claims) if doc.claims else None
    for section in doc.sections:
        if len(section.path) != 1:
            continue
        target = (parts.overview if OVERVIEW_PART.search(section.heading) else
                  parts.plans if PLANS_PART.search(section.heading) else None)
        if target is None:
            continue
        for line in lines:
            if section.span[0] < line.start <= section.span[1] and line.text != claims:
                target.append(line.text)
    return parts
