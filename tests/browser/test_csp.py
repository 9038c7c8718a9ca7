"""In a real browser, the Content-Security-Policy blocks nothing the pages need."""

import pytest
from django.urls import reverse

from tests.browser.test_rectification_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def violations(page):
    """What Chromium reports about the policy, and uncaught script errors.

    Other console errors (a 404 for /favicon.ico on the admin pages) are not about the policy.
    """
    seen = []
    page.on("console", lambda message: seen.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def test_key_pages_report_no_policy_violation(page, live_server, cast, violations):
    base = live_server.url
    page.goto(f"{base}{reverse('login')}")
    assert "frame-ancestors 'none'" in page.evaluate(
        "fetch(location.href).then(r => r.headers.get('content-security-policy'))")
    log_in(page, base, "admin")
    for url in [reverse("workbench"), reverse("rounds"),
                reverse("round", args=[cast.inspection.round_id]), reverse("findings"),
                reverse("inspection", args=[cast.inspection.pk]),
                reverse("finding", args=[cast.finding.pk]), reverse("reuse-checks")]:
        page.goto(f"{base}{url}")
        page.wait_for_load_state("load")
    page.context.clear_cookies()
    log_in(page, base, "sysadmin")  # the Django admin is the system administrator's alone
    for url in [reverse("admin:index"), reverse("admin:ledger_unit_change", args=[cast.tianbao.pk]),
                reverse("accounts")]:
        page.goto(f"{base}{url}")
        page.wait_for_load_state("load")
    assert violations == []


def test_the_job_filter_still_submits_itself_without_an_inline_handler(page, live_server, cast,
                                                                         violations):
    base = live_server.url
    log_in(page, base, "admin")
    page.goto(f"{base}{reverse('jobs')}")
    page.select_option("select[name=status]", "failed")
    page.wait_for_url("**/jobs/?status=failed")
    assert violations == []


def test_the_round_progress_bar_is_drawn_without_a_style_attribute(page, live_server, cast,
                                                                     violations):
    base = live_server.url
    log_in(page, base, "admin")
    page.goto(f"{base}{reverse('round', args=[cast.inspection.round_id])}")
    bar = page.locator("progress.bar").first
    assert bar.get_attribute("max") and bar.bounding_box()["width"] == 80
    assert violations == []
