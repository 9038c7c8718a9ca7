"""统计分析: the supervisor drills from a unit's overdue bar and exports; the office pushes a 共性问题."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.steps import log_in
from xuncha.ledger.models import Finding
from xuncha.ledger.services import findings, setup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("XUNCHA_SCREENSHOTS", "/tmp/xuncha-screenshots"))


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)  # the charts resize
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(300)


def click_bar(page, chart_id, category, value):
    """Click the middle of a bar through ECharts' own coordinates (a real click on the SVG)."""
    point = page.evaluate(
        """([id, c, v]) => { const el = document.getElementById(id); el.scrollIntoView();
             const p = echarts.getInstanceByDom(el).convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [c, v]);
             const box = el.getBoundingClientRect(); return [box.x + p[0], box.y + p[1]]; }""",
        [chart_id, category, value])
    page.mouse.click(point[0], point[1])


def test_the_supervisor_drills_from_an_overdue_bar_and_exports_the_table(today, page, live_server, cast):
    base = live_server.url
    log_in(page, base, "supervisor")
    page.click("nav >> text=统计分析")
    page.wait_for_selector("#chart-units svg")
    assert "天宝社区" in page.locator("#card-units table").inner_text()
    shoot(page, "analytics")

    click_bar(page, "chart-units", 0, 0.5)  # 天宝社区: one measure 1–7 days overdue
    page.wait_for_url("**/measures/?*")  # the bar counts measures: it lands on their list
    filters = page.locator("#measure-filters")
    assert "天宝社区" in filters.inner_text()  # the unit filter, named
    assert filters.locator("select[name=colour] option:checked").inner_text().startswith("红色")
    assert page.locator("#measure-list", has_text="每次支部会议第一项学习总书记重要讲话").count() == 1
    assert page.locator("#measure-list", has_text="补签合同").count() == 0  # another unit's
    shoot(page, "analytics-drill")

    page.goto(f"{base}{reverse('analytics')}")
    page.wait_for_selector("#chart-ageing svg")
    click_bar(page, "chart-ageing", 0, 0.5)  # 1–7 days overdue
    page.wait_for_url("**/measures/?*age=age_1_7*")
    assert page.locator("#measure-list", has_text="每次支部会议第一项学习总书记重要讲话").count() == 1

    page.goto(f"{base}{reverse('analytics')}")
    with page.expect_download() as download:
        page.locator("#card-units").get_by_text("导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_the_office_pushes_a_common_issue_to_two_units(today, page, live_server, cast):
    round_ = cast.inspection.round
    findings.create_finding(cast.system, cast.other_inspection, "“第一议题”学习制度执行不严格")
    heping = setup.create_unit(cast.system, "和平社区", parent=cast.district)
    xingfu = setup.create_unit(cast.system, "幸福社区", parent=cast.district)
    targets = [setup.create_inspection(cast.system, round_, cast.team2, unit) for unit in (heping, xingfu)]
    base = live_server.url
    log_in(page, base, "admin")
    page.goto(f"{base}{reverse('analytics')}")
    page.click("text=共性问题")
    page.check(f"input[name=rounds][value='{round_.pk}']")
    page.click("button:has-text('分析共性问题')")
    page.wait_for_selector("text=已提交聚类任务")
    page.reload()
    cluster = page.locator(".clusters section", has_text="建设社区").filter(has_text="天宝社区").first
    cluster.locator("summary").click()
    cluster.locator("input[name=name]").fill("“第一议题”制度落实不到位")
    cluster.locator("label", has_text="和平社区").locator("input").check()
    cluster.locator("label", has_text="幸福社区").locator("input").check()
    shoot(page, "common-issues")
    cluster.locator("button:has-text('推送自查自纠')").click()
    page.wait_for_selector("text=已推送共性问题")

    for inspection in targets:
        page.goto(f"{base}{reverse('inspection', args=[inspection.pk])}")
        assert page.locator("main", has_text="“第一议题”制度落实不到位").count() == 1
    shoot(page, "pushed-finding-unit")
    pushed = Finding.objects.filter(source="self_check")
    assert sorted(f.inspection_id for f in pushed) == sorted(i.pk for i in targets)


def test_a_bar_s_tooltip_is_drawn_by_the_chart_without_breaking_the_style_policy(today, page, live_server, cast):
    seen = []
    page.on("console", lambda m: seen.append(m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text else None)
    page.on("pageerror", lambda error: seen.append(str(error)))
    log_in(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}{reverse('analytics')}")
    page.wait_for_selector("#chart-units svg")
    for chart_id, value in (("chart-units", 0.5), ("chart-rounds", 10)):
        point = page.evaluate(
            """([id, v]) => { const el = document.getElementById(id); el.scrollIntoView();
                 const p = echarts.getInstanceByDom(el).convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [0, v]);
                 const box = el.getBoundingClientRect(); return [box.x + p[0], box.y + p[1]]; }""",
            [chart_id, value])
        svg_text = "id => document.getElementById(id).querySelector('svg').textContent"
        before = page.evaluate(svg_text, chart_id)
        page.mouse.move(point[0], point[1])
        page.wait_for_timeout(400)
        # richText: the tooltip is text inside the chart's own SVG, not an HTML box with style="…".
        after = page.evaluate(svg_text, chart_id)
        assert len(after) > len(before)  # the tooltip's lines
        if chart_id == "chart-rounds":
            assert after.count("%") > before.count("%")  # rates with their unit
        assert page.locator(f"#{chart_id} > div:not(:first-child)").count() == 0  # no HTML tooltip box
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "analytics-tooltip.png"))
    assert seen == []


def test_on_a_phone_a_chart_s_table_stacks_instead_of_hiding_columns(today, page, live_server, cast):
    log_in(page, live_server.url, "supervisor")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{reverse('analytics')}")
    page.wait_for_selector("#card-units table")
    widths = page.evaluate("""() => { const t = document.querySelector('#card-units table');
        return [t.scrollWidth, t.closest('.table-wrap').clientWidth]; }""")
    assert widths[0] <= widths[1]  # nothing off-screen to scroll to
    row = page.locator("#card-units tbody tr").first
    assert row.locator("th").inner_text() == "天宝社区"
    assert row.locator("td[data-label='1–7天']").is_visible()
    assert row.locator("td[data-label='明细'] a").inner_text() == "查看措施"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#card-units").screenshot(path=str(SHOTS / "analytics-table-390.png"))
