"""Each role's 工作台, the measure list, the to-do lists, sign-off through the pages, form tokens."""

import datetime as dt

import pytest
from django.urls import reverse

from xuncha.ledger.models import Closeout, Finding, Measure, ProgressReport
from xuncha.ledger.services import findings, measures, setup

pytestmark = pytest.mark.django_db

ACCOUNT = "已召开5次支部会议，均落实第一议题，会议记录已归档。"


def finish(cast):
    measures.report_progress(cast.actor("editor"), cast.measure, dt.date(2025, 11, 10), ACCOUNT, mark="done")
    return Finding.objects.get(pk=cast.finding.pk)


def test_posting_the_same_progress_form_twice_creates_one_report(login, cast, today):
    client = login("editor")
    form = {"date": "2025-11-18", "text": "已梳理会议记录。", "mark": "", "version": cast.measure.version,
            "form_token": "token-abc-123"}
    first = client.post(reverse("progress-create", args=[cast.measure.pk]), form, follow=True)
    assert "已报送整改进展" in first.content.decode()
    again = client.post(reverse("progress-create", args=[cast.measure.pk]), form, follow=True)
    assert "已经提交过" in again.content.decode()
    assert ProgressReport.objects.count() == 1


def test_a_refused_form_can_be_sent_again_with_the_same_token(login, cast, today):
    client = login("editor")
    form = {"date": "2024-01-01", "text": "日期写错了", "mark": "", "version": cast.measure.version,
            "form_token": "token-retry"}
    response = client.post(reverse("progress-create", args=[cast.measure.pk]), form, follow=True)
    assert "不能早于巡察进驻日期" in response.content.decode()
    client.post(reverse("progress-create", args=[cast.measure.pk]), {**form, "date": "2025-11-18"})
    assert ProgressReport.objects.count() == 1


def test_the_finding_page_offers_only_the_moves_the_table_allows(login, cast, today):
    page = login("editor").get(reverse("finding", args=[cast.finding.pk])).content.decode()
    marks = page.split('name="mark"')[1].split("</select>")[0]
    assert '<option value="in_progress">正在整改</option>' in marks
    assert '<option value="ongoing">' not in marks  # a deadline measure is never 长期坚持
    assert "申请延期" in page


def test_sign_off_through_the_pages_with_the_leaders_endorsement(client, cast, today):
    finish(cast)
    client.force_login(cast.users["editor"])
    client.post(reverse("closeout-request", args=[cast.finding.pk]),
                {"comment": "已整改", "root_cause": "制度缺失", "lessons": "梳理全部会议制度", "form_token": "t1"})
    closeout = Closeout.objects.get()
    client.force_login(cast.users["leader"])
    page = client.get(reverse("workbench")).content.decode()
    assert 'id="task-closeouts-to-endorse"' in page and "“第一议题”落实不到位" in page
    client.post(reverse("closeout-endorse", args=[closeout.pk]), {"comment": "属实"})
    client.force_login(cast.users["admin"])
    page = client.get(reverse("finding", args=[cast.finding.pk])).content.decode()
    assert "同意销号" in page and "单位负责人审核" in page and "问题根源：制度缺失" in page
    client.post(reverse("closeout-return", args=[closeout.pk]), {"comment": "缺签到表"})
    assert Finding.objects.get(pk=cast.finding.pk).status == "returned"
    client.force_login(cast.users["editor"])
    page = client.get(reverse("workbench")).content.decode()
    assert 'id="task-returned"' in page and "缺签到表" in page
    page = client.get(reverse("finding", args=[cast.finding.pk])).content.decode()
    assert "待补充" in page and "已完成</span> " not in page.split('id="finding-status"')[1][:80]


@pytest.mark.parametrize(("who", "key"), [
    ("editor", "overdue"), ("leader", "closeouts-to-endorse"), ("admin", "closeouts-to-decide"),
    ("team_member", "findings-to-enter"), ("supervisor", "closed-unfinished")])
def test_each_role_has_its_own_to_do_list(login, cast, today, who, key):
    page = login(who).get(reverse("workbench")).content.decode()
    assert f'id="count-{key}"' in page


def test_the_team_sees_inspections_without_findings(login, cast, today):
    round_ = cast.inspection.round
    empty = setup.create_inspection(cast.system, round_, cast.team4, cast.street, start=dt.date(2025, 7, 2),
                                    end=dt.date(2025, 8, 10), feedback_date=dt.date(2025, 9, 15))
    page = login("team_member").get(reverse("todo", args=["findings-to-enter"])).content.decode()
    assert f'href="{reverse("inspection", args=[empty.pk])}"' in page


