"""The 通知 and 督办 pages: who sees what, and the forms that call the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xuncha.notify import ladder
from xuncha.notify.ladder_config import current
from xuncha.notify.models import Notification, Supervision

DEADLINE = dt.date(2025, 11, 15)


@pytest.fixture
def overdue(cast, clock) -> Supervision:
    ladder.run(clock.set(DEADLINE + dt.timedelta(days=1)))
    return Supervision.objects.get()


def test_the_nav_has_an_item_named_tongzhi_with_the_unread_count(login, overdue):
    page = login("leader").get("/").content.decode()
    assert '<a href="/inbox/" id="nav-inbox">通知</a>' in page
    assert '<span class="badge badge-orange" id="unread-count" title="未读通知">2</span>' in page


def test_the_unread_count_is_one_query(login, overdue):
    client = login("leader")
    client.get("/inbox/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/inbox/")
    counts = [q["sql"] for q in queries.captured_queries if "notify_notification" in q["sql"]
              and "COUNT" in q["sql"].upper() and "read_at" in q["sql"]]
    assert len(counts) == 1  # the badge, once per request


def test_the_inbox_lists_ones_own_notifications_and_opening_one_marks_it_read(login, cast, overdue):
    client = login("leader")
    page = client.get("/inbox/").content.decode()
    assert "督办：请天宝社区于2025年12月1日前报结 1 项逾期整改事项" in page
    note = Notification.objects.get(recipient=cast.users["leader"], kind="supervision")
    response = client.post(f"/inbox/{note.pk}/read", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == f"/supervisions/{overdue.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.post("/inbox/read-all").status_code == 302
    assert not Notification.objects.filter(recipient=cast.users["leader"], read_at__isnull=True).exists()


def test_nobody_reads_someone_elses_notification(login, cast, overdue):
    note = Notification.objects.filter(recipient=cast.users["leader"]).first()
    assert login("outsider").post(f"/inbox/{note.pk}/read").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_preferences_are_saved(login, cast):
    client = login("editor")
    assert client.get("/inbox/preferences").status_code == 200
    client.post("/inbox/preferences", {"email_kinds": ["reminder", "supervision"]})
    from xuncha.notify.models import Preference

    pref = Preference.objects.get(user=cast.users["editor"])
    assert pref.email_kinds == ["reminder", "supervision"] and pref.digest is False


def test_the_office_lists_the_supervisions_and_another_unit_sees_none(login, overdue):
    page = login("admin").get("/supervisions/").content.decode()
    assert overdue.number in page and "天宝社区" in page
    assert overdue.number not in login("outsider").get("/supervisions/").content.decode()
    assert login("outsider").get(f"/supervisions/{overdue.pk}/").status_code == 404


def test_the_units_editor_answers_on_the_page_and_downloads_the_letter(login, overdue):
    client = login("editor")
    page = client.get(f"/supervisions/{overdue.pk}/").content.decode()
    assert 'id="answer-form"' in page and 'id="decision"' not in page
    response = client.post(f"/supervisions/{overdue.pk}/answer", {"text": "已整改完毕。"})
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.state == "answered"
    letter = client.get(f"/supervisions/{overdue.pk}/letter.docx")
    assert letter.status_code == 200 and letter.content[:2] == b"PK"
    assert "attachment" in letter["Content-Disposition"]
    assert client.get(f"/supervisions/{overdue.pk}/letter.exe").status_code == 404


def test_the_office_decides_on_the_page(login, cast, overdue):
    from xuncha.notify import services

    services.move(cast.actor("editor"), overdue, "answer", "已整改完毕。")
    client = login("admin")
    assert 'id="decision"' in client.get(f"/supervisions/{overdue.pk}/").content.decode()
    client.post(f"/supervisions/{overdue.pk}/return", {"text": ""})
    overdue.refresh_from_db()
    assert overdue.state == "answered"  # a return needs a reason: refused with a message
    client.post(f"/supervisions/{overdue.pk}/accept", {"text": "同意"})
    overdue.refresh_from_db()
    assert overdue.state == "closed"


def test_only_the_office_changes_the_ladder(login):
    assert login("editor").get("/supervisions/settings").status_code == 403
    client = login("admin")
    assert client.get("/supervisions/settings").status_code == 200
    data = {"reminder_days": "15,5", "interview_days": "20", "reply_days": "10", "issuer": "区委巡察办",
            "aud_reminder": ["unit_editor", "unit_leader"]}
    client.post("/supervisions/settings", data)
    ladder_now = current()
    assert ladder_now.reminder_days == (5, 15) and ladder_now.interview_days == 20
    assert ladder_now.audience("reminder") == ("unit_editor", "unit_leader")
    assert ladder_now.audience("supervision") == ()
    response = client.post("/supervisions/settings", {**data, "reminder_days": "十天"}, follow=True)
    assert "提醒天数应为 0 至 365 之间的整数" in response.content.decode()


def test_the_interview_page_records_the_meeting(login, cast, clock, overdue):
    ladder.run(clock.set(DEADLINE + dt.timedelta(days=31)))
    from xuncha.notify.models import Interview

    interview = Interview.objects.get()
    client = login("admin")
    assert "天宝社区" in client.get("/interviews/").content.decode()
    client.post(f"/interviews/{interview.pk}/", {"held_on": clock.day.isoformat(), "people": "王某；李某",
                                                 "notes": "已约谈"})
    interview.refresh_from_db()
    assert interview.state == "held"
    assert login("outsider").get(f"/interviews/{interview.pk}/").status_code == 404


@pytest.mark.parametrize("url", ["/inbox/", "/inbox/preferences", "/supervisions/", "/interviews/"])
def test_anonymous_people_are_sent_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def _second_supervision(cast, overdue: Supervision) -> Supervision:
    return Supervision.objects.create(inspection=cast.other_inspection, unit_name="建设社区", issuer="区委巡察办",
                                      opened_on=overdue.opened_on, reply_due=overdue.reply_due)


def _listed(page: str, table: str) -> str:
    return page[page.index(f'id="{table}"'):]


def test_the_supervision_list_narrows_to_a_unit_or_an_inspection_and_keeps_it_across_tabs(login, cast, overdue):
    other = _second_supervision(cast, overdue)
    client = login("admin")
    everything = client.get("/supervisions/").content.decode()
    assert overdue.number in _listed(everything, "supervisions") and other.number in _listed(everything, "supervisions")
    assert '<select name="unit" data-autosubmit>' in everything and "建设社区</option>" in everything
    assert '<b>2</b><span>待报结</span>' in everything
    for query in (f"unit={cast.street.pk}", f"unit={cast.tianbao.pk}", f"inspection={cast.inspection.pk}"):
        page = client.get(f"/supervisions/?{query}").content.decode()
        assert overdue.number in _listed(page, "supervisions"), query
        assert other.number not in _listed(page, "supervisions"), query
        assert f'?status=closed&amp;{query}"' in page, query  # the tabs keep the narrowing
        assert '<b>1</b><span>待报结</span>' in page, query  # and so do the counts above them
    assert other.number not in client.get("/supervisions/?unit=999999").content.decode()
    assert overdue.number in client.get("/supervisions/?unit=abc").content.decode()  # not a filter
    # The unit's editor sees only its own unit: no choice to offer, so no filter form.
    assert 'id="supervision-filters"' not in login("editor").get("/supervisions/").content.decode()


def test_the_interview_list_narrows_to_a_unit(login, cast, clock, overdue):
    ladder.run(clock.set(DEADLINE + dt.timedelta(days=31)))
    from xuncha.notify.models import Interview

    mine = Interview.objects.get()
    Interview.objects.create(inspection=cast.other_inspection, unit_name="建设社区", opened_on=clock.day)
    client = login("admin")
    assert _listed(client.get("/interviews/").content.decode(), "interviews").count("/interviews/") == 2
    narrowed = _listed(client.get(f"/interviews/?unit={cast.jianshe.pk}").content.decode(), "interviews")
    assert "建设社区" in narrowed and f"/interviews/{mine.pk}/" not in narrowed
    held = client.get(f"/interviews/?status=held&unit={cast.tianbao.pk}").content.decode()
    assert f"/interviews/{mine.pk}/" not in _listed(held, "interviews")
