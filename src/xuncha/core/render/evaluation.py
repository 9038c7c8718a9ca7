"""A unit's 整改成效评估 report in the notices' GB/T 9704 layout.

Built as an Outline (title, 主送机关, headed body, issuer and date), like the 督办函, so the .docx
and PDF renderers of notices lay it out unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from xuncha.core.render.docx import docx_of
from xuncha.core.render.outline import Block, Outline
from xuncha.core.render.pdf import pdf_of
from xuncha.core.scoring import DEDUCTION, INDICATOR, LABELS, UnitScore, half_up, not_applicable


@dataclass
class EvaluationReport:
    unit: str
    round: str
    scheme: str
    issuer: str
    date: dt.date
    score: UnitScore
    facts: dict[str, float] = field(default_factory=dict)
    full_marks: float = 100.0


def _num(value: float, places: int = 2) -> str:
    return f"{half_up(value, places):.{places}f}".rstrip("0").rstrip(".")


def _facts_line(facts: dict[str, float]) -> str:
    shown = [("findings", "个"), ("measures", "项"), ("completion_rate", "%"), ("ontime_rate", "%"),
             ("closeout_rate", "%"), ("overdue", "项"), ("extensions", "次"), ("supervisions", "次"),
             ("satisfaction", "分"), ("failed_checks", "项"), ("rebounds", "项")]
    # Facts to one decimal, as the unit's evaluation page and 统计分析 print them; scores keep two.
    missing = not_applicable(facts)
    return "，".join(f"{LABELS[k]}{'无数据' if k in missing else _num(facts[k], 1) + unit}" for k, unit in shown
                    if k in facts) + "。"


def _total_line(report: EvaluationReport) -> str:
    s = report.score
    if not s.assessable and not s.vetoed:
        return (f"{report.unit}适用的评分指标合计{_num(s.applicable_weight)}分，"
                f"不足满分{_num(report.full_marks)}分的一半"
                f"（无问题、无到期措施或无群众评价的指标不适用），无法评估，不给出评估得分和等次。"
                f"扣分合计{_num(s.deductions)}分。")
    scaled = (f"部分指标无数据、不适用，指标得分按适用指标（合计{_num(s.applicable_weight)}分）折算为满分。"
              if s.scaled and not s.vetoed else "")
    return (f"{report.unit}评估得分{_num(s.total)}分（满分{_num(report.full_marks)}分），"
            f"评估等次为“{s.grade}”。{scaled}其中各项指标得分合计{_num(s.indicators)}分，"
            f"扣分合计{_num(s.deductions)}分。")


def report_outline(report: EvaluationReport) -> Outline:
    s = report.score
    blocks = [Block(f"根据{report.scheme}，对{report.unit}在{report.round}中的巡察整改落实情况进行了评估。"
                    "评估以系统记录的整改事实为主要依据，结合各评分组评分，现将结果报告如下。"),
              Block("一、总体情况", level=1),
              Block(_total_line(report)),
              Block(f"主要整改数据：{_facts_line(report.facts)}"),
              Block("二、各项指标得分", level=1)]
    for n, item in enumerate((i for i in s.items if i.kind == INDICATOR), start=1):
        if not item.applicable:
            blocks.append(Block(f"{n}.{item.name}：满分{_num(item.weight)}分，无数据，不适用。"))
            continue
        note = "（尚未评分）" if item.unrated else ""
        blocks.append(Block(f"{n}.{item.name}：满分{_num(item.weight)}分，得分{_num(item.points)}分{note}。"))
    blocks.append(Block("三、扣分情况", level=1))
    deducted = [i for i in s.items if i.kind == DEDUCTION and i.points]
    for n, item in enumerate(deducted, start=1):
        blocks.append(Block(f"{n}.{item.name}：扣{_num(item.points)}分（最多扣{_num(item.weight)}分）。"))
    if not deducted:
        blocks.append(Block("无扣分事项。"))
    blocks.append(Block("四、一票否决情况", level=1))
    if s.vetoed:
        blocks.append(Block(f"存在“{'”“'.join(s.vetoed)}”情形，按照评估方案实行一票否决，评估得分计0分。"))
    else:
        blocks.append(Block("未发现一票否决情形。"))
    blocks.append(Block("五、下一步工作要求", level=1))
    blocks.append(Block("请对照扣分事项和未通过的随机抽查事项逐项整改，防止纸面整改、虚假整改，"
                        "并将整改情况按要求报送巡察办。"))
    return Outline(title=f"关于{report.unit}巡察整改成效评估情况的报告", blocks=blocks,
                   issuer=report.issuer, date=report.date, addressee=report.unit)


def report_docx(report: EvaluationReport) -> bytes:
    return docx_of(report_outline(report))


def report_pdf(report: EvaluationReport) -> bytes:
    return pdf_of(report_outline(report))
