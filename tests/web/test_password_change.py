"""Every logged-in person can change their own password; an expired one must be changed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from xuncha.ledger.models import AuditEvent, Staff

pytestmark = pytest.mark.django_db
NEW = "Fresh-Passw0rd-2026"


def change(client, old: str, new: str, again: str | None = None):
    return client.post(reverse("password-change"), {
        "old_password": old, "new_password1": new, "new_password2": again or new})


def test_the_header_links_to_the_change_page_for_everyone(login, cast):
    page = login("editor").get(reverse("workbench")).content.decode()
    assert reverse("password-change") in page and "修改密码" in page


def test_it_changes_the_password_keeps_the_session_and_audits(login, cast):
    client = login("editor")
    response = change(client, PASSWORD, NEW)
    assert response.status_code == 302
    user = cast.users["editor"]
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(reverse("workbench")).status_code == 200  # still logged in
    event = AuditEvent.objects.get(action="account.password")
    assert event.actor_id == user.pk and NEW not in event.summary


def test_a_wrong_old_password_or_a_mismatch_is_refused_in_chinese(login, cast):
    client = login("editor")
    assert "原密码不正确" in change(client, "wrong", NEW).content.decode()
    assert "两次输入的新密码不一致" in change(client, PASSWORD, NEW, "Other-Passw0rd").content.decode()
    page = change(client, PASSWORD, "short").content.decode()
    assert "密码太短" in page and "too short" not in page
    cast.users["editor"].refresh_from_db()
    assert cast.users["editor"].check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="account.password").exists()


def test_anonymous_visitors_get_the_login_page(client, cast):
    response = client.get(reverse("password-change"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_expired_password_sends_the_person_to_the_change_page(login, cast, settings):
    settings.PASSWORD_MAX_DAYS = 90
    old = timezone.now() - dt.timedelta(days=91)
    Staff.objects.filter(user=cast.users["editor"]).update(password_changed_at=old)
    client = login("editor")
    response = client.get(reverse("workbench"))
    assert response.status_code == 302 and response["Location"] == reverse("password-change")
    assert "密码已过期" in client.get(reverse("password-change")).content.decode()
    change(client, PASSWORD, NEW)
    assert client.get(reverse("workbench")).status_code == 200


def test_without_a_maximum_age_old_passwords_do_not_expire(login, cast, settings):
    settings.PASSWORD_MAX_DAYS = 0
    old = timezone.now() - dt.timedelta(days=900)
    Staff.objects.filter(user=cast.users["editor"]).update(password_changed_at=old)
    assert login("editor").get(reverse("workbench")).status_code == 200


def test_changing_the_password_ends_the_persons_other_sessions(client, cast):
    from django.test import Client

    other = Client()
    other.force_login(cast.users["editor"])
    client.force_login(cast.users["editor"])
    assert change(client, PASSWORD, NEW).status_code == 302
    assert client.get(reverse("workbench")).status_code == 200
    assert other.get(reverse("workbench")).status_code == 302


def test_a_password_set_by_the_administrator_must_be_changed_at_first_login(client, cast):
    from xuncha.ledger.services import accounts

    editor = Staff.objects.get(user=cast.users["editor"])
    given = accounts.reset_password(cast.actor("sysadmin"), editor)
    client.post(reverse("login"), {"username": "editor", "password": given})
    response = client.get(reverse("workbench"))
    assert response.status_code == 302 and response["Location"] == reverse("password-change")
    assert "由管理员设置" in client.get(reverse("password-change")).content.decode()
    change(client, given, NEW)
    assert client.get(reverse("workbench")).status_code == 200
    assert not Staff.objects.get(pk=editor.pk).must_change_password


def test_a_password_the_person_typed_at_the_command_line_need_not_be_changed(cast):
    editor = Staff.objects.get(user=cast.users["editor"])
    assert not editor.must_change_password  # created with a typed password (tests' cast)
