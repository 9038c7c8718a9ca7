"""Ledger 体检: rules on findings and measures."""

import datetime as dt

from xuncha.core.lint.ledger import LEDGER_RULES, LedgerItem, LedgerMeasure, LedgerSnapshot, lint_ledger

END = dt.date(2025, 11, 15)


def snapshot(*measures, closeout=None, description="", previous_id=None):
    item = LedgerItem(id=1, number="一/（八）", title="财务管理不规范", description=description,
                      previous_id=previous_id, closeout=closeout, measures=list(measures))
    return LedgerSnapshot(rectification_end=END, findings=[item])


def rules(snap):
    return sorted((d.rule, d.element) for d in lint_ledger(snap))


def test_a_complete_measure_passes_every_rule():
    good = LedgerMeasure(1, "补签合同", owner="财务室", deadline=dt.date(2025, 11, 1), status="done", evidence=1,
                         reports=1)
    assert rules(snapshot(good, closeout="approved")) == []


def test_each_ledger_fault_is_named_with_its_row():
    measures = [
        LedgerMeasure(1, "补签合同", owner="", deadline=dt.date(2025, 11, 1)),
        LedgerMeasure(2, "建立报销制度", owner="财务室", deadline=None),
        LedgerMeasure(3, "定期学习", owner="党委", kind="ongoing", deadline=None),
        LedgerMeasure(4, "更换消防栓", owner="物业", deadline=dt.date(2026, 3, 1)),
        LedgerMeasure(5, "张贴公示", owner="居委会", deadline=dt.date(2025, 11, 1), status="done", evidence=0),
    ]
    assert rules(snapshot(*measures, closeout="requested")) == [
        ("closeout-without-progress", "finding:1"), ("deadline-after-period", "measure:4"),
        ("done-without-evidence", "measure:5"), ("measure-without-deadline", "measure:2"),
        ("measure-without-owner", "measure:1")]


def test_a_repeat_is_found_by_its_link_or_by_its_own_words():
    measure = LedgerMeasure(1, "补签合同", owner="财务室", deadline=dt.date(2025, 11, 1))
    assert rules(snapshot(measure, previous_id=7)) == [("repeat-finding", "finding:1")]
    said = "在上轮巡察中发现2019年的个人报告内容完全相同。本轮巡察再次发现……"
    assert rules(snapshot(measure, description=said)) == [("repeat-finding", "finding:1")]


def test_every_ledger_rule_is_documented():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    from xuncha.core.lint.corpus import CORPUS_RULES

    for rule in [*LEDGER_RULES, *CORPUS_RULES]:
        assert f"## {rule.slug} ({rule.severity}" in text, rule.slug


def test_a_notice_repeating_an_earlier_notice_of_the_same_unit_is_found(tmp_path):
    from xuncha.core.lint.corpus import load_corpus, repeats
    from xuncha.core.parse import parse_text

    head = ("根据区委统一部署，{start}至{end}，区委第四巡察组对天宝社区进行了巡察。{feedback}，"
            "区委第四巡察组向天宝社区反馈了巡察意见。\n一、反馈问题整改情况\n")
    old = head.format(start="2021年3月1日", end="4月10日", feedback="2021年5月6日") + \
        "（一）“双报双评”流于形式\n整改结果：已完成\n（二）财务管理不规范\n整改结果：已完成\n"
    (tmp_path / "2021.txt").write_text(old, encoding="utf-8")
    new = parse_text(head.format(start="2025年7月2日", end="8月10日", feedback="2025年9月15日") +
                     "（一）“双报双评”工作流于形式\n整改结果：已完成\n（二）安全隐患排查不到位\n整改结果：未完成\n",
                     source="2025.txt")
    found = list(repeats(new, load_corpus(tmp_path)))
    assert [d.finding for d in found] == [["一", "（一）"]] and "2021.txt" in found[0].message
