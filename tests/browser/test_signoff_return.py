"""销号 with the unit leader's endorsement; the office returns it and the finding is 待补充 on the
editor's 工作台. Also takes the screenshots of each role's 工作台 and the measure list."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.steps import log_in, log_out
from xuncha.ledger.models import Finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNT = "巡察期间召开支部会议5次，全部落实第一议题，会议记录已归档。"


def test_a_returned_sign_off_puts_the_finding_on_the_editors_list(page, live_server, cast):
    base = live_server.url
    log_in(page, base, "editor")
    page.goto(f"{base}{reverse('finding', args=[cast.finding.pk])}")
    page.click("text=报送进展")
    form = page.locator("form.progress-form")
    form.locator("textarea[name=text]").fill(ACCOUNT)
    form.locator("select[name=mark]").select_option("done")
    form.locator("button").click()
    page.wait_for_selector("text=已报送整改进展")
    request = page.locator("#closeout-request")
    request.locator("textarea[name=root_cause]").fill("党委会议事规则未明确第一议题")
    request.locator("textarea[name=lessons]").fill("对照检查全部会议制度")
    request.locator("button").click()
    page.wait_for_selector("text=等待单位负责人审核")
    log_out(page)

    log_in(page, base, "leader")
    page.locator("#task-closeouts-to-endorse a", has_text="“第一议题”落实不到位").click()
    # The click starts the navigation; wait for the new page before reading it.
    page.wait_for_selector("text=问题根源：党委会议事规则未明确第一议题")
    page.fill("#closeout-decision textarea[name=comment]", "情况属实")
    page.click("button:has-text('同意并报巡察办')")
    page.wait_for_selector("text=已审核同意")
    log_out(page)

    log_in(page, base, "admin")
    page.locator("#task-closeouts-to-decide a", has_text="“第一议题”落实不到位").click()
    page.click("#closeout-decision button:has-text('退回')")  # no reason: refused in Chinese
    page.wait_for_selector("text=请写明理由")
    page.fill("#closeout-decision textarea[name=comment]", "会议记录未附签到表，请补充")
    page.click("#closeout-decision button:has-text('退回')")
    page.wait_for_selector("text=已退回销号申请")
    assert "待补充" in page.locator("#finding-status").inner_text()
    log_out(page)

    log_in(page, base, "editor")
    returned = page.locator("#task-returned")
    assert "会议记录未附签到表" in returned.inner_text()
    returned.locator("a", has_text="“第一议题”落实不到位").click()
    status = page.locator("#finding-status").inner_text()
    assert "待补充" in status and "已完成" not in status
    assert "会议记录未附签到表" in page.locator("#timeline").inner_text()
    assert Finding.objects.get(pk=cast.finding.pk).status == "returned"


SHOTS = os.environ.get("XUNCHA_SCREENSHOTS")


@pytest.mark.skipif(not SHOTS, reason="set XUNCHA_SCREENSHOTS=<folder> to take the screenshots")
def test_screenshots_of_each_roles_workbench_and_the_measure_list(page, live_server, cast):
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    for who in ("editor", "leader", "admin", "team_member", "supervisor"):
        log_in(page, base, who)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{base}{reverse('workbench')}")
            page.screenshot(path=str(folder / f"workbench-{who}-{width}.png"), full_page=True)
            if who == "admin":
                page.goto(f"{base}{reverse('measures')}?status=all")
                page.screenshot(path=str(folder / f"measures-{width}.png"), full_page=True)
                page.goto(f"{base}{reverse('finding', args=[cast.finding.pk])}")
                page.screenshot(path=str(folder / f"finding-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        log_out(page)
