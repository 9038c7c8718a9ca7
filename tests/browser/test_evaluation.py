"""随机抽查 and 整改成效评估: the office draws a reproducible re-check, fails one, the score falls."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.steps import log_in, log_out
from xuncha.ledger.models import Finding, StatusChange
from xuncha.ledger.services import closeouts, measures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("XUNCHA_SCREENSHOTS", "/tmp/xuncha-screenshots"))


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(200)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def signed_off(cast):
    measures.report_progress(cast.actor("editor"), cast.measure, dt.date(2025, 11, 10), "已完成",
                             [("记录.pdf", [b"%PDF-1.4 x"])], mark="done")
    closeout = closeouts.request_closeout(cast.actor("editor"), Finding.objects.get(pk=cast.finding.pk))
    closeout = closeouts.endorse_closeout(cast.actor("leader"), closeout, "同意")
    closeouts.approve_closeout(cast.actor("admin"), closeout, "同意")


def total(page) -> float:
    return float(page.locator("#unit-total b").inner_text())


def test_the_office_draws_a_reproducible_check_fails_one_and_the_score_falls(today, page, live_server, cast):
    signed_off(cast)
    base = live_server.url
    unit_url = f"{base}{reverse('evaluation-unit', args=[cast.inspection.round_id, cast.tianbao.pk])}"
    log_in(page, base, "admin")
    page.click("nav >> text=评估")
    page.wait_for_selector("h1:has-text('整改成效评估')")
    shoot(page, "evaluation-index")
    page.goto(unit_url)
    before = total(page)
    shoot(page, "evaluation-unit-before")

    page.goto(f"{base}{reverse('evaluation')}")
    page.click("text=随机抽查")
    page.select_option("select[name=round]", str(cast.inspection.round_id))
    page.fill("input[name=size]", "1")
    page.fill("input[name=seed]", "20261126")
    shoot(page, "random-checks")
    page.click("button:has-text('随机抽取')")
    page.wait_for_selector("#draw-seed")
    assert page.locator("#draw-seed").inner_text() == "20261126"
    assert "结果一致" in page.locator("#draw-reproduces").inner_text()
    item = page.locator(".check-item", has_text="“第一议题”落实不到位")
    item.locator("input[name=ok]").first.check()
    item.locator("input[name=result][value=failed]").check()
    item.locator("textarea[name=note]").fill("现场核查会议记录，38次会议仅13次落实，与销号材料不符")
    shoot(page, "random-check")
    item.locator("button:has-text('登记结果')").click()
    page.wait_for_selector("text=已登记抽查结果")
    assert page.locator(".check-item .badge-red", has_text="未通过").count() == 1
    shoot(page, "random-check-failed")

    finding = Finding.objects.get(pk=cast.finding.pk)
    assert finding.status == "reopened"
    assert StatusChange.objects.filter(object_id=finding.pk, move="recheck_reopen").count() == 1
    page.goto(unit_url)
    after = total(page)
    assert after < before, (before, after)
    assert re.search(r"抽查未通过数\s*1", page.locator("#unit-facts").inner_text())
    shoot(page, "evaluation-unit-after")
    page.goto(f"{base}{reverse('finding', args=[finding.pk])}")
    assert page.locator("#timeline", has_text="随机抽查：未通过").count() == 1  # on the finding's timeline
    shoot(page, "finding-reopened")

    # The round's ranking, scored as a job, and the scheme.
    page.goto(f"{base}{reverse('evaluation-round', args=[cast.inspection.round_id])}")
    page.click("button:has-text('开始评分')")
    page.wait_for_selector("#results")
    assert page.locator("#results", has_text="天宝社区").count() == 1
    shoot(page, "evaluation-round")
    page.goto(f"{base}{reverse('evaluation-scheme')}")
    assert page.locator("#full-marks").inner_text() == "100"
    shoot(page, "evaluation-scheme")

    # The unit's editor sees the reopened finding on the 工作台.
    log_out(page)
    log_in(page, base, "editor")
    assert page.locator("main", has_text="“第一议题”落实不到位").count() >= 1
