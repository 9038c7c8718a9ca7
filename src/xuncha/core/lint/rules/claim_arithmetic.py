"""claim-arithmetic: the stated parts do not add up, or a stated rate is not done/total."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xuncha.core.document import Claim, NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule


def _decimals(doc: NoticeDoc, claim: Claim) -> int:
    """How many decimals the rate was written with ("98.71%" → 2)."""
    found = re.search(r"(\d+(?:\.(\d+))?)\s*[%％]", doc.text[claim.span[0]:claim.span[1]])
    return len(found.group(2) or "") if found else 0


COUNT = re.compile(r"(?<![\d.])\d+\s*[个项件条](?![%％])")


def _all_parts_read(doc: NoticeDoc, claim: Claim, parts: list[int]) -> bool:
    """False when the claim writes more counts than were read ("阶段性完成1个" read as nothing):
    adding up only the parts that were read would report a sum the notice never wrote."""
    written = len(COUNT.findall(doc.text, claim.span[0], claim.span[1]))
    return written <= len(parts) + (claim.total is not None)


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    for claim in doc.claims:
        parts = [p for p in (claim.done, claim.partly, claim.not_done) if p is not None]
        complete = _all_parts_read(doc, claim, parts)
        if claim.total is not None and len(parts) >= 2 and complete and sum(parts) != claim.total:
            yield RULE.diagnostic(f"各项之和为{sum(parts)}，与所称总数{claim.total}不符；请核对各项数字。",
                                  span=claim.span)
        if claim.total is not None and claim.done is not None and claim.done > claim.total:
            yield RULE.diagnostic(f"已完成数{claim.done}大于总数{claim.total}；请核对。", span=claim.span)
        summed = sum(parts) if len(parts) >= 2 and complete else None
        base = claim.total if claim.total is not None else summed
        if claim.rate is not None and claim.done is not None and base:
            decimals = _decimals(doc, claim)
            expected = round(100 * claim.done / base, decimals)
            if abs(expected - claim.rate) > 0.5 * 10 ** -decimals + 1e-9:
                yield RULE.diagnostic(
                    f"完成率写作{claim.rate:g}%，按{claim.done}/{base}计算应为{expected:g}%；请核对。", span=claim.span)


RULE = Rule("claim-arithmetic", "error",
            "通报中的分项数字相加不等于总数，或完成率与完成数/总数不符（按所写精度）。", check,
            catches=["完成整改688个，基本完成4个，未完成5个，总体完成率99.5%"],
            passes=["完成整改688个，基本完成4个，未完成5个，总体完成率98.71%"])
