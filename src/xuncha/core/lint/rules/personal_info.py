"""personal-info: personal data that must not be published.

A full name next to discipline, criminal or health matters; a resident ID number, a mobile
number or a bank card number, however written (core.privacy finds them all). Names already
masked (张某, 李某某), numbers already masked (138＊＊＊＊5678) and office landlines are fine.
"""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.core import privacy
from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule


def message(finding: privacy.Finding) -> str:
    if finding.kind == privacy.NAME:
        return (f"“{finding.text}”是个人全名，与处分、违法或健康等情况写在一起，不宜公开；"
                f"请改为“{finding.masked}”。")
    # The number itself is not repeated: messages reach the audit trail and the logs.
    return (f"通报中出现{finding.label}（{finding.masked}），属于个人信息，不能公开，也不能强制发布；"
            "请隐去中间数字或删除，联系方式请改用单位办公电话。")


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    for finding in privacy.find_personal_info(doc.text):
        yield RULE.diagnostic(message(finding), span=(finding.start, finding.end))


RULE = Rule("personal-info", "warning",
            "通报公开了个人信息：与处分、违法或健康情况写在一起的姓名，身份证号码、手机号码、银行卡号"
            "（发布时为错误；号码不能强制发布，只能隐去或删除）。", check,
            catches=["社区负责安全工作人员李建新受到政务警告处分", "联系人手机13912345678",
                     "联系人手机139-1234-5678", "身份证号110101 19900307 1233",
                     "退款至银行卡6222 0212 3456 7890 128"],
            passes=["原物业负责人张某因吸毒赌博被公安机关逮捕", "联系电话：0433-5750316",
                    "联系人手机139＊＊＊＊5678", "档案号110101199003071234"])
