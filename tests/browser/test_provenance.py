"""A photo uploaded on two units' findings is flagged at sign-off: the office reads which unit and
file it matches; the unit reads only that another unit has the same file. No flag blocks."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.steps import log_in, log_out
from tests.provenance.photos import photo
from xuncha.ledger.models import Finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNT = "已召开专题会议落实第一议题制度，会议记录和现场照片已归档。"
SHOTS = os.environ.get("XUNCHA_SCREENSHOTS")


def upload(page, base, finding_pk: int, text: str, photo_path: Path, done: bool) -> None:
    page.goto(f"{base}{reverse('finding', args=[finding_pk])}")
    page.click("text=报送进展")
    form = page.locator("form.progress-form")
    form.locator("textarea[name=text]").fill(text)
    form.locator("input[type=file]").set_input_files(str(photo_path))
    if done:
        form.locator("select[name=mark]").select_option("done")
    form.locator("button").click()
    page.wait_for_selector("text=已报送整改进展")


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_photo_on_two_units_findings_is_flagged_at_sign_off(page, live_server, cast, tmp_path):
    base = live_server.url
    first, second = tmp_path / "现场照片.jpg", tmp_path / "整改后现场.jpg"
    first.write_bytes(photo(21))
    second.write_bytes(photo(21))

    log_in(page, base, "outsider")  # 建设社区
    upload(page, base, cast.other_finding.pk, "已补签合同并归档。", first, done=False)
    log_out(page)

    log_in(page, base, "editor")  # 天宝社区, the same photo under another name
    upload(page, base, cast.finding.pk, ACCOUNT, second, done=True)
    flags = page.locator("#provenance-flags").inner_text()
    assert "与其他单位的佐证材料相同" in flags
    assert "建设社区" not in flags and "现场照片.jpg" not in flags
    shoot(page, "provenance-editor")
    page.click("#closeout-request button")
    page.wait_for_selector("text=等待单位负责人审核")
    log_out(page)

    log_in(page, base, "leader")
    page.goto(f"{base}{reverse('finding', args=[cast.finding.pk])}")
    page.fill("#closeout-decision textarea[name=comment]", "情况属实")
    page.click("button:has-text('同意并报巡察办')")
    page.wait_for_selector("text=已审核同意")
    log_out(page)

    log_in(page, base, "admin")
    page.locator("#task-closeouts-to-decide a", has_text="“第一议题”落实不到位").click()
    at_sign_off = page.locator("#closeout-flags").inner_text()
    assert "相同文件" in at_sign_off and "不阻止销号" in at_sign_off
    assert "建设社区" in at_sign_off and "现场照片.jpg" in at_sign_off
    shoot(page, "provenance-signoff")
    page.click("#closeout-decision button:has-text('同意销号')")
    page.wait_for_selector("text=已同意销号")
    assert Finding.objects.get(pk=cast.finding.pk).status == "closed"

    page.goto(f"{base}{reverse('analytics')}")
    page.wait_for_selector("text=佐证材料核验提示（按类型）")
    shoot(page, "provenance-analytics")
