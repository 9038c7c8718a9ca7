"""completion-contradicted: the notice says everything is done, and elsewhere that it is not.

A completion claim is a rate of 100 % (整改完成率100%), 全部完成 / 全部整改到位 / 均已整改完成
outside the findings, or a stated count with done = total. It is contradicted by 正在整改, 整改中,
分期分批, 阶段性完成, 基本完成, 待完成/待整改, 拟于/计划于…完成, 未完成 / 尚未完成 / 尚未整改,
未整改到位, or 持续推进 about a finding's rectification (持续推进…整改/问题), anywhere outside the
下一步打算 part. Wording that goes on after completion is
normal and passes: 长期坚持, 持续巩固, 巩固整改成果, 常态化, 长效机制, and 持续推进 of those. A
count of zero (未完成0个, 阶段性完成0项) is no contradiction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule

COMPLETE = re.compile(
    r"完成率(?:达到?|为|是)?\s*100(?:\.0+)?\s*[%％]|全部整改(?:完成|到位|办结|销号)?|"
    r"全部(?:完成|到位|办结|销号)|均已(?:整改)?(?:完成|到位|办结)")
CLAIM_WORDS = ("100", "全部", "均已")
CONTRA = re.compile(
    r"正在(?:整改|推进|实施|办理|施工|建设)|整改中|分期分批|阶段性完成|基本完成|"
    r"(?:尚|仍|还)?未(?:完成|整改到位|整改完成|办结|销号)|尚未整改|"
    r"待(?:完成|整改|落实|解决|拆除|验收)|(?:拟|计划)于[^。；\n]{0,15}(?:完成|整改到位)|"
    r"持续推进[^。；\n]{0,8}(?:整改|问题)")
# Wording that carries on after completion (长期坚持 …): 持续推进 of these is not a contradiction.
CARRY_ON = re.compile(r"巩固|长期|长效|常态|成果|坚持")
ZERO = re.compile(r"\s*(?:整改|的|问题)*\s*[0零]\s*[个项条件]")
TOPIC = re.compile(r"整改|问题")
AIM = re.compile(r"确保|力争|争取|务必|必须|要求|要|将|做到|实现")
PLANS = re.compile(r"下一?步|打算|计划安排")
SENTENCE_END = "。；\n"


REACH = 200  # a sentence is looked at this far on each side: long runs stay linear


def _sentence(text: str, start: int, end: int) -> str:
    low, high = max(0, start - REACH), min(len(text), end + REACH)
    left = max(max(text.rfind(mark, low, start) for mark in SENTENCE_END) + 1, low)
    rights = [i for i in (text.find(mark, end, high) for mark in SENTENCE_END) if i >= 0]
    return text[left:min(rights, default=high)]


def _written_claim(doc: NoticeDoc, match: re.Match, findings: list[tuple[int, int]]) -> bool:
    """A claim about the whole rectification: outside any finding (inside one it is about that
    finding: done-but-pending), in a sentence on 整改 or 问题, and not an aim (确保…全部整改到位)."""
    if any(start <= match.start() < end for start, end in findings):
        return False
    sentence = _sentence(doc.text, match.start(), match.end())
    before = sentence[:sentence.find(match.group(0))]
    return bool(TOPIC.search(sentence)) and not AIM.search(before)


def _claims(doc: NoticeDoc) -> list[tuple[int, int]]:
    """Spans of every claim that all is done: written out, or a count with done = total."""
    findings = [f.span for f in doc.findings]
    spans = []
    if any(word in doc.text for word in CLAIM_WORDS):  # most notices claim nothing of the kind
        spans = [m.span() for m in COMPLETE.finditer(doc.text) if _written_claim(doc, m, findings)]
    spans += [c.span for c in doc.claims
              if (c.total and c.done == c.total) or c.rate == 100]
    return sorted(set(spans))


def _contradictions(doc: NoticeDoc) -> Iterator[re.Match]:
    plans = [s.span for s in doc.sections if len(s.path) == 1 and PLANS.search(s.heading)]
    for match in CONTRA.finditer(doc.text):
        if any(start <= match.start() < end for start, end in plans):
            continue
        if ZERO.match(doc.text, match.end()):
            continue
        if match.group(0).startswith("持续推进") and CARRY_ON.search(
                _sentence(doc.text, match.start(), match.end())):
            continue
        yield match


def _where(doc: NoticeDoc, position: int) -> tuple[str, int]:
    for item in doc.findings:
        if item.span[0] <= position < item.span[1]:
            return "finding", item.span[0]
    low = max(0, position - REACH)
    return "sentence", max(doc.text.rfind(mark, low, position) for mark in SENTENCE_END)


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    claims = _claims(doc)
    if not claims:
        return
    start, end = claims[0]
    said = doc.text[start:end][:30]
    # A finding marked done that says otherwise is done-but-pending's: one report is enough.
    done = [f.span for f in doc.findings if f.status == "done"]
    reported: set[tuple[str, int]] = set()
    for match in _contradictions(doc):
        if any(a <= match.start() < b for a, b in (*claims, *done)):
            continue
        where = _where(doc, match.start())
        if where in reported:
            continue  # one report per finding, or per sentence outside the findings
        reported.add(where)
        yield RULE.diagnostic(
            f"通报称“{said}”，此处却写“{match.group(0)}”，说明仍有问题没有整改完成；"
            "请如实写明完成情况（完成几个、还有几个在整改），或删去全部完成的说法。",
            span=match.span())


RULE = Rule("completion-contradicted", "warning",
            "通报称整改全部完成（完成率100%、全部整改到位），别处却写正在整改、分期分批、"
            "阶段性完成、未完成或持续推进整改。", check,
            catches=["截至目前，反馈问题已全部整改到位，整改完成率100%。对小区停车问题，正在整改，分期分批推进。"],
            passes=["截至目前，反馈问题已全部整改到位，整改完成率100%。我们将长期坚持，持续巩固整改成果。",
                    "截至目前，整改完成率100%，未完成0个。"])
