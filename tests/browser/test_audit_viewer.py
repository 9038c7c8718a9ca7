"""审计日志 in a real browser: the nav item, the latest check, filters, export, desktop and phone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.test_rectification_flow import log_in
from xuncha.ledger.services import audit_chain, measures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("XUNCHA_SCREENSHOTS", "var/screenshots"))


@pytest.fixture
def violations(page):
    seen = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text
            or "Refused to" in m.text else None)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def _history(cast) -> None:
    measures.update_measure(cast.actor("editor", ip="10.20.30.40"), cast.measure, cast.measure.version,
                            text="每次支部会议第一项学习，并形成记录")
    audit_chain.verify_and_store()


def test_the_office_reads_filters_and_exports_the_audit(page, live_server, cast, violations):
    _history(cast)
    base = live_server.url
    log_in(page, base, "admin")
    page.click("header nav >> text=审计日志")
    page.wait_for_url(f"**{reverse('audit-log')}")
    assert page.locator(".check-ok").first.inner_text().startswith("审计链校验：完整")
    assert page.locator("table.audit-table th").all_inner_texts()[:2] == ["时间", "操作人"]
    page.select_option("select[name=action]", "measure.update")
    page.click("text=筛选")
    page.wait_for_url("**action=measure.update**")
    rows = page.locator("table.audit-table tbody tr")
    assert rows.count() == 1
    assert "整改措施：每次支部会议第一项学习总书记重要讲话 → 每次支部会议第一项学习，并形成记录" in rows.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{base}{reverse('audit-log')}")
    page.screenshot(path=str(SHOTS / "audit-log-1280.png"), full_page=True)
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    assert download.value.suggested_filename.startswith("审计日志_")
    assert violations == []


def test_the_audit_log_reads_on_a_phone(page, live_server, cast, violations):
    _history(cast)
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "admin")
    page.goto(f"{base}{reverse('audit-log')}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    first = page.locator("table.audit-table tbody tr").first
    assert first.bounding_box()["width"] <= 390
    label = page.evaluate("getComputedStyle(document.querySelector('.audit-table td'), '::before').content")
    assert "时间" in label  # each cell says what it is, the table's head being hidden on a phone
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "audit-log-390-top.png"))
    first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "audit-log-390-rows.png"))
    assert violations == []
