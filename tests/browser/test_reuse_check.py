"""An inspector uploads a batch of speeches; the check runs in the background and the report appears."""

import pytest
from django.urls import reverse

from tests.browser.test_rectification_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPEECH = ("今年以来，我们坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大精神，"
          "围绕中心、服务大局，推动全面从严治党向纵深发展，基层党组织的政治功能和组织功能不断增强。")


def test_an_inspector_uploads_a_batch_and_reads_the_report(page, live_server, cast, tmp_path):
    first, second, third = tmp_path / "甲社区讲话.txt", tmp_path / "乙社区讲话.txt", tmp_path / "丙社区总结.txt"
    first.write_text("同志们：" + SPEECH + "谢谢大家。", "utf-8")
    second.write_text("各位同志：" + SPEECH + "散会。", "utf-8")
    third.write_text("社区今年完成老旧小区改造摸底，走访住户一百二十户，收集意见建议四十六条。", "utf-8")

    log_in(page, live_server.url, "team_member")
    page.click("nav >> text=雷同检测")
    form = page.locator("#reuse-upload")
    form.locator("input[name=files]").set_input_files([str(first), str(second), str(third)])
    form.locator("input[name=title]").fill("各社区书记讲话")
    form.locator("button").click()
    page.wait_for_selector("#reuse-summary", timeout=30_000)  # the progress page refreshes until done
    assert "各社区书记讲话" in page.locator("h1").inner_text()
    pairs = page.locator("#reuse-pairs tbody tr")
    assert pairs.count() == 1
    assert "甲社区讲话.txt" in pairs.first.inner_text() and "乙社区讲话.txt" in pairs.first.inner_text()
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
    report = page.url.rstrip("/") + "/report.html"

    # The printable report fits a phone: tables become labelled cards, the two texts stack.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(report)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not page.locator("thead").first.is_visible()
    label = page.evaluate("getComputedStyle(document.querySelector('td[data-label]'), '::before').content")
    assert label == '"序号："'
    left, right = (page.locator(".pair .side > div").nth(i).bounding_box() for i in (0, 1))
    assert right["y"] >= left["y"] + left["height"] and abs(right["x"] - left["x"]) < 1
    page.set_viewport_size({"width": 1280, "height": 900})
    left, right = (page.locator(".pair .side > div").nth(i).bounding_box() for i in (0, 1))
    assert right["x"] > left["x"] + left["width"] and page.locator("thead").first.is_visible()
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 390, "height": 844})  # printing keeps the tables, whatever the screen
    assert page.locator("thead").first.is_visible()
    page.emulate_media(media="screen")

    page.goto(f"{live_server.url}{reverse('reuse-checks')}")
    assert "已完成" in page.locator("table.list").inner_text()
