"""An import that checks and keeps everything: the preview against the inspection (unit, team,
dates, claims, 体检), an explicit choice for a mismatch, 取得成效 kept as effects, the report
never dated before the inspection, and a ledger's 佐证材料 and 备注 kept and exported again."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.core.test_ledger_xlsx import sheet_bytes
from xuncha.core.ledger_xlsx import read_xlsx, write_xlsx
from xuncha.ledger import selectors
from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.models import AuditEvent, Finding, Measure, ProgressReport
from xuncha.ledger.services import imports, setup

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[2] / "src/xuncha/demo/notices"


def inspection_of(cast, start=dt.date(2025, 1, 6), end=dt.date(2025, 2, 20), feedback=dt.date(2025, 3, 10),
                  unit=None):
    round_ = setup.create_round(cast.system, f"{start.year}年区委巡察{start.isoformat()}", start=start)
    return setup.create_inspection(cast.system, round_, cast.team4, unit or cast.tianbao, start=start, end=end,
                                   feedback_date=feedback)


def sample(number: str) -> bytes:
    return next(SAMPLES.glob(f"{number}_*.txt")).read_bytes()


def test_a_notice_of_another_unit_and_other_dates_needs_an_explicit_choice(cast, today):
    target = inspection_of(cast, unit=cast.jianshe)
    staged = imports.stage(cast.actor("admin"), target, "000.txt", [sample("000")])
    mismatches = staged.preview.mismatches
    assert any("被巡察单位是“天宝社区”" in m and "建设社区" in m for m in mismatches)
    assert any("进驻日期是2025年7月2日" in m for m in mismatches)
    with pytest.raises(InvalidInput, match="仍导入到本次巡察"):
        imports.commit_staged(cast.actor("admin"), target, staged.token, "000.txt")
    assert not Finding.objects.filter(inspection=target).exists()
    result = imports.commit_staged(cast.actor("admin"), target, staged.token, "000.txt", accept_mismatch=True)
    assert result.findings == 8


def test_the_staff_site_asks_before_importing_into_a_mismatched_inspection(login, cast, today):
    target = inspection_of(cast)
    client = login("admin")
    page = client.post(reverse("import", args=[target.pk]),
                       {"file": SimpleUploadedFile("000.txt", sample("000"))}).content.decode()
    assert 'id="import-mismatches"' in page and 'name="accept_mismatch"' in page
    token = client.session[f"import:{target.pk}"]["token"]
    refused = client.post(reverse("import-confirm", args=[target.pk]), {"token": token})
    assert refused.status_code == 400 and "仍导入到本次巡察" in refused.content.decode()
    assert not Finding.objects.filter(inspection=target).exists()
    client.post(reverse("import-confirm", args=[target.pk]), {"token": token, "accept_mismatch": "1"})
    assert Finding.objects.filter(inspection=target).count() == 8


def test_the_preview_shows_every_value_and_every_diagnostic(login, cast, today):
    target = inspection_of(cast, start=dt.date(2025, 7, 2), end=dt.date(2025, 8, 10), feedback=dt.date(2025, 9, 15))
    prepared = imports.staged_preview(cast.actor("admin"), target,
                                      imports.stage(cast.actor("admin"), target, "000.txt", [sample("000")]).token,
                                      "000.txt")
    assert prepared.mismatches == []
    measures = [m for f in prepared.plan for m in f.measures]
    assert len(prepared.plan) == 8 and measures
    assert all(m.deadline or m.kind == "ongoing" for m in measures)
    assert {m.status_label for m in measures} <= {"已完成", "正在整改", "未开始", "长期坚持"}
    client = login("admin")
    page = client.post(reverse("import", args=[target.pk]),
                       {"file": SimpleUploadedFile("000.txt", sample("000"))}).content.decode()
    assert 'id="import-plan"' in page and measures[0].text[:20] in page


def test_a_notice_claiming_more_than_it_lists_is_flagged():
    claim = "反馈的12个具体问题，已完成整改12个。"
    text = sample("000").decode("utf-8").replace("按照巡察工作有关要求", claim + "按照巡察工作有关要求", 1)
    prepared = imports.preview("000.txt", text.encode())
    from xuncha.ledger.models import Inspection

    class Fake:  # the checks read names and dates only
        unit = type("U", (), {"name": "天宝社区", "short_name": ""})()
        team = type("T", (), {"name": "区委第四巡察组"})()
        start, end, feedback_date, rectification_end = None, None, None, dt.date(2025, 12, 31)

    assert Inspection  # imported for the reader: the real model is what the services receive
    imports.check_against(Fake(), prepared, imports.FULL)
    assert any("通报称反馈问题12个，文件中列出8个" in w for w in prepared.warnings)
    assert any("已完成整改12个" in w for w in prepared.warnings)
    assert prepared.diagnostics  # 体检 runs in the preview


def test_effects_are_kept_as_effects_without_a_placeholder_measure(cast, today):
    target = inspection_of(cast, start=dt.date(2024, 6, 5), end=dt.date(2024, 8, 7), feedback=dt.date(2024, 9, 1))
    doc = imports.preview("001.txt", sample("001")).doc
    assert any(f.effects for f in doc.findings)
    imports.import_notice(cast.actor("admin"), target, doc)
    with_effects = [f for f in Finding.objects.filter(inspection=target) if f.effects]
    assert with_effects
    for finding in with_effects:
        item = next(i for i in doc.findings if i.title[:500] == finding.title)
        assert finding.effects == "\n".join(item.effects)
        assert finding.measures.count() == len(item.measures)
    assert not Measure.objects.filter(finding__inspection=target, text__startswith="针对“").exists()
    assert not ProgressReport.objects.filter(measure__finding__inspection=target,
                                             date__lt=target.feedback_date).exists()


def test_a_report_is_never_dated_before_the_inspection(cast, today):
    target = inspection_of(cast, start=dt.date(2025, 10, 1), end=dt.date(2025, 11, 1), feedback=dt.date(2025, 11, 20))
    doc = imports.preview("000.txt", sample("000")).doc
    doc.notice_date = dt.date(2025, 9, 30)
    imports.import_notice(cast.actor("admin"), target, doc)
    dates = set(ProgressReport.objects.filter(measure__finding__inspection=target).values_list("date", flat=True))
    assert dates and min(dates) >= target.feedback_date


def test_a_ledgers_evidence_and_remarks_are_stored_and_exported_again(cast, today):
    target = inspection_of(cast)
    data = sheet_bytes([
        ["序号", "反馈问题", "整改措施", "责任单位", "完成时限", "完成情况", "整改结果", "佐证材料", "备注",
         "验收时间"],
        ["1", "财务管理不规范", "补签合同", "财务室", "2025年12月底", "已补签3份", "已完成", "合同扫描件",
         "供应商已盖章", "2026年1月"],
        ["2", "议事程序不规范", "按“四议两公开”议事", "社区两委", "长期坚持", "", "", "", "每季度检查", ""],
    ])
    prepared = imports.preview("台账.xlsx", data)
    assert prepared.errors == []
    imports.commit(cast.actor("admin"), target, prepared)
    measures = list(Measure.objects.filter(finding__inspection=target).order_by("finding__position"))
    assert [(m.evidence_note, m.remarks) for m in measures] == [
        ("合同扫描件", "供应商已盖章；验收时间：2026年1月"), ("", "每季度检查")]
    report = ProgressReport.objects.get(measure=measures[0])
    assert report.text == "已补签3份"  # the progress alone, not the other columns glued onto it
    again = read_xlsx(write_xlsx(selectors.ledger_rows(target))).rows
    assert [(r.evidence, r.remarks) for r in again] == [(m.evidence_note, m.remarks) for m in measures]
    assert AuditEvent.objects.filter(action="ledger.import").count() == 1


def _xls_of(rows) -> bytes:
    """An Excel 97-2003 sheet, made by LibreOffice from an .xlsx (skipped without it)."""
    import shutil
    import subprocess
    import tempfile

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "ledger.xlsx"
        source.write_bytes(sheet_bytes(rows))
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
                        "--convert-to", "xls", "--outdir", folder, str(source)],
                       check=True, capture_output=True, timeout=180)
        return (Path(folder) / "ledger.xls").read_bytes()


LEDGER = [["序号", "反馈问题", "整改措施", "责任单位", "完成时限", "完成情况", "整改结果", "备注"],
          ["1", "财务管理不规范", "补签合同", "财务室", "2025年12月底", "已补签3份", "已完成", "供应商已盖章"]]


def test_an_old_excel_ledger_is_read_through_libreoffice():
    prepared = imports.preview("台账.xls", _xls_of(LEDGER))
    assert prepared.errors == [] and prepared.kind == "ledger"
    row = prepared.book.rows[0]
    assert (row.measure, row.deadline, row.status, row.remarks) == ("补签合同", dt.date(2025, 12, 31), "done",
                                                                   "供应商已盖章")


def test_without_libreoffice_an_old_ledger_gets_a_chinese_sentence(monkeypatch):
    from xuncha.core.parse import convert

    monkeypatch.setattr(convert, "soffice", lambda: None)
    for name in ("台账.xls", "台账.et"):
        prepared = imports.preview(name, b"\xd0\xcf\x11\xe0 not really")
        assert prepared.unreadable and "另存为" in prepared.errors[0] and ".xlsx" in prepared.errors[0]


DATED = ["序号", "反馈问题", "整改措施", "措施类型", "责任单位", "完成时限", "整改进展", "整改状态", "完成时间"]


def test_an_import_applies_the_deadline_and_progress_date_rules_of_the_screens(cast, today):
    target = inspection_of(cast, start=dt.date(2025, 7, 2), end=dt.date(2025, 8, 10), feedback=dt.date(2025, 9, 15))
    data = sheet_bytes([DATED,
                        ["1", "财务管理不规范", "补签合同", "限期整改", "财务室", "2025-09-30", "", "", ""],
                        ["1", "财务管理不规范", "清退多发补贴", "限期整改", "财务室", "2025-08-31", "", "", ""],
                        ["2", "议事不规范", "当场整改公示栏", "立行立改", "社区两委", "2025-07-20", "", "", ""],
                        ["3", "台账不全", "补齐会议记录", "限期整改", "社区两委", "2025-10-31", "已补齐", "已完成",
                         "2025-06-30"]])
    prepared = imports.check_against(target, imports.preview("台账.xlsx", data))
    assert prepared.errors == [
        "第3行：完成时限不能早于反馈日期（2025年9月15日）。",
        "第5行：进展日期不能早于巡察进驻日期（2025年7月2日）。"]  # the 立行立改 row may date from 7-2
    with pytest.raises(InvalidInput, match="未导入任何内容"):
        imports.commit(cast.actor("admin"), target, prepared)
    with pytest.raises(InvalidInput, match="第3行：完成时限不能早于反馈日期"):
        imports.import_ledger(cast.actor("admin"), target, read_xlsx(data))
    assert not Measure.objects.filter(finding__inspection=target).exists()

