"""接口令牌 and the API's documentation page in a real browser: the token is shown once, the
Swagger UI draws under the Content-Security-Policy from the site's own files, and both fit a phone."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.test_rectification_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shoot(page, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("XUNCHA_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_a_token_is_made_shown_once_and_used(page, live_server, cast, tmp_path):
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
    log_in(page, live_server.url, "editor")
    page.click("text=接口令牌")
    page.wait_for_selector("h1:has-text('接口令牌')")
    page.fill("input[name=name]", "区纪委监督平台")
    page.select_option("select[name=scope]", "write")
    page.click("button.primary")
    secret = page.inner_text("#new-token")
    assert re.fullmatch(r"xc_[0-9a-f]{8}_\S+", secret)
    shoot(page, tmp_path, "tokens-desktop")
    page.set_viewport_size({"width": 390, "height": 800})
    assert fits(page)
    shoot(page, tmp_path, "tokens-phone")
    page.goto(f"{live_server.url}{reverse('api-tokens')}")
    assert secret not in page.content()
    assert refused == []


def test_the_api_documentation_draws_from_the_sites_own_files(page, live_server, cast, tmp_path):
    refused, outside = [], []
    page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock-summary", timeout=30_000)
    assert page.locator(".opblock").count() >= 30
    assert page.locator(".opblock-summary-description", has_text="督办列表").count() == 1
    shoot(page, tmp_path, "docs-desktop")
    page.set_viewport_size({"width": 390, "height": 800})
    shoot(page, tmp_path, "docs-phone")
    assert outside == [] and refused == []
