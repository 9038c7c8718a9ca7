"""Steps every browser test takes the same way."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import PASSWORD


def log_in(page, base: str, username: str) -> None:
    """Log in through the real form and wait for the 工作台 heading (the nav's link is folded away
    on a phone, so the page's own heading is what shows the login worked)."""
    page.goto(f"{base}{reverse('login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("h1:has-text('工作台')")


def log_out(page) -> None:
    """Log out and wait for the login form: the next log_in must not race the logout's response."""
    page.click("button:has-text('退出')")
    page.wait_for_selector("input[name=username]")
