"""整改成效评估 and 随机抽查: the default scheme, facts, runs, re-checks that reopen, pages, reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xuncha.core import scoring
from xuncha.core.render.evaluation import report_outline
from xuncha.evaluation import checks, report, runs, selectors, services
from xuncha.evaluation.models import CheckItem, Result, Run, SchemeItem
from xuncha.ledger import transitions
from xuncha.ledger.errors import InvalidInput, PermissionDenied
from xuncha.ledger.models import AuditEvent, Finding, StatusChange
from xuncha.ledger.services import closeouts, measures

pytestmark = pytest.mark.django_db


def close(cast, finding=None):
    """Finish the finding's measure with evidence and have it signed off."""
    finding = finding or cast.finding
    measure = finding.measures.get()
    measures.report_progress(cast.actor("editor"), measure, dt.date(2025, 11, 10), "已完成",
                             [("记录.pdf", [b"%PDF-1.4 x"])], mark="done")
    closeout = closeouts.request_closeout(cast.actor("editor"), Finding.objects.get(pk=finding.pk))
    closeout = closeouts.endorse_closeout(cast.actor("leader"), closeout, "同意")
    closeouts.approve_closeout(cast.actor("admin"), closeout, "同意")
    return Finding.objects.get(pk=finding.pk)


@pytest.fixture
def scored(django_capture_on_commit_callbacks, cast):
    """Score the cast's round (the job runs when the transaction commits)."""
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            found = services.start_run(cast.actor("admin"), cast.inspection.round)
        found.refresh_from_db()
        return found
    return run


def test_the_default_scheme_follows_the_published_county_schemes(cast):
    scheme = selectors.current_scheme()
    weights = {i.name: float(i.weight) for i in scheme.items.filter(kind="indicator")}
    assert weights == {"组织领导": 15, "责任落实": 15, "整改任务完成": 60, "群众满意度": 10}
    assert scheme.items.filter(kind="veto", formula="报告与事实不符数 >= 5").exists()
    assert len(scheme.rater_groups) == 4 and [g[0] for g in scheme.grades] == ["好", "较好", "一般", "差"]


def test_a_formula_outside_the_language_is_refused_on_save_in_chinese(cast):
    scheme = selectors.current_scheme()
    with pytest.raises(InvalidInput) as caught:
        services.save_item(cast.actor("admin"), scheme, scheme.version, None, kind="deduction", name="x",
                           weight="5", formula="__import__('os')")
    assert caught.value.message.startswith("公式无效") and caught.value.field == "formula"
    with pytest.raises(PermissionDenied):
        services.save_item(cast.actor("supervisor"), scheme, None, None, kind="deduction", name="x",
                           weight="5", formula="1")


def test_the_office_edits_an_item_and_it_is_audited(cast):
    scheme = selectors.current_scheme()
    item = scheme.items.get(name="被督办")
    services.save_item(cast.actor("admin"), scheme, scheme.version, item.pk, kind="deduction", name="被督办",
                       weight="8", formula="督办次数 * 4")
    item.refresh_from_db()
    assert (float(item.weight), item.formula) == (8, "督办次数 * 4")
    assert AuditEvent.objects.filter(action="evaluation.item_save", object_id=item.pk).count() == 1


def test_facts_come_from_the_summaries_and_the_rows_their_features_own(today, cast):
    score, facts = runs.score_unit(cast.inspection)
    # One finding, its one measure five days overdue, nothing finished.
    assert facts["findings"] == 1 and facts["overdue"] == 1 and facts["completion_rate"] == 0
    assert facts["ontime_rate"] == 0 and facts["due"] == 1
    # No public rating: satisfaction has no base, so 群众满意度 does not apply (not 100).
    assert facts["ratings"] == 0 and "satisfaction" in scoring.not_applicable(facts)
    assert [i.name for i in score.items if not i.applicable] == ["群众满意度"] and score.scaled
    item = selectors.current_scheme().items.get(name="群众满意度")
    assert "无群众评价时不适用" in item.note and "按100" not in item.note
    assert score.items[0].unrated  # 组织领导: no rater group has scored yet


