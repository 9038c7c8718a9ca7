"""claim-count-mismatch: a stated total of findings or measures differs from the number listed."""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule

NOUNS = {"findings": "个问题", "measures": "项措施"}


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    listed = {"findings": len(doc.findings), "measures": sum(len(f.measures) for f in doc.findings)}
    for claim in doc.claims:
        if claim.subject not in listed or claim.total is None or not listed[claim.subject]:
            continue  # nothing of that kind is listed: nothing to compare with
        if claim.total != listed[claim.subject]:
            noun = NOUNS[claim.subject]
            yield RULE.diagnostic(
                f"通报称共有{claim.total}{noun}，但正文只列出了{listed[claim.subject]}{noun}；"
                f"请核对总数，或把未列出的逐条写明。", span=claim.span)


RULE = Rule("claim-count-mismatch", "error", "通报中写明的问题（或措施）总数与正文逐条列出的数量不一致。", check,
            catches=["反馈的12个具体问题，已完成整改12个（正文只列出6个）"],
            passes=["反馈的6个具体问题，已完成整改6个（正文列出6个）"])
