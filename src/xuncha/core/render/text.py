"""NoticeDoc → plain text: one paragraph a line, title first, issuer and date last."""

from __future__ import annotations

from xuncha.core.dates import format_date
from xuncha.core.document import NoticeDoc
from xuncha.core.render.outline import Outline, outline


def text_of(plan: Outline) -> str:
    lines = [plan.title, ""]
    lines.extend(block.plain() for block in plan.blocks)
    if plan.issuer or plan.date:
        lines.append("")
        if plan.issuer:
            lines.append(plan.issuer)
        if plan.date:
            lines.append(format_date(plan.date))
    return "\n".join(lines) + "\n"


def render_text(doc: NoticeDoc) -> str:
    return text_of(outline(doc))
