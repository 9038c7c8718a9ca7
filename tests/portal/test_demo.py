"""The demo publishes the five samples, personal information masked, and the portal shows them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from xuncha.ledger import demo
from xuncha.ledger.models import Notice
from xuncha.ledger.services import notices, storage


@pytest.mark.django_db
def test_the_demo_publishes_every_sample_without_li_jianxins_name():
    inspections = demo.load_notices()
    assert demo.publish_notices(inspections) == 5
    published = Notice.objects.filter(state="published")
    assert published.count() == 5
    tianbao = published.get(inspection__unit__name="天宝社区")
    # Each is the unit's own notice: its statuses, totals, contacts and date, not a ledger composition
    # (the ledger imported from a notice that states no status per item would print 未完成 for all).
    shibafang = published.get(inspection__unit__name="十八坊社区党委")
    assert shibafang.doc["notice_date"] == "2025-06-19" and "0433—5750316" in shibafang.doc["text"]
    assert "已完成整改12个" in shibafang.doc["text"].replace(" ", "") and "完成率0%" not in shibafang.doc["text"]
    assert "截至目前，共12项" not in shibafang.doc["text"]  # its own wording: no totals sentence added
    assert [f["status"] for f in tianbao.doc["findings"]].count("done") >= 1
    assert "李建新" not in tianbao.doc["text"] and "李某" in tianbao.doc["text"]
    txt = next(f for f in tianbao.files if f["format"] == "txt")
    handle, _size = storage.open_stream(notices.FILES, notices.stored_name(tianbao, txt))
    with handle:
        assert "李建新" not in handle.read().decode()
    client = Client()
    page = client.get(reverse("portal:notice", args=[tianbao.pk])).content.decode()
    assert "天宝社区" in page and "李建新" not in page
    index = client.get(reverse("portal:index")).content.decode()
    assert index.count('class="notice-row"') == 5
