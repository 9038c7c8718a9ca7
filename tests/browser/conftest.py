"""Headless Chromium (Debian's package) driven by Playwright against the live test server."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# Playwright's sync API runs an event loop; the ORM calls the tests make between steps are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium_path() -> str | None:
    return os.environ.get("XUNCHA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "browser tests need Chromium (apt-get install chromium); skipped"
        if os.environ.get("XUNCHA_REQUIRE_BROWSER"):
            pytest.fail("XUNCHA_REQUIRE_BROWSER is set but Chromium is not installed")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=path, headless=True, args=CHROMIUM_FLAGS, locale="zh-CN",
            viewport={"width": 1280, "height": 900})
        yield context
        context.close()


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    browser.clear_cookies()
    page.close()
