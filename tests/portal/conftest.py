"""A published notice of 天宝社区 (two findings, item （二） naming a person) for the portal tests."""

from __future__ import annotations

import datetime as dt

import pytest

from xuncha.core.document import Contacts, DocFinding, NoticeDoc
from xuncha.ledger.models import Notice
from xuncha.portal import middleware
from xuncha.portal.services import pages

TEXT = ("天宝社区关于2025年区委第三轮巡察整改进展情况的通报\n"
        "一、集中整改期内已完成的整改事项\n（一）“第一议题”落实不到位\n整改结果：已完成\n"
        "（二）安全隐患排查工作不到位\n茂源金色家园小区消防栓无水。\n整改结果：未完成\n")


def make_notice(cast, version: int = 1, text: str = TEXT, state: str = "published") -> Notice:
    doc = NoticeDoc(
        text=text, title="天宝社区关于2025年区委第三轮巡察整改进展情况的通报", issuer="天宝社区", unit="天宝社区",
        notice_date=dt.date(2025, 11, 10),
        findings=[DocFinding(path=["一", "（一）"], title="“第一议题”落实不到位", status="done"),
                  DocFinding(path=["一", "（二）"], title="安全隐患排查工作不到位", status="not_done")],
        contacts=Contacts(phones=["0433-5750316"]))
    return Notice.objects.create(
        inspection=cast.inspection, version=version, doc=doc.to_dict(), created_by=cast.users["editor"],
        state=state, published_at=dt.datetime(2025, 11, 12, 9, 0, tzinfo=dt.UTC) + dt.timedelta(days=version),
        files=[{"format": "txt", "name": "notice.txt", "key": "none.txt", "sha256": "ab" * 32, "size": 10}])


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Pages are cached per process and per generation; each test starts with none."""
    middleware.LOCAL.items.clear()
    pages._local.update(value=None)
    yield
    middleware.LOCAL.items.clear()
    pages._local.update(value=None)


@pytest.fixture
def notice(cast):
    return make_notice(cast)
