"""统计分析: summaries kept in the transaction, scoped pages, drill-down, export, pushes, repeats."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from xuncha.analytics import report, services, summaries
from xuncha.analytics.models import ClusterRun, CommonIssuePush, RepeatDecision, Summary
from xuncha.ledger.errors import InvalidInput, PermissionDenied
from xuncha.ledger.models import AuditEvent, Finding
from xuncha.ledger.services import findings, measures, setup

pytestmark = pytest.mark.django_db


def _counts(inspection) -> dict:
    summaries.refresh_pending()  # what the queued job (or the next page) does
    rows = Summary.objects.filter(inspection=inspection)
    return {r.category: (r.findings, r.finished, r.measures, r.red) for r in rows}


def test_each_change_marks_its_inspection_and_the_queued_refresh_rewrites_the_rows(today, cast):
    # The cast's measure was due 2025-11-15: five days overdue on 2025-11-20.
    assert _counts(cast.inspection) == {"political": (1, 0, 1, 1)}
    findings.create_finding(cast.system, cast.inspection, "财务管理不规范")
    assert _counts(cast.inspection) == {"political": (1, 0, 1, 1), "finance": (1, 0, 0, 0)}
    measures.create_measure(cast.system, cast.finding, "补课", deadline=dt.date(2025, 10, 1))
    assert summaries.pending() == 1
    summaries.refresh_pending()
    assert summaries.pending() == 0
    row = Summary.objects.get(inspection=cast.inspection, category="political")
    assert (row.measures, row.red, row.age_1_7, row.age_31_90) == (2, 1, 1, 1)


def test_the_nightly_rebuild_gives_the_same_rows_as_the_incremental_updates(today, cast):
    findings.create_finding(cast.system, cast.inspection, "财务管理不规范")
    summaries.refresh_pending()
    before = sorted(Summary.objects.values_list("inspection_id", "category", "findings", "measures", "red"))
    Summary.objects.all().delete()
    summaries.rebuild(today)
    after = sorted(Summary.objects.values_list("inspection_id", "category", "findings", "measures", "red"))
    assert before == after


def test_the_office_sees_every_unit_and_a_unit_editor_only_its_own(today, cast):
    office = report.build(cast.actor("admin"))
    assert office.totals["findings"] == 2
    editor = report.build(cast.actor("editor"))
    assert editor.totals["findings"] == 1
    team = report.build(cast.actor("other_team"))
    assert team.totals["findings"] == 1 and team.chart("teams").categories == ["区委第二巡察组"]


def test_the_page_shows_charts_with_tables_and_every_source_s_figure(today, login, cast):
    response = login("supervisor").get(reverse("analytics"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "统计分析" in html and "逾期措施账龄" in html and "<table" in html
    assert 'id="analytics-data"' in html and "echarts.common.min.js" in html
    assert "未启用" not in html  # every source's feature is installed and registers its provider


def test_every_source_has_a_provider_and_counts_its_own_rows(today, cast):
    from xuncha.analytics import providers
    from xuncha.notify.models import Supervision

    assert {s.key for s in providers.SOURCES} == set(providers.PROVIDERS)
    ids = [cast.inspection.pk, cast.other_inspection.pk]
    assert providers.PROVIDERS["supervision"](ids) == {}
    Supervision.objects.create(inspection=cast.inspection, unit_name="天宝社区", issuer="巡察办",
                               opened_on=dt.date(2025, 11, 20), reply_due=dt.date(2025, 12, 1))
    shown = {f.source.key: f.shown for f in providers.figures(ids)}
    assert shown["supervision"] == "1" and shown["extensions"] == "—" and shown["satisfaction"] == "—"


def test_a_unit_overdue_bar_links_to_the_measures_behind_it(today, login, cast):
    data = report.build(cast.actor("supervisor"))
    units = data.chart("units")
    assert units.categories == ["天宝社区"]
    assert data.chart("unit_completion").categories == []  # all rounds: choose a round first
    by_round = report.build(cast.actor("supervisor"), cast.inspection.round_id).chart("unit_completion")
    assert sorted(by_round.categories) == ["天宝社区", "建设社区"]
    response = login("supervisor").get(units.links[0])
    html = response.content.decode()
    assert "每次支部会议第一项学习总书记重要讲话" in html and "补签合同" not in html
    assert "天宝社区" in html and 'value="red" selected' in html


def test_the_export_is_an_excel_file_and_an_audited_data_export(today, login, cast):
    response = login("supervisor").get(reverse("analytics-export") + "?chart=units")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    event = AuditEvent.objects.get(action="analytics.export")
    assert event.actor_name == "supervisor" and "逾期" in event.summary


def test_an_unknown_role_is_refused(client, cast):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("nobody", password="x-very-long-1")
    client.force_login(user)
    assert client.get(reverse("analytics")).status_code == 403


def test_the_office_pushes_a_common_issue_to_other_units_as_self_check_findings(today, cast):
    third = setup.create_unit(cast.system, "和平社区", parent=cast.district)
    ins3 = setup.create_inspection(cast.system, cast.inspection.round, cast.team2, third)
    admin = cast.actor("admin")
    issue = services.push_common_issue(admin, "财务管理不规范", [cast.other_finding.pk],
                                       [cast.tianbao.pk, third.pk])
    pushed = Finding.objects.filter(source="self_check").order_by("inspection_id")
    assert [f.inspection_id for f in pushed] == [cast.inspection.pk, ins3.pk]
    assert CommonIssuePush.objects.filter(issue=issue).count() == 2
    summaries.refresh_pending()
    assert Summary.objects.get(inspection=ins3).self_checks == 1
    assert AuditEvent.objects.filter(action="common_issue.push").exists()


def test_only_the_office_pushes_and_a_name_is_needed(today, cast):
    with pytest.raises(PermissionDenied):
        services.push_common_issue(cast.actor("supervisor"), "x", [cast.other_finding.pk], [cast.tianbao.pk])
    with pytest.raises(InvalidInput):
        services.push_common_issue(cast.actor("admin"), " ", [cast.other_finding.pk], [cast.tianbao.pk])


def test_clustering_runs_as_a_job_and_the_page_offers_the_push(
        today, login, cast, django_capture_on_commit_callbacks):
    findings.create_finding(cast.system, cast.inspection, "财务制度管理不严")
    client = login("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cluster-start"), {"rounds": [cast.inspection.round_id]})
    assert response.status_code == 302
    run = ClusterRun.objects.get()
    assert run.state == "done" and len(run.clusters) == 1
    html = client.get(response["Location"]).content.decode()
    assert "财务" in html and "推送自查自纠" not in html  # both units already have it


def test_a_repeat_is_proposed_on_the_finding_page_and_confirmed_by_the_team(today, login, cast):
    later = setup.create_round(cast.system, "2026年区委第一轮巡察", start=dt.date(2026, 3, 1))
    ins = setup.create_inspection(cast.system, later, cast.team4, cast.tianbao,
                                  feedback_date=dt.date(2026, 5, 1))
    new = findings.create_finding(cast.system, ins, "“第一议题”制度执行不到位")
    client = login("team_member")
    html = client.get(reverse("finding", args=[new.pk])).content.decode()
    assert "疑似屡查屡犯" in html and "确认屡查屡犯" in html
    client.post(reverse("repeat-decide", args=[new.pk]), {"earlier": cast.finding.pk, "decision": "confirm"})
    new.refresh_from_db()
    assert new.previous_id == cast.finding.pk
    assert RepeatDecision.objects.get().decision == "confirmed"
    summaries.refresh_pending()
    assert Summary.objects.get(inspection=ins).repeats == 1
    assert "疑似屡查屡犯" not in client.get(reverse("finding", args=[new.pk])).content.decode()


def test_another_team_cannot_confirm_a_repeat(today, login, cast):
    later = setup.create_round(cast.system, "2026年区委第一轮巡察", start=dt.date(2026, 3, 1))
    ins = setup.create_inspection(cast.system, later, cast.team4, cast.tianbao)
    new = findings.create_finding(cast.system, ins, "“第一议题”制度执行不到位")
    response = login("other_team").post(reverse("repeat-decide", args=[new.pk]),
                                        {"earlier": cast.finding.pk, "decision": "confirm"})
    assert response.status_code == 404
    assert not RepeatDecision.objects.exists()


def test_a_registered_provider_fills_its_figure_and_the_others_stay_off(today, cast, monkeypatch):
    from xuncha.analytics import providers

    monkeypatch.setattr(providers, "PROVIDERS", {})
    providers.register("extensions", lambda ids: {i: 2 for i in ids})
    shown = {f.source.key: f.shown for f in report.build(cast.actor("admin")).figures}
    assert shown["extensions"] == "4" and shown["supervision"] == "未启用"
    with pytest.raises(KeyError):
        providers.register("nonsense", lambda ids: {})


def test_drill_filters_never_widen_the_scope(today, login, cast):
    url = reverse("findings") + f"?unit={cast.jianshe.pk}"
    html = login("editor").get(url).content.decode()
    assert "财务管理不规范" not in html
    assert "财务管理不规范" in login("admin").get(url).content.decode()


def test_bad_drill_values_are_ignored(today, login, cast):
    response = login("admin").get(reverse("findings") + "?unit=abc&colour=purple&age=x")
    assert response.status_code == 200
    assert "“第一议题”落实不到位" in response.content.decode()


def test_overdue_bars_land_on_the_measure_list_with_the_same_filters(today, login, cast):
    rid = cast.inspection.round_id
    data = report.build(cast.actor("supervisor"), rid)
    unit_link = data.chart("units").links[0]
    assert unit_link == f"{reverse('measures')}?round={rid}&unit={cast.tianbao.pk}&colour=red"
    assert data.chart("ageing").links[0] == f"{reverse('measures')}?round={rid}&age=age_1_7"
    html = login("supervisor").get(unit_link).content.decode()
    assert "每次支部会议第一项学习总书记重要讲话" in html and "补签合同" not in html
    # The cast's measure is five days overdue: in the 1–7 day bucket, not in 8–30.
    assert "每次支部会议第一项学习总书记重要讲话" in login("supervisor").get(
        data.chart("ageing").links[0]).content.decode()
    assert "每次支部会议第一项学习总书记重要讲话" not in login("supervisor").get(
        data.chart("ageing").links[1]).content.decode()


def test_the_page_reads_exact_rows_before_the_worker_runs(today, cast):
    before = report.build(cast.actor("admin")).totals["findings"]
    findings.create_finding(cast.system, cast.inspection, "财务管理不规范")
    findings.create_finding(cast.system, cast.inspection, "记账凭证记录不规范")
    assert summaries.pending() == 1
    assert report.build(cast.actor("admin")).totals["findings"] == before + 2
    assert summaries.pending() == 0


def test_a_committed_change_queues_one_refresh_job_per_waiting_inspection(
        today, cast, django_capture_on_commit_callbacks):
    from xuncha.jobs.models import Job

    summaries.refresh_pending()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        findings.create_finding(cast.system, cast.inspection, "财务管理不规范")
        findings.create_finding(cast.system, cast.inspection, "记账凭证记录不规范")
    queued = [c for c in callbacks if "mark_changed" in c.__qualname__]
    assert len(queued) == 1 and not Job.objects.filter(name="analytics.refresh").exists()
    queued[0]()
    assert Job.objects.filter(name="analytics.refresh").count() == 1


def _report_numbers(data) -> dict:
    return {"totals": data.totals, **{c.key: (c.categories, [s.data for s in c.series]) for c in data.charts}}


def test_the_province_totals_follow_every_change_and_match_the_summed_rows(today, cast):
    admin = cast.actor("admin")
    extra = findings.create_finding(cast.system, cast.inspection, "财务管理不规范")
    measures.create_measure(cast.system, extra, "补账", deadline=dt.date(2025, 10, 1))
    measures.create_measure(cast.system, cast.other_finding, "补课", deadline=dt.date(2025, 11, 1))
    later = setup.create_round(cast.system, "2026年区委第一轮巡察", start=dt.date(2026, 3, 1))
    ins = setup.create_inspection(cast.system, later, cast.team2, cast.tianbao)
    findings.create_finding(cast.system, ins, "“第一议题”制度执行不到位", previous=cast.finding)
    for round_id in (None, cast.inspection.round_id, later.pk):
        fast = _report_numbers(report.build(admin, round_id))
        slow = _report_numbers(report.build(admin, round_id, totals_for_all=False))
        if round_id is None:  # the province's units are ranked per round only
            assert fast.pop("unit_completion") == ([], []) and slow.pop("unit_completion")
        assert fast == slow
    incremental = _report_numbers(report.build(admin))
    summaries.rebuild(today)
    assert _report_numbers(report.build(admin)) == incremental
    assert incremental["repeats"][0] == ["天宝社区"]


def test_the_unit_sees_a_proposed_repeat_but_only_the_team_decides(today, login, cast):
    later = setup.create_round(cast.system, "2026年区委第一轮巡察", start=dt.date(2026, 3, 1))
    ins = setup.create_inspection(cast.system, later, cast.team2, cast.tianbao)
    new = findings.create_finding(cast.system, ins, "“第一议题”制度执行不到位")
    html = login("editor").get(reverse("finding", args=[new.pk])).content.decode()
    assert "疑似屡查屡犯" in html and "确认屡查屡犯" not in html


def test_each_closeout_bar_lists_as_many_findings_as_it_counts(today, login, cast):
    """销号情况: 已销号, 待审核 (asked, endorsed or not), 已完成未销号, 未完成 — each link lists its count."""
    from xuncha.ledger.services import closeouts

    more = [findings.create_finding(cast.system, cast.inspection, f"问题{n}") for n in range(3)]
    for finding in more:
        measures.create_measure(cast.system, finding, "建立台账", deadline=dt.date(2025, 12, 1))
    for finding in more[:2]:
        for measure in finding.measures.all():
            measures.report_progress(cast.actor("editor"), measure, dt.date(2025, 11, 10),
                                     "已建立台账并逐项核对，附台账。", mark="done")
    request = closeouts.request_closeout(cast.actor("editor"), Finding.objects.get(pk=more[0].pk), "已整改到位")
    closeouts.endorse_closeout(cast.actor("leader"), request, "情况属实")  # endorsed: still awaiting the office
    summaries.refresh_pending()
    chart = report.build(cast.actor("admin"), cast.inspection.round_id).chart("closeouts")
    counts = dict(zip(chart.categories, chart.series[0].data, strict=True))
    assert counts == {"已销号": 0, "待审核": 1, "已完成未销号": 1, "未完成": 3}  # with the cast's two
    client = login("admin")
    for category, link in zip(chart.categories, chart.links, strict=True):
        html = client.get(link).content.decode()
        assert f'id="finding-count">共 {counts[category]} 项' in html, (category, link)
        assert len(re.findall(r'<td[^>]*><a href="/findings/\d+/', html)) == counts[category], (category, link)


def test_the_rounds_chart_lists_the_rounds_in_time_order(today, cast):
    admin = cast.actor("admin")
    later = setup.create_round(admin, "2025年第二轮巡察", start=dt.date(2025, 9, 1), end=dt.date(2025, 10, 30))
    earlier = setup.create_round(admin, "2024年区委第一轮常规巡察", start=dt.date(2024, 3, 1),
                                 end=dt.date(2024, 4, 30))
    for round_, unit in ((later, cast.street), (earlier, cast.jianshe)):
        inspection = setup.create_inspection(cast.system, round_, cast.team4, unit, start=round_.start,
                                             end=round_.end, feedback_date=round_.end)
        findings.create_finding(cast.system, inspection, "财务管理不规范")
    summaries.refresh_pending()
    names = report.build(admin).chart("rounds").categories
    assert names[0] == "2024年区委第一轮常规巡察" and names[-1] == "2025年第二轮巡察"
    starts = {r.name: r.start for r in [later, earlier, cast.inspection.round]}
    assert [starts[n] for n in names] == sorted(starts[n] for n in names)


def test_a_new_round_without_findings_is_offered_and_shows_its_own_empty_figures(today, login, cast):
    from xuncha.ledger.errors import NotFound

    new = setup.create_round(cast.system, "2026年区委第一轮巡察", start=dt.date(2026, 3, 1))
    setup.create_inspection(cast.system, new, cast.team2, cast.jianshe, start=dt.date(2026, 3, 2))
    for name in ("supervisor", "other_team"):  # the office's province totals and a team's own rows
        data = report.build(cast.actor(name))
        assert new.pk in [r.pk for r in data.rounds], name
        chosen = report.build(cast.actor(name), new.pk)
        assert chosen.round == new and chosen.totals["findings"] == 0 and chosen.overdue == 0, name
        assert chosen.chart("units").categories == [] and chosen.chart("rounds").categories == []
    assert new.pk not in [r.pk for r in report.build(cast.actor("editor")).rounds]  # 天宝社区's editor
    with pytest.raises(NotFound):
        report.build(cast.actor("editor"), new.pk)
    html = login("supervisor").get(reverse("analytics") + f"?round={new.pk}").content.decode()
    assert f'<option value="{new.pk}" selected>' in html
    assert login("editor").get(reverse("analytics") + f"?round={new.pk}").status_code == 404
