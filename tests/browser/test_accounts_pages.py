"""账号管理 and the second factor in a real browser: the QR code is drawn under the
Content-Security-Policy, and the pages fit a phone."""

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from tests.browser.test_rectification_flow import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_code(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_enrolment_draws_the_qr_code_and_the_code_logs_in(page, live_server, cast, settings):
    settings.TWO_FACTOR = "office"
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Refused" in m.text else None)
    base = live_server.url
    page.goto(f"{base}{reverse('login')}")
    page.fill("input[name=username]", "sysadmin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(re.compile(r".*/account/2fa/setup/.*"))
    image = page.locator("p.qr img")
    assert page.evaluate("img => img.complete && img.naturalWidth > 100", image.element_handle())
    page.fill("input[name=token]", current_code(page.inner_text("code.secret")))
    page.click("button.primary")
    page.wait_for_selector("text=恢复码只显示这一次")
    assert len(page.locator("ul.codes li").all()) == 10
    page.click("text=我已保存，继续")
    page.wait_for_selector("h1:has-text('工作台')")
    assert problems == []


def test_the_accounts_pages_fit_a_phone(page, live_server, cast):
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, base, "sysadmin")
    page.goto(f"{base}{reverse('accounts')}")
    assert fits(page)
    page.click("text=新建账号")
    page.fill("input[name=username]", "liuyang")
    page.fill("input[name=display_name]", "刘洋")
    page.select_option("select[name=role]", "supervisor")
    page.click("details button.primary")
    page.wait_for_selector("text=账号已创建")
    assert re.fullmatch(r"\S{10,}", page.inner_text("code.password-once")) and fits(page)
    page.click("text=返回账号")
    page.wait_for_selector("text=重设密码")
    assert fits(page)
