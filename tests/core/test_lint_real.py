"""体检 on real texts: every text of the real corpus, and the checks an inspector would make."""

from pathlib import Path

import pytest

from tests.corpus.accuracy import annotations
from xuncha.commands import lint as lint_command
from xuncha.core.lint import lint
from xuncha.core.parse import parse_file, parse_text

REAL = Path(__file__).resolve().parents[1] / "corpus" / "real"
SAMPLES = Path(__file__).resolve().parents[2] / "src" / "xuncha" / "demo" / "notices"
HEAD = ("根据区委统一部署，2025年7月2日至8月10日，区委第四巡察组对天宝社区党委进行了巡察。9月15日，"
        "区委第四巡察组向天宝社区党委反馈了巡察意见。\n")


def real_texts() -> list[Path]:
    return sorted(REAL.glob("*.txt"))


def rules_of(text: str, rule: str) -> list:
    return [d for d in lint(parse_text(text)) if d.rule == rule]


def test_lint_reads_every_real_text_without_error():
    assert len(real_texts()) == len(annotations()) >= 60
    for path in real_texts():
        for d in lint(parse_file(path)):
            assert d.message and d.severity in ("error", "warning", "info"), path.name


def test_the_lint_command_reports_on_every_real_text(capsys):
    lint_command.main([str(p) for p in real_texts()] + ["--json"])
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == len(real_texts())
    assert not err


def test_every_diagnostic_inside_a_finding_carries_its_path():
    doc = parse_text(HEAD + "一、反馈问题整改情况\n（一）安全管理不到位\n社区负责安全工作人员李建新受到政务警告处分。\n"
                     "整改结果：已完成\n整改情况：一是建立台账；三是定期检查。联系人手机13912345678。\n")
    inside = [d for d in lint(doc) if d.rule in ("personal-info", "numbering")]
    assert {d.rule for d in inside} == {"personal-info", "numbering"}
    assert all(d.finding == ["一", "（一）"] for d in inside)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name[:3])
def test_every_spanned_diagnostic_in_the_samples_names_the_finding_it_sits_in(path):
    doc = parse_file(path)
    for d in lint(doc):
        holder = [f.path for f in doc.findings if d.span and f.span[0] <= d.span[0] < f.span[1]]
        assert d.finding == (holder[0] if holder else d.finding), (d.rule, d.span)


def test_claim_arithmetic_does_not_add_up_parts_it_did_not_read():
    # Real 043: 阶段性完成 is not read as a part; 7 + 0 is not the notice's sum.
    assert not rules_of(HEAD + "截至目前，巡察问题8个，已完成整改7个，阶段性完成1个，未完成0个。",
                        "claim-arithmetic")
    # Real 000: a part phrased at length.
    assert not rules_of(HEAD + "截止目前，巡察反馈的697个问题，完成整改688个，基本完成取得阶段性成果并"
                        "持续整改问题4个，未完成5个，总体完成率98.71%。", "claim-arithmetic")
    wrong = rules_of(HEAD + "截至目前，共有697个问题，完成整改688个，基本完成4个，未完成6个。",
                     "claim-arithmetic")
    assert [d.message for d in wrong] == ["各项之和为698，与所称总数697不符；请核对各项数字。"]


def fired_on_real(rule: str) -> list[str]:
    return [p.name for p in real_texts() for d in lint(parse_file(p)) if d.rule == rule]


def test_no_claim_arithmetic_on_the_real_corpus():
    assert fired_on_real("claim-arithmetic") == []


CONTRADICTED = HEAD + ("截至目前，反馈的2个问题已全部整改到位，整改完成率100%。\n一、反馈问题整改情况\n"
                       "（一）停车难\n小区停车位不足。\n整改结果：已完成\n整改情况：新增车位20个。\n"
                       "（二）路灯损坏\n多处路灯损坏。\n整改结果：基本完成\n整改情况：正在整改，分期分批更换。\n"
                       "二、下一步打算\n持续推进整改，对未完成的问题紧盯不放。\n")


def test_a_completion_claim_contradicted_in_the_findings_is_flagged_once_there():
    found = rules_of(CONTRADICTED, "completion-contradicted")
    assert [(d.finding, "基本完成" in d.message) for d in found] == [(["一", "（二）"], True)]


@pytest.mark.parametrize("after", ["另有1个问题阶段性完成。", "对小区停车问题，正在整改，分期分批推进。",
                                   "其余问题持续推进整改。", "尚有2个问题未完成。"])
def test_a_completion_claim_is_contradicted_by_work_left(after):
    text = HEAD + "截至目前，反馈问题已全部整改到位，整改完成率100%。" + after
    assert len(rules_of(text, "completion-contradicted")) == 1
    # … or preceded by it
    text = HEAD + after + "截至目前，反馈问题已全部整改到位。"
    assert len(rules_of(text, "completion-contradicted")) == 1


