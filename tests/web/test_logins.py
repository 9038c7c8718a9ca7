"""Logging in: lockout per account and address, the address throttle, and their audit."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from tests.conftest import PASSWORD
from xuncha.ledger.errors import NotFound, PermissionDenied
from xuncha.ledger.models import AuditEvent
from xuncha.ledger.services import logins

pytestmark = pytest.mark.django_db

HOME, OTHER = "10.0.0.7", "10.0.0.8"


def attempt(client, username: str, password: str, address: str = HOME):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def fail(client, username: str, times: int, address: str = HOME) -> None:
    """Wrong passwords; the one that reaches the limit already answers with the lockout."""
    for _ in range(times):
        response = attempt(client, username, "wrong-Password-1", address)
        assert response.status_code in (200, 429) and not logged_in(response)


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


def test_it_locks_the_account_after_five_failures_and_refuses_the_right_password(client, cast):
    fail(client, "editor", 4)
    assert attempt(client, "editor", "wrong-Password-1").status_code == 429
    response = attempt(client, "editor", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429 and not logged_in(response)
    assert "登录失败次数过多，账号已锁定 15 分钟" in page
    assert "locked" not in page.lower() and "_auth_user_id" not in client.session


def test_four_failures_then_the_right_password_logs_in(client, cast):
    fail(client, "editor", 4)
    assert logged_in(attempt(client, "editor", PASSWORD))


def test_the_lockout_holds_for_that_address_only(client, cast):
    fail(client, "editor", 5)
    assert logged_in(attempt(client, "editor", PASSWORD, address=OTHER))


def test_another_account_from_the_same_address_is_not_locked(client, cast):
    fail(client, "editor", 5)
    assert logged_in(attempt(client, "leader", PASSWORD))


def test_after_the_lockout_time_the_right_password_works_again(client, cast):
    fail(client, "editor", 5)
    assert attempt(client, "editor", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=16))
    assert logged_in(attempt(client, "editor", PASSWORD))


def test_tries_during_the_lockout_do_not_extend_it(client, cast):
    fail(client, "editor", 5)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=14))
    assert attempt(client, "editor", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=2))
    assert logged_in(attempt(client, "editor", PASSWORD))


def test_the_failure_limit_and_time_come_from_the_settings(client, cast, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.LOCKOUT_MINUTES = 30
    fail(client, "editor", 2)
    assert "账号已锁定 30 分钟" in attempt(client, "editor", PASSWORD).content.decode()


def test_many_accounts_tried_from_one_address_throttle_that_address(client, cast, settings):
    settings.THROTTLE_FAILURES = 6
    for name in ["editor", "leader", "outsider", "supervisor", "nobody", "admin"]:
        fail(client, name, 1)
    response = attempt(client, "team_member", PASSWORD)
    assert response.status_code == 429
    assert "本机登录失败次数过多" in response.content.decode()
    assert logged_in(attempt(client, "team_member", PASSWORD, address=OTHER))


def test_the_security_administrator_releases_a_lockout_and_it_is_audited(client, cast):
    fail(client, "editor", 5)
    assert logins.release_lockout(cast.actor("secadmin"), "editor") == 1
    assert logged_in(attempt(client, "editor", PASSWORD))
    event = AuditEvent.objects.get(action="login.release")
    assert (event.actor_id, event.object_id) == (cast.users["secadmin"].pk, cast.users["editor"].pk)


def test_no_one_else_may_release_a_lockout(cast):
    fail_free = AccessAttempt.objects.count()
    for name in ("editor", "admin", "sysadmin", "auditadmin"):
        with pytest.raises(PermissionDenied):
            logins.release_lockout(cast.actor(name), "leader")
    with pytest.raises(NotFound):
        logins.release_lockout(cast.actor("secadmin"), "no-such-person")
    assert AccessAttempt.objects.count() == fail_free
    assert not AuditEvent.objects.filter(action="login.release").exists()


def test_xuncha_unlock_releases_a_lockout(client, cast, capsys):
    fail(client, "editor", 5)
    call_command("unlock", "editor")
    assert "已解除账号 editor 的登录锁定" in capsys.readouterr().out
    assert logged_in(attempt(client, "editor", PASSWORD))
    assert AuditEvent.objects.filter(action="login.release", actor_name="系统").exists()


def test_login_logout_failure_and_lockout_are_in_the_audit_trail(client, cast):
    fail(client, "editor", 5)
    attempt(client, "editor", PASSWORD)
    assert logged_in(attempt(client, "leader", PASSWORD))
    client.post(reverse("logout"), REMOTE_ADDR=HOME)
    events = AuditEvent.objects.order_by("id")
    failed = events.filter(action="login.failed")
    assert failed.count() == 6  # five wrong passwords, then the right one refused
    assert {e.actor_id for e in failed} == {None} and {e.ip for e in failed} == {HOME}
    assert all("editor" in e.summary and "wrong" not in e.summary for e in failed)
    assert failed.first().object_id == cast.users["editor"].pk
    assert events.filter(action="login.locked").count() >= 2
    login, logout = events.get(action="login"), events.get(action="logout")
    assert login.actor_id == logout.actor_id == cast.users["leader"].pk
    assert login.ip == HOME


def test_a_failure_with_an_unknown_name_records_the_name_tried(client, cast):
    fail(client, "who-is-this", 1)
    event = AuditEvent.objects.get(action="login.failed")
    assert "who-is-this" in event.summary and event.object_id is None


def test_logout_ends_the_session_row(client, cast):
    from django.contrib.sessions.models import Session

    assert logged_in(attempt(client, "leader", PASSWORD))
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("workbench")).status_code == 302


def test_the_admin_has_no_login_of_its_own(client, cast):
    """The Django admin sends people to the staff login (its lockout and second factor)."""
    response = client.post("/admin/login/", {"username": "sysadmin", "password": PASSWORD},
                           REMOTE_ADDR=HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action="login").exists()


def test_xuncha_unlock_refuses_a_name_nobody_has(cast):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="没有登录名为“ghost”的账号"):
        call_command("unlock", "ghost")
