"""done-but-pending: a finding marked done while its own text says work remains.

A claim that the whole notice is done, contradicted elsewhere, is completion-contradicted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule

PENDING = re.compile(
    r"尚未|仍未|还未|正在(?:整改|推进|办理|进行|协调|实施|施工|建设)|"
    r"待(?:完成|整改|落实|解决|审批|拆除|验收|办理|处理|推进|进一步|上级)|"
    r"拟(?:于|在|对|将|开展|建设|召开|组织|启动)|计划(?:于|在|依托|启动|开展|年内)|将于|"
    r"需要?[^。；]{0,12}配合|持续推进[^。；]{0,20}分期分批")


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    for item in doc.findings:
        if item.status != "done":
            continue
        match = PENDING.search(doc.text, item.span[0], item.span[1])
        if match:
            yield RULE.diagnostic(f"问题“{item.title}”标为已完成，但其整改情况写有“{match.group(0)}”，"
                                  "说明仍有工作未完成；请如实标注整改结果，或补充已完成的证据。",
                                  span=(match.start(), match.end()), finding=item.path)


RULE = Rule("done-but-pending", "warning",
            "标为已完成的问题，正文却写着尚未、正在、待、拟、计划、需配合等"
            "仍有工作未完成的字样。", check,
            catches=["整改结果：已完成 整改情况：三处违建尚未拆除"],
            passes=["整改结果：已完成 整改情况：三处违建已全部拆除"])
