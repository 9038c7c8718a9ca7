"""The 工作台 of whoever decides 督办 answers lists the 报结 waiting for review (待审核的督办报结)."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from xuncha.ledger import permissions, worklists
from xuncha.notify import ladder, services
from xuncha.notify.models import Supervision


def _card(page: str) -> tuple[str, str]:
    """The card's link and its count."""
    (found,) = re.findall(r'<a class="todo-count[^"]*" href="([^"]*)" id="count-supervision-answers">\s*<b>(\d+)</b>'
                          r'<span>待审核的督办报结</span>', page)
    return found


def test_the_card_is_on_the_workbench_of_those_who_decide_answers():
    deciders = set(permissions.ACTIONS["decide_supervision"])
    for role, keys in worklists.ROLE_TASKS.items():
        assert ("supervision-answers" in keys) == (role in deciders), role


def test_the_office_sees_the_answers_to_review_counted_and_linked_to_the_filtered_list(
        cast, clock, login):
    ladder.run(clock.set(dt.date(2025, 11, 16)))  # one overdue measure: one 督办
    supervision = Supervision.objects.get()
    admin = login("admin")
    assert _card(admin.get(reverse("workbench")).content.decode()) == ("/supervisions/?status=answered", "0")

    services.move(cast.actor("editor"), supervision, "answer", "已全部整改完毕，附会议记录。")
    page = admin.get(reverse("workbench")).content.decode()
    url, count = _card(page)
    assert (url, count) == (f"{reverse('supervisions')}?status=answered", "1")
    assert f'href="{reverse("supervision", args=[supervision.pk])}"' in page  # the card's row
    listed = admin.get(url).content.decode()
    assert supervision.number in listed
    assert re.search(r'href="\?status=answered[^"]*" aria-current="page"', listed)  # the 待审核 tab

    todo = admin.get(reverse("todo", args=["supervision-answers"])).content.decode()  # the generic list too
    assert supervision.number in todo
    # Decided: off the card.
    services.move(cast.actor("admin"), Supervision.objects.get(), "accept", "")
    assert _card(admin.get(reverse("workbench")).content.decode())[1] == "0"


def test_a_unit_does_not_get_the_card(cast, login):
    for who in ("editor", "leader"):
        page = login(who).get(reverse("workbench")).content.decode()
        assert 'id="count-supervision-answers"' not in page


def test_each_count_above_the_supervision_list_opens_its_tab(cast, clock, login):
    ladder.run(clock.set(dt.date(2025, 11, 16)))  # one overdue measure: one 督办, waiting for its 报结
    supervision = Supervision.objects.get()
    page = login("admin").get(reverse("supervisions")).content.decode()
    (link, count), = re.findall(r'id="count-open" href="([^"]+)"><b>(\d+)</b>', page)
    assert count == "1" and link.startswith("?status=open")
    listed = login("admin").get(reverse("supervisions") + link.replace("&amp;", "&")).content.decode()
    assert supervision.number in listed
    assert re.search(r'id="count-planned" href="/interviews/\?status=planned', page)
