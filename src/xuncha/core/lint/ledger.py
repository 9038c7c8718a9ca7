"""体检 of a ledger: rules on findings and measures rather than on a notice's text.

The ledger app hands over a LedgerSnapshot (plain data); each Diagnostic names its row in
`element` ("finding:12", "measure:40") and the finding's number in `finding`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from xuncha.core.lint.base import Diagnostic, Rule


@dataclass
class LedgerMeasure:
    id: int
    text: str
    owner: str = ""
    lead: str = ""
    kind: str = "deadline"
    deadline: dt.date | None = None
    original_deadline: dt.date | None = None  # set when the office approved a 延期
    status: str = "planned"
    evidence: int = 0
    reports: int = 0
    # Progress reports found copied when reported: (date, share copied, from whom).
    copied: list[tuple[dt.date, float, str]] = field(default_factory=list)


@dataclass
class LedgerItem:
    id: int
    number: str
    title: str
    description: str = ""
    previous_id: int | None = None
    closeout: str | None = None  # the latest sign-off state: requested / approved / returned
    measures: list[LedgerMeasure] = field(default_factory=list)


@dataclass
class LedgerSnapshot:
    rectification_end: dt.date | None
    findings: list[LedgerItem]


LedgerCheck = Callable[[LedgerSnapshot], Iterator[Diagnostic]]


def _measures(snapshot: LedgerSnapshot):
    for item in snapshot.findings:
        for measure in item.measures:
            yield item, measure


def _where(item: LedgerItem, measure: LedgerMeasure | None = None) -> dict:
    element = f"measure:{measure.id}" if measure else f"finding:{item.id}"
    return {"finding": [item.number or item.title[:20]], "element": element}


def without_owner(snapshot: LedgerSnapshot) -> Iterator[Diagnostic]:
    for item, measure in _measures(snapshot):
        if not measure.owner.strip():
            yield OWNER.diagnostic(f"措施“{measure.text[:30]}”没有责任部门或责任人；请落实到具体部门和人员。",
                                   **_where(item, measure))


def without_deadline(snapshot: LedgerSnapshot) -> Iterator[Diagnostic]:
    for item, measure in _measures(snapshot):
        if measure.deadline is None and measure.kind != "ongoing":
            yield DEADLINE.diagnostic(f"措施“{measure.text[:30]}”没有完成时限；"
                                      "请写明时限，长期坚持的措施请标为长期坚持。",
                                      **_where(item, measure))


def after_period(snapshot: LedgerSnapshot) -> Iterator[Diagnostic]:
    end = snapshot.rectification_end
    for item, measure in _measures(snapshot):
        # A deadline the office moved by an approved 延期 is the office's decision, not the unit's slip;
        # only the first deadline is held against the period.
        first = measure.original_deadline or measure.deadline
        if end and first and first > end and measure.kind != "ongoing":
            yield AFTER.diagnostic(f"措施“{measure.text[:30]}”的完成时限{first.isoformat()}晚于集中整改期"
                                   f"（{end.isoformat()}）；请在整改期内完成，或说明理由并标为长期坚持。",
                                   **_where(item, measure))


def done_without_evidence(snapshot: LedgerSnapshot) -> Iterator[Diagnostic]:
    for item, measure in _measures(snapshot):
        if measure.status == "done" and not measure.evidence:
            yield EVIDENCE.diagnostic(f"措施“{measure.text[:30]}”已标为完成，但没有佐证材料；"
                                      "请上传会议记录、照片、合同等。",
                                      **_where(item, measure))


def closeout_without_progress(snapshot: LedgerSnapshot) -> Iterator[Diagnostic]:
    for item in snapshot.findings:
        if item.closeout in {"requested", "approved"} and any(not m.reports for m in item.measures):
            yield CLOSEOUT.diagnostic(f"问题“{item.title[:30]}”已申请或完成销号，但有措施从未报送过整改进展；请核实。",
                                      **_where(item))


REPEAT_WORDS = re.compile(r"上一?轮巡察|上次巡察|再次发现|屡查屡犯|反复出现|仍然存在上轮")


def repeat_finding(snapshot: LedgerSnapshot) -> Iterator[Diagnostic]:
    for item in snapshot.findings:
        said = REPEAT_WORDS.search(f"{item.title}\n{item.description}")
        if item.previous_id or said:
            reason = "与上轮巡察的问题关联" if item.previous_id else f"正文写有“{said.group(0)}”"
            yield REPEAT.diagnostic(f"问题“{item.title[:30]}”是重复出现的问题（{reason}）；"
                                    "请查找上轮整改为何失效，措施要针对根源。", **_where(item))


def copied_progress(snapshot: LedgerSnapshot) -> Iterator[Diagnostic]:
    for item, measure in _measures(snapshot):
        for date, share, source in measure.copied:
            yield BOILERPLATE.diagnostic(
                f"措施“{measure.text[:30]}”{date:%Y年%-m月%-d日}的整改进展有 {share:.0%} 与“{source}”雷同；"
                "请如实报送本单位的整改进展，不要照搬其他单位或往年的材料。", **_where(item, measure))


OWNER = Rule("measure-without-owner", "warning", "整改措施没有责任部门或责任人。", without_owner,
             catches=["措施“补签合同”，责任人空白"], passes=["措施“补签合同”，责任人：财务室"])
DEADLINE = Rule("measure-without-deadline", "warning", "整改措施没有完成时限（长期坚持的除外）。",
                without_deadline,
                catches=["限期整改措施，完成时限空白"], passes=["长期坚持措施，完成时限空白"])
AFTER = Rule("deadline-after-period", "warning", "整改措施的完成时限超出集中整改期（长期坚持的除外）。", after_period,
             catches=["整改期至2025-11-15，时限2026-03-01"], passes=["整改期至2025-11-15，时限2025-11-10"])
EVIDENCE = Rule("done-without-evidence", "warning", "整改措施标为已完成，却没有任何佐证材料。", done_without_evidence,
                catches=["已完成，无佐证材料"], passes=["已完成，附会议记录.pdf"])
CLOSEOUT = Rule("closeout-without-progress", "warning", "问题申请或完成了销号，但有措施从未报送整改进展。",
                closeout_without_progress, catches=["已销号，某措施无任何进展记录"],
                passes=["已销号，每条措施均有进展"])
REPEAT = Rule("repeat-finding", "warning", "问题重复出现：与同一单位上一轮巡察的问题关联，或正文写明上轮已发现。",
              repeat_finding, catches=["在上轮巡察中发现……本轮巡察再次发现"], passes=["（首次发现的问题）"])

BOILERPLATE = Rule("boilerplate", "warning",
                   "通报或整改进展大段照搬其他单位或往年的通报、报告（雷同检测），并指明来源。", copied_progress,
                   catches=["进展报告与另一社区上轮的进展报告 80% 相同"],
                   passes=["只共用“已按要求完成整改”等套话"])

LEDGER_RULES = [OWNER, DEADLINE, AFTER, EVIDENCE, CLOSEOUT, REPEAT, BOILERPLATE]


def lint_ledger(snapshot: LedgerSnapshot) -> list[Diagnostic]:
    return [d for rule in LEDGER_RULES for d in rule.check(snapshot)]
