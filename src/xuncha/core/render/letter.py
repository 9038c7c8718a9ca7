"""The 督办函: a letter urging a unit to finish overdue measures, in the notices' GB/T 9704 layout.

Built as an Outline (发文字号, title, 主送机关, body, issuer and date), so the .docx and PDF
renderers of notices lay it out unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from xuncha.core.dates import format_date
from xuncha.core.render.docx import docx_of
from xuncha.core.render.outline import Block, Outline
from xuncha.core.render.pdf import pdf_of

TITLE = "关于督促办理巡察整改逾期事项的函"


@dataclass(frozen=True)
class LetterItem:
    finding: str
    measure: str
    deadline: dt.date
    owner: str = ""


@dataclass
class SupervisionLetter:
    number: str
    addressee: str
    issuer: str
    date: dt.date
    reply_due: dt.date
    round: str = ""
    items: list[LetterItem] = field(default_factory=list)


def _rectification_of(round_name: str) -> str:
    """“2025年区委常规巡察整改”: a round named “…巡察” or “…巡视” is not given the word twice."""
    if not round_name:
        return "巡察整改"
    return f"{round_name}整改" if round_name.endswith(("巡察", "巡视")) else f"{round_name}巡察整改"


def letter_outline(letter: SupervisionLetter) -> Outline:
    what = _rectification_of(letter.round)
    blocks = [Block(f"经查，你单位在{what}中，以下{len(letter.items)}项整改措施已超过完成时限，"
                    "尚未完成整改：")]
    for number, item in enumerate(letter.items, start=1):
        owner = f"，责任部门/责任人：{item.owner}" if item.owner else ""
        blocks.append(Block(f"{number}.{item.measure.rstrip('。；;')}（所属问题：{item.finding}；"
                            f"完成时限：{format_date(item.deadline)}{owner}）。"))
    blocks += [
        Block("请你单位高度重视，逐项分析逾期原因，压实整改责任，加快推进整改落实，"
              f"并于{format_date(letter.reply_due)}前将办理情况书面报送{letter.issuer}（报结）。"
              "逾期未报结或整改仍不到位的，将按照有关规定进行约谈。"),
        Block("特此函告。"),
    ]
    return Outline(title=TITLE, blocks=blocks, issuer=letter.issuer, date=letter.date,
                   number=letter.number, addressee=letter.addressee)


def letter_docx(letter: SupervisionLetter) -> bytes:
    return docx_of(letter_outline(letter))


def letter_pdf(letter: SupervisionLetter) -> bytes:
    return pdf_of(letter_outline(letter))