@pytest.mark.parametrize("after", ["我们将长期坚持，持续巩固整改成果。", "持续推进整改成果常态化、长效化。",
                                   "未完成0个，阶段性完成0个。", "二、下一步打算\n对未完成的事项持续推进整改。"])
def test_carrying_on_after_completion_is_normal_wording(after):
    text = HEAD + "截至目前，反馈问题已全部整改到位，整改完成率100%。\n" + after
    assert not rules_of(text, "completion-contradicted")


def test_an_aim_is_not_a_completion_claim():
    assert not rules_of(HEAD + "确保反馈问题全部整改到位。目前有1个问题正在整改。", "completion-contradicted")


def test_a_finding_marked_done_with_work_left_is_reported_by_done_but_pending_only():
    text = CONTRADICTED.replace("整改结果：基本完成", "整改结果：已完成")
    assert rules_of(text, "done-but-pending") and not rules_of(text, "completion-contradicted")


FINDINGS = HEAD + "一、反馈问题整改情况\n"


def test_rechecking_files_and_completing_them_is_concrete_work():
    text = FINDINGS + ("（一）党员发展不规范\n3名发展对象培养考察材料缺失。\n整改结果：已完成\n"
                       "整改情况：对2023年以来发展的党员档案逐一复查，补齐培养考察材料。\n")
    assert not rules_of(text, "vague-measure")


def test_a_study_measure_is_flagged_beside_a_concrete_one():
    text = FINDINGS + ("（一）财务管理不规范\n支付3笔广告费6.72万元，无合同。\n整改结果：已完成\n整改情况：一是与3家"
                       "广告公司补签合同；二是组织财务人员认真学习财务制度，提高思想认识。\n")
    found = rules_of(text, "vague-measure")
    assert [(d.finding, d.message[:13]) for d in found] == [(["一", "（一）"], "措施“组织财务人员认真学习")]
    doc = parse_text(text)
    assert doc.text[found[0].span[0]:found[0].span[1]].startswith("组织财务人员认真学习财务制度")


def test_a_concrete_measure_that_also_trains_is_not_flagged():
    text = FINDINGS + ("（一）财务管理不规范\n支付3笔广告费6.72万元，无合同。\n整改结果：已完成\n"
                       "整改情况：一是与3家广告公司补签合同；二是组织财务人员培训，并建立合同台账。\n")
    assert not rules_of(text, "vague-measure")


def numbering_gaps(body: str) -> list[tuple[str, list | None]]:
    doc = parse_text(HEAD + body)
    return [(doc.text[d.span[0]:d.span[1]], d.finding) for d in lint(doc)
            if d.rule == "numbering" and "跳号" in d.message]


def test_a_gap_in_second_level_headings_marks_the_heading_after_it():
    body = "一、反馈问题整改情况\n（一）问题甲\n整改结果：已完成\n（三）问题乙\n整改结果：已完成\n"
    assert numbering_gaps(body) == [("（三）问题乙", ["一", "（三）"])]


def test_a_gap_in_first_level_headings():
    body = "一、反馈问题整改情况\n（一）问题甲\n整改结果：已完成\n三、下一步打算\n持续巩固整改成果。\n"
    assert numbering_gaps(body) == [("三、下一步打算", None)]


def test_a_gap_in_arabic_headings():
    body = "一、反馈问题整改情况\n（一）问题甲\n1.子问题一\n整改结果：已完成\n3.子问题三\n整改结果：已完成\n"
    assert numbering_gaps(body) == [("3.子问题三", ["一", "（一）", "3"])]


def test_sub_lists_restart_under_each_new_heading():
    body = ("一、反馈问题整改情况\n（一）问题甲\n1.子问题一\n整改结果：已完成\n2.子问题二\n整改结果：已完成\n"
            "（二）问题乙\n1.子问题一\n整改结果：已完成\n2.子问题二\n整改结果：已完成\n"
            "二、下一步打算\n（一）持续巩固\n（二）建立长效机制\n")
    assert not [d for d in lint(parse_text(HEAD + body)) if d.rule == "numbering"]


@pytest.mark.parametrize("folder", [SAMPLES, REAL], ids=["samples", "real"])
def test_no_heading_numbering_gap_in_the_samples_or_the_real_corpus(folder):
    for path in sorted(folder.glob("*.txt")):
        doc = parse_file(path)
        flagged = [doc.text[d.span[0]:d.span[1]] for d in lint(doc) if d.rule == "numbering"]
        assert all(text.endswith("是") for text in flagged), (path.name, flagged)  # only 一是/二是 lists


