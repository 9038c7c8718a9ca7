"""离线交换 in a real browser: a conflict decided with a click, and the page fits a phone."""

from __future__ import annotations

import os
import uuid

import pytest
from django.urls import reverse

from tests.browser.test_rectification_flow import log_in
from tests.exchange.remote import Remote
from xuncha import clock
from xuncha.exchange import services
from xuncha.exchange.models import Conflict, Transfer
from xuncha.ledger.models import Measure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _conflict(cast) -> Conflict:
    peer = services.register_key(cast.system, "第四组笔记本", Remote().public)
    transfer = Transfer.objects.create(direction="in", peer=peer, seq=1, bundle_id=uuid.uuid4(),
                                       inspection=cast.inspection, inspection_uid=cast.inspection.uid,
                                       at=clock.now(), actor_name="系统", sha256="0" * 64, objects_count=12,
                                       updated_count=3, conflicts_count=1)
    return Conflict.objects.create(transfer=transfer, peer=peer, kind="measure", uid=cast.measure.uid,
                                   object_id=cast.measure.pk, inspection=cast.inspection, field="lead",
                                   base="李书记", ours="李书记", theirs="张书记")


def _shot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_office_decides_a_conflict_and_the_page_fits(page, live_server, cast, width):
    _conflict(cast)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}{reverse('exchange')}")
    page.wait_for_selector("h1:has-text('离线交换')")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shot(page, f"exchange-{width}.png")
    page.click("button[value=theirs]")
    page.wait_for_selector("text=已决定：采用对方")
    assert Measure.objects.get(pk=cast.measure.pk).lead == "张书记"
