"""vague-measure: measures that are only study, training, talks or intentions.

A finding that names what went wrong, answered only by 学习、培训、加强、提高认识、严格落实 …:
nothing it says changes the facts the finding names. A measure counts as concrete when it
does something to the facts: holds a meeting, builds a register or a rule, signs, repairs,
removes, rechecks and completes files, assigns a person, opens a room, follows a named
regulation (《…》) ….

A finding that has a concrete measure may still list one that is only study or a change of
mind (学习, 培训, 提高认识, 高度重视, 警示教育 and nothing concrete): that measure is reported on its
own, with its span, so a concrete sibling does not hide it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xuncha.core.document import DocFinding, NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule

CONCRETE = re.compile(
    r"召开|建立|健全|完善[^。；]{0,12}(?:制度|机制|办法|规定|规则|台账)|制定|修订|补[齐全充正记录签交缴办发建]|"
    r"签订|拆除|维修|修复|更换|安装|配备|配送|增设|新增|新建|设立|安排|开放|收取|退回|追回|清退|退还|退缴|上缴|"
    r"收回|注销|撤销|撤换|纠正|引进|排查|整治|公示|公开|张贴|装订|登记|核查|核对|核实|复查|整理|归档|清理|换届|"
    r"执行《|按照《|依据《|验收|调整|存档|巡查|清洗|抽查|检查|约谈|问责|移交|处理了")
STUDY = re.compile(r"学习|培训|提高(?:思想)?认识|思想认识|高度重视|警示教育|引以为戒")


def _span_of(doc: NoticeDoc, item: DocFinding, measure: str) -> tuple[int, int]:
    start = doc.text.find(measure[:20], item.span[0], item.span[1])
    return (start, start + len(measure)) if start >= 0 else item.span


def _only_study(measure: str) -> bool:
    return bool(STUDY.search(measure)) and not CONCRETE.search(measure)


def _cut_off(doc: NoticeDoc, item: DocFinding) -> bool:
    """A page excerpt that stops inside this finding's measures ("一是对照…，强化"): not judged."""
    tail = doc.text[item.span[0]:item.span[1]].rstrip()
    return item.span[1] >= len(doc.text.rstrip()) and not tail.endswith(ENDINGS)


ENDINGS = ("。", "；", "！", "？", "”", "）", ".", ";")


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    for item in doc.findings:
        if not item.measures or not item.description or _cut_off(doc, item):
            continue  # nothing to weigh: no measures, no problem described, or the text stops inside
        if not any(CONCRETE.search(measure) for measure in item.measures):
            yield RULE.diagnostic(
                f"问题“{item.title}”的整改措施只有学习、培训、谈话或表态，没有针对问题本身的具体动作"
                "（如补签合同、维修设施、建立台账、落实到人和时限）；请补充实际整改措施。",
                span=item.span, finding=item.path)
            continue
        for measure in item.measures:
            if _only_study(measure):
                yield RULE.diagnostic(
                    f"措施“{measure[:30]}”只是学习、培训或提高认识，不改变问题“{item.title}”所指的事实；"
                    "请写明由此做了什么（补了哪些材料、改了哪项做法），或并入具体措施。",
                    span=_span_of(doc, item, measure), finding=item.path)


RULE = Rule("vague-measure", "warning", "问题的整改措施只有学习、培训、谈话、表态，没有改变问题所指的具体事实；"
            "或在具体措施之外另列只有学习、提高认识的措施。", check,
            catches=["（八）财务管理不规范 无合同、无发票…… 整改情况：组织财务人员认真学习财务管理制度",
                     "（二）党员发展不规范 …… 整改情况：一是补签合同；二是组织党员认真学习，提高思想认识"],
            passes=["（三）活动室大门上锁…… 整改情况：一是明确开放时间；二是安排专人管理",
                    "（一）党员档案不全 …… 整改情况：对党员档案逐一复查，补齐培养考察材料"])
