"""The 工作台's 最近变动 lists changes to the programme, not sign-ins or refused attempts."""

from xuncha.ledger import selectors
from xuncha.ledger.services import audit, setup


def test_the_office_sees_ledger_and_set_up_changes_but_no_sign_ins(cast):
    admin = cast.actor("admin")
    setup.create_team(admin, "区委第五巡察组")
    audit.record(cast.actor("editor"), "login", cast.users["editor"], "editor 登录")
    audit.record(cast.actor("outsider"), "measure.update", cast.measure, "无权修改", result="denied")
    summaries = [e.summary for e in selectors.recent_changes(admin, 50)]
    assert "editor 登录" not in summaries and "无权修改" not in summaries
    assert any("区委第五巡察组" in s for s in summaries)
    assert any("第一议题" in s for s in summaries)  # the cast's finding, made through the services


def test_a_unit_sees_its_own_inspections_changes(cast):
    summaries = [e.summary for e in selectors.recent_changes(cast.actor("editor"), 50)]
    assert any("第一议题" in s for s in summaries) and not any("财务管理" in s for s in summaries)
