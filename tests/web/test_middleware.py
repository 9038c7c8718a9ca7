"""Sessions: renewed at most once a minute, and still ended after the idle timeout."""

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """One clock for the renewal middleware and for the session rows' expiry."""
    start = timezone.now()
    state = {"offset": 0.0}

    def moved() -> dt.datetime:
        return start + dt.timedelta(seconds=state["offset"])

    monkeypatch.setattr("xuncha.web.middleware.now", lambda: moved().timestamp())
    monkeypatch.setattr("django.utils.timezone.now", moved)
    return state


@pytest.fixture
def saves(monkeypatch):
    calls = []
    original = SessionStore.save

    def counted(self, must_create=False):
        calls.append(self.session_key)
        return original(self, must_create=must_create)

    monkeypatch.setattr(SessionStore, "save", counted)
    return calls


def test_it_writes_the_session_once_for_two_requests_within_a_minute(login, clock, saves):
    client = login("editor")
    saves.clear()
    assert client.get(reverse("workbench")).status_code == 200
    clock["offset"] = 30
    assert client.get(reverse("workbench")).status_code == 200
    assert len(saves) == 1


def test_a_request_after_61_seconds_renews_the_session(login, clock, saves, settings):
    client = login("editor")
    client.get(reverse("workbench"))
    key = client.session.session_key
    from django.contrib.sessions.models import Session

    before = Session.objects.get(session_key=key).expire_date
    saves.clear()
    clock["offset"] = 61
    assert client.get(reverse("workbench")).status_code == 200
    assert len(saves) == 1
    after = Session.objects.get(session_key=key).expire_date
    assert after - before == dt.timedelta(seconds=61)


def test_after_the_idle_timeout_the_user_is_logged_out(login, clock, settings):
    client = login("editor")
    assert client.get(reverse("workbench")).status_code == 200
    clock["offset"] = settings.SESSION_COOKIE_AGE + 1
    response = client.get(reverse("workbench"))
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)


def test_a_user_active_every_50_seconds_stays_logged_in_past_the_idle_time(login, clock, settings):
    client = login("editor")
    for step in range(1, settings.SESSION_COOKIE_AGE // 50 + 5):
        clock["offset"] = step * 50
        assert client.get(reverse("workbench")).status_code == 200, step


def test_an_anonymous_visitor_gets_no_session_row(client):
    from django.contrib.sessions.models import Session

    assert client.get(reverse("login")).status_code == 200
    assert not Session.objects.exists()


def test_an_active_session_ends_after_the_absolute_lifetime(login, clock, settings):
    client = login("editor")
    step = 20 * 60  # active every 20 minutes: the idle timeout never strikes
    for moment in range(step, settings.SESSION_MAX_SECONDS, step):
        clock["offset"] = moment
        assert client.get(reverse("workbench")).status_code == 200, moment
    clock["offset"] = settings.SESSION_MAX_SECONDS + 60
    response = client.get(reverse("workbench"))
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)
    page = client.get(response["Location"]).content.decode()
    assert "登录已超过 8 小时" in page
    assert client.get(reverse("workbench")).status_code == 302


def test_the_lifetime_counts_from_the_login_form(client, cast, clock, settings):
    from tests.conftest import PASSWORD

    settings.SESSION_MAX_SECONDS = 3600
    client.post(reverse("login"), {"username": "editor", "password": PASSWORD})
    for moment in (1500, 3000, 3500):
        clock["offset"] = moment
        assert client.get(reverse("workbench")).status_code == 200, moment
    clock["offset"] = 3700
    assert client.get(reverse("workbench")).status_code == 302


def test_the_expired_session_row_is_deleted_on_the_server(login, clock, settings):
    from django.contrib.sessions.models import Session

    settings.SESSION_MAX_SECONDS = 3600
    client = login("editor")
    client.get(reverse("workbench"))
    key = client.session.session_key
    for moment in (1200, 2400, 3660):  # active all along: only the lifetime ends it
        clock["offset"] = moment
        client.get(reverse("workbench"))
    assert not Session.objects.filter(session_key=key).exists()
    # (idle sessions expire in place and go with the daily 清理过期会话 job)


def test_the_absolute_lifetime_is_eight_hours_unless_set(monkeypatch):
    from xuncha import config

    assert config.load({})["XUNCHA_SESSION_MAX_HOURS"] == 8
    assert config.load({"XUNCHA_SESSION_MAX_HOURS": "4"})["XUNCHA_SESSION_MAX_HOURS"] == 4