def test_a_round_is_scored_as_a_job_with_every_unit(today, cast, scored):
    run = scored()
    assert run.state == "done" and run.units == 2
    assert set(Result.objects.filter(run=run).values_list("unit_id", flat=True)) == {cast.tianbao.pk,
                                                                                     cast.jianshe.pk}


def test_a_draw_is_reproducible_from_its_seed(today, cast):
    close(cast)
    draw = checks.draw(cast.actor("admin"), cast.inspection.round, "percent", "100", seed="42")
    items = list(draw.items.all())
    assert draw.seed == 42 and draw.population == [cast.finding.pk]
    assert [i.finding_id for i in items] == [cast.finding.pk] and checks.reproduces(draw, items)
    assert checks.drawn_ids(7, list(range(100)), 10) == checks.drawn_ids(7, list(range(100)), 10)
    event = AuditEvent.objects.get(action="random_check.draw")
    assert event.after["seed"] == 42 and event.after["findings"] == [cast.finding.pk]


def test_nothing_signed_off_nothing_to_draw(today, cast):
    with pytest.raises(InvalidInput, match="没有已销号"):
        checks.draw(cast.actor("admin"), cast.inspection.round, "count", "3")


def test_a_failed_recheck_reopens_the_finding_and_the_score_falls(today, cast):
    close(cast)
    before, _ = runs.score_unit(cast.inspection)
    draw = checks.draw(cast.actor("admin"), cast.inspection.round, "count", "1", seed="9")
    item = draw.items.get()
    with pytest.raises(InvalidInput, match="写明"):
        checks.record(cast.actor("admin"), item, item.version, "failed", "", [], set())
    checks.record(cast.actor("admin"), item, item.version, "failed", "现场台账与报告不符",
                  ["整改措施已按方案落实到位"], set())
    finding = Finding.objects.get(pk=cast.finding.pk)
    assert finding.status == "reopened" and finding.reopened
    change = StatusChange.objects.get(object_kind="finding", object_id=finding.pk, move="recheck_reopen")
    assert (change.from_status, change.to_status) == ("closed", "reopened")
    assert "request_closeout" not in transitions.move_names(cast.actor("editor"), finding)  # new work first
    after, facts = runs.score_unit(cast.inspection)
    assert facts["failed_checks"] == 1 and after.total < before.total
    assert CheckItem.objects.get().result == "failed"


def test_a_pass_needs_every_checklist_item_ticked_and_only_the_office_records(today, cast):
    close(cast)
    item = checks.draw(cast.actor("admin"), cast.inspection.round, "count", "1").items.get()
    with pytest.raises(InvalidInput, match="未勾选"):
        checks.record(cast.actor("admin"), item, item.version, "passed", "", ["甲", "乙"], {0})
    with pytest.raises(PermissionDenied):
        checks.record(cast.actor("supervisor"), item, item.version, "passed", "", ["甲"], {0})
    checks.record(cast.actor("admin"), item, item.version, "passed", "", ["甲", "乙"], {0, 1})
    assert Finding.objects.get(pk=cast.finding.pk).status == "closed"


def test_rater_scores_count_for_rated_indicators(today, cast):
    scheme = selectors.current_scheme()
    item = SchemeItem.objects.get(scheme=scheme, name="组织领导")
    services.save_ratings(cast.actor("admin"), cast.inspection,
                          {(item.pk, g): "80" for g in scheme.rater_groups})
    score, _ = runs.score_unit(cast.inspection)
    assert score.items[0].points == 12 and not score.items[0].unrated
    with pytest.raises(InvalidInput):
        services.save_ratings(cast.actor("admin"), cast.inspection, {(item.pk, "巡察办"): "120"})


