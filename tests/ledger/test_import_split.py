"""Who imports what (issue 15 item 1): the team its 反馈问题清单, the unit its measures and progress
onto those findings, the office both at once; the preview says which kind it is."""

import datetime as dt
from pathlib import Path

import pytest

from xuncha.core.ledger_xlsx import LedgerRow, write_xlsx
from xuncha.ledger.errors import InvalidInput, PermissionDenied
from xuncha.ledger.models import AuditEvent, Finding, Measure, StatusChange
from xuncha.ledger.services import imports, setup, storage

pytestmark = pytest.mark.django_db
SAMPLE = next((Path(__file__).resolve().parents[2] / "src/xuncha/demo/notices").glob("000_*.txt"))


def empty_inspection(cast):
    round_ = setup.create_round(cast.system, "2025年区委第三轮巡察（新）", start=dt.date(2025, 7, 2))
    return setup.create_inspection(cast.system, round_, cast.team4, cast.tianbao, start=dt.date(2025, 7, 2),
                                   end=dt.date(2025, 8, 10), feedback_date=dt.date(2025, 9, 15))


def staged_files() -> list[str]:
    return list(storage.walk(imports.STAGED))


def stage_and_commit(actor, target, name="000.txt", data=None):
    staged = imports.stage(actor, target, name, [data if data is not None else SAMPLE.read_bytes()])
    assert staged.preview.ok, staged.preview.errors
    return staged, imports.commit_staged(actor, target, staged.token, staged.name)


def test_the_team_imports_the_findings_alone(cast, today):
    target = empty_inspection(cast)
    staged = imports.stage(cast.actor("team_member"), target, "000.txt", [SAMPLE.read_bytes()])
    preview = staged.preview
    assert preview.kind == imports.FINDINGS and "反馈问题清单" in preview.kind_label
    assert preview.ok and len(preview.plan) == 8 and all(not p.measures and not p.effects for p in preview.plan)
    assert any("不会导入：整改措施和进展由被巡察单位导入" in w for w in preview.warnings)
    result = imports.commit_staged(cast.actor("team_member"), target, staged.token, staged.name)
    assert result.findings == 8 and result.measures == 0
    assert Finding.objects.filter(inspection=target).count() == 8
    assert not Measure.objects.filter(finding__inspection=target).exists()
    event = AuditEvent.objects.get(action="findings.import")
    assert sorted(event.after["finding_ids"]) == sorted(Finding.objects.filter(inspection=target)
                                                        .values_list("pk", flat=True))


def test_the_unit_imports_its_measures_and_progress_onto_the_teams_findings(cast, today):
    target = empty_inspection(cast)
    stage_and_commit(cast.actor("team_member"), target)
    editor = cast.actor("editor")
    assert imports.import_kind(editor, target) == imports.MEASURES
    staged = imports.stage(editor, target, "000.txt", [SAMPLE.read_bytes()])
    preview = staged.preview
    assert preview.kind == imports.MEASURES and "整改措施和进展" in preview.kind_label and preview.ok
    findings = list(Finding.objects.filter(inspection=target).order_by("position"))
    assert preview.targets == [f.pk for f in findings]
    result = imports.commit_staged(editor, target, staged.token, staged.name)
    assert result.findings == 8 and result.measures == Measure.objects.filter(finding__inspection=target).count() > 0
    assert Finding.objects.filter(inspection=target).count() == 8  # nothing added, only filled in
    statuses = set(Finding.objects.filter(inspection=target).values_list("status", flat=True))
    assert statuses - {"open"}  # the stated results are derived onto the findings
    assert StatusChange.objects.filter(object_kind="finding", object_id__in=result.finding_ids).exists()
    event = AuditEvent.objects.get(action="measures.import")
    assert len(event.after["measure_ids"]) == result.measures and event.actor_id == cast.users["editor"].pk
    target.refresh_from_db()
    assert target.measures_total == result.measures


