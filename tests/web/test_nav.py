"""The menu offers each role what it may open: no link that answers 403."""

import re

import pytest
from django.urls import reverse

BUSINESS = ("巡察轮次", "问题清单", "整改措施", "统计分析", "群众监督")


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