def test_the_pages_open_for_the_office_and_the_supervisor_and_not_for_a_unit(today, login, cast, scored):
    scored()
    round_id = cast.inspection.round_id
    urls = [reverse("evaluation"), reverse("evaluation-scheme"), reverse("evaluation-round", args=[round_id]),
            reverse("evaluation-unit", args=[round_id, cast.tianbao.pk]), reverse("random-checks")]
    for name in ("admin", "supervisor"):
        client = login(name)
        for url in urls:
            assert client.get(url).status_code == 200, (name, url)
    page = login("admin").get(urls[2]).content.decode()
    assert "天宝社区" in page and "建设社区" in page
    editor = login("editor")
    assert all(editor.get(url).status_code == 403 for url in urls)


def test_the_report_renders_in_the_notice_layout_and_each_download_is_recorded(today, login, cast):
    from docx import Document

    client = login("admin")
    response = client.get(reverse("evaluation-report", args=[cast.inspection.round_id, cast.tianbao.pk, "docx"]))
    assert response.status_code == 200
    import io

    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "关于天宝社区巡察整改成效评估情况的报告" in text and "一、总体情况" in text
    assert AuditEvent.objects.filter(action="evaluation.report").count() == 1


def test_the_round_page_and_unit_page_keep_their_query_count(today, login, cast, scored):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scored()
    client = login("admin")
    round_id = cast.inspection.round_id
    for url, baseline in ((reverse("evaluation"), 10), (reverse("evaluation-round", args=[round_id]), 14),
                          (reverse("evaluation-unit", args=[round_id, cast.tianbao.pk]), 26)):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= baseline, (url, len(queries))


def test_failed_checks_show_on_analytics(today, cast):
    from xuncha.analytics import providers

    close(cast)
    item = checks.draw(cast.actor("admin"), cast.inspection.round, "count", "1").items.get()
    checks.record(cast.actor("admin"), item, item.version, "failed", "不符", [], set())
    shown = {f.source.key: f.shown for f in providers.figures([cast.inspection.pk])}
    assert shown["failed_checks"] == "1"
    assert Run.objects.count() == 0  # recording a check does not rescore by itself


def test_a_unit_with_no_findings_is_not_assessed_rather_than_given_full_marks(today, login, cast, scored):
    from xuncha.ledger.services import setup

    quiet = setup.create_unit(cast.system, "无事社区", parent=cast.district)
    inspection = setup.create_inspection(cast.system, cast.inspection.round, cast.team2, quiet,
                                         start=dt.date(2025, 7, 2), end=dt.date(2025, 8, 10))
    scored()
    round_id = cast.inspection.round_id
    result = Result.objects.get(unit=quiet)  # no findings, measures or public ratings
    assert result.grade == "无法评估" and not result.assessable and result.total == 0
    assert result.not_applicable[1:4] == [True, True, True]  # 责任落实, 整改任务完成, 群众满意度
    client = login("admin")
    page = client.get(reverse("evaluation-round", args=[round_id])).content.decode()
    assert "无法评估" in page and "不适用" in page and 'id="results-note"' in page
    page = client.get(reverse("evaluation-unit", args=[round_id, quiet.pk])).content.decode()
    assert 'id="unit-not-assessable"' in page and "无数据" in page and "85" not in page.split("得分明细")[0]
    text = "".join(b.text for b in report_outline(report.report_for(inspection)).blocks)
    assert "无法评估" in text and "不适用" in text


def test_indicator_weights_may_not_total_more_than_100_and_a_run_needs_exactly_100(today, cast):
    scheme = selectors.current_scheme()
    with pytest.raises(InvalidInput, match="评分指标分值合计不能超过100分") as caught:
        services.save_item(cast.actor("admin"), scheme, scheme.version, None, kind="indicator", name="额外指标",
                           weight="10", formula="完成率")
    assert caught.value.field == "weight" and not scheme.items.filter(name="额外指标").exists()
    item = scheme.items.get(name="群众满意度")
    scheme.refresh_from_db()
    services.save_item(cast.actor("admin"), scheme, scheme.version, item.pk, kind="indicator", name="群众满意度",
                       weight="5", formula="群众满意度")
    with pytest.raises(InvalidInput, match="评分指标分值合计为95分，应为100分"):
        services.start_run(cast.actor("admin"), cast.inspection.round)
    assert Run.objects.count() == 0
