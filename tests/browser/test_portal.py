"""A citizen on a phone comments on item （二） of 天宝社区's notice; the unit replies; the citizen rates it.

Every portal page is checked with axe-core (no serious violations) and photographed at 390 and
1280 px; the commenter's phone number never appears on a public page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.accessibility import serious_violations
from tests.browser.steps import log_in
from tests.portal.conftest import make_notice
from xuncha.portal import middleware
from xuncha.portal.models import PublicComment
from xuncha.portal.services import pages
from xuncha.portal.services.guard import cache

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13812345678"
PHONE_SHAPES = (PHONE, "138 1234 5678", "138-1234-5678", "1234 5678")


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    middleware.LOCAL.items.clear()
    pages._local.update(value=None)


def shots_dir(tmp_path) -> Path:
    folder = Path(os.environ.get("XUNCHA_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_page(page, name: str, folder: Path, seen: list[str]) -> None:
    """No serious accessibility findings, no phone number; photographed at both widths."""
    assert serious_violations(page) == [], name
    html = page.content()
    assert not any(shape in html for shape in PHONE_SHAPES), name
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
        page.screenshot(path=str(folder / f"portal-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    seen.append(name)


def staff_shot(page, name: str, folder: Path) -> None:
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)


def test_a_citizen_comments_the_unit_replies_and_the_citizen_rates_it(page, live_server, cast, tmp_path):
    base, folder, seen = live_server.url, shots_dir(tmp_path), []
    notice = make_notice(cast)
    page.set_viewport_size({"width": 390, "height": 844})

    # The citizen finds 天宝社区's notice from the portal's search.
    page.goto(f"{base}/public/")
    check_page(page, "index", folder, seen)
    page.fill("#q", "天宝社区")
    page.click("button:has-text('搜索')")
    page.wait_for_selector("text=查找结果")
    check_page(page, "search", folder, seen)
    page.click(f"a.title:has-text('{notice.doc['title']}')")
    page.wait_for_selector("text=发布机构")
    check_page(page, "notice", folder, seen)

    # … and comments on item （二） with a phone number, answering the challenge.
    page.click("summary:has-text('就某一事项留言')")
    page.click("a:has-text('（二）安全隐患排查工作不到位')")
    page.wait_for_selector("h1:has-text('我要留言')")
    assert "（二）" in page.locator("#item option:checked").inner_text()
    check_page(page, "comment-form", folder, seen)
    page.fill("#text", f"茂源金色家园小区的消防栓还是没有水，请尽快处理。我的电话{PHONE}。")
    page.fill("#phone", PHONE)
    token = page.input_value("input[name=challenge]")
    page.fill("#answer", str(cache.get(f"portal:challenge:{token}")["answer"]))
    page.click("button:has-text('提交意见')")
    page.wait_for_selector("text=意见已提交")
    code = page.locator("#query-code").inner_text().strip()
    assert len(code.replace("-", "")) >= 12 and "查询码" in page.content()
    check_page(page, "comment-done", folder, seen)
    # 查询办理情况 posts the code: the status shows at once, and the code is in no address.
    page.click("#lookup-now")
    page.wait_for_selector("#comment-state")
    assert "待审核" in page.locator("#comment-state").inner_text()
    assert page.input_value("#code") == code and code not in page.url

    # The unit publishes and answers it on the staff site.
    staff = page.context.new_page()
    log_in(staff, base, "editor")
    staff.click("nav a:has-text('群众监督')")
    staff_shot(staff, "staff-comments", folder)
    staff.click("#comments a")
    staff_shot(staff, "staff-comment", folder)
    staff.click("#moderation button:has-text('公开')")
    staff.wait_for_selector("text=已公开。")
    staff.fill("#reply", "已联系供水公司检修，消防栓于11月20日恢复供水，欢迎继续监督。")
    staff.click("button:has-text('保存答复')")
    staff.wait_for_selector("text=答复已保存")
    staff.close()

    # The citizen sees the reply with the 查询码 and rates it.
    page.goto(f"{base}/public/query/")
    check_page(page, "lookup", folder, seen)
    page.fill("#code", code)
    page.click("button:has-text('查询')")
    page.wait_for_selector("#reply")
    assert "恢复供水" in page.locator("#reply").inner_text()
    page.check("input[value=satisfied]")
    page.click("button:has-text('提交评价')")
    page.wait_for_selector("#rating")
    assert "满意" in page.locator("#rating").inner_text()
    check_page(page, "lookup-rated", folder, seen)
    assert PublicComment.objects.get().rating == "satisfied"

    # The reply is public on the notice and the unit page; the phone number is on none of them.
    # (The browser kept the notice page for max-age seconds; reloading asks again, with its ETag.)
    page.goto(f"{base}{reverse('portal:notice', args=[notice.pk])}")
    page.reload()
    assert "恢复供水" in page.content()
    check_page(page, "notice-replied", folder, seen)
    page.goto(f"{base}{reverse('portal:unit', args=[cast.tianbao.pk])}")
    assert "恢复供水" in page.content()
    check_page(page, "unit", folder, seen)
    assert re.search(r"138＊＊＊＊5678", PublicComment.objects.get().text)
    assert len(seen) == 9


def test_the_accessibility_check_finds_a_missing_label(page):
    page.set_content('<html lang="zh-CN"><title>t</title><main><input id="q"><img src="x.png"></main></html>')
    found = " ".join(serious_violations(page))
    assert "label" in found and "image-alt" in found
