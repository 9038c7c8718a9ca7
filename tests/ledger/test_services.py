"""Services: legal and illegal moves, compare-and-swap, audit, permissions."""

import datetime as dt

import pytest

from xuncha.ledger.errors import Conflict, InvalidInput, InvalidMove, PermissionDenied
from xuncha.ledger.models import AuditEvent, Closeout, Evidence, Finding, Measure, ProgressReport
from xuncha.ledger.services import closeouts, findings, measures, notices, setup, storage

pytestmark = pytest.mark.django_db


def finish(cast, actor_name="editor"):
    """Report the cast's measure done, as the unit editor would."""
    return measures.report_progress(cast.actor(actor_name), cast.measure, dt.date(2025, 11, 10),
                                    "已召开5次支部会议，均落实第一议题。", mark="done")


def endorse(cast, request):
    """The unit leader endorses a sign-off request (单位负责人审核), as the default policy asks."""
    return closeouts.endorse_closeout(cast.actor("leader"), request)


def test_it_moves_a_planned_measure_to_in_progress_on_the_first_report(cast, today):
    measures.report_progress(cast.actor("editor"), cast.measure, today, "正在梳理会议记录。")
    cast.measure.refresh_from_db()
    assert cast.measure.status == "in_progress"
    assert Finding.objects.get(pk=cast.finding.pk).status == "not_done"


def test_it_marks_the_finding_done_when_every_measure_is_done(cast, today):
    finish(cast)
    finding = Finding.objects.get(pk=cast.finding.pk)
    assert finding.status == "done"
    assert finding.next_deadline is None
    assert Measure.objects.get(pk=cast.measure.pk).completed_on == dt.date(2025, 11, 10)


@pytest.mark.parametrize(("old", "new"), [("planned", "done"), ("in_progress", "done"), ("done", "in_progress")])
def test_it_allows_the_legal_moves(cast, today, old, new):
    Measure.objects.filter(pk=cast.measure.pk).update(status=old)
    measure = Measure.objects.get(pk=cast.measure.pk)
    measures.change_measure_status(cast.actor("editor"), measure, new)
    assert Measure.objects.get(pk=cast.measure.pk).status == new


@pytest.mark.parametrize(("old", "new"), [("planned", "planned"), ("done", "done"), ("in_progress", "planned")])
def test_it_refuses_illegal_moves_in_chinese(cast, today, old, new):
    Measure.objects.filter(pk=cast.measure.pk).update(status=old)
    with pytest.raises(InvalidMove, match="措施状态不能从"):
        measures.change_measure_status(cast.actor("editor"), Measure.objects.get(pk=cast.measure.pk), new)


def test_it_refuses_ongoing_for_a_measure_with_a_deadline(cast, today):
    with pytest.raises(InvalidMove, match="长期坚持"):
        measures.change_measure_status(cast.actor("editor"), cast.measure, "ongoing")


def test_it_refuses_a_stale_edit_with_a_conflict(cast, today):
    measure = Measure.objects.get(pk=cast.measure.pk)
    measures.update_measure(cast.actor("editor"), measure, measure.version, owner="社区居委会")
    with pytest.raises(Conflict, match="已被他人修改"):
        measures.update_measure(cast.actor("editor"), measure, measure.version - 1, owner="别的部门")
    assert Measure.objects.get(pk=cast.measure.pk).owner == "社区居委会"


def test_it_requires_a_deadline_unless_the_measure_is_ongoing(cast):
    with pytest.raises(InvalidInput, match="完成时限"):
        measures.create_measure(cast.actor("editor"), cast.finding, "建立台账")
    measure = measures.create_measure(cast.actor("editor"), cast.finding, "定期学习", kind="ongoing")
    assert measure.deadline is None


def test_it_refuses_sign_off_while_measures_are_not_done(cast, today):
    with pytest.raises(InvalidMove, match="还有整改措施未完成"):
        closeouts.request_closeout(cast.actor("editor"), cast.finding)
    assert not Closeout.objects.exists()


def test_it_signs_off_a_finished_finding_and_freezes_its_measures(cast, today):
    finish(cast)
    request = closeouts.request_closeout(cast.actor("editor"), Finding.objects.get(pk=cast.finding.pk), "已整改")
    endorse(cast, request)
    closeouts.approve_closeout(cast.actor("admin"), request, "同意")
    finding = Finding.objects.get(pk=cast.finding.pk)
    assert finding.status == "closed"
    with pytest.raises(InvalidMove, match="已销号"):
        measures.create_measure(cast.actor("editor"), finding, "再加一条", deadline=today)


