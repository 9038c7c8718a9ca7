"""佐证材料核验 in 统计分析: the chart by kind, each in the viewer's scope, and its drill-down."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.provenance.photos import photo
from tests.provenance.test_flags import report
from xuncha.analytics import providers
from xuncha.analytics import report as analytics_report
from xuncha.provenance import analytics

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(cast, today):
    report(cast, "outsider", cast.other_measure, [("a.jpg", photo(1))])
    report(cast, "editor", cast.measure, [("b.jpg", photo(1))])


def counts(chart) -> dict[str, float]:
    return dict(zip(chart.categories, chart.series[0].data, strict=True)) if chart.series else {}


def test_the_chart_counts_a_pair_in_the_scope_of_either_unit(cast, shared):
    for who in ("admin", "editor", "outsider"):
        assert counts(analytics.chart(cast.actor(who), None))["相同文件"] == 1
    assert counts(analytics.chart(cast.actor("team_member"), None))["相同文件"] == 1
    street = analytics_report.build(cast.actor("street_editor"))
    assert counts(street.chart("provenance"))["相同文件"] == 1


def test_the_chart_says_so_when_there_is_nothing(cast, today):
    chart = analytics.chart(cast.actor("admin"), None)
    assert chart.categories == [] and chart.note == "暂无佐证材料核验提示。"


def test_the_figure_counts_the_flags_of_the_inspections(cast, shared):
    figure = next(f for f in providers.figures([cast.inspection.pk, cast.other_inspection.pk])
                  if f.source.key == "provenance")
    assert figure.enabled and figure.shown == "1"


def test_a_bar_drills_down_to_the_flagged_findings_in_the_viewers_scope(cast, shared, login):
    page = login("admin").get(f"{reverse('findings')}?flag=same_file")
    assert page.status_code == 200
    text = page.content.decode()
    assert "佐证材料核验：相同文件" in text
    assert cast.finding.title in text and cast.other_finding.title in text
    mine = login("editor").get(f"{reverse('findings')}?flag=same_file").content.decode()
    assert cast.finding.title in mine and cast.other_finding.title not in mine


def test_the_overview_page_shows_the_chart(cast, shared, login):
    page = login("admin").get(reverse("analytics"))
    assert "佐证材料核验提示（按类型）" in page.content.decode()
