"""Every staff page at 390 px: the menu folds behind a button, nothing runs off the side.

With XUNCHA_SCREENSHOTS=<folder> each page is also saved at 390 and 1280 px for people to look at.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.steps import log_in
from xuncha.ledger.models import Evidence, Finding
from xuncha.ledger.services import closeouts, exports, measures, notices

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


def staff_pages(cast) -> dict[str, str]:
    import io

    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (900, 600), "#4a7").save(photo, "PNG")
    from weasyprint import HTML

    minutes = HTML(string="<h1>支部会议记录</h1><p>2025年11月10日，学习第一议题。</p>").write_pdf()
    editor = cast.actor("editor")
    measures.report_progress(editor, cast.measure, dt.date(2025, 11, 10), "巡察期间召开支部会议5次。",
                             [("会议记录.pdf", [minutes]), ("现场照片.png", [photo.getvalue()])],
                             mark="done")
    closeouts.request_closeout(editor, Finding.objects.get(pk=cast.finding.pk))
    notice = notices.draft_from_ledger(editor, cast.inspection)
    exports.request_export(cast.actor("admin"), cast.inspection.round)
    # Long names as real rounds have them: a select listing them may not widen a phone's page.
    from django.utils import timezone

    from xuncha.exchange.models import Peer
    from xuncha.ledger.models import Round
    Round.objects.filter(pk=cast.inspection.round_id).update(name="长白山党工委2022-2027年第二轮常规巡察")
    Peer.objects.create(name="区委巡察办笔记本（第四巡察组）", public_key="k" * 43, fingerprint="0123456789abcdef",
                        created_at=timezone.now())
    round_id = cast.inspection.round_id
    return {
        "workbench": reverse("workbench"), "rounds": reverse("rounds"), "round": reverse("round", args=[round_id]),
        "findings": reverse("findings"), "inspection": reverse("inspection", args=[cast.inspection.pk]),
        "finding": reverse("finding", args=[cast.finding.pk]), "notice": reverse("notice", args=[notice.pk]),
        "import": reverse("import", args=[cast.inspection.pk]), "reuse": reverse("reuse-checks"),
        "jobs": reverse("jobs"), "password": reverse("password-change"), "setup": reverse("setup"),
        "setup-round": reverse("setup-round", args=[round_id]), "setup-units": reverse("setup-units"),
        "setup-unit": reverse("setup-unit", args=[cast.tianbao.pk]), "setup-teams": reverse("setup-teams"),
        "setup-team": reverse("setup-team", args=[cast.team4.pk]),
        "setup-inspection": reverse("setup-inspection", args=[cast.inspection.pk]),
        # the features merged since: 统计分析, 评估, 随机抽查, 离线交换, 通知, 督办, 审计日志, 令牌, 群众监督
        "analytics": reverse("analytics"), "evaluation": reverse("evaluation"),
        "evaluation-scheme": reverse("evaluation-scheme"),
        "evaluation-round": reverse("evaluation-round", args=[round_id]),
        "evaluation-unit": reverse("evaluation-unit", args=[round_id, cast.tianbao.pk]),
        "checks": reverse("random-checks"), "exchange": reverse("exchange"), "inbox": reverse("inbox"),
        "supervisions": reverse("supervisions"), "interviews": reverse("interviews"),
        "audit": reverse("audit-log"), "tokens": reverse("api-tokens"),
        "comments": reverse("portal-staff:comments"),
    }


def test_every_staff_page_fits_a_phone_and_the_menu_folds(page, live_server, cast):
    shots = os.environ.get("XUNCHA_SCREENSHOTS")
    urls = staff_pages(cast)
    assert Evidence.objects.count() == 2
    log_in(page, live_server.url, "admin")
    for name, url in urls.items():
        page.set_viewport_size(PHONE)
        page.goto(f"{live_server.url}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the page is {width} px wide at 390"
        assert not page.locator("#main-nav").is_visible(), name
        if shots:
            page.screenshot(path=str(Path(shots) / f"{name}-390.png"), full_page=True)
            page.set_viewport_size(DESKTOP)
            page.screenshot(path=str(Path(shots) / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{urls['workbench']}")
    page.click(".menu-button")
    assert page.locator("#main-nav >> text=巡察安排").is_visible()
    assert page.locator(".menu-button").get_attribute("aria-expanded") == "true"
    if shots:
        page.screenshot(path=str(Path(shots) / "menu-open-390.png"))
    page.set_viewport_size(DESKTOP)
    assert page.locator("#main-nav").is_visible() and not page.locator(".menu-button").is_visible()
    page.goto(f"{live_server.url}{urls['finding']}")
    page.click("text=在页面中查看")
    frame = page.locator(".pdf-view iframe")
    frame.wait_for()
    assert frame.is_visible()
    if shots:
        page.wait_for_timeout(1500)  # the PDF viewer draws after the frame loads
        frame.screenshot(path=str(Path(shots) / "finding-pdf-1280.png"))


def test_the_findings_list_is_cards_on_a_phone_and_every_menu_item_has_its_divider(page, live_server, cast):
    log_in(page, live_server.url, "admin")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('findings')}")
    assert not page.locator("#finding-list thead").is_visible()  # labelled cards, as the measure list
    cell = page.locator("#finding-list td[data-label='问题']").first
    assert page.evaluate("c => getComputedStyle(c, '::before').content", cell.element_handle()) == '"问题："'
    page.click(".menu-button")
    items = page.locator("#main-nav > a").first.element_handle(), page.locator("#main-nav .nav-inbox").element_handle()
    styles = [page.evaluate("e => [getComputedStyle(e).borderTopWidth, getComputedStyle(e).paddingTop]", e)
              for e in items]
    assert styles[0] == styles[1] and styles[0][0] != "0px", styles
    page.set_viewport_size(DESKTOP)
    assert page.locator("#finding-list thead").is_visible()
