"""三员分立: the system, security and audit administrators, kept apart from each other and
from the business roles; no account is a Django superuser."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from xuncha.core.statuses import ADMIN_ROLES, ROLE
from xuncha.ledger import permissions
from xuncha.ledger.actor import actor_for
from xuncha.ledger.errors import InvalidInput, PermissionDenied
from xuncha.ledger.models import AuditEvent, Staff
from xuncha.ledger.services import accounts

pytestmark = pytest.mark.django_db
NEW = "Zhuque-river-42"


def test_the_three_administrator_roles_exist_with_chinese_names():
    assert {ROLE.label(r) for r in ADMIN_ROLES} == {"系统管理员", "安全管理员", "审计管理员"}


def test_no_account_is_a_django_superuser_and_only_the_system_administrator_is_staff(cast):
    users = get_user_model().objects.filter(staff__isnull=False)
    assert not users.filter(is_superuser=True).exists()
    assert set(users.filter(is_staff=True).values_list("username", flat=True)) == {"sysadmin"}


def test_a_superuser_flag_alone_gives_no_role(db):
    boss = get_user_model().objects.create_superuser("boss", password=PASSWORD)
    actor = actor_for(boss)
    assert actor.role == "none"
    assert not permissions.allowed(actor, "decide_closeout")
    assert not permissions.allowed(actor, "manage_accounts")


@pytest.mark.parametrize("action, holders", [
    ("manage_accounts", {"sysadmin"}),
    ("manage_roles", {"secadmin"}),
    ("release_lockout", {"secadmin"}),
    ("reset_second_factor", {"secadmin"}),
    ("view_accounts", {"sysadmin", "secadmin"}),
    ("decide_closeout", {"admin"}),
    ("publish_notice", {"admin"}),
])
def test_each_act_belongs_to_its_one_role(cast, action, holders):
    allowed = {name for name in cast.users if permissions.allowed(cast.actor(name), action)}
    assert allowed == holders


def test_the_security_and_audit_administrators_see_no_business_data(cast):
    for name in ("secadmin", "auditadmin"):
        assert not permissions.allowed(cast.actor(name), "view", cast.inspection)
    # The system administrator reads what it set up but approves nothing.
    sysadmin = cast.actor("sysadmin")
    assert permissions.allowed(sysadmin, "view", cast.inspection)
    business = {"edit_findings", "edit_measures", "report_progress", "request_closeout",
                "decide_closeout", "approve_notice", "publish_notice", "lookback", "draft_notice"}
    assert not business & permissions.actions_for(sysadmin, cast.inspection)


def test_the_audit_administrator_changes_nothing(cast):
    auditor = cast.actor("auditadmin")
    # Reading the audit (审计日志) is the audit administrator's work; every other action changes something.
    changing = [a for a in permissions.ACTIONS if a not in {"view", "view_jobs", "check_reuse", "view_audit"}]
    assert permissions.allowed(auditor, "view_audit")
    assert not [a for a in changing if permissions.allowed(auditor, a, cast.inspection)]
    assert not permissions.may_write(auditor)  # the same rule, read from permissions.READS


def test_only_the_system_administrator_creates_accounts_and_it_is_audited(cast):
    for name in ("admin", "secadmin", "auditadmin", "editor"):
        with pytest.raises(PermissionDenied):
            accounts.create_staff(cast.actor(name), "li", NEW, "supervisor", display_name="李")
    staff = accounts.create_staff(cast.actor("sysadmin"), "li", NEW, "supervisor", display_name="李")
    event = AuditEvent.objects.get(action="staff.create", object_id=staff.pk)
    assert event.actor_id == cast.users["sysadmin"].pk
    assert event.after["role"] == "supervisor"
    assert not staff.user.is_superuser and not staff.user.is_staff


def test_one_person_cannot_hold_two_of_the_three(cast):
    sysadmin = cast.actor("sysadmin")
    # cast.users["secadmin"] is the person named "secadmin": not also the audit administrator.
    with pytest.raises(InvalidInput, match=r"同一人不能同时担任.*已是安全管理员"):
        accounts.create_staff(sysadmin, "secadmin2", NEW, "audit_admin", display_name="secadmin")
    # nor by a role change of another account of the same person
    other = accounts.create_staff(sysadmin, "secadmin3", NEW, "supervisor", display_name="secadmin")
    with pytest.raises(InvalidInput, match="同一人不能同时担任"):
        accounts.change_role(cast.actor("secadmin"), other, "sys_admin")
    # the same role twice is no conflict (a stand-in), nor a business role
    accounts.create_staff(sysadmin, "secadmin4", NEW, "security_admin", display_name="secadmin")


def test_an_administrator_account_needs_the_persons_name(cast):
    with pytest.raises(InvalidInput, match="必须填写姓名"):
        accounts.create_staff(cast.actor("sysadmin"), "anon", NEW, "audit_admin")


def test_only_the_security_administrator_changes_roles_never_their_own(cast):
    editor = Staff.objects.get(user=cast.users["editor"])
    for name in ("sysadmin", "admin", "auditadmin"):
        with pytest.raises(PermissionDenied):
            accounts.change_role(cast.actor(name), editor, "supervisor")
    own = Staff.objects.get(user=cast.users["secadmin"])
    with pytest.raises(InvalidInput, match="不能更改自己的角色"):
        accounts.change_role(cast.actor("secadmin"), own, "sys_admin")
    accounts.change_role(cast.actor("secadmin"), editor, "supervisor")
    editor.refresh_from_db()
    assert (editor.role, editor.unit) == ("supervisor", None)
    event = AuditEvent.objects.get(action="staff.role")
    assert event.before["role"] == "unit_editor" and event.after["role"] == "supervisor"


def test_a_role_change_to_system_administrator_opens_the_admin_and_back_closes_it(cast):
    leader = Staff.objects.get(user=cast.users["leader"])
    accounts.change_role(cast.actor("secadmin"), leader, "sys_admin")
    assert get_user_model().objects.get(pk=leader.user_id).is_staff
    accounts.change_role(cast.actor("secadmin"), leader, "unit_leader", unit=cast.tianbao)
    assert not get_user_model().objects.get(pk=leader.user_id).is_staff


def log_in(client, username: str, password: str) -> bool:
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_deactivating_ends_the_accounts_sessions(cast, client):
    assert log_in(client, "editor", PASSWORD)
    key = client.session.session_key
    editor = Staff.objects.get(user=cast.users["editor"])
    accounts.set_active(cast.actor("sysadmin"), editor, False)
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302  # back to the login page
    assert not log_in(client, "editor", PASSWORD)
    with pytest.raises(InvalidInput, match="不能停用自己的账号"):
        accounts.set_active(cast.actor("sysadmin"), Staff.objects.get(user=cast.users["sysadmin"]), False)
    assert AuditEvent.objects.filter(action="staff.deactivate", object_id=editor.pk).exists()


def test_a_reset_password_is_new_valid_and_audited(cast, client):
    editor = Staff.objects.get(user=cast.users["editor"])
    password = accounts.reset_password(cast.actor("sysadmin"), editor)
    assert password != PASSWORD
    assert log_in(client, "editor", password) and not log_in(Client(), "editor", PASSWORD)
    event = AuditEvent.objects.get(action="staff.password")
    assert password not in str(event.summary) + str(event.before) + str(event.after)


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_createuser_accepts_the_three_roles(db, monkeypatch, role):
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW + "\n"))
    out = io.StringIO()
    call_command("createuser", f"u-{role}", "--role", role, "--display-name", f"张{role}",
                 "--password-stdin", stdout=out)
    assert ROLE.label(role) in out.getvalue()
    staff = Staff.objects.get(user__username=f"u-{role}")
    assert staff.role == role and not staff.user.is_superuser


def test_createuser_refuses_a_second_administrator_role_for_the_same_person(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW + "\n"))
    call_command("createuser", "a1", "--role", "sys_admin", "--display-name", "王芳",
                 "--password-stdin", stdout=io.StringIO())
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW + "\n"))
    with pytest.raises(CommandError, match="同一人不能同时担任"):
        call_command("createuser", "a2", "--role", "audit_admin", "--display-name", "王芳",
                     "--password-stdin", stdout=io.StringIO())


def test_the_demo_has_one_named_account_per_role(db):
    from xuncha.ledger import demo

    inspections = demo.load_notices()
    created = demo.create_accounts(inspections)
    roles = set(Staff.objects.filter(user__username__in=[a.username for a in created])
                .values_list("role", flat=True))
    assert roles == set(ROLE.values())
    assert all(demo.PEOPLE[a.username] for a in created)
    assert not get_user_model().objects.filter(is_superuser=True).exists()


def test_createuser_marks_a_generated_password_for_change_and_a_typed_one_not(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: generated
    out = io.StringIO()
    call_command("createuser", "gen", "--role", "supervisor", stdout=out)
    assert "只显示这一次" in out.getvalue()
    assert Staff.objects.get(user__username="gen").must_change_password
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW + "\n"))
    call_command("createuser", "typed", "--role", "supervisor", "--password-stdin",
                 stdout=io.StringIO())
    assert not Staff.objects.get(user__username="typed").must_change_password
