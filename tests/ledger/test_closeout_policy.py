"""Stricter 销号 as a configurable policy (XUNCHA_CLOSEOUT_*)."""

import datetime as dt

import pytest

from xuncha.ledger import selectors
from xuncha.ledger.errors import InvalidInput, InvalidMove, PermissionDenied
from xuncha.ledger.models import Closeout, Finding, Measure
from xuncha.ledger.services import closeouts, measures

pytestmark = pytest.mark.django_db

ACCOUNT = "已召开5次支部会议，均落实第一议题，会议记录已归档。"


def finding_of(cast):
    return Finding.objects.get(pk=cast.finding.pk)


def finish(cast, text=ACCOUNT, files=()):
    measures.report_progress(cast.actor("editor"), cast.measure, dt.date(2025, 11, 10), text, files=files,
                             mark="done")
    return finding_of(cast)


def test_the_unit_leader_endorses_before_the_office_decides(cast, today):
    request = closeouts.request_closeout(cast.actor("editor"), finish(cast), "已整改到位")
    with pytest.raises(InvalidMove, match="尚待单位负责人审核"):
        closeouts.approve_closeout(cast.actor("admin"), request)
    closeouts.endorse_closeout(cast.actor("leader"), request, "情况属实")
    closeouts.approve_closeout(cast.actor("admin"), request)
    request.refresh_from_db()
    assert request.state == "approved" and request.endorsed_by == cast.users["leader"]
    assert finding_of(cast).status == "closed"


def test_only_the_units_leader_endorses(cast, today):
    request = closeouts.request_closeout(cast.actor("editor"), finish(cast))
    for who in ("editor", "admin", "outsider", "supervisor"):
        with pytest.raises(PermissionDenied):
            closeouts.endorse_closeout(cast.actor(who), request)


def test_without_endorsement_the_office_decides_directly(cast, today, settings):
    settings.CLOSEOUT_ENDORSEMENT = False
    request = closeouts.request_closeout(cast.actor("editor"), finish(cast))
    closeouts.approve_closeout(cast.actor("admin"), request)
    assert finding_of(cast).status == "closed"


def test_the_requester_may_not_approve_their_own_request(cast, today, settings):
    settings.CLOSEOUT_ENDORSEMENT = False
    request = closeouts.request_closeout(cast.actor("admin"), finish(cast))
    with pytest.raises(InvalidMove, match="另一人"):
        closeouts.approve_closeout(cast.actor("admin"), request)
    assert Closeout.objects.get(pk=request.pk).state == "requested"
    settings.CLOSEOUT_SEPARATE_APPROVER = False
    closeouts.approve_closeout(cast.actor("admin"), request)
    assert finding_of(cast).status == "closed"


def test_a_finished_measure_needs_evidence_or_a_written_account(cast, today):
    finding = finish(cast, text="已完成")
    with pytest.raises(InvalidMove, match="既没有佐证材料，也没有不少于15字的书面说明"):
        closeouts.request_closeout(cast.actor("editor"), finding)
    assert not Closeout.objects.exists()
    page = selectors.finding_page(cast.actor("editor"), cast.finding.pk)
    assert "request_closeout" not in page.finding_moves and "佐证材料" in page.closeout_refusal


def test_an_evidence_file_is_enough_without_a_long_account(cast, today):
    finding = finish(cast, text="已完成", files=[("会议记录.pdf", [b"%PDF-1.4 minutes"])])
    assert closeouts.request_closeout(cast.actor("editor"), finding).state == "requested"


def test_a_written_account_is_enough_no_photo_is_compulsory(cast, today):
    assert closeouts.request_closeout(cast.actor("editor"), finish(cast)).state == "requested"


def test_the_evidence_rule_can_be_switched_off(cast, today, settings):
    settings.CLOSEOUT_EVIDENCE = False
    assert closeouts.request_closeout(cast.actor("editor"), finish(cast, text="已完成")).state == "requested"


def test_root_cause_and_lessons_are_optional_fields_of_the_request(cast, today, settings):
    request = closeouts.request_closeout(cast.actor("editor"), finish(cast), "已整改",
                                         root_cause="议事规则未明确第一议题", lessons="全面梳理各类会议议程")
    assert (request.root_cause, request.lessons) == ("议事规则未明确第一议题", "全面梳理各类会议议程")
    closeouts.return_closeout(cast.actor("admin"), request, "请补充")
    settings.CLOSEOUT_REQUIRE_ANALYSIS = True
    with pytest.raises(InvalidInput, match="问题根源"):
        closeouts.request_closeout(cast.actor("editor"), finding_of(cast), "再次申请")


def test_a_returned_request_puts_the_finding_in_needs_more_with_the_reason(cast, today):
    request = closeouts.request_closeout(cast.actor("editor"), finish(cast))
    closeouts.endorse_closeout(cast.actor("leader"), request)
    closeouts.return_closeout(cast.actor("admin"), request, "会议记录未附签到表")
    finding = finding_of(cast)
    assert finding.status == "returned"  # 待补充, not 已完成
    page = selectors.workbench(cast.actor("editor"))
    returned = next(t for t in page.tasks if t.key == "returned")
    assert returned.count == 1 and returned.rows[0].return_reason == "会议记录未附签到表"
    # Measures may change again, and asking again clears 待补充.
    measures.report_progress(cast.actor("editor"), Measure.objects.get(pk=cast.measure.pk), today,
                             "已补充会议签到表扫描件并归档。")
    again = closeouts.request_closeout(cast.actor("editor"), finding_of(cast))
    assert finding_of(cast).status == "done" and again.state == "requested"


def test_the_leader_may_return_a_request_before_endorsing(cast, today):
    request = closeouts.request_closeout(cast.actor("editor"), finish(cast))
    with pytest.raises(InvalidInput, match="理由"):
        closeouts.return_closeout(cast.actor("leader"), request, " ")
    closeouts.return_closeout(cast.actor("leader"), request, "佐证不全")
    assert finding_of(cast).status == "returned"
