"""The finding page: the 佐证材料核验 section, the flags inside the sign-off decision, and a query
count that does not grow with the flags."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.provenance.photos import photo
from tests.provenance.test_flags import report
from xuncha.ledger.services import closeouts, measures

pytestmark = pytest.mark.django_db


def page(client, cast) -> str:
    return client.get(reverse("finding", args=[cast.finding.pk])).content.decode()


def test_the_finding_page_says_when_nothing_was_found(login, cast, today):
    assert "未发现佐证材料异常" in page(login("editor"), cast)


def test_the_decision_form_carries_the_flags_and_the_unit_reads_them_masked(login, cast, today):
    report(cast, "outsider", cast.other_measure, [("他们的照片.jpg", photo(1))])
    cast.measure.refresh_from_db()
    measures.report_progress(cast.actor("editor"), cast.measure, today, "已完成整改，会议记录已归档。",
                             [("我们的照片.jpg", [photo(1)])], mark="done")
    closeouts.request_closeout(cast.actor("editor"), cast.finding)

    leader = page(login("leader"), cast)
    assert 'id="closeout-flags"' in leader and "不阻止销号" in leader
    assert "与其他单位的佐证材料相同" in leader and "他们的照片.jpg" not in leader

    office = page(login("admin"), cast)
    assert "他们的照片.jpg" in office and "建设社区" in office


def test_the_flags_cost_the_same_queries_however_many(login, cast, today):
    client = login("admin")
    report(cast, "outsider", cast.other_measure, [("a0.jpg", photo(30))])
    report(cast, "editor", cast.measure, [("b0.jpg", photo(30))])
    page(client, cast)  # the first request also loads the session and caches
    with CaptureQueriesContext(connection) as one:
        page(client, cast)
    report(cast, "outsider", cast.other_measure, [(f"a{n}.jpg", photo(30 + n)) for n in range(1, 6)])
    report(cast, "editor", cast.measure, [(f"b{n}.jpg", photo(30 + n)) for n in range(1, 6)])
    with CaptureQueriesContext(connection) as six:
        page(client, cast)
    # two more progress reports on the page are prefetched; the flags add nothing per flag
    assert len(six) == len(one)
