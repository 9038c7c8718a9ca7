"""体检 on real texts: every text of the real corpus, and the checks an inspector would make."""

from pathlib import Path

import pytest

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
    assert len(real_texts()) == 83
    for path in real_texts():
        for d in lint(parse_file(path)):
            assert d.message and d.severity in ("error", "warning", "info"), path.name


def test_the_lint_command_reports_on_every_real_text(capsys):
    lint_command.main([str(p) for p in real_texts()] + ["--json"])
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 83
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
