"""审计日志: who sees it, filters, before/after in words, the Excel export (itself audited)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from xuncha.ledger.models import AuditEvent, Staff
from xuncha.ledger.services import audit_chain, measures
from xuncha.web import audit_words

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit_admin(client, cast):
    """An audit administrator (the role string the 三员 accounts use)."""
    user = get_user_model().objects.create_user("auditor", password="x")
    Staff.objects.create(user=user, role="audit_admin", display_name="审计员")
    client.force_login(user)
    return client


def _page(client, **query) -> str:
    response = client.get(reverse("audit-log"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_nav_item_is_shown_to_those_who_may_read_the_audit(login, cast):
    assert ">审计日志</a>" in login("admin").get(reverse("workbench")).content.decode()
    assert ">审计日志</a>" in login("supervisor").get(reverse("workbench")).content.decode()
    editor = login("editor")
    assert ">审计日志</a>" not in editor.get(reverse("workbench")).content.decode()
    assert editor.get(reverse("audit-log")).status_code == 403
    assert editor.get(reverse("audit-export")).status_code == 403


def test_the_audit_administrator_reads_the_columns_and_changes_in_words(audit_admin, cast):
    measures.update_measure(cast.actor("editor", ip="10.1.2.3"), cast.measure, cast.measure.version,
                            text="每次支部会议第一项学习，形成记录")
    page = _page(audit_admin)
    for column in ("<th>时间</th>", "<th>操作人</th>", "<th>地址</th>", "<th>操作</th>", "<th>变更</th>"):
        assert column in page
    assert "修改整改措施" in page and "10.1.2.3" in page
    assert "整改措施：每次支部会议第一项学习总书记重要讲话 → 每次支部会议第一项学习，形成记录" in page


def test_the_latest_chain_verification_is_at_the_top(audit_admin, cast):
    assert "审计链校验：尚未运行" in _page(audit_admin)
    audit_chain.verify_and_store()
    page = _page(audit_admin)
    assert "审计链校验：完整" in page
    assert page.index("审计链校验") < page.index("<table")


def test_filters_by_person_action_unit_inspection_and_date(audit_admin, cast):
    measures.update_measure(cast.actor("editor"), cast.measure, cast.measure.version, text="新措施文字")
    by_person = _page(audit_admin, person="editor")
    assert "新措施文字" in by_person and "新建单位 天宝社区" not in by_person
    by_action = _page(audit_admin, action="unit.create")
    assert "新建单位 天宝社区" in by_action and "新增问题：" not in by_action
    by_unit = _page(audit_admin, unit=cast.jianshe.pk)
    assert "财务管理不规范" in by_unit and "第一议题" not in by_unit
    by_inspection = _page(audit_admin, inspection=cast.inspection.pk)
    assert "第一议题" in by_inspection and "财务管理不规范" not in by_inspection
    assert "没有符合条件的审计记录" in _page(audit_admin, **{"from": "2999-01-01"})
    assert "第一议题" in _page(audit_admin, **{"from": "2000-01-01", "to": "2999-12-31"})
    assert "第一议题" in _page(audit_admin, unit="not-a-number", inspection="x", action="nonsense")


def test_a_supervisor_of_a_unit_reads_only_its_sub_tree(client, cast):
    user = get_user_model().objects.create_user("jiwei", password="x")
    Staff.objects.create(user=user, role="supervisor", unit=cast.street, display_name="街道纪工委")
    client.force_login(user)
    page = _page(client)
    assert "您可查看 天宝街道党工委 及其下属单位的审计记录" in page
    assert "第一议题" in page and "财务管理不规范" not in page
    assert "财务管理不规范" not in _page(client, inspection=cast.other_inspection.pk)


def test_the_list_is_paginated(audit_admin, cast, settings):
    settings.PAGE_SIZE = 5
    page = _page(audit_admin)
    assert "第 1 / " in page and "page=2" in page
    assert page.count('<td data-label="时间"') == 5


def test_the_excel_export_holds_the_filtered_rows_and_is_audited(audit_admin, cast):
    response = audit_admin.get(reverse("audit-export"), {"action": "unit.create"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "新建单位 天宝社区" in strings and "操作人" in strings and "新增问题" not in strings
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor_name == "审计员" and export.after["filters"]["action"] == "unit.create"
    assert export.after["rows"] == 4


def test_every_action_written_in_the_code_has_a_chinese_name():
    import re
    from pathlib import Path

    source = "\n".join(p.read_text(encoding="utf-8") for p in Path("src/xuncha").rglob("*.py"))
    written = set(re.findall(r"audit\.record(?:_now)?\([^,]+,\s*\"([a-z_.]+)\"", source))
    assert written and written <= set(audit_words.ACTIONS), written - set(audit_words.ACTIONS)


def test_the_unit_filter_lists_the_top_three_levels_but_takes_any_unit(audit_admin, cast):
    from xuncha.ledger.services import setup

    branch = setup.create_unit(cast.system, "天宝社区第一支部", parent=cast.tianbao)
    page = _page(audit_admin)
    assert f'value="{cast.tianbao.pk}"' in page and "天宝社区第一支部</option>" not in page
    assert "新建单位 天宝社区第一支部" in _page(audit_admin, unit=branch.pk)


def test_every_key_the_code_writes_into_a_record_has_a_chinese_name():
    import re
    from pathlib import Path

    source = "\n".join(p.read_text(encoding="utf-8") for p in Path("src/xuncha").rglob("*.py"))
    written = {key for body in re.findall(r"(?:after|before)=\{([^}]*)\}", source)
               for key in re.findall(r'"([a-z_0-9]+)":', body)}
    unnamed = {k for k in written if not audit_words._chinese(audit_words.field_label(k))} - {"sha256"}
    assert written and not unnamed, unnamed


def test_a_record_names_people_times_and_codes_in_words():
    after = {"decided_by": 7, "decided_at": "2025-11-16T02:30:00+00:00", "mode": "count",
             "flags": ["same_file"], "size": 3}
    lines = audit_words.changes(None, after, "round", "random_check.draw", {7: "赵明"})
    assert lines == ["审核人：赵明", "审核时间：2025-11-16 10:30:00", "抽取方式：按数量", "核验提示：相同文件",
                     "抽取数量：3"]


def test_a_changed_notice_doc_lists_only_its_changed_parts():
    before = {"state": "draft", "doc": {"title": "关于…的通报", "notice_date": "2025-11-01"}}
    after = {"state": "approved", "doc": {"title": "关于…的通报", "notice_date": "2025-11-16"}}
    assert audit_words.changes(before, after, "notice", "notice.approve") == [
        "状态：草稿 → 已审定", "通报内容·通报日期：2025-11-01 → 2025-11-16"]


def test_a_state_is_named_by_the_choice_set_of_its_own_kind_of_record():
    state = ({"state": "held"}, {"state": "published"})
    assert audit_words.changes(*state, "publiccomment", "comment.publish") == ["状态：待审核 → 已公开"]
    assert audit_words.changes({"state": "approved"}, {"state": "published"}, "notice") == ["状态：已审定 → 已发布"]
    assert audit_words.changes({"state": "open"}, {"state": "answered"}, "supervision") == [
        "状态：待报结 → 已报结待审核"]
    assert audit_words.changes(None, {"state": "endorsed"}, "closeout") == ["状态：单位负责人已审核"]
    assert audit_words.changes(None, {"rating": "basically"}, "publiccomment", "comment.rate") == ["评价：基本满意"]
    assert audit_words.changes(None, {"kind": "workday"}, "holiday", "portal.holiday") == ["类型：调休上班"]


def test_bundle_counts_job_arguments_formulas_and_refusals_read_in_chinese():
    lines = audit_words.changes(None, {"objects": {"inspection": 1, "finding": 8}, "peer": "县委巡察办"},
                                "inspection", "bundle.export")
    assert lines == ["对象数：巡察：1；问题：8", "交换对象：县委巡察办"]
    assert audit_words.changes(None, {"args": {"pk": 1}}, "job") == ["任务参数：编号：1"]
    formula = audit_words.changes({"formula": "逾期措施数 * 1"}, {"formula": "逾期措施数 * 0.5"}, "schemeitem")
    assert formula[0].split("：")[0] != "formula" and "逾期措施数 * 0.5" in formula[0]
    assert audit_words.object_words("peer", 1).split()[0] != "peer"
    assert audit_words.RESULTS["refused"] == "已拒收"
    labels = [audit_words.action_label(a) for a in audit_words.ACTIONS]
    assert len(labels) == len(set(labels)), "two actions read the same in the filter"
