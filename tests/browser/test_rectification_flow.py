"""A unit editor reports progress with evidence; the office signs the finding off."""

import re

import pytest
from django.urls import reverse

from tests.browser.steps import log_in, log_out
from xuncha.ledger.models import Evidence, Finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_reports_progress_and_the_office_signs_the_finding_off(page, live_server, cast, tmp_path):
    base = live_server.url
    evidence_file = tmp_path / "支部会议记录.pdf"
    evidence_file.write_bytes(b"%PDF-1.4\n% minutes of five branch meetings\n")

    log_in(page, base, "editor")
    page.goto(f"{base}{reverse('finding', args=[cast.finding.pk])}")
    page.click("text=报送进展")
    form = page.locator("form.progress-form")
    form.locator("textarea[name=text]").fill("巡察期间召开支部会议5次，全部落实第一议题。")
    form.locator("select[name=mark]").select_option("done")
    form.locator("input[name=files]").set_input_files(str(evidence_file))
    form.locator("button").click()
    page.wait_for_selector("text=已报送整改进展")
    assert page.locator("a.file", has_text="支部会议记录.pdf").count() == 1
    assert "已完成" in page.locator("#finding-status").inner_text()
    page.click("button:has-text('申请销号')")
    page.wait_for_selector("text=已提交销号申请")
    log_out(page)

    log_in(page, base, "leader")  # 单位负责人审核 comes first
    page.locator("#task-closeouts-to-endorse a", has_text="“第一议题”落实不到位").click()
    page.click("button:has-text('同意并报巡察办')")
    page.wait_for_selector("text=已审核同意")
    log_out(page)

    log_in(page, base, "admin")
    pending = page.locator("#task-closeouts-to-decide")
    assert "“第一议题”落实不到位" in pending.inner_text()
    pending.locator("a").first.click()
    page.fill("#closeout-decision textarea[name=comment]", "佐证材料齐全，同意销号。")
    page.click("button:has-text('同意销号')")
    page.wait_for_selector("text=已同意销号。")
    assert "已销号" in page.locator("#finding-status").inner_text()

    page.goto(f"{base}{reverse('workbench')}")
    assert "已销号" in page.locator("#recent-changes").inner_text()
    assert page.locator("#task-closeouts-to-decide").count() == 0
    page.goto(f"{base}{reverse('inspection', args=[cast.inspection.pk])}")
    item = page.locator(f"#finding-{cast.finding.pk}")
    assert "已销号" in item.inner_text()
    assert re.search(r"1 个已销号", page.locator("#inspection-progress").inner_text())

    assert Finding.objects.get(pk=cast.finding.pk).status == "closed"
    assert Evidence.objects.get().original_name == "支部会议记录.pdf"