def test_jiezhi_beside_jiezhi_for_the_same_phrase_is_one_term_two_ways():
    text = HEAD + "截至目前，已完成整改10个。截止到2025年12月，未完成2个。截止目前，共召开会议3次。"
    found = rules_of(text, "term-two-ways")
    doc = parse_text(text)
    assert [doc.text[d.span[0]:d.span[1]] for d in found] == ["截止", "截止"]
    assert not rules_of(text, "wording")  # reported once, by term-two-ways


def test_a_lone_jiezhi_stays_wording_and_a_deadline_passes():
    assert not rules_of(HEAD + "截止目前，已完成整改10个。", "term-two-ways")
    assert len(rules_of(HEAD + "截止目前，已完成整改10个。", "wording")) == 1
    assert not rules_of(HEAD + "截至目前，已完成整改10个。报名截止日期为12月1日。", "term-two-ways")


def test_the_unit_named_with_two_party_suffixes():
    text = HEAD + "天宝社区党委召开专题会议。天宝社区党委书记主持。天宝社区党支部组织学习。"
    found = rules_of(text, "term-two-ways")
    assert len(found) == 1 and "天宝社区党支部" in found[0].message and "天宝社区党委" in found[0].message
    doc = parse_text(text)
    assert doc.text[found[0].span[0]:found[0].span[1]] == "天宝社区党支部"


def test_one_name_for_the_unit_and_other_words_pass():
    text = HEAD + "天宝社区党委召开专题会议，天宝社区居委会配合，天宝社区第一党支部组织学习。"
    assert not rules_of(text, "term-two-ways")


def test_real_000_writes_jiezhi_both_ways():
    doc = parse_file(next(REAL.glob("000_*.txt")))
    found = [d for d in lint(doc) if d.rule == "term-two-ways"]
    assert [doc.text[d.span[0]:d.span[0] + 4] for d in found] == ["截止目前"]


def unit_counts(sentence: str) -> list[str]:
    doc = parse_text(HEAD + sentence)
    return [doc.text[d.span[0]:d.span[1]] for d in lint(doc) if d.rule == "unit-count-mismatch"]


def test_a_count_of_villages_that_does_not_match_the_list_before_it():
    assert unit_counts("区委巡察组对东村、西村、南村、北村5个村开展了巡察。") == ["东村、西村、南村、北村5个村"]


def test_a_count_of_villages_that_does_not_match_the_list_after_it():
    assert unit_counts("区委巡察组对5个村（东村、西村、南村、北村）开展了巡察。") == ["5个村（东村、西村、南村、北村"]
    assert unit_counts("区委巡察组巡察了三个社区：东风社区、红旗社区。") == ["三个社区：东风社区、红旗社区"]


@pytest.mark.parametrize("sentence", [
    "区委巡察组对东村、西村、南村、北村等4个村开展了巡察。",
    "区委巡察组对5个村（东村、西村、南村、北村、中村）开展了巡察。",
    "区委巡察组对浦东、石桥等6个社区开展了巡察。",  # names without their noun: not counted
    "区委巡察组对东村、西村等5个村开展了巡察。",  # 等: and others
    "对马泉街道及所辖9个社区、双照街道及所辖29个村开展巡察。",  # cannot be counted reliably
])
def test_lists_that_match_or_cannot_be_counted_pass(sentence):
    assert unit_counts(sentence) == []


def test_the_real_lists_of_units_all_match_their_counts():
    # 005 (12 村（社区）), 042 (6 社区), 066 (9 部门), 068 (5 村) list every name.
    assert fired_on_real("unit-count-mismatch") == []


def test_the_lint_command_quotes_a_hint_inside_a_finding_beside_its_path(tmp_path, capsys):
    notice = tmp_path / "notice.txt"
    notice.write_text(HEAD + "一、反馈问题整改情况\n（一）安全管理不到位\n工作人员李建新受到政务警告处分。\n"
                      "整改结果：已完成\n整改情况：建立安全台账。\n", encoding="utf-8")
    lint_command.main([str(notice)])
    line = next(x for x in capsys.readouterr().out.splitlines() if "personal-info" in x)
    assert "一/（一） “李建新”" in line


NEW_RULES = ["completion-contradicted", "term-two-ways", "unit-count-mismatch"]


@pytest.mark.parametrize("slug", NEW_RULES)
def test_a_new_rule_catches_its_examples_and_passes_the_rest(slug):
    from xuncha.core.lint import RULES

    rule = next(r for r in RULES if r.slug == slug)
    for text in rule.catches:
        assert list(rule.check(parse_text(text))), text
    for text in rule.passes:
        assert not list(rule.check(parse_text(text))), text


def test_the_new_checks_on_the_real_corpus_fire_only_where_a_reader_agrees():
    assert fired_on_real("completion-contradicted") == []
    assert [name[:3] for name in fired_on_real("term-two-ways")] == ["000"]
    assert fired_on_real("vague-measure") == []