def test_every_count_links_to_its_full_list(login, cast, today):
    client = login("admin")
    page = client.get(reverse("workbench")).content.decode()
    assert 'href="/measures/?colour=red"' in page
    assert client.get(reverse("todo", args=["extensions"])).status_code == 200
    assert client.get(reverse("todo", args=["no-such-list"])).status_code == 404


def test_the_measure_list_filters_and_sorts_by_urgency(login, cast, today):
    later = measures.create_measure(cast.system, cast.finding, "建立长效机制", owner="组织委员",
                                    deadline=dt.date(2025, 11, 25))
    client = login("admin")
    page = client.get(reverse("measures")).content.decode()
    overdue, soon, other = (page.index(cast.measure.text[:20]), page.index("建立长效机制"),
                            page.index(cast.other_measure.text))
    assert overdue < soon < other  # most overdue first, then the nearest deadline
    page = client.get(reverse("measures"), {"colour": "yellow"}).content.decode()
    assert "建立长效机制" in page and cast.measure.text[:20] not in page
    page = client.get(reverse("measures"), {"owner": "组织委员"}).content.decode()
    assert "建立长效机制" in page and "补签合同" not in page
    page = client.get(reverse("measures"), {"unit": cast.jianshe.pk}).content.decode()
    assert "补签合同" in page and "建立长效机制" not in page
    page = client.get(reverse("measures"), {"team": cast.team4.pk, "kind": "deadline"}).content.decode()
    assert "建立长效机制" in page and "补签合同" not in page
    assert later.pk


def test_the_measure_list_shows_only_what_the_actor_may_see(login, cast, today):
    page = login("outsider").get(reverse("measures")).content.decode()
    assert "补签合同" in page and "建立" not in page and cast.measure.text[:20] not in page


def test_warning_thresholds_come_from_the_round(login, cast, today):
    round_ = cast.inspection.round
    round_.warning_days = 60
    round_.save()
    page = login("admin").get(reverse("measures"), {"colour": "yellow"}).content.decode()
    assert "补签合同" in page  # due 2025-12-31: yellow with 60 days, green with the default 10


def test_the_round_page_counts_overdue_measures_per_unit(login, cast, today):
    page = login("admin").get(reverse("round", args=[cast.inspection.round_id])).content.decode()
    assert f"unit={cast.tianbao.pk}&colour=red\">1</a>" in page


def test_a_new_finding_is_created_once_on_a_double_click(login, cast, today):
    client = login("team_member")
    form = {"title": "新问题", "source": "feedback", "form_token": "double-click"}
    client.post(reverse("finding-create", args=[cast.inspection.pk]), form)
    client.post(reverse("finding-create", args=[cast.inspection.pk]), form)
    assert Finding.objects.filter(title="新问题").count() == 1
    assert findings  # the service module used by the view


def test_a_completed_measure_without_evidence_is_an_anomaly_for_the_supervisor(login, cast, today):
    measures.report_progress(cast.actor("editor"), cast.measure, today, "已完成", mark="done")
    page = login("supervisor").get(reverse("workbench")).content.decode()
    assert 'id="task-no-evidence"' in page
    assert Measure.objects.get(pk=cast.measure.pk).status == "done"


def test_every_measure_carries_its_inspection_and_round_for_the_list(login, cast, today):
    later = measures.create_measure(cast.system, cast.finding, "建立长效机制", deadline=dt.date(2025, 11, 25))
    rows = Measure.objects.filter(pk__in=[later.pk, cast.other_measure.pk]).order_by("pk")
    assert [(m.inspection_id, m.round_id) for m in rows] == [
        (cast.other_inspection.pk, cast.other_inspection.round_id), (cast.inspection.pk, cast.inspection.round_id)]
    client = login("admin")
    page = client.get(reverse("measures"), {"round": cast.inspection.round_id, "colour": "red"}).content.decode()
    assert cast.measure.text[:20] in page and "建立长效机制" not in page
    page = client.get(reverse("measures"), {"round": cast.inspection.round_id, "unit": cast.jianshe.pk,
                                            "status": "all"}).content.decode()
    assert "补签合同" in page and "建立长效机制" not in page


def test_measures_finished_after_their_deadline_are_listed_as_late(login, cast, today):
    measures.report_progress(cast.actor("editor"), cast.measure, dt.date(2025, 11, 18), ACCOUNT, mark="done")
    measures.report_progress(cast.actor("outsider"), cast.other_measure, dt.date(2025, 11, 18), ACCOUNT,
                             mark="done")
    page = login("admin").get(reverse("measures"), {"status": "late"}).content.decode()
    assert cast.measure.text[:20] in page  # due 11-15, done 11-18
    assert "补签合同" not in page  # due 12-31: done in time