def test_the_unit_cannot_import_before_the_team_nor_twice(cast, today):
    target = empty_inspection(cast)
    with pytest.raises(InvalidInput, match="尚未导入反馈问题清单"):
        imports.stage(cast.actor("editor"), target, "000.txt", [SAMPLE.read_bytes()])
    assert staged_files() == []
    stage_and_commit(cast.actor("team_member"), target)
    stage_and_commit(cast.actor("editor"), target)
    again = imports.stage(cast.actor("editor"), target, "000.txt", [SAMPLE.read_bytes()])
    assert not again.preview.ok and any("已有反馈问题" in e for e in again.preview.errors)
    with pytest.raises(InvalidInput, match="已有反馈问题"):
        imports.commit_staged(cast.actor("editor"), target, again.token, again.name)


def test_the_team_cannot_import_into_an_inspection_with_findings(cast):
    with pytest.raises(InvalidInput, match="已有反馈问题"):
        imports.stage(cast.actor("team_member"), cast.inspection, "000.txt", [SAMPLE.read_bytes()])
    assert staged_files() == []


@pytest.mark.parametrize("who", ["leader", "supervisor", "outsider", "other_team", "sysadmin"])
def test_other_roles_import_nothing(cast, who):
    for target in (empty_inspection(cast), cast.inspection):
        with pytest.raises(PermissionDenied):
            imports.stage(cast.actor(who), target, "000.txt", [SAMPLE.read_bytes()])
    assert staged_files() == []


def test_the_office_imports_findings_and_measures_at_once(cast, today):
    target = empty_inspection(cast)
    staged, result = stage_and_commit(cast.actor("admin"), target)
    assert staged.preview.kind == imports.FULL and result.findings == 8 and result.measures > 0
    assert AuditEvent.objects.filter(action="notice.import").count() == 1


def ledger(rows):
    return write_xlsx([LedgerRow(number=str(n), category="", finding=title, measure=measure, lead="书记",
                                 owner="社区党委", deadline=dt.date(2025, 12, 31), ongoing=False,
                                 progress="已推进。", status="in_progress", completed_on=None,
                                 evidence="会议记录", remarks="")
                       for n, (title, measure) in enumerate(rows, start=1)])


def test_a_units_ledger_goes_onto_the_findings_its_titles_name(cast, today):
    target = empty_inspection(cast)
    stage_and_commit(cast.actor("team_member"), target)
    titles = list(Finding.objects.filter(inspection=target).order_by("position").values_list("title", flat=True))
    data = ledger([(titles[1], "逐条复查党员档案"), (titles[0] + "。", "建立学习台账")])
    staged, result = stage_and_commit(cast.actor("editor"), target, "台账.xlsx", data)
    assert result.measures == 2 and result.findings == 2
    assert any("6 个反馈问题不在文件中" in w for w in staged.preview.warnings)
    first = Finding.objects.get(inspection=target, title=titles[0])
    assert [m.text for m in first.measures.all()] == ["建立学习台账"]
    assert first.measures.get().evidence_note == "会议记录"


def test_a_ledger_row_naming_no_finding_of_the_inspection_is_an_error_of_the_preview(cast, today):
    target = empty_inspection(cast)
    stage_and_commit(cast.actor("team_member"), target)
    staged = imports.stage(cast.actor("editor"), target, "台账.xlsx", [ledger([("食堂采购无台账", "补建台账")])])
    assert not staged.preview.ok
    assert any("“食堂采购无台账”在本次巡察中找不到对应的反馈问题" in e for e in staged.preview.errors)
    with pytest.raises(InvalidInput):
        imports.commit_staged(cast.actor("editor"), target, staged.token, staged.name)
    assert not Measure.objects.filter(finding__inspection=target).exists()


def test_a_change_between_preview_and_confirmation_is_refused(cast, today):
    target = empty_inspection(cast)
    staged = imports.stage(cast.actor("admin"), target, "000.txt", [SAMPLE.read_bytes()])
    stage_and_commit(cast.actor("team_member"), target)  # the team was quicker
    with pytest.raises(InvalidInput, match="有了变化"):
        imports.commit_staged(cast.actor("admin"), target, staged.token, staged.name, kind=staged.preview.kind)
    assert Finding.objects.filter(inspection=target).count() == 8
    assert not Measure.objects.filter(finding__inspection=target).exists()