def test_it_refuses_a_second_request_while_one_is_pending(cast, today):
    finish(cast)
    finding = Finding.objects.get(pk=cast.finding.pk)
    closeouts.request_closeout(cast.actor("editor"), finding)
    with pytest.raises(InvalidMove, match="待审核"):
        closeouts.request_closeout(cast.actor("editor"), finding)
    with pytest.raises(InvalidMove, match="等待销号审核"):
        measures.change_measure_status(cast.actor("editor"), Measure.objects.get(pk=cast.measure.pk),
                                       "in_progress")


def test_it_returns_a_request_only_with_a_reason(cast, today):
    finish(cast)
    request = closeouts.request_closeout(cast.actor("editor"), Finding.objects.get(pk=cast.finding.pk))
    with pytest.raises(InvalidInput, match="理由"):
        closeouts.return_closeout(cast.actor("admin"), request, "  ")
    closeouts.return_closeout(cast.actor("admin"), request, "佐证材料不足")
    assert Closeout.objects.get(pk=request.pk).state == "returned"
    assert Finding.objects.get(pk=cast.finding.pk).status == "returned"  # 待补充, never 已完成


def test_it_refuses_to_decide_a_request_twice(cast, today):
    finish(cast)
    request = closeouts.request_closeout(cast.actor("editor"), Finding.objects.get(pk=cast.finding.pk))
    endorse(cast, request)
    stale = Closeout.objects.get(pk=request.pk)
    closeouts.approve_closeout(cast.actor("admin"), request)
    with pytest.raises(Conflict, match="已被他人处理"):
        closeouts.return_closeout(cast.actor("admin"), stale, "重复")


def test_a_rebounded_lookback_reopens_the_finding_until_signed_off_again(cast, today):
    finish(cast)
    request = closeouts.request_closeout(cast.actor("editor"), Finding.objects.get(pk=cast.finding.pk))
    endorse(cast, request)
    closeouts.approve_closeout(cast.actor("admin"), request)
    with pytest.raises(InvalidInput, match="说明"):
        closeouts.record_lookback(cast.actor("team_member"), Finding.objects.get(pk=cast.finding.pk),
                                  today, "rebounded")
    closeouts.record_lookback(cast.actor("team_member"), Finding.objects.get(pk=cast.finding.pk), today,
                              "rebounded", "10月支部会议又未落实第一议题")
    finding = Finding.objects.get(pk=cast.finding.pk)
    assert finding.status == "reopened"
    measure = measures.create_measure(cast.actor("editor"), finding, "建立会议议程审核制度", deadline=today)
    measures.report_progress(cast.actor("editor"), measure, today, "已建立会议议程审核制度并印发执行", mark="done")
    assert Finding.objects.get(pk=cast.finding.pk).status == "reopened"
    request = closeouts.request_closeout(cast.actor("editor"), Finding.objects.get(pk=cast.finding.pk))
    endorse(cast, request)
    closeouts.approve_closeout(cast.actor("admin"), request)
    assert Finding.objects.get(pk=cast.finding.pk).status == "closed"


def test_a_lookback_needs_a_signed_off_finding(cast, today):
    with pytest.raises(InvalidMove, match="已销号"):
        closeouts.record_lookback(cast.actor("admin"), cast.finding, today, "sustained")


def test_every_change_leaves_an_audit_record_with_actor_ip_and_before_after(cast, today):
    measure = Measure.objects.get(pk=cast.measure.pk)
    measures.update_measure(cast.actor("editor", ip="192.0.2.7"), measure, measure.version, owner="社区居委会")
    event = AuditEvent.objects.filter(action="measure.update").get()
    assert event.actor_id == cast.users["editor"].pk
    assert event.ip == "192.0.2.7"
    assert event.before["owner"] == "社区党委" and event.after["owner"] == "社区居委会"
    assert event.finding_id == cast.finding.pk and event.inspection_id == cast.inspection.pk


def test_a_refused_change_leaves_no_audit_record(cast, today):
    count = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        measures.update_measure(cast.actor("outsider"), cast.measure, cast.measure.version, owner="x")
    assert AuditEvent.objects.count() == count


@pytest.mark.parametrize("who", ["outsider", "supervisor", "team_member", "leader"])
def test_only_the_units_editors_and_the_office_change_measures(cast, today, who):
    with pytest.raises(PermissionDenied):
        measures.report_progress(cast.actor(who), cast.measure, today, "进展")
    assert not ProgressReport.objects.exists()


def test_an_editor_of_a_parent_unit_may_change_its_sub_units_measures(cast, today):
    measures.report_progress(cast.actor("street_editor"), cast.measure, today, "街道督促")
    assert ProgressReport.objects.count() == 1


@pytest.mark.parametrize("who", ["editor", "outsider", "other_team", "supervisor"])
def test_only_the_inspecting_team_and_the_office_edit_findings(cast, who):
    with pytest.raises(PermissionDenied):
        findings.create_finding(cast.actor(who), cast.inspection, "新问题")


