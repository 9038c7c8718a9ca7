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
