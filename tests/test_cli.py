"""The `xuncha` command."""

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from xuncha.ledger.models import Finding, Inspection, Staff

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "xuncha" / "demo" / "notices"


def run(*args, env_extra=None, tmp_path=None):
    import os

    env = {**os.environ, "XUNCHA_DATA_DIR": str(tmp_path), **(env_extra or {})}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "xuncha.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_check_prints_the_settings_and_warns_on_unknown_names(tmp_path):
    result = run("check", env_extra={"XUNCHA_EVIDENCE_MAX_MB": "5", "XUNCHA_EVIDNCE": "1"}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "XUNCHA_EVIDENCE_MAX_MB = 5" in result.stdout
    assert "未知的配置项 XUNCHA_EVIDNCE" in result.stderr


def test_a_bad_setting_gets_a_chinese_error_and_no_traceback(tmp_path):
    result = run("check", env_extra={"XUNCHA_DEBUG": "perhaps"}, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "配置错误" in result.stderr and "XUNCHA_DEBUG" in result.stderr
    assert "Traceback" not in result.stderr


def display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_demo_load_only_builds_the_ledger_from_the_sample_notices(tmp_path):
    result = run("demo", "--load-only", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "已从 5 份示例通报载入演示数据" in result.stdout
    for username in ["admin", "team", "editor", "leader", "supervisor", "sysadmin", "secadmin", "auditor"]:
        assert f"用户名 {username}" in result.stdout
    assert "双因素认证已关闭（XUNCHA_2FA=off）" in result.stdout
    assert "巡察办管理员（赵明）" in result.stdout
    columns = {display_width(line.split("用户名")[0]) for line in result.stdout.splitlines() if "用户名" in line}
    assert len(columns) == 1, columns  # the accounts' columns line up in a terminal
    first_passwords = re.findall(r"密码 (\S+)", result.stdout)
    again = run("demo", "--load-only", tmp_path=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "未重新载入" in again.stdout and "已从" not in again.stdout
    second_passwords = re.findall(r"密码 (\S+)", again.stdout)
    assert len(second_passwords) == 8 and not set(first_passwords) & set(second_passwords)


def test_demo_refuses_a_data_folder_holding_other_data(tmp_path):
    assert run("migrate", tmp_path=tmp_path).returncode == 0
    made = run("shell", "-c", "from xuncha.ledger.models import Unit; Unit.objects.create(name='某单位')",
               tmp_path=tmp_path)
    assert made.returncode == 0, made.stderr
    refused = run("demo", "--load-only", tmp_path=tmp_path)
    assert refused.returncode != 0 and "非演示数据" in refused.stderr


@pytest.mark.django_db
def test_demo_data_has_every_sample_with_its_dates_findings_and_statuses():
    from xuncha.ledger import demo

    inspections = demo.load_notices()
    assert len(inspections) == 5
    tianbao = Inspection.objects.get(unit__name="天宝社区")
    assert str(tianbao.feedback_date) == "2025-09-15" and tianbao.team.name == "区委第四巡察组"
    statuses = list(Finding.objects.filter(inspection=tianbao).values_list("status", flat=True))
    assert statuses.count("done") == 6 and statuses.count("not_done") == 2
    fuhua = Inspection.objects.get(unit__name="福华社区党委")
    assert fuhua.findings.count() == 12


@pytest.mark.django_db
def test_createuser_makes_an_account_with_its_role(cast, capsys):
    call_command("createuser", "wang", "--role", "unit_editor", "--unit", "天宝社区")
    staff = Staff.objects.get(user__username="wang")
    assert staff.role == "unit_editor" and staff.unit == cast.tianbao
    assert "密码：" in capsys.readouterr().out


@pytest.mark.django_db
def test_createuser_refuses_an_editor_without_a_unit(cast):
    with pytest.raises(CommandError, match="必须指定所属单位"):
        call_command("createuser", "li", "--role", "unit_editor")
    assert not Staff.objects.filter(user__username="li").exists()


@pytest.mark.django_db
def test_createuser_reads_the_password_from_standard_input(cast, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Stdin-Passw0rd-2025\nignored\n"))
    call_command("createuser", "wang", "--role", "supervisor", "--password-stdin")
    assert Staff.objects.get(user__username="wang").user.check_password("Stdin-Passw0rd-2025")
    assert "Stdin-Passw0rd-2025" not in capsys.readouterr().out


@pytest.mark.django_db
def test_createuser_asks_twice_at_a_terminal_and_refuses_a_mismatch(cast, monkeypatch):
    answers = iter(["Prompt-Passw0rd-1", "Prompt-Passw0rd-1", "Prompt-Passw0rd-1", "other"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("createuser", "wang", "--role", "supervisor")
    assert Staff.objects.get(user__username="wang").user.check_password("Prompt-Passw0rd-1")
    with pytest.raises(CommandError, match="两次输入的密码不一致"):
        call_command("createuser", "zhao", "--role", "supervisor")
    assert not Staff.objects.filter(user__username="zhao").exists()


@pytest.mark.django_db
def test_createuser_has_no_password_option_and_refuses_a_weak_password_in_chinese(cast,
                                                                                 monkeypatch):
    with pytest.raises(CommandError, match="--password"):
        call_command("createuser", "wang", "--role", "supervisor", "--password", "Xx-1234567890")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="密码太短，至少需要 10 个字符"):
        call_command("createuser", "wang", "--role", "supervisor", "--password-stdin")
    assert not Staff.objects.filter(user__username="wang").exists()


def test_render_writes_each_format_from_parse_json(tmp_path):
    sample = next(SAMPLES.glob("003_*.txt"))
    parsed = run("parse", "--json", str(sample), tmp_path=tmp_path)
    assert parsed.returncode == 0, parsed.stderr
    source = tmp_path / "003.json"
    source.write_text(parsed.stdout, encoding="utf-8")
    for fmt in ["txt", "html", "docx"]:
        result = run("render", str(source), "--to", fmt, "-o", str(tmp_path / f"out.{fmt}"), tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
    assert "区委第二巡察组" in (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert (tmp_path / "out.docx").read_bytes()[:2] == b"PK"


def test_render_refuses_a_file_that_is_not_a_notice_doc(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = run("render", str(bad), "--to", "txt", "-o", str(tmp_path / "x.txt"), tmp_path=tmp_path)
    assert result.returncode == 1 and "不是有效的 NoticeDoc JSON" in result.stderr
    assert not (tmp_path / "x.txt").exists()


def test_parse_says_what_is_missing_and_exits_1(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("明天下午三点开会。", encoding="utf-8")
    result = run("parse", str(note), tmp_path=tmp_path)
    assert result.returncode == 1 and "缺少反馈问题" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.django_db
def test_import_previews_then_imports_a_notice_atomically(cast, capsys):
    import datetime as dt

    from xuncha.ledger.services import setup

    round_ = setup.create_round(cast.system, "2026年第一轮", start=dt.date(2026, 1, 1))
    target = setup.create_inspection(cast.system, round_, cast.team4, cast.tianbao,
                                     feedback_date=dt.date(2026, 3, 1))
    sample = next(SAMPLES.glob("000_*.txt"))
    with pytest.raises(CommandError, match="--accept-mismatch"):  # the notice's dates are 2025's
        call_command("import", str(sample), "--inspection", str(target.pk), "--yes")
    assert "不一致：文件中的反馈日期是2025年9月15日" in capsys.readouterr().out
    assert not Finding.objects.filter(inspection=target).exists()
    call_command("import", str(sample), "--inspection", str(target.pk), "--yes", "--accept-mismatch")
    out = capsys.readouterr().out
    assert "预览" in out and "已导入 8 个问题" in out
    assert Finding.objects.filter(inspection=target).count() == 8
    with pytest.raises(CommandError, match="已有反馈问题"):
        call_command("import", str(sample), "--inspection", str(target.pk), "--yes", "--accept-mismatch")
    assert Finding.objects.filter(inspection=target).count() == 8


def test_lint_prints_json_per_file_and_exits_1_on_errors(tmp_path):
    folder = SAMPLES
    result = run("lint", "--json", str(next(folder.glob("000_*.txt"))), str(next(folder.glob("002_*.txt"))),
                 tmp_path=tmp_path)
    assert result.returncode == 1  # 000 has errors
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert {d["rule"] for d in first["diagnostics"]} >= {"status-under-wrong-heading", "missing-element"}
    assert set(first["diagnostics"][0]) == {"rule", "severity", "message", "span", "finding", "element"}
    assert [d["element"] for d in second["diagnostics"]] == ["statuses"]
    only = run("lint", "--rules", "wording", str(next(folder.glob("002_*.txt"))), tmp_path=tmp_path)
    assert only.returncode == 0 and "0 条体检意见" in only.stdout


def test_lint_reads_rule_overrides_from_the_environment(tmp_path):
    folder = SAMPLES
    sample = str(next(folder.glob("001_*.txt")))
    result = run("lint", "--json", sample, env_extra={"XUNCHA_LINT": "claim-count-mismatch=warning,wording=off"},
                 tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr  # the only error was re-graded to a warning
    assert [d["rule"] for d in json.loads(result.stdout)["diagnostics"]] == ["claim-count-mismatch"]
    bad = run("lint", sample, env_extra={"XUNCHA_LINT": "wording=loud"}, tmp_path=tmp_path)
    assert bad.returncode == 2 and "XUNCHA_LINT" in bad.stderr


def test_reuse_reports_the_copied_pair_and_skips_unreadable_files(tmp_path):
    folder = SAMPLES
    text = next(folder.glob("000_*.txt")).read_text(encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(text, encoding="utf-8")
    (docs / "b.txt").write_text("另一个单位的开头。" + text[300:1500], encoding="utf-8")
    (docs / "empty.txt").write_text("", encoding="utf-8")
    result = run("reuse", "--json", str(docs), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents"] == 2 and len(report["pairs"]) == 1
    pair = report["pairs"][0]
    assert pair["a"].endswith("a.txt") and pair["share_b"] > 0.95
    first = pair["passages"][0]
    assert text[first["a"][0]:first["a"][1]] == first["text"]
    assert report["skipped"][0]["path"].endswith("empty.txt")


def test_reuse_writes_a_printable_html_report_and_an_excel_workbook(tmp_path):
    folder = SAMPLES
    text = next(folder.glob("003_*.txt")).read_text(encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "甲社区.txt").write_text(text, encoding="utf-8")
    (docs / "乙社区.txt").write_text("乙社区的通报。" + text[200:2000], encoding="utf-8")
    html = run("reuse", str(docs), "--html", str(tmp_path / "report.html"), tmp_path=tmp_path)
    assert html.returncode == 0, html.stderr
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "雷同检测报告" in page and 'id="a1-1"' in page and 'href="#b1-1"' in page and "各文档汇总" in page
    xlsx = run("reuse", str(docs), "--xlsx", str(tmp_path / "report.xlsx"), tmp_path=tmp_path)
    assert xlsx.returncode == 0, xlsx.stderr
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "report.xlsx")
    assert book.sheetnames == ["雷同文档对", "雷同段落", "各文档汇总", "常用套话"]
    assert book["雷同文档对"]["A2"].value.endswith("乙社区.txt")


def test_reuse_with_an_index_compares_new_documents_with_earlier_runs(tmp_path):
    text = next(SAMPLES.glob("004_*.txt")).read_text(encoding="utf-8")
    earlier, later = tmp_path / "2024", tmp_path / "2025"
    earlier.mkdir()
    later.mkdir()
    (earlier / "甲社区2024.txt").write_text(text, encoding="utf-8")
    (later / "甲社区2025.txt").write_text("2025年的通报。" + text[100:1500], encoding="utf-8")
    index = str(tmp_path / "index")
    first = run("reuse", "--json", "--index", index, str(earlier), tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["pairs"] == []
    second = json.loads(run("reuse", "--json", "--index", index, str(later), tmp_path=tmp_path).stdout)
    assert second["documents"] == 1 and len(second["pairs"]) == 1
    pair = second["pairs"][0]
    assert {pair["a"], pair["b"]} == {str(earlier / "甲社区2024.txt"), str(later / "甲社区2025.txt")}
    passage = pair["passages"][0]
    assert text[passage["a"][0]:passage["a"][1]] == passage["text"]
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{", encoding="utf-8")
    bad = run("reuse", "--index", str(broken), str(later), tmp_path=tmp_path)
    assert bad.returncode == 2 and "无法使用索引目录" in bad.stderr and "Traceback" not in bad.stderr


def test_reuse_can_count_the_common_phrases_too(tmp_path):
    formula = "欢迎广大党员干部群众对巡察整改落实情况进行监督如有意见建议请及时向我们反映"
    docs = tmp_path / "docs"
    docs.mkdir()
    for number, body in enumerate(["甲乙丙丁戊己庚辛", "子丑寅卯辰巳午未", "金木水火土日月星", "东南西北中上下左",
                                   "春夏秋冬风雨雷电"]):
        (docs / f"{number}.txt").write_text(body * 3 + formula, encoding="utf-8")
    apart = json.loads(run("reuse", "--json", str(docs), tmp_path=tmp_path).stdout)
    assert apart["pairs"] == [] and formula[:30] in apart["common"][0]["text"]
    counted = json.loads(run("reuse", "--json", "--include-common", str(docs), tmp_path=tmp_path).stdout)
    assert len(counted["pairs"]) == 10


def test_s3_storage_without_a_bucket_is_a_configuration_error(tmp_path):
    result = run("check", env_extra={"XUNCHA_STORAGE": "s3"}, tmp_path=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "配置错误：XUNCHA_S3_BUCKET" in result.stderr


def test_the_purge_commands_run_from_the_command_line(tmp_path):
    assert run("migrate", "-v0", tmp_path=tmp_path).returncode == 0
    staging = run("purge-staging", tmp_path=tmp_path)
    assert staging.returncode == 0 and "待导入文件" in staging.stdout
    orphans = run("purge-orphans", tmp_path=tmp_path)
    assert orphans.returncode == 0 and "无引用的文件" in orphans.stdout


def production_variables() -> dict[str, str]:
    """The variables of the production block in docs/configuration.md, with a real secret key."""
    import secrets

    text = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text("utf-8")
    block = text.split("### Production", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    variables = dict(re.findall(r"^(XUNCHA_\w+)=(.*)$", block, re.MULTILINE))
    required = {"XUNCHA_DEBUG", "XUNCHA_SECRET_KEY", "XUNCHA_ALLOWED_HOSTS", "XUNCHA_HTTPS"}
    assert required <= set(variables)
    return {**variables, "XUNCHA_SECRET_KEY": secrets.token_urlsafe(50)}


@pytest.fixture
def deployment(monkeypatch):
    """The environment of a real server: not the browser tests' async-unsafe switch."""
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def test_check_deploy_prints_no_warning_with_the_documented_production_variables(tmp_path,
                                                                                deployment):
    result = run("check", "--deploy", env_extra=production_variables(), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "WARNINGS" not in output and "?: (security." not in output, output
    assert "System check identified no issues" in output


def test_check_deploy_warns_on_a_plain_http_deployment(tmp_path, deployment):
    variables = {**production_variables(), "XUNCHA_HTTPS": "0"}
    result = run("check", "--deploy", env_extra=variables, tmp_path=tmp_path)
    for check in ("W004", "W008", "W012", "W016"):  # HSTS, redirect, the two Secure cookies
        assert f"?: (security.{check})" in result.stdout + result.stderr


def test_https_turns_on_hsts_the_redirect_and_secure_cookies_preload_is_its_own(tmp_path):
    names = ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
             "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
             "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME"]
    code = f"from django.conf import settings; print([getattr(settings, n) for n in {names!r}])"
    year = 365 * 24 * 3600
    https, preload = {"XUNCHA_HTTPS": "1"}, {"XUNCHA_HTTPS": "1", "XUNCHA_HSTS_PRELOAD": "1"}
    plain, host = ["sessionid", "csrftoken"], ["__Host-sessionid", "__Host-csrftoken"]
    for env, expected in [({}, [0, False, False, False, False, False, *plain]),
                          ({"XUNCHA_HSTS_PRELOAD": "1"}, [0, False, False, False, False, False, *plain]),
                          (https, [year, True, False, True, True, True, *host]),
                          (preload, [year, True, True, True, True, True, *host])]:
        result = run("shell", "-c", code, env_extra=env, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == str(expected), env


def test_check_deploy_warns_when_https_is_on_without_a_trusted_proxy(tmp_path, deployment):
    variables = {**production_variables(), "XUNCHA_TRUSTED_PROXIES": ""}
    result = run("check", "--deploy", env_extra=variables, tmp_path=tmp_path)
    assert "(xuncha.W001)" in result.stdout + result.stderr
    assert "XUNCHA_TRUSTED_PROXIES" in result.stdout + result.stderr
