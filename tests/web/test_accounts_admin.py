"""账号管理 (/accounts/) and what remains of the Django admin: the system administrator's and
the security administrator's pages, every act audited, everyone else refused."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import PASSWORD
from xuncha.ledger.models import AuditEvent, Staff

pytestmark = pytest.mark.django_db


def staff_of(cast, name: str) -> Staff:
    return Staff.objects.get(user=cast.users[name])


@pytest.mark.parametrize("name, status", [
    ("sysadmin", 200), ("secadmin", 200), ("auditadmin", 403), ("admin", 403), ("editor", 403),
    ("supervisor", 403)])
def test_the_accounts_page_is_for_the_system_and_security_administrators(login, name, status):
    assert login(name).get(reverse("accounts")).status_code == status


def test_the_nav_shows_账号管理_only_to_them(login):
    assert "账号管理" in login("sysadmin").get(reverse("accounts")).content.decode()
    assert "账号管理" not in login("admin").get(reverse("workbench")).content.decode()


def test_creating_an_account_shows_a_generated_password_once(login, cast, client):
    page = login("sysadmin").post(reverse("account-create"), {
        "username": "liu", "display_name": "刘洋", "role": "unit_editor",
        "unit": cast.tianbao.pk}).content.decode()
    password = re.search(r'class="password-once">([^<]+)<', page).group(1)
    staff = Staff.objects.get(user__username="liu")
    assert (staff.role, staff.unit, staff.display_name) == ("unit_editor", cast.tianbao, "刘洋")
    event = AuditEvent.objects.get(action="staff.create", object_id=staff.pk)
    assert event.actor_id == cast.users["sysadmin"].pk
    client.logout()
    assert client.post(reverse("login"), {"username": "liu", "password": password}).status_code == 302


def test_a_refused_creation_says_why_in_chinese(login, cast):
    response = login("sysadmin").post(reverse("account-create"), {
        "username": "liu", "display_name": "刘洋", "role": "unit_editor"})
    assert response.status_code == 400
    assert "被巡察单位联络员必须指定所属单位" in response.content.decode()
    assert not Staff.objects.filter(user__username="liu").exists()


def test_the_security_administrator_may_not_create_accounts(login):
    response = login("secadmin").post(reverse("account-create"), {
        "username": "liu", "display_name": "刘洋", "role": "supervisor"})
    assert response.status_code == 403


def test_reset_password_deactivate_role_unlock_and_second_factor_reset(login, cast):
    editor = staff_of(cast, "editor")
    sysadmin = login("sysadmin")
    page = sysadmin.post(reverse("account-password", args=[editor.pk])).content.decode()
    assert "密码只显示这一次" in page
    sysadmin.post(reverse("account-active", args=[editor.pk]), {"active": "0"})
    assert not get_user_model().objects.get(pk=editor.user_id).is_active
    # the system administrator cannot change roles; the security administrator can
    sysadmin.post(reverse("account-role", args=[editor.pk]), {"role": "supervisor"})
    assert staff_of(cast, "editor").role == "unit_editor"
    security = login("secadmin")
    security.post(reverse("account-role", args=[editor.pk]), {"role": "supervisor"})
    assert staff_of(cast, "editor").role == "supervisor"
    security.post(reverse("account-unlock", args=[editor.pk]))
    security.post(reverse("account-2fa-reset", args=[editor.pk]))
    actions = set(AuditEvent.objects.filter(object_id__in=[editor.pk, editor.user_id])
                  .values_list("action", flat=True))
    assert {"staff.password", "staff.deactivate", "staff.role", "login.release", "2fa.reset"} <= actions


def test_the_system_administrator_alone_opens_the_django_admin(login):
    assert login("sysadmin").get("/admin/").status_code == 200
    for name in ("admin", "secadmin", "auditadmin", "editor"):
        assert login(name).get("/admin/", follow=True).status_code == 403
        assert login(name).get(reverse("admin:ledger_unit_changelist"), follow=True).status_code == 403


def test_the_admin_offers_no_superuser_groups_or_permissions(login, cast):
    page = login("sysadmin").get(reverse("admin:auth_user_change", args=[cast.users["editor"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "is_superuser" not in html and "user_permissions" not in html and "groups" not in html
    assert login("sysadmin").get("/admin/auth/group/").status_code == 404


def test_changing_a_user_through_the_admin_writes_an_audit_record(login, cast):
    editor = cast.users["editor"]
    response = login("sysadmin").post(reverse("admin:auth_user_change", args=[editor.pk]), {
        "username": "editor", "first_name": "孙丽", "last_name": "", "email": "sl@example.cn"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.update", object_id=editor.pk)
    assert event.actor_id == cast.users["sysadmin"].pk
    assert event.after == {"first_name": "孙丽", "email": "sl@example.cn"}
    assert event.before == {"first_name": "editor", "email": ""}
    editor.refresh_from_db()
    assert not editor.is_superuser


def test_a_password_set_through_the_admin_is_audited(login, cast, client):
    editor = cast.users["editor"]
    new = "Admin-set-Pass-77"
    response = login("sysadmin").post(reverse("admin:auth_user_password_change", args=[editor.pk]),
                                      {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="user.password", object_id=editor.pk).exists()
    client.logout()
    assert client.post(reverse("login"), {"username": "editor", "password": new}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.post(reverse("login"), {"username": "editor", "password": PASSWORD}).status_code == 200


def test_units_changed_and_deleted_through_the_admin_are_audited(login, cast):
    from xuncha.ledger.services import setup

    spare = setup.create_unit(cast.system, "空白社区", parent=cast.district)
    client = login("sysadmin")
    response = client.post(reverse("admin:ledger_unit_delete", args=[spare.pk]), {"post": "yes"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="unit.delete")
    assert event.before == {"name": "空白社区"} and event.actor_id == cast.users["sysadmin"].pk
