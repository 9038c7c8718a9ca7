"""personal-info: personal data that must not be published.

A full name next to discipline, criminal or health matters; a mobile number; an ID-card
number. Names already masked (张某, 李某某) and official landline numbers are fine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤臧")
ROLE = r"(?:人员|书记|副书记|主任|副主任|委员|负责人|会计|出纳|干部|同志|网格员|组长|站长|支书|村医|社工|职工)"
AFTER_NAME = r"(?=受到|被|因|同志|涉嫌|违规|违纪|等人|、|，|。|的|在|于|对)"
NAME = re.compile(rf"{ROLE}([{SURNAMES}][\u4e00-\u9fa5]{{1,2}}?){AFTER_NAME}")
SENSITIVE = re.compile(r"处分|警告|记过|撤职|开除|留党察看|诫勉|通报批评|立案|审查调查|逮捕|拘留|判刑|刑事|吸毒|赌博|"
                       r"酗酒|精神病|艾滋|传染病|住院|病故|自杀")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_CARD = re.compile(
    r"(?<![\dXx])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dXx])")
SENTENCE = re.compile(r"[^。；\n]+")


def check(doc: NoticeDoc) -> Iterator[Diagnostic]:
    for sentence in SENTENCE.finditer(doc.text):
        text = sentence.group(0)
        if not SENSITIVE.search(text):
            continue
        for match in NAME.finditer(text):
            name = match.group(1)
            if "某" in name:
                continue
            start = sentence.start() + match.start(1)
            yield RULE.diagnostic(f"“{name}”是个人全名，与处分、违法或健康等情况写在一起，不宜公开；"
                                  f"请改为“{name[0]}某”。", span=(start, start + len(name)))
    for pattern, what in ((MOBILE, "手机号码"), (ID_CARD, "身份证号码")):
        for match in pattern.finditer(doc.text):
            yield RULE.diagnostic(f"通报中出现{what}“{match.group(0)}”，属于个人信息，不宜公开；"
                                  "请删除或改用单位办公电话。",
                                  span=(match.start(), match.end()))


RULE = Rule("personal-info", "warning",
            "通报公开了个人信息：与处分、违法或健康情况写在一起的姓名、手机号码、身份证号码（发布时为错误）。", check,
            catches=["社区负责安全工作人员李建新受到政务警告处分", "联系人手机13912345678"],
            passes=["原物业负责人张某因吸毒赌博被公安机关逮捕", "联系电话：0433-5750316"])
