"""status-under-wrong-heading: a finding's status contradicts the heading it sits under."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule
from xuncha.core.vocabulary import STATUS_LABELS as LABELS

DONE_HEADING = re.compile(r"(?<!未)(?<!基本)已?完成(?:的)?(?:整改)?(?:事项|问题|任务)|已整改")
OPEN_HEADING = re.compile(r"未完成|正在整改|尚未完成|持续整改")


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    for item in doc.findings:
        if not item.status:
            continue
        for section in doc.sections:
            if not (len(section.path) < len(item.path) and item.path[:len(section.path)] == section.path):
                continue
            done_heading = bool(DONE_HEADING.search(section.heading))
            open_heading = bool(OPEN_HEADING.search(section.heading))
            if (done_heading and item.status in {"not_done", "partly"}) or (open_heading and item.status == "done"):
                yield RULE.diagnostic(
                    f"问题“{item.title}”的整改结果为“{item.status_text or LABELS[item.status]}”，却列在"
                    f"“{section.heading}”之下；请移到相应部分，或如实更正整改结果。",
                    span=item.span, finding=item.path)
                break


RULE = Rule("status-under-wrong-heading", "error",
            "问题的整改结果与其所在标题矛盾，如“未完成”的问题列在“已完成的整改事项”之下。", check,
            catches=["一、集中整改期内已完成的整改事项 …（二）… 整改结果：未完成"],
            passes=["一、集中整改期内已完成的整改事项 …（一）… 整改结果：已完成"])
