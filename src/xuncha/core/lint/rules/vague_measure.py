"""vague-measure: measures that are only study, training, talks or intentions.

A finding that names what went wrong, answered only by 学习、培训、加强、提高认识、严格落实 …:
nothing it says changes the facts the finding names. A measure counts as concrete when it
does something to the facts: holds a meeting, builds a register or a rule, signs, repairs,
removes, assigns a person, opens a room, follows a named regulation (《…》) ….
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule

CONCRETE = re.compile(
    r"召开|建立|健全|完善[^。；]{0,12}(?:制度|机制|办法|规定|规则|台账)|制定|修订|补签|补交|补缴|补办|补录|签订|"
    r"拆除|维修|修复|更换|安装|配备|配送|增设|设立|安排|开放|收取|退回|追回|清退|引进|排查|整治|公示|公开|张贴|"
    r"装订|登记|核查|清理|换届|执行《|按照《|依据《|验收|调整|存档|巡查|清洗|抽查|检查|约谈|问责|移交|处理了")


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    for item in doc.findings:
        if not item.measures or not item.description:
            continue  # nothing to weigh: no measures, or no problem described
        if any(CONCRETE.search(measure) for measure in item.measures):
            continue
        yield RULE.diagnostic(
            f"问题“{item.title}”的整改措施只有学习、培训、谈话或表态，没有针对问题本身的具体动作"
            "（如补签合同、维修设施、建立台账、落实到人和时限）；请补充实际整改措施。",
            span=item.span, finding=item.path)


RULE = Rule("vague-measure", "warning", "问题的整改措施只有学习、培训、谈话、表态，没有改变问题所指的具体事实。", check,
            catches=["（八）财务管理不规范 无合同、无发票…… 整改情况：组织财务人员认真学习财务管理制度"],
            passes=["（三）活动室大门上锁…… 整改情况：一是明确开放时间；二是安排专人管理"])
