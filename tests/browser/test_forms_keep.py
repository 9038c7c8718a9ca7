"""A refused form comes back with what was typed (forms.js), and a form that went through does not."""

import pytest
from django.urls import reverse

from tests.browser.steps import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "需协调供水部门更换主管道，延期两个月。"


def test_a_refused_form_keeps_the_typed_text_and_opens_where_it_was(page, live_server, cast):
    base = live_server.url
    log_in(page, base, "editor")
    page.goto(f"{base}{reverse('finding', args=[cast.finding.pk])}")
    page.click("summary:has-text('申请延期')")
    form = page.locator("form[action*='extension']").first
    form.locator("input[name=new_deadline]").fill("2000-01-01")  # before the deadline: refused
    form.locator("textarea[name=reason]").fill(REASON)
    with page.expect_navigation():
        form.locator("button").click()
    page.wait_for_selector(".messages .msg-error")
    again = page.locator("form.restored")
    assert again.count() == 1
    assert again.locator("textarea[name=reason]").input_value() == REASON
    assert again.locator("input[name=new_deadline]").input_value() == "2000-01-01"
    assert again.locator("textarea[name=reason]").is_visible()  # its <details> is open again

    # Once gone through, nothing is put back: the next visit starts empty.
    page.goto(f"{base}{reverse('finding', args=[cast.finding.pk])}")
    assert page.locator("form.restored").count() == 0
