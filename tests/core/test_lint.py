"""体检 rules on the five samples, on small texts, and the registry's documentation."""

from pathlib import Path

import pytest

from xuncha.core.lint import RULES, LintConfig, lint
from xuncha.core.parse import parse_file, parse_text

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "xuncha" / "demo" / "notices"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def found(prefix: str, severities=("error", "warning", "info")) -> set:
    doc = parse_file(next(SAMPLES.glob(f"{prefix}_*.txt")))
    result = set()
    for d in lint(doc):
        if d.severity in severities:
            quoted = doc.text[d.span[0]:d.span[1]] if d.span else None
            what = d.element or ("/".join(d.finding) if d.finding else quoted)
            result.add((d.rule, what))
    return result


EXPECTED = {
    "000": {("status-under-wrong-heading", "一/（二）"), ("status-under-wrong-heading", "一/（六）"),
            ("missing-element", "issuer"), ("missing-element", "notice_date"), ("missing-element", "contacts"),
            ("wording", "截止")},
    "001": {("claim-count-mismatch", "反馈的12个具体问题，已完成整改12个"), ("wording", "己经")},
    "002": {("missing-element", "statuses")},
    "003": {("missing-element", "issuer"), ("missing-element", "notice_date"), ("missing-element", "statuses"),
            ("wording", "三是是")},
    "004": {("missing-element", "contacts"), ("missing-element", "statuses")},
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_the_samples_get_exactly_what_they_deserve(prefix):
    assert found(prefix) == EXPECTED[prefix]


def test_claim_arithmetic_checks_parts_and_rate_to_the_precision_written():
    base = ("根据区委统一部署，2025年7月2日至8月10日，区委第四巡察组对某社区进行了巡察。\n"
            "一、问题整改情况\n（一）问题甲\n整改结果：已完成\n")
    ok = parse_text(base + "截至目前，完成整改688个，基本完成4个，未完成5个，总体完成率98.71%。")
    assert not [d for d in lint(ok) if d.rule == "claim-arithmetic"]
    bad = parse_text(base + "截至目前，共有697个问题，完成整改688个，基本完成4个，未完成6个，总体完成率98.8%。")
    messages = [d.message for d in lint(bad) if d.rule == "claim-arithmetic"]
    assert any("各项之和为698" in m for m in messages) and any("应为98.7%" in m for m in messages)


def test_date_order_finds_reversed_and_impossible_dates():
    doc = parse_text("根据区委统一部署，2025年7月2日至8月10日，区委第四巡察组对某社区进行了巡察。"
                     "2025年6月1日，区委第四巡察组向某社区反馈了巡察意见。\n一、问题整改情况\n（一）问题甲\n"
                     "整改结果：已完成\n整改情况：2025年2月30日召开会议。")
    messages = [d.message for d in lint(doc) if d.rule == "date-order"]
    assert any("反馈日期" in m and "早于巡察结束日期" in m for m in messages)
    assert any("2025年2月30日" in m and "不是存在的日期" in m for m in messages)


def test_rules_can_be_switched_off_or_regraded():
    doc = parse_file(next(SAMPLES.glob("001_*.txt")))
    config = LintConfig(severities={"wording": "off", "claim-count-mismatch": "warning"})
    assert {(d.rule, d.severity) for d in lint(doc, config)} == {("claim-count-mismatch", "warning")}
    with pytest.raises(ValueError, match="未知的体检规则"):
        LintConfig(only={"no-such-rule"})


def test_every_rule_is_documented_with_its_slug_and_severity():
    text = DOCS.read_text(encoding="utf-8")
    for rule in RULES:
        assert f"## {rule.slug} ({rule.severity})" in text, rule.slug
        assert rule.description and rule.catches and rule.passes


def test_the_wording_rule_catches_its_examples_and_passes_the_rest():
    from xuncha.core.lint.rules.wording import check

    for rule in [r for r in RULES if r.slug == "wording"]:
        for text in rule.catches:
            assert list(check(parse_text(text))), text
        for text in rule.passes:
            assert not list(check(parse_text(text))), text
