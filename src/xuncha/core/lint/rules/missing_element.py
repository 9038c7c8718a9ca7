"""missing-element: one diagnostic per element a public notice should have."""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule

MESSAGES = {
    "issuer": "通报没有写明发文单位（署名），请在文末署名。",
    "team": "通报没有写明是哪个巡察组开展的巡察，请补充。",
    "inspection_dates": "通报没有写明巡察进驻的起止日期，请补充。",
    "feedback_date": "通报没有写明巡察组反馈意见的日期，请补充。",
    "notice_date": "通报没有落款日期，请在署名下写明成文日期（如 2025年6月19日）。",
    "findings": "通报中没有逐条列出反馈问题及其整改情况，请补充。",
    "statuses": "通报没有说明各问题是否已整改完成（既无逐项整改结果，也无完成数量），请补充。",
    "contacts": "通报没有留下群众反映意见的渠道（电话、邮箱或地址），请补充。",
}


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    has_statuses = any(f.status for f in doc.findings) or any(c.done is not None or c.rate is not None
                                                              for c in doc.claims)
    missing = {
        "issuer": not doc.issuer, "team": not doc.team,
        "inspection_dates": not (doc.inspection_start and doc.inspection_end),
        "feedback_date": not doc.feedback_date, "notice_date": not doc.notice_date,
        "findings": not doc.findings, "statuses": bool(doc.findings) and not has_statuses,
        "contacts": not doc.contacts.any(),
    }
    for element, absent in missing.items():
        if absent:
            yield RULE.diagnostic(MESSAGES[element], element=element)


RULE = Rule("missing-element", "warning",
            "通报缺少应当公开的要素：发文单位、巡察组、巡察时间、反馈时间、"
            "落款日期、问题清单、整改结果、联系方式。", check,
            catches=["（没有落款日期的通报）"], passes=["（要素齐全的通报）"])
