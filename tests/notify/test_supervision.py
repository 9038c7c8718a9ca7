"""报结: the unit answers a 督办, the office accepts or returns it; every move audited and notified."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from xuncha.ledger.errors import InvalidInput, InvalidMove, PermissionDenied
from xuncha.ledger.models import AuditEvent, StatusChange
from xuncha.ledger.services import closeouts
from xuncha.notify import ladder, selectors, services
from xuncha.notify.choices import SUPERVISION_MOVES
from xuncha.notify.models import Interview, Notification, Supervision


@pytest.fixture
def supervision(cast, clock) -> Supervision:
    clock.set(dt.date(2025, 11, 16))
    ladder.run(clock.day)
    return Supervision.objects.get()


def _kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_the_moves_are_a_table_of_from_to_roles_and_reason():
    answer = SUPERVISION_MOVES["answer"]
    assert (answer.sources, answer.target, answer.needs_reason) == (("open", "returned"), "answered", True)
    assert "unit_editor" in answer.roles and "unit_leader" not in answer.roles
    assert SUPERVISION_MOVES["accept"].roles == ("office_admin", "system")


def test_the_units_editor_answers_and_the_office_is_told(cast, supervision, committed):
    editor = cast.actor("editor")
    assert services.possible_moves(editor, supervision) == ["answer"]
    with committed():
        services.move(editor, supervision, "answer", "已全部整改完毕，附会议记录。")
    supervision.refresh_from_db()
    assert supervision.state == "answered" and supervision.answered_by == cast.users["editor"]
    assert "supervision_answered" in _kinds(cast.users["admin"])
    assert "supervision_answered" not in _kinds(cast.users["editor"])  # not told of one's own act
    # One record of the act, on the timeline of the finding the 督办 covers.
    assert AuditEvent.objects.filter(action="supervision.answer").count() == 1
    from xuncha.ledger.selectors import finding_timeline

    assert [entry.summary for entry in finding_timeline(cast.finding.pk)
            if entry.summary.startswith(f"督办{supervision.number}：")] == [
        f"督办{supervision.number}：待报结 → 已报结待审核（已全部整改完毕，附会议记录。）"]
    # The move is a row of the ledger's history, like every other status change.
    change = StatusChange.objects.get(object_kind="supervision", object_id=supervision.pk)
    assert (change.move, change.from_status, change.to_status) == ("answer", "open", "answered")


def test_another_units_editor_and_the_leader_may_not_answer(cast, supervision):
    with pytest.raises(PermissionDenied):
        services.move(cast.actor("outsider"), supervision, "answer", "x")
    with pytest.raises(PermissionDenied):
        services.move(cast.actor("leader"), supervision, "answer", "x")


def test_an_answer_needs_text_and_a_return_needs_a_reason(cast, supervision):
    with pytest.raises(InvalidInput):
        services.move(cast.actor("editor"), supervision, "answer", "  ")
    services.move(cast.actor("editor"), supervision, "answer", "已完成")
    supervision.refresh_from_db()
    with pytest.raises(InvalidInput):
        services.move(cast.actor("admin"), supervision, "return", "")


def test_the_office_returns_then_accepts_and_the_unit_hears_both(cast, supervision, committed):
    with committed():
        services.move(cast.actor("editor"), supervision, "answer", "已完成")
    supervision.refresh_from_db()
    with committed():
        services.move(cast.actor("admin"), supervision, "return", "佐证材料不全")
    supervision.refresh_from_db()
    assert supervision.state == "returned"
    services.move(cast.actor("editor"), supervision, "answer", "已补充佐证材料")
    supervision.refresh_from_db()
    with committed():
        services.move(cast.actor("admin"), supervision, "accept")
    supervision.refresh_from_db()
    assert supervision.state == "closed"
    assert _kinds(cast.users["leader"]).count("supervision_decided") == 2
    with pytest.raises(InvalidMove):
        services.move(cast.actor("editor"), supervision, "answer", "再报一次")


def test_a_stale_copy_loses_to_the_first_move(cast, supervision):
    stale = Supervision.objects.get(pk=supervision.pk)
    services.move(cast.actor("editor"), supervision, "answer", "已完成")
    from xuncha.ledger.errors import Conflict

    with pytest.raises(Conflict):
        services.move(cast.actor("admin"), stale, "answer", "同时报结")


def test_the_office_records_the_interview(cast, clock):
    for day in (dt.date(2025, 11, 16), dt.date(2025, 12, 16)):
        ladder.run(clock.set(day))
    interview = Interview.objects.get()
    with pytest.raises(PermissionDenied):
        services.record_interview(cast.actor("editor"), interview, clock.day, "王某", "")
    with pytest.raises(InvalidInput):
        services.record_interview(cast.actor("admin"), interview, clock.day + dt.timedelta(days=1), "王某", "")
    services.record_interview(cast.actor("admin"), interview, clock.day, "巡察办主任王某；社区党委书记李某", "已约谈")
    interview.refresh_from_db()
    assert interview.state == "held" and AuditEvent.objects.filter(action="interview.record").count() == 1


def test_a_change_that_rolls_back_notifies_nobody(cast, supervision, committed):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        services.move(cast.actor("editor"), supervision, "answer", "已完成")
        raise RuntimeError("the outer transaction fails")
    assert Notification.objects.filter(kind="supervision_answered").count() == 0


def test_the_counts_for_analytics_follow_the_scope(cast, clock, supervision):
    counts = selectors.ladder_counts(cast.actor("admin"))
    assert counts["supervisions"] == {"open": 1} and counts["steps"]["supervise"] == 1
    assert counts["supervisions_waiting"] == 1 and counts["supervisions_reply_overdue"] == 0
    assert selectors.ladder_counts(cast.actor("outsider"))["supervisions"] == {}
    clock.set(supervision.reply_due + dt.timedelta(days=1))
    assert selectors.ladder_counts(cast.actor("admin"))["supervisions_reply_overdue"] == 1


def test_a_returned_closeout_and_a_rebounded_lookback_notify_the_unit(cast, clock, today, committed):
    from xuncha.ledger.models import Measure
    from xuncha.ledger.services import measures

    # 销号 needs evidence or a written account of each finished measure (a progress report).
    measure = Measure.objects.get(pk=cast.measure.pk)
    measures.report_progress(cast.actor("editor"), measure, today, "每次支部会议第一项学习讲话精神，记录已归档备查。",
                             [], None, measure.version)
    Measure.objects.filter(pk=cast.measure.pk).update(status="done")
    from xuncha.ledger import derived

    derived.refresh_finding(cast.finding.pk)
    cast.finding.refresh_from_db()
    closeout = closeouts.request_closeout(cast.actor("editor"), cast.finding, "已完成")
    closeouts.endorse_closeout(cast.actor("leader"), closeout)
    with committed():
        closeouts.return_closeout(cast.actor("admin"), closeout, "佐证不足")
    assert _kinds(cast.users["editor"]) == ["closeout_returned"]
    assert Notification.objects.get(recipient=cast.users["editor"]).link == f"/findings/{cast.finding.pk}/"
    closeout = closeouts.request_closeout(cast.actor("editor"), cast.finding, "已补充")
    closeouts.endorse_closeout(cast.actor("leader"), closeout)
    closeouts.approve_closeout(cast.actor("admin"), closeout)
    cast.finding.refresh_from_db()
    with committed():
        closeouts.record_lookback(cast.actor("team_member"), cast.finding, today, "rebounded", "问题反弹")
    assert _kinds(cast.users["leader"]) == ["finding_reopened"]
    assert _kinds(cast.users["outsider"]) == []


def test_the_moves_are_registered_with_the_ledgers_transition_tables(cast, supervision):
    from xuncha.ledger import transitions

    table = transitions.table_for(supervision)
    assert table.kind == "supervision" and {m.name for m in table.moves} == set(SUPERVISION_MOVES)
    assert [m.name for m in transitions.available_moves(cast.actor("editor"), supervision)] == ["answer"]
    assert [m.name for m in transitions.available_moves(cast.actor("admin"), supervision)] == ["answer"]
    assert transitions.available_moves(cast.actor("leader"), supervision) == []
    assert "supervision" in {t["kind"] for t in transitions.describe()}
