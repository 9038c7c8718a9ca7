"""Status changes as data: the tables, the one apply function, history rows and the timeline."""

import datetime as dt

import pytest

from xuncha.ledger import selectors, transitions
from xuncha.ledger.errors import InvalidMove, PermissionDenied
from xuncha.ledger.models import AuditEvent, Closeout, Finding, Measure, StatusChange
from xuncha.ledger.services import closeouts, extensions, measures

pytestmark = pytest.mark.django_db

ACCOUNT = "已召开5次支部会议，均落实第一议题，会议记录已归档。"


def finish(cast):
    measures.report_progress(cast.actor("editor"), cast.measure, dt.date(2025, 11, 10), ACCOUNT, mark="done")
    return Finding.objects.get(pk=cast.finding.pk)


def test_every_table_is_plain_data_a_test_can_list():
    kinds = {t["kind"] for t in transitions.describe()}
    assert {"measure", "closeout", "finding", "notice", "extension"} <= kinds
    closeout = next(t for t in transitions.describe() if t["kind"] == "closeout")
    endorse = next(m for m in closeout["moves"] if m["name"] == "endorse")
    assert endorse["roles"] == ["system", "unit_leader"] and endorse["second_person"]
    assert all(m["reason"] for m in closeout["moves"] if m["name"] == "return")


def test_a_new_kind_registers_its_own_table():
    table = transitions.Table(kind="test-comment", title="意见", model=Closeout, choices=transitions.CLOSEOUT_STATE,
                              field="state", moves=(), inspection=lambda o: None, finding_id=lambda o: None)
    try:
        assert transitions.register(table) is transitions.REGISTRY["test-comment"]
    finally:
        del transitions.REGISTRY["test-comment"]


def test_a_move_writes_one_history_row_and_one_audit_record(cast, today):
    measures.change_measure_status(cast.actor("editor"), cast.measure, "in_progress")
    change = StatusChange.objects.get(object_kind="measure")
    assert (change.from_status, change.to_status, change.move) == ("planned", "in_progress", "start")
    assert change.actor_id == cast.users["editor"].pk and change.finding_id == cast.finding.pk
    assert change.event.action == "measure.start" and change.event.before == {"status": "planned"}
    # The finding's status followed (待整改 → 未完成): its derived move has a history row too.
    derived = StatusChange.objects.get(object_kind="finding")
    assert (derived.from_status, derived.to_status) == ("open", "not_done")


def test_a_refused_move_leaves_no_history(cast, today):
    with pytest.raises(PermissionDenied):
        measures.change_measure_status(cast.actor("outsider"), cast.measure, "in_progress")
    with pytest.raises(InvalidMove, match="措施状态不能从"):
        measures.change_measure_status(cast.actor("editor"), cast.measure, "planned")
    assert not StatusChange.objects.exists()


def test_the_page_asks_the_table_which_moves_are_possible(cast, today):
    measure = Measure.objects.select_related("finding__inspection").get(pk=cast.measure.pk)
    names = {m.name for m in transitions.available_moves(cast.actor("editor"), measure)}
    assert names == {"start", "finish", "extend"}  # no 长期坚持 for a measure with a deadline
    assert transitions.available_moves(cast.actor("supervisor"), measure) == []


def test_measures_are_frozen_while_awaiting_sign_off_and_the_page_says_why(cast, today):
    closeouts.request_closeout(cast.actor("editor"), finish(cast))
    page = selectors.finding_page(cast.actor("editor"), cast.finding.pk)
    assert "等待销号审核" in page.frozen
    assert all(m.moves == [] for m in page.measures)


def test_a_look_back_is_possible_only_on_a_closed_finding(cast, today):
    finding = Finding.objects.select_related("inspection").get(pk=cast.finding.pk)
    assert "lookback" not in transitions.move_names(cast.actor("team_member"), finding)
    with pytest.raises(InvalidMove, match="只能对已销号的问题"):
        closeouts.record_lookback(cast.actor("team_member"), finding, today, "sustained")


def test_the_sign_off_audit_states_the_real_previous_status(cast, today):
    ongoing = measures.create_measure(cast.actor("editor"), cast.finding, "长期坚持学习制度", kind="ongoing")
    measures.report_progress(cast.actor("editor"), ongoing, today, "已建立长期学习制度并坚持执行。", mark="ongoing")
    finding = finish(cast)
    assert finding.status == "ongoing"
    request = closeouts.request_closeout(cast.actor("editor"), finding)
    closeouts.endorse_closeout(cast.actor("leader"), request)
    closeouts.approve_closeout(cast.actor("admin"), request)
    event = AuditEvent.objects.get(action="finding.close")
    assert event.before == {"status": "ongoing"} and event.after["status"] == "closed"


def test_the_timeline_says_what_changed(cast, today):
    measure = Measure.objects.get(pk=cast.measure.pk)
    measures.update_measure(cast.actor("editor"), measure, measure.version, owner="社区居委会")
    measures.change_measure_status(cast.actor("editor"), Measure.objects.get(pk=cast.measure.pk), "in_progress")
    request = extensions.request_extension(cast.actor("editor"), Measure.objects.get(pk=cast.measure.pk),
                                           dt.date(2025, 12, 31), "需协调街道统一安排")
    extensions.approve_extension(cast.actor("admin"), request)
    lines = []
    for entry in selectors.finding_timeline(cast.finding.pk):
        lines += [entry.summary, *entry.changes]
    assert "措施状态：未开始 → 正在整改" in lines
    assert "问题状态：待整改 → 未完成" in lines
    assert "责任部门/责任人：社区党委 → 社区居委会" in lines
    assert "完成时限：2025-11-15 → 2025-12-31" in lines
    assert "延期申请：待审核 → 已同意延期" in lines
