"""Documents in the staff site: Excel export and import, notice import, notice drafts."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.urls import reverse

from xuncha.core.document import NoticeDoc
from xuncha.core.ledger_xlsx import read_xlsx
from xuncha.core.parse import parse_text
from xuncha.core.parse.loaders import load_docx
from xuncha.ledger.errors import InvalidMove, ServiceError
from xuncha.ledger.models import AuditEvent, Finding, Measure, Notice, ProgressReport
from xuncha.ledger.services import findings as findings_service
from xuncha.ledger.services import measures, notices, setup, storage

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[2] / "src" / "xuncha" / "demo" / "notices"


def describe(actor, finding, description: str) -> None:
    """Give a finding a new description through the service, as the inspection team would."""
    fresh = Finding.objects.get(pk=finding.pk)
    findings_service.update_finding(actor, fresh, fresh.version, description=description)


def empty_inspection(cast):
    # The inspection sample 000 reports on (its team, unit and dates): nothing to confirm twice.
    round_ = setup.create_round(cast.system, "2025年区委第三轮巡察（新）", start=dt.date(2025, 7, 2))
    return setup.create_inspection(cast.system, round_, cast.team4, cast.tianbao, start=dt.date(2025, 7, 2),
                                   end=dt.date(2025, 8, 10), feedback_date=dt.date(2025, 9, 15))


def test_the_ledger_exports_to_excel(login, cast, today):
    measures.report_progress(cast.actor("editor"), cast.measure, today, "已召开5次支部会议",
                             [("记录.pdf", [b"%PDF-1.4 x"])], mark="done")
    response = login("editor").get(reverse("ledger-export", args=[cast.inspection.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    book = read_xlsx(response.content)
    row = book.rows[0]
    assert (row.finding, row.status, row.evidence) == ("“第一议题”落实不到位", "done", "记录.pdf")
    assert row.measure == "每次支部会议第一项学习总书记重要讲话"


def test_an_exported_ledger_imports_into_a_new_inspection_unchanged(login, cast, today):
    exported = login("admin").get(reverse("ledger-export", args=[cast.inspection.pk])).content
    target = empty_inspection(cast)
    client = login("admin")
    page = client.post(reverse("import", args=[target.pk]),
                       {"file": SimpleUploadedFile("台账.xlsx", exported)}).content.decode()
    assert "确认导入 1 个问题" in page
    token = client.session[f"import:{target.pk}"]["token"]
    client.post(reverse("import-confirm", args=[target.pk]), {"token": token})
    finding = Finding.objects.get(inspection=target)
    assert finding.title == "“第一议题”落实不到位"
    measure = finding.measures.get()
    assert (measure.owner, measure.lead, measure.deadline) == ("社区党委", "李书记", dt.date(2025, 11, 15))
    again = client.get(reverse("ledger-export", args=[target.pk])).content
    assert [(r.finding, r.measure, r.status, r.deadline) for r in read_xlsx(again).rows] == \
        [(r.finding, r.measure, r.status, r.deadline) for r in read_xlsx(exported).rows]


def test_a_sample_notice_imports_with_preview_and_confirmation(login, cast, today):
    target = empty_inspection(cast)
    client = login("admin")
    data = next(SAMPLES.glob("000_*.txt")).read_bytes()
    page = client.post(reverse("import", args=[target.pk]), {"file": SimpleUploadedFile("000.txt", data)})
    assert "确认导入 8 个问题" in page.content.decode()
    assert not Finding.objects.filter(inspection=target).exists()  # nothing before confirmation
    client.post(reverse("import-confirm", args=[target.pk]), {"token": client.session[f"import:{target.pk}"]["token"]})
    statuses = list(Finding.objects.filter(inspection=target).values_list("status", flat=True))
    assert statuses.count("done") == 6 and statuses.count("not_done") == 2


def test_a_ledger_with_errors_is_previewed_with_its_errors_and_cannot_be_confirmed(login, cast):
    from tests.core.test_ledger_xlsx import sheet_bytes

    target = empty_inspection(cast)
    client = login("admin")
    data = sheet_bytes([["反馈问题", "整改措施", "完成时限"], ["问题一", "措施一", "下个月"]])
    page = client.post(reverse("import", args=[target.pk]),
                       {"file": SimpleUploadedFile("bad.xlsx", data)}).content.decode()
    assert "第2行“完成时限”：无法识别日期“下个月”" in page and "确认导入" not in page
    response = client.post(reverse("import-confirm", args=[target.pk]),
                           {"token": client.session[f"import:{target.pk}"]["token"]}, follow=True)
    assert "未导入任何内容" in response.content.decode()
    assert not Finding.objects.filter(inspection=target).exists()


def test_a_failed_import_leaves_the_database_as_it_was(cast, today, monkeypatch):
    from xuncha.ledger.services import imports

    target = empty_inspection(cast)
    prepared = imports.preview("000.txt", next(SAMPLES.glob("000_*.txt")).read_bytes())
    before = (Finding.objects.count(), Measure.objects.count(), AuditEvent.objects.count())

    def failing(*args, **kwargs):  # after every row is inserted, before the import is recorded
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports.derived, "refresh_inspection", failing)
    with pytest.raises(RuntimeError):
        imports.commit(cast.actor("admin"), target, prepared)
    assert (Finding.objects.count(), Measure.objects.count(), AuditEvent.objects.count()) == before
    assert not ProgressReport.objects.filter(measure__finding__inspection=target).exists()


def test_a_notice_is_drafted_from_the_ledger_edited_approved_and_published(login, cast, today, settings):
    measures.report_progress(cast.actor("editor"), cast.measure, today, "已召开5次支部会议", mark="done")
    editor = login("editor")
    response = editor.post(reverse("notice-create", args=[cast.inspection.pk]), follow=True)
    notice = Notice.objects.get()
    assert "根据台账生成通报草稿" in response.content.decode() or notice.state == "draft"
    doc = NoticeDoc.from_dict(notice.doc)
    assert [(f.title, f.status) for f in doc.findings] == [("“第一议题”落实不到位", "done")]
    assert (doc.claims[0].total, doc.claims[0].done) == (1, 1)
    editor.post(reverse("notice-edit", args=[notice.pk]), {
        "overview": "社区党委成立整改领导小组。", "plans": "一是巩固成果。\n二是建立长效机制。",
        "phones": "0551-12345678", "emails": "", "addresses": "", "version": notice.row_version})
    notice.refresh_from_db()
    text = notice.doc["text"]
    assert "社区党委成立整改领导小组。" in text and "二是建立长效机制。" in text and "0551-12345678" in text
    docx = editor.get(reverse("notice-download", args=[notice.pk, "docx"]))
    assert parse_text(load_docx(docx.content)).findings[0].status == "done"

    assert editor.post(reverse("notice-approve", args=[notice.pk])).status_code == 302
    assert Notice.objects.get().state == "draft"  # an editor may not approve
    login("leader").post(reverse("notice-approve", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.state == "approved" and notice.doc["notice_date"] == today.isoformat()
    login("admin").post(reverse("notice-publish", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.state == "published"
    assert {f["format"] for f in notice.files} == {"html", "docx", "pdf", "txt"}
    pdf = next(f for f in notice.files if f["format"] == "pdf")
    import hashlib

    data = storage.read_bytes("notices", notices.stored_name(notice, pdf))
    assert hashlib.sha256(data).hexdigest() == pdf["sha256"]
    response = login("editor").post(reverse("notice-edit", args=[notice.pk]), {
        "overview": "改写", "plans": "", "phones": "", "emails": "", "addresses": "", "version": notice.row_version},
        follow=True)
    assert "另起新版本" in response.content.decode()


def test_another_units_editor_cannot_reach_notices_or_imports(login, cast, today):
    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    client = login("outsider")
    for url in [reverse("notice", args=[notice.pk]), reverse("notice-download", args=[notice.pk, "docx"]),
                reverse("ledger-export", args=[cast.inspection.pk]), reverse("import", args=[cast.inspection.pk])]:
        assert client.get(url).status_code == 404, url
    for url in [reverse("notice-edit", args=[notice.pk]), reverse("notice-approve", args=[notice.pk]),
                reverse("notice-publish", args=[notice.pk]), reverse("notice-create", args=[cast.inspection.pk]),
                reverse("import-confirm", args=[cast.inspection.pk]),
                reverse("import-cancel", args=[cast.inspection.pk])]:
        assert client.post(url, {"version": 1, "token": "x"}).status_code == 404, url


def test_a_notice_with_a_disciplined_persons_name_is_held_until_masked(login, cast, today):
    describe(cast.system, cast.finding, "社区负责安全工作人员李建新受到政务警告处分。")
    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    page = login("editor").get(reverse("notice", args=[notice.pk])).content.decode()
    assert 'id="lint-results"' in page and "personal-info" in page and '<mark class="lint-span' in page
    assert "将“李建新”改为“李某”" in page
    notice = notices.approve(cast.actor("leader"), notice)
    response = login("admin").post(reverse("notice-publish", args=[notice.pk]), follow=True)
    assert "体检发现" in response.content.decode()
    assert Notice.objects.get(pk=notice.pk).state == "approved"
    # An office admin may publish anyway, with the reason kept in the audit trail.
    login("admin").post(reverse("notice-publish", args=[notice.pk]), {"override_reason": "经纪委审核同意公开"})
    assert Notice.objects.get(pk=notice.pk).state == "published"
    event = AuditEvent.objects.filter(action="notice.publish").get()
    assert event.after["override_reason"] == "经纪委审核同意公开"
    assert "personal-info" in {e["rule"] for e in event.after["errors"]}


def test_masking_a_name_survives_later_edits_of_the_draft(login, cast, today):
    describe(cast.system, cast.finding, "社区负责安全工作人员李建新受到政务警告处分。")
    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    editor = login("editor")
    editor.post(reverse("notice-mask", args=[notice.pk]), {"name": "李建新"})
    notice.refresh_from_db()
    assert "李建新" not in notice.doc["text"] and "李某受到政务警告处分" in notice.doc["text"]
    editor.post(reverse("notice-edit", args=[notice.pk]), {
        "overview": "成立整改领导小组。", "plans": "", "phones": "", "emails": "", "addresses": "",
        "version": notice.row_version})
    notice.refresh_from_db()
    assert "李建新" not in notice.doc["text"] and "成立整改领导小组。" in notice.doc["text"]
    assert not [d for d in notices.publish_checks(notice) if d.rule == "personal-info"]


def test_a_draft_copied_from_another_units_notice_is_marked_with_its_source(login, cast, today,
                                                                           django_capture_on_commit_callbacks):
    text = ("社区党委高度重视巡察反馈问题，成立整改领导小组，逐条制定整改措施，"
            "明确责任人和完成时限，每周召开调度会听取进展。")
    for finding in (cast.finding, cast.other_finding):
        describe(cast.system, finding, text * 3)
    with django_capture_on_commit_callbacks(execute=True):  # the other unit's notice is indexed on commit
        notices.draft_from_ledger(cast.actor("outsider"), cast.other_inspection)
    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    marks = [d for d in notices.publish_checks(notice) if d.rule == "boilerplate"]
    assert marks and "建设社区" in marks[0].message
    assert text[:10] in notice.doc["text"][marks[0].span[0]:marks[0].span[1]]


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def staged_imports() -> list[str]:
    return list(storage.walk("imports"))


@pytest.mark.parametrize(("who", "status"), [("leader", 403), ("supervisor", 403), ("other_team", 404),
                                             ("outsider", 404)])
def test_only_those_who_may_commit_an_import_may_upload_one(login, cast, who, status):
    target = empty_inspection(cast)
    client = login(who)
    data = next(SAMPLES.glob("000_*.txt")).read_bytes()
    assert client.get(reverse("import", args=[target.pk])).status_code == status
    response = client.post(reverse("import", args=[target.pk]), {"file": upload("000.txt", data)})
    assert response.status_code == status
    assert staged_imports() == [] and f"import:{target.pk}" not in client.session


def test_the_units_editor_is_told_to_wait_for_the_teams_findings(login, cast):
    target = empty_inspection(cast)
    client = login("editor")
    page = client.get(reverse("import", args=[target.pk]))
    assert page.status_code == 200 and "尚未导入反馈问题清单" in page.content.decode()
    assert "上传并预览" not in page.content.decode()
    data = next(SAMPLES.glob("000_*.txt")).read_bytes()
    response = client.post(reverse("import", args=[target.pk]), {"file": upload("000.txt", data)})
    assert response.status_code == 400 and "尚未导入反馈问题清单" in response.content.decode()
    assert staged_imports() == []


@pytest.mark.parametrize(("who", "kind"), [("team_member", "反馈问题清单"), ("admin", "反馈问题及整改措施")])
def test_the_import_page_and_preview_say_which_kind_of_import_it_is(login, cast, who, kind,
                                                                     django_capture_on_commit_callbacks):
    target = empty_inspection(cast)
    client = login(who)
    assert f"导入类型：{kind}" in client.get(reverse("import", args=[target.pk])).content.decode()
    data = next(SAMPLES.glob("000_*.txt")).read_bytes()
    page = client.post(reverse("import", args=[target.pk]), {"file": upload("000.txt", data)}).content.decode()
    assert "导入类型：</strong>" + kind in page and "确认导入 8 个问题" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import-confirm", args=[target.pk]),
                    {"token": client.session[f"import:{target.pk}"]["token"]})
    assert Finding.objects.filter(inspection=target).count() == 8


def test_the_units_editor_previews_and_imports_measures_onto_the_teams_findings(
        login, cast, today, django_capture_on_commit_callbacks):
    target = empty_inspection(cast)
    data = next(SAMPLES.glob("000_*.txt")).read_bytes()
    team = login("team_member")
    with django_capture_on_commit_callbacks(execute=True):
        team.post(reverse("import", args=[target.pk]), {"file": upload("000.txt", data)})
        team.post(reverse("import-confirm", args=[target.pk]),
                  {"token": team.session[f"import:{target.pk}"]["token"]})
    assert not Measure.objects.filter(finding__inspection=target).exists()
    client = login("editor")
    page = client.post(reverse("import", args=[target.pk]), {"file": upload("000.txt", data)}).content.decode()
    assert "导入类型：</strong>整改措施和进展" in page and "确认导入整改措施和进展（8 个问题）" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import-confirm", args=[target.pk]),
                    {"token": client.session[f"import:{target.pk}"]["token"]})
    assert Measure.objects.filter(finding__inspection=target).count() > 0
    assert Finding.objects.filter(inspection=target).count() == 8


def test_an_import_over_the_limit_gets_413_in_chinese_and_nothing_is_staged(login, cast, settings):
    settings.IMPORT_MAX_BYTES = 2048
    target = empty_inspection(cast)
    response = login("admin").post(reverse("import", args=[target.pk]),
                                   {"file": SimpleUploadedFile("大台账.xlsx", b"x" * 5000)})
    assert response.status_code == 413
    assert "文件“大台账.xlsx”超过 2 KB 的大小限制，未保存。" in response.content.decode()
    assert staged_imports() == []


def test_confirming_an_import_removes_its_staged_upload(login, cast, today,
                                                       django_capture_on_commit_callbacks):
    target = empty_inspection(cast)
    client = login("admin")
    data = next(SAMPLES.glob("000_*.txt")).read_bytes()
    page = client.post(reverse("import", args=[target.pk]), {"file": upload("000.txt", data)})
    assert 'id="import-cancel"' in page.content.decode() and len(staged_imports()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import-confirm", args=[target.pk]),
                    {"token": client.session[f"import:{target.pk}"]["token"]})
    assert Finding.objects.filter(inspection=target).count() == 8 and staged_imports() == []


def test_cancelling_an_import_removes_its_upload_and_imports_nothing(
        login, cast, django_capture_on_commit_callbacks):
    target = empty_inspection(cast)
    client = login("admin")
    data = next(SAMPLES.glob("000_*.txt")).read_bytes()
    client.post(reverse("import", args=[target.pk]), {"file": upload("000.txt", data)})
    token = client.session[f"import:{target.pk}"]["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import-cancel", args=[target.pk]), {"token": token},
                               follow=True)
    assert "已取消导入“000.txt”" in response.content.decode()
    assert staged_imports() == [] and f"import:{target.pk}" not in client.session
    response = client.post(reverse("import-confirm", args=[target.pk]), {"token": token},
                           follow=True)
    assert "导入已过期" in response.content.decode()
    assert not Finding.objects.filter(inspection=target).exists()
    assert AuditEvent.objects.filter(action="import.cancel").count() == 1


def test_a_large_import_is_committed_by_a_job_once_even_when_the_job_runs_again(
        login, cast, today, settings, django_capture_on_commit_callbacks):
    from xuncha.jobs.models import Job
    from xuncha.jobs.runner import run
    from xuncha.ledger.services import imports

    settings.IMPORT_BACKGROUND_ROWS = 5  # sample 000 has more measures than this
    target = empty_inspection(cast)
    client = login("admin")
    data = next(SAMPLES.glob("000_*.txt")).read_bytes()
    client.post(reverse("import", args=[target.pk]), {"file": upload("000.txt", data)})
    token = client.session[f"import:{target.pk}"]["token"]
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("import-confirm", args=[target.pk]), {"token": token}, follow=True)
    assert "已转入后台导入" in page.content.decode()
    job = Job.objects.get(name="import.commit")
    assert job.state == "done" and job.created_by == cast.users["admin"]
    assert Finding.objects.filter(inspection=target).count() == 8 and staged_imports() == []
    # A worker that died after the commit, before the acknowledgement, runs the body again:
    imports.commit_staged_job(target.pk, token, "000.txt", cast.users["admin"].pk, "")
    assert Finding.objects.filter(inspection=target).count() == 8
    assert run(job.pk) == "skipped"


def test_the_preview_says_at_once_which_findings_an_inspection_with_findings_lacks(login, cast):
    # An inspection with findings takes measures onto them only: the notice's other findings
    # are errors of the preview, with nothing to confirm.
    client = login("admin")
    data = next(SAMPLES.glob("000_*.txt")).read_bytes()
    page = client.post(reverse("import", args=[cast.inspection.pk]),
                       {"file": upload("000.txt", data)}).content.decode()
    assert "导入类型：</strong>整改措施和进展" in page
    assert "在本次巡察中找不到对应的反馈问题" in page and "确认导入" not in page
    assert "通报或台账文件：" in client.get(reverse("import", args=[cast.inspection.pk])).content.decode()


ID = "110101199003071233"  # a valid resident ID number (check digit 3)


def test_a_notice_with_a_personal_number_cannot_be_published_even_by_override(login, cast, today):
    describe(cast.system, cast.finding, f"已向当事人退还押金，联系电话138-1234-5678，身份证号{ID}。")
    draft = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    with pytest.raises(InvalidMove, match="请先在草稿中隐去"):  # the leader cannot sign it as it is
        notices.approve(cast.actor("leader"), draft)
    # One signed before that rule is still held at publishing.
    Notice.objects.filter(pk=draft.pk).update(state="approved")
    notice = Notice.objects.get(pk=draft.pk)
    response = login("admin").post(reverse("notice-publish", args=[notice.pk]),
                                   {"override_reason": "经纪委审核同意公开"}, follow=True)
    page = response.content.decode()
    assert "身份证号、手机号、银行卡号" in page and "不能强制发布" in page
    assert Notice.objects.get(pk=notice.pk).state == "approved"
    assert not AuditEvent.objects.filter(action="notice.publish").exists()
    assert ID not in page.split('id="lint-results"')[0]  # the refusal does not repeat the number


def test_masking_a_number_offers_a_button_and_survives_later_edits(login, cast, today):
    describe(cast.system, cast.finding, f"已向当事人退还押金，联系电话138-1234-5678，身份证号{ID}。")
    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    editor = login("editor")
    page = editor.get(reverse("notice", args=[notice.pk])).content.decode()
    assert "将“138-1234-5678”改为“138-＊＊＊＊-5678”" in page
    assert f"将“{ID}”改为“110101＊＊＊＊＊＊＊＊1233”" in page
    for number in ("138-1234-5678", ID):
        editor.post(reverse("notice-mask-number", args=[notice.pk]), {"number": number})
    notice.refresh_from_db()
    assert "138-＊＊＊＊-5678" in notice.doc["text"] and "110101＊＊＊＊＊＊＊＊1233" in notice.doc["text"]
    editor.post(reverse("notice-edit", args=[notice.pk]), {
        "overview": "成立整改领导小组。", "plans": "", "phones": "", "emails": "", "addresses": "",
        "version": notice.row_version})
    notice.refresh_from_db()
    assert ID not in notice.doc["text"] and "1234-5678" not in notice.doc["text"]
    assert "成立整改领导小组。" in notice.doc["text"]
    assert not [d for d in notices.publish_checks(notice) if d.rule == "personal-info"]
    events = AuditEvent.objects.filter(action="notice.mask").order_by("id")
    assert [e.summary for e in events] == ["通报中隐去手机号码：138-＊＊＊＊-5678",
                                           "通报中隐去身份证号码：110101＊＊＊＊＊＊＊＊1233"]
    notice = notices.approve(cast.actor("leader"), notice)
    notices.publish(cast.actor("admin"), notice, override_reason="其余意见已核实")  # masked: allowed
    assert Notice.objects.get(pk=notice.pk).state == "published"


def test_only_a_personal_number_in_the_draft_can_be_masked_as_one(cast, today):
    describe(cast.system, cast.finding, "已退还押金，联系电话：0433-5750316，手机13812345678。")
    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    for number in ("0433-5750316", "13912345678", "李建新", ""):
        with pytest.raises(ServiceError):
            notices.mask_number(cast.actor("editor"), notice, number)
    with pytest.raises(ServiceError):
        notices.mask_number(cast.actor("outsider"), notice, "13812345678")
    notices.mask_number(cast.actor("editor"), notice, "13812345678")
    notice.refresh_from_db()
    assert notice.masks == ["13812345678"] and "0433-5750316" in notice.doc["text"]


def test_another_units_editor_cannot_mask_a_number(login, cast, today):
    describe(cast.system, cast.finding, "已退还押金，手机13812345678。")
    notice = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    response = login("outsider").post(reverse("notice-mask-number", args=[notice.pk]),
                                      {"number": "13812345678"})
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.masks == [] and "13812345678" in notice.doc["text"]


def test_confirming_an_import_reads_the_staged_file_once(login, cast, today, monkeypatch):
    target = empty_inspection(cast)
    client = login("admin")
    data = next(SAMPLES.glob("000_*.txt")).read_bytes()
    client.post(reverse("import", args=[target.pk]), {"file": upload("000.txt", data)})
    reads = []
    original = storage.read_bytes
    monkeypatch.setattr(storage, "read_bytes", lambda *a: reads.append(a) or original(*a))
    client.post(reverse("import-confirm", args=[target.pk]),
                {"token": client.session[f"import:{target.pk}"]["token"]})
    assert Finding.objects.filter(inspection=target).count() == 8 and len(reads) == 1


def test_a_finding_without_measures_is_exported_and_imports_back(login, cast, today):
    from xuncha.ledger.services import findings

    findings.create_finding(cast.system, cast.inspection, "社区财务公开不及时")  # no measure yet
    exported = login("admin").get(reverse("ledger-export", args=[cast.inspection.pk])).content
    book = read_xlsx(exported)
    assert [f.text for f in book.findings] == ["“第一议题”落实不到位", "社区财务公开不及时"]
    assert book.errors == [] and [len(f.rows) for f in book.findings] == [1, 0]
    round_book = login("admin").post(reverse("round-export", args=[cast.inspection.round_id])).content
    import openpyxl
    sheet = openpyxl.load_workbook(io.BytesIO(round_book))["天宝社区"]
    listed = [sheet.cell(row, 3).value for row in range(3, sheet.max_row + 1)]
    assert "社区财务公开不及时" in listed and not sheet.cell(listed.index("社区财务公开不及时") + 3, 9).value
    target = empty_inspection(cast)
    client = login("admin")
    page = client.post(reverse("import", args=[target.pk]),
                       {"file": SimpleUploadedFile("台账.xlsx", exported)}).content.decode()
    assert "确认导入 2 个问题" in page
    client.post(reverse("import-confirm", args=[target.pk]), {"token": client.session[f"import:{target.pk}"]["token"]})
    titles = dict(Finding.objects.filter(inspection=target).annotate(n=Count("measures")).values_list("title", "n"))
    assert titles == {"“第一议题”落实不到位": 1, "社区财务公开不及时": 0}


def test_a_file_of_another_type_is_refused_naming_every_type_the_import_takes(login, cast):
    page = login("admin").post(reverse("import", args=[cast.inspection.pk]),
                               {"file": SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff")}).content.decode()
    import re
    supported = re.search(r"不支持的文件类型“\.jpg”（支持：([^）]*)）", page).group(1).split("、")
    assert {".xlsx", ".xls", ".et", ".docx", ".pdf", ".txt"} <= set(supported)


def test_editing_a_draft_records_the_parts_that_changed(cast, today):
    from xuncha.core.document import Contacts
    from xuncha.core.render.compose import FreeParts
    from xuncha.web import audit_words

    editor = cast.actor("editor")
    draft = notices.draft_from_ledger(editor, cast.inspection)
    notices.update_draft(editor, draft, FreeParts(overview=["社区党委召开专题会议部署整改。"], plans=["持续抓好整改。"],
                                                  contacts=Contacts(phones=["0871-12345678"])), draft.row_version)
    event = AuditEvent.objects.filter(action="notice.edit").latest("seq")
    changed = set(event.after["doc"])
    assert "contacts" in changed and "text" not in changed and "findings" not in changed
    lines = audit_words.changes(event.before, event.after, "notice", "notice.edit")
    assert any("0871-12345678" in line for line in lines), lines
