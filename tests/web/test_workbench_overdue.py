"""工作台's 逾期问题较多的单位: each number counts overdue findings and links to exactly those findings."""

from __future__ import annotations

import datetime as dt
import re

from django.core.cache import cache
from django.urls import reverse

from xuncha.ledger.services import measures


def test_each_unit_s_number_is_the_count_of_the_findings_its_link_lists(today, login, cast):
    cache.clear()
    # A second overdue measure on the same finding: one more overdue measure, still one overdue finding.
    measures.create_measure(cast.system, cast.finding, "补记会议记录", owner="社区党委", deadline=dt.date(2025, 11, 1))
    client = login("supervisor")
    html = client.get(reverse("workbench")).content.decode()
    section = html.split('id="overdue-by-unit"')[1].split("</section>")[0]
    assert "<th>逾期未完成问题数</th>" in section
    rows = re.findall(r'<td>([^<]+)</td><td><a href="([^"]+)"[^>]*>(\d+)</a></td>', section)
    assert [(unit, int(n)) for unit, _, n in rows] == [("天宝社区", 1)]
    url = rows[0][1].replace("&amp;", "&")
    assert url.startswith(reverse("findings")) and "colour=red" in url and f"unit={cast.tianbao.pk}" in url
    listed = client.get(url).content.decode()
    assert len(re.findall(r'href="/findings/\d+/"', listed)) == 1 and "“第一议题”落实不到位" in listed
    assert "财务管理不规范" not in listed


def test_analytics_table_links_name_the_list_they_open(today, cast):
    from xuncha.analytics import report

    data = report.build(cast.actor("supervisor"))
    ageing = data.chart("ageing").body()
    assert "查看措施" in ageing and "查看问题" not in ageing and "/measures/?" in ageing
    units = data.chart("units").body()
    assert "查看措施" in units and "查看问题" not in units
    rounds = data.chart("rounds").body()
    assert "查看问题" in rounds and "/findings/?" in rounds
