"""A measure goes overdue: the unit hears of it in 通知, answers the 督办 (报结), the office accepts.
Pages are photographed at desktop and phone widths, and must not scroll sideways on a phone."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.steps import log_in, log_out
from xuncha.notify import ladder
from xuncha.notify.models import Supervision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DAY = dt.date(2025, 11, 16)  # the day after the cast's measure was due


def shoot(page, folder: Path, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        if width == 390:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} scrolls sideways"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_unit_answers_a_supervision_and_the_office_accepts_it(page, live_server, cast, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setattr("xuncha.clock.now",
                        lambda: timezone.make_aware(dt.datetime.combine(DAY, dt.time(9, 0))))
    ladder.run(DAY)
    supervision = Supervision.objects.get()
    other = Supervision.objects.create(inspection=cast.other_inspection, unit_name="建设社区", issuer="区委巡察办",
                                       opened_on=DAY, reply_due=supervision.reply_due)
    folder = Path(os.environ.get("XUNCHA_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    log_in(page, base, "editor")
    assert page.locator("#nav-inbox").inner_text() == "通知"
    assert page.locator("#unread-count").inner_text() == "1"
    page.click("#nav-inbox")
    shoot(page, folder, "inbox")
    page.goto(f"{base}{reverse('inbox-preferences')}")
    shoot(page, folder, "preferences")
    page.goto(f"{base}{reverse('inbox')}")
    page.click("button.link-like:has-text('逾期提醒')")
    page.wait_for_selector(f"text=督办 {supervision.number}")
    shoot(page, folder, "supervision-editor")
    page.fill("#answer-form textarea[name=text]", "已召开支部会议，第一议题全部落实，会议记录已上传。")
    page.click("#answer-form button")
    page.wait_for_selector("text=已报结。")
    assert page.locator("#unread-count").count() == 0
    log_out(page)

    log_in(page, base, "admin")
    page.goto(f"{base}{reverse('supervisions')}?status=")
    assert other.number in page.locator("#supervisions").inner_text()
    with page.expect_navigation():  # choosing a unit narrows the list at once
        page.select_option("#supervision-filters select[name=unit]", str(cast.tianbao.pk))
    assert other.number not in page.locator("#supervisions").inner_text()
    with page.expect_navigation():
        page.click("nav[aria-label=状态] >> text=待审核")
    assert f"unit={cast.tianbao.pk}" in page.url
    shoot(page, folder, "supervisions")
    page.click(f"text={supervision.number}")
    page.fill("#decision textarea[name=text]", "同意办结。")
    page.click("button:has-text('同意办结')")
    page.wait_for_selector("text=已同意办结。")
    shoot(page, folder, "supervision-closed")
    page.goto(f"{base}{reverse('ladder-settings')}")
    shoot(page, folder, "ladder-settings")
    supervision.refresh_from_db()
    assert supervision.state == "closed"
