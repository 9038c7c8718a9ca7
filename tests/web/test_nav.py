"""The menu offers each role what it may open: no link that answers 403."""

import re

import pytest
from django.urls import reverse

BUSINESS = ("巡察轮次", "问题清单", "整改措施", "统计分析", "评估", "群众监督")


def nav(client) -> list[str]:
    page = client.get(reverse("workbench")).content.decode()
    menu = re.search(r'<nav id="main-nav">(.*?)</nav>', page, re.S).group(1)
    return re.findall(r">([^<>]+)</a>", menu)


@pytest.mark.parametrize("name", ["secadmin", "auditadmin"])
def test_the_security_and_audit_administrators_get_no_business_links(login, name):
    links = nav(login(name))
    assert not set(BUSINESS) & set(links), links


def test_the_office_gets_every_business_link_and_each_opens(login):
    client = login("admin")
    links = nav(client)
    assert set(BUSINESS) <= set(links), links
    menu = client.get(reverse("workbench")).content.decode()
    for href in re.findall(r'<nav id="main-nav">.*?</nav>', menu, re.S)[0].split('href="')[1:]:
        url = href.split('"')[0]
        assert client.get(url).status_code == 200, url


def test_every_link_the_audit_administrator_sees_opens(login):
    client = login("auditadmin")
    menu = client.get(reverse("workbench")).content.decode()
    for href in re.findall(r'<nav id="main-nav">.*?</nav>', menu, re.S)[0].split('href="')[1:]:
        url = href.split('"')[0]
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("name", ["secadmin", "auditadmin"])
def test_the_security_and_audit_administrators_workbench_shows_their_own_work(login, name):
    page = login(name).get(reverse("workbench")).content.decode()
    assert "本岗位的工作" in page and "逾期未完成的措施" not in page and "反馈问题" not in page
    assert ("账号管理" if name == "secadmin" else "审计日志") in page.split('id="admin-work"')[1]


@pytest.mark.parametrize("name", ["admin", "team_member", "editor", "leader", "supervisor", "sysadmin",
                                  "secadmin", "auditadmin"])
def test_every_link_of_every_role_s_menu_opens(login, name):
    client = login(name)
    page = client.get(reverse("workbench")).content.decode()
    header = re.search(r'<header class="top">(.*?)</header>', page, re.S).group(1)
    for url in re.findall(r'href="(/[^"]*)"', header):
        assert client.get(url).status_code == 200, (name, url)
