"""Staff pages: what they show, the actions they run, and their query counts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xuncha.ledger import selectors
from xuncha.ledger.models import Evidence, Finding, Measure
from xuncha.ledger.services import closeouts, findings, measures

pytestmark = pytest.mark.django_db


def test_the_workbench_shows_my_overdue_measures_and_pending_sign_offs(login, cast, today):
    page = login("editor").get(reverse("workbench")).content.decode()
    assert "每次支部会议第一项学习总书记重要讲话" in page and "已逾期" in page
    assert "补签合同" not in page  # another unit's


def test_the_office_sees_pending_sign_offs_on_its_workbench(login, cast, today):
    measures.report_progress(cast.actor("editor"), cast.measure, today, "已召开5次支部会议，均落实第一议题。",
                             mark="done")
    request = closeouts.request_closeout(cast.actor("editor"), Finding.objects.get(pk=cast.finding.pk))
    closeouts.endorse_closeout(cast.actor("leader"), request)
    page = login("admin").get(reverse("workbench")).content.decode()
    assert 'id="task-closeouts-to-decide"' in page and "“第一议题”落实不到位" in page


def test_the_inspection_page_shows_the_findings_tree_with_statuses(login, cast, today):
    page = login("team_member").get(reverse("inspection", args=[cast.inspection.pk])).content.decode()
    assert "一、集中整改期内已完成的整改事项" in page
    assert "“第一议题”落实不到位" in page and "待整改" in page and "已逾期" in page
    assert "新增反馈问题" in page


def test_a_unit_editor_reports_progress_with_evidence_through_the_form(login, cast, today):
    client = login("editor")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("progress-create", args=[cast.measure.pk]), {
        "date": "2025-11-18", "text": "已召开支部会议5次", "mark": "done", "version": cast.measure.version,
        "files": [SimpleUploadedFile("记录.pdf", b"%PDF-1.4 minutes")]}, follow=True)
    assert "已报送整改进展" in response.content.decode()
    assert Measure.objects.get(pk=cast.measure.pk).status == "done"
    evidence = Evidence.objects.get()
    download = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 minutes"


def test_a_refused_form_shows_a_chinese_message_and_changes_nothing(login, cast, today):
    client = login("editor")
    response = client.post(reverse("progress-create", args=[cast.measure.pk]), {
        "date": "2099-01-01", "text": "未来的进展", "version": cast.measure.version}, follow=True)
    assert "进展日期不能晚于今天" in response.content.decode()
    response = client.post(reverse("measure-create", args=[cast.finding.pk]), {"kind": "deadline"}, follow=True)
    assert "这个字段是必填项" in response.content.decode()
    assert Measure.objects.count() == 2


def test_a_stale_form_tells_the_user_to_refresh(login, cast, today):
    client = login("editor")
    response = client.post(reverse("measure-status", args=[cast.measure.pk]),
                           {"status": "in_progress", "version": cast.measure.version + 5}, follow=True)
    assert "已被他人修改" in response.content.decode()


def test_search_within_a_round_finds_findings_by_measure_text(login, cast):
    client = login("admin")
    page = client.get(reverse("round", args=[cast.inspection.round_id]), {"q": "补签"}).content.decode()
    assert "财务管理不规范" in page and "“第一议题”落实不到位" not in page


def _add_findings(cast, count):
    for i in range(count):
        finding = findings.create_finding(cast.system, cast.inspection, f"问题{i}", category=f"类别{i % 3}")
        measures.create_measure(cast.system, finding, f"措施{i}", owner="社区", deadline=dt.date(2025, 12, 1))


PAGES = {
    "workbench": lambda cast: reverse("workbench"),
    "round": lambda cast: reverse("round", args=[cast.inspection.round_id]),
    "inspection": lambda cast: reverse("inspection", args=[cast.inspection.pk]),
    "findings": lambda cast: reverse("findings"),
    "measures": lambda cast: reverse("measures") + "?status=all",
    "measures_round_red": lambda cast: reverse("measures") + f"?round={cast.inspection.round_id}&colour=red",
    "measures_unit_team": lambda cast: reverse("measures") + f"?unit={cast.district.pk}&team={cast.team4.pk}",
    "measures_late": lambda cast: reverse("measures") + "?status=late",
    "todo": lambda cast: reverse("todo", args=["lookbacks-due"]),
}
# The query-count baseline of each list page: the same for 10 rows as for 100.
# Sessions are no longer written on every request (3 queries fewer on SQLite), and the staff row
# comes with the user (1 fewer). The inspection page: categories, finding count and page, their
# measures and sign-offs, copied progress, notices.
# The round page: +1 for the viewer's recent round exports (导出台账).
# The 工作台 is a to-do list per role: each task is a count and its first rows (the office's:
# sign-offs to decide, 延期 requests, overdue measures, returned findings, 督办 answers to review,
# overdue by unit); a task with nothing to do reads no preview rows (so 18 here, not 22).
# The round page counts overdue measures per unit (one grouped query). Measure rows read the
# measures table alone and prefetch their findings, inspections, units and rounds (4 queries).
# +1 on every page since the 通知 nav item shows the unread count (one indexed COUNT).
# The measure list with a round (its unit choices, +1, and the 红黄绿 thresholds, +1) or a unit
# (its path and name: +2).
QUERY_BASELINE = {"workbench": 18, "round": 8, "inspection": 11, "findings": 8, "measures": 12, "todo": 6,
                  "measures_round_red": 14, "measures_unit_team": 14, "measures_late": 12}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_list_pages_keep_their_query_count_whatever_the_rows(login, cast, page, today):
    client = login("admin")
    client.get(PAGES[page](cast))  # renews the session: requests within a minute do not write it
    counts = []
    for extra in (10, 90):
        _add_findings(cast, extra)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGES[page](cast)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries for 10 rows, {counts[1]} for 100"
    assert counts[0] <= QUERY_BASELINE[page], f"{page}: {counts[0]} queries, baseline {QUERY_BASELINE[page]}"


def test_an_editor_edits_a_measure_and_a_stale_copy_shows_both_versions_keeping_the_typed_text(login, cast,
                                                                                               today):
    client = login("editor")
    form = {"text": "每次支部会议第一项学习", "owner": "社区党委书记", "kind": "deadline", "deadline": "2025-11-15",
            "version": cast.measure.version}
    response = client.post(reverse("measure-update", args=[cast.measure.pk]), form, follow=True)
    assert "已保存整改措施" in response.content.decode()
    assert Measure.objects.get(pk=cast.measure.pk).owner == "社区党委书记"
    response = client.post(reverse("measure-update", args=[cast.measure.pk]),
                           {**form, "owner": "我刚输入的责任人"})
    page = response.content.decode()
    assert response.status_code == 409
    assert 'id="edit-conflict"' in page
    assert "社区党委书记" in page  # the saved version
    assert "我刚输入的责任人" in page  # what the user typed, kept in the form
    assert Measure.objects.get(pk=cast.measure.pk).owner == "社区党委书记"
    current = Measure.objects.get(pk=cast.measure.pk).version
    assert f'name="version" value="{current}"' in page  # saving the kept form is a deliberate overwrite


def test_a_set_deadline_is_shown_but_not_offered_in_the_edit_form_and_other_edits_keep_it(login, cast):
    client = login("editor")
    deadline = Measure.objects.get(pk=cast.measure.pk).deadline
    page = client.get(reverse("finding", args=[cast.finding.pk])).content.decode()
    assert re.search(rf'name="deadline" value="{deadline.isoformat()}"[^>]*disabled', page)
    assert "调整完成时限请提出延期申请" in page
    form = {"text": "每次支部会议第一项学习", "owner": "社区党委书记", "kind": "deadline",
            "version": cast.measure.version}  # a disabled field is not sent
    response = client.post(reverse("measure-update", args=[cast.measure.pk]), form, follow=True)
    assert "已保存整改措施" in response.content.decode()
    saved = Measure.objects.get(pk=cast.measure.pk)
    assert (saved.owner, saved.deadline) == ("社区党委书记", deadline)


def test_the_team_edits_a_finding(login, cast):
    client = login("team_member")
    response = client.post(reverse("finding-update", args=[cast.finding.pk]), {
        "title": "第一议题制度落实不到位", "source": "feedback", "version": cast.finding.version}, follow=True)
    assert "已保存反馈问题" in response.content.decode()
    assert Finding.objects.get(pk=cast.finding.pk).title == "第一议题制度落实不到位"


def test_the_inspection_page_shows_ledger_checks_beside_findings_and_measures(login, cast, today):
    measures.create_measure(cast.system, cast.finding, "建立会议议程审核", deadline=dt.date(2026, 3, 1))
    page = login("admin").get(reverse("inspection", args=[cast.inspection.pk])).content.decode()
    assert "没有责任部门或责任人" in page and "晚于集中整改期" in page


def test_a_large_inspection_is_shown_a_page_at_a_time_with_categories_counted(login, cast, today,
                                                                              monkeypatch):
    monkeypatch.setattr(selectors, "FINDINGS_PER_PAGE", 50)
    _add_findings(cast, 120)  # 问题0…问题119 in 类别0/1/2, after the cast's own finding
    client = login("admin")
    url = reverse("inspection", args=[cast.inspection.pk])
    first = client.get(url).content.decode()
    assert first.count('<article class="finding"') == 50
    assert "问题48" in first and "问题49" not in first and "措施48" in first
    assert "第 1 / 3 页，共 121 个问题" in first and 'href="?page=2"' in first
    assert '<a href="?category=2">类别0</a> <span class="meta">0/40 完成整改</span>' in first
    last = client.get(url, {"page": 3}).content.decode()
    assert last.count('<article class="finding"') == 21 and "问题119" in last and "措施119" in last
    one = client.get(url, {"category": 3}).content.decode()  # 类别1: 问题1, 问题4, …
    assert one.count('<article class="finding"') == 40
    assert "问题1<" in one and "问题4<" in one and "问题0<" not in one and "全部问题" in one
    assert '<h2 class="category">类别1</h2>' in one
    later = client.get(url, {"category": 3, "page": 2}).content.decode()  # 40 fit on one page
    assert '<h2 class="category">类别1</h2>' in later and "（续）" not in later


def test_a_category_running_over_a_page_break_is_marked_as_continued(login, cast, monkeypatch):
    monkeypatch.setattr(selectors, "FINDINGS_PER_PAGE", 2)
    category = cast.finding.category
    for i in range(3):
        findings.create_finding(cast.system, cast.inspection, f"同类问题{i}", category=category)
    client = login("admin")
    url = reverse("inspection", args=[cast.inspection.pk])
    assert "（续）" not in client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert f'<h2 class="category">{category}（续）</h2>' in second


def test_ledger_checks_on_a_later_page_are_those_of_its_findings(login, cast, today, monkeypatch):
    monkeypatch.setattr(selectors, "FINDINGS_PER_PAGE", 10)
    _add_findings(cast, 15)
    late = Finding.objects.get(title="问题14")
    measures.create_measure(cast.system, late, "建立会议议程审核", deadline=dt.date(2026, 3, 1))
    client = login("admin")
    url = reverse("inspection", args=[cast.inspection.pk])
    assert "没有责任部门或责任人" not in client.get(url).content.decode().split('id="findings-tree"')[1]
    assert "没有责任部门或责任人" in client.get(url, {"page": 2}).content.decode()


def test_a_finding_takes_its_category_from_the_list_and_a_number_from_the_system(login, cast):
    client = login("team_member")
    page = client.get(reverse("inspection", args=[cast.inspection.pk])).content.decode()
    assert '<option value="一、集中整改期内已完成的整改事项">' in page and 'name="number"' not in page
    url = reverse("finding-create", args=[cast.inspection.pk])
    client.post(url, {"category": "一、集中整改期内已完成的整改事项", "title": "问题二", "source": "feedback"})
    client.post(url, {"new_category": "（二）财务管理方面", "title": "问题三", "source": "feedback"})
    two, three = Finding.objects.get(title="问题二"), Finding.objects.get(title="问题三")
    assert two.number == "一/（二）"
    assert (three.category, three.number) == ("财务管理方面", "二/（一）")


def test_every_count_on_the_workbench_and_round_page_opens_the_list_it_counts(login, cast, today):
    measures.report_progress(cast.actor("editor"), Measure.objects.get(pk=cast.measure.pk), today,
                             "已召开支部会议，会议记录已归档。", mark="done")
    client = login("admin")
    page = client.get(reverse("workbench")).content.decode()
    for anchor in ("stat-findings", "stat-finished", "stat-closed", "stat-measures"):
        match = re.search(rf'id="{anchor}" href="([^"]+)"><b>(\d+)', page)
        assert match, anchor
        url, shown = match.group(1).replace("&amp;", "&"), int(match.group(2))
        listed = client.get(url).content.decode()
        counted = re.search(r'id="(?:finding|measure)-count">共 (\d+) 项', listed)
        assert counted and int(counted.group(1)) == shown, (anchor, url, shown)
    round_page = client.get(reverse("round", args=[cast.inspection.round_id])).content.decode()
    assert f"?round={cast.inspection.round_id}&unit={cast.inspection.unit_id}&closeout=finished" in round_page