@pytest.mark.parametrize("who", ["editor", "team_member", "leader", "supervisor"])
def test_only_the_office_decides_sign_off(cast, today, who):
    finish(cast)
    request = closeouts.request_closeout(cast.actor("editor"), Finding.objects.get(pk=cast.finding.pk))
    if who != "leader":
        endorse(cast, request)
    with pytest.raises(PermissionDenied):
        closeouts.approve_closeout(cast.actor(who), request)


def test_a_refused_evidence_upload_keeps_neither_rows_nor_files(cast, today, settings):
    files = [("ok.pdf", [b"%PDF-1.4 test"]), ("bad.exe", [b"MZ\x90\x00\x03\x00\x00\x00" * 10])]
    with pytest.raises(InvalidInput, match="类型不在允许范围"):
        measures.report_progress(cast.actor("editor"), cast.measure, today, "附材料", files)
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert list(storage.walk("evidence")) == []


def test_it_refuses_evidence_over_the_size_limit(cast, today, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(InvalidInput, match="大小限制"):
        measures.report_progress(cast.actor("editor"), cast.measure, today, "附材料",
                                 [("big.txt", [b"a" * 2048])])


def test_it_stores_evidence_under_a_generated_name_with_its_hash(cast, today, settings):
    measures.report_progress(cast.actor("editor"), cast.measure, today, "附会议记录",
                             [("会议记录.pdf", [b"%PDF-1.4 ", b"minutes"])])
    evidence = Evidence.objects.get()
    assert evidence.original_name == "会议记录.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.stored_name != "会议记录.pdf" and len(evidence.stored_name) == 32
    assert evidence.sha256 == __import__("hashlib").sha256(b"%PDF-1.4 minutes").hexdigest()
    assert storage.read_bytes("evidence", evidence.stored_name) == b"%PDF-1.4 minutes"


def test_the_rectification_period_defaults_to_two_months_after_feedback(cast):
    assert cast.inspection.rectification_end == dt.date(2025, 11, 15)
    assert setup.add_months(dt.date(2025, 12, 31), 2) == dt.date(2026, 2, 28)


def test_a_round_can_set_its_own_rectification_period(cast):
    round_ = setup.create_round(cast.system, "专项巡察", type="special", rectification_months=3)
    inspection = setup.create_inspection(cast.system, round_, cast.team4, cast.jianshe,
                                         feedback_date=dt.date(2025, 9, 16))
    assert inspection.rectification_end == dt.date(2025, 12, 16)


def test_it_keeps_the_inspection_summary_in_step(cast, today):
    finish(cast)
    cast.inspection.refresh_from_db()
    assert (cast.inspection.findings_total, cast.inspection.findings_finished) == (1, 1)
    assert (cast.inspection.measures_total, cast.inspection.measures_finished) == (1, 1)


def test_a_notice_goes_from_draft_to_approved_to_published_and_then_never_changes(cast):
    notice = notices.create_draft(cast.actor("editor"), cast.inspection, {"title": "通报"})
    with pytest.raises(PermissionDenied):
        notices.approve(cast.actor("editor"), notice)
    notice = notices.approve(cast.actor("leader"), notice)
    with pytest.raises(PermissionDenied):
        notices.publish(cast.actor("leader"), notice)
    notice = notices.publish(cast.actor("admin"), notice)
    assert notice.state == "published"
    with pytest.raises(InvalidMove, match="新版本"):
        notices.update_draft(cast.actor("editor"), notice, {"title": "改"}, notice.row_version)
    assert notices.create_draft(cast.actor("editor"), cast.inspection, {}).version == 2


@pytest.mark.django_db(transaction=True)
def test_a_draft_is_composed_from_the_ledger_outside_any_outer_transaction(cast):
    # In autocommit (as in a real request), the row lock must sit in the service's own transaction:
    # PostgreSQL refuses SELECT … FOR UPDATE outside one.
    first = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    second = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    assert (first.version, second.version) == (1, 2)


def test_a_notice_of_120_findings_is_composed_with_chinese_numbers_and_reads_back(cast):
    from xuncha.core.parse import parse_text

    for i in range(2, 121):
        findings.create_finding(cast.system, cast.other_inspection, f"第{i}个问题")
    notice = notices.draft_from_ledger(cast.system, cast.other_inspection)
    text = notice.doc["text"]
    assert "（一百零一）第101个问题" in text and "（一百二十）第120个问题" in text
    back = parse_text(text)
    assert [f.path[-1] for f in back.findings][-3:] == ["（一百一十八）", "（一百一十九）", "（一百二十）"]
    assert len(back.findings) == 120
