"""Staff accounts and their roles: the system administrator's accounts, the security
administrator's roles (三员分立, docs/security.md).

One account holds one role (Staff is one row per user). One person may not hold two of the
three administrator roles through two accounts either: accounts are matched by the person's
name (姓名), which the three administrator roles must give (`check_separation`).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction

from xuncha import clock
from xuncha.core.statuses import ADMIN_ROLES, ROLE
from xuncha.ledger import passwords, permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, NotFound
from xuncha.ledger.models import Staff, Team, Unit
from xuncha.ledger.services import audit

NEEDS_UNIT = {"unit_editor", "unit_leader"}
NEEDS_TEAM = {"team_member"}
FIELDS = ["role", "unit", "team", "display_name"]


def _check_role(role: str, unit: Unit | None, team: Team | None, display_name: str) -> None:
    if role not in ROLE:
        raise InvalidInput("未知的角色。", field="role")
    if role in NEEDS_UNIT and unit is None:
        raise InvalidInput(f"{ROLE.label(role)}必须指定所属单位。", field="unit")
    if role in NEEDS_TEAM and team is None:
        raise InvalidInput("巡察组成员必须指定所属巡察组。", field="team")
    if role in ADMIN_ROLES and not display_name.strip():
        raise InvalidInput(f"{ROLE.label(role)}必须填写姓名（用于核对同一人不兼任两个管理员角色）。",
                           field="display_name")


def check_separation(role: str, display_name: str, user_id: int | None = None) -> None:
    """Refuse a second administrator role for the same person (三员 are three people)."""
    if role not in ADMIN_ROLES:
        return
    others = (Staff.objects.filter(display_name=display_name.strip(), role__in=ADMIN_ROLES,
                                   user__is_active=True)
              .exclude(role=role).exclude(user_id=user_id).first())
    if others is not None:
        raise InvalidInput(
            f"同一人不能同时担任系统管理员、安全管理员、审计管理员中的两个角色："
            f"“{display_name}”已是{ROLE.label(others.role)}。", field="role")


def _scope_of(role: str, unit: Unit | None, team: Team | None) -> tuple[Unit | None, Team | None]:
    """Only the roles that need a unit or a team keep one."""
    return (unit if role in NEEDS_UNIT else None), (team if role in NEEDS_TEAM else None)


def _validated(password: str, user, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("密码不符合要求：" + "".join(exc.messages), field=field) from None


@transaction.atomic
def create_staff(actor: Actor, username: str, password: str, role: str, unit: Unit | None = None,
                 team: Team | None = None, display_name: str = "",
                 must_change: bool = False) -> Staff:
    permissions.require(actor, "manage_accounts")
    User = get_user_model()
    username = username.strip()
    if not username:
        raise InvalidInput("请填写登录名。", field="username")
    _check_role(role, unit, team, display_name)
    check_separation(role, display_name)
    if User.objects.filter(username=username).exists():
        raise InvalidInput(f"登录名“{username}”已被使用。", field="username")
    # No business role is a Django superuser; only the system administrator may open the
    # remaining Django admin pages (ledger.admin), and those are audited.
    user = User(username=username, first_name=display_name, is_staff=role == "sys_admin",
                is_superuser=False)
    _validated(password, user)
    user.set_password(password)
    user.save()
    unit, team = _scope_of(role, unit, team)
    staff = Staff.objects.create(user=user, role=role, unit=unit, team=team,
                                 display_name=display_name, password_changed_at=clock.now(),
                                 must_change_password=must_change)
    audit.record(actor, "staff.create", staff, f"新建账号 {username}（{ROLE.label(role)}）",
                 after=audit.snapshot(staff, FIELDS))
    return staff


def create_with_generated_password(actor: Actor, username: str, role: str,
                                   unit: Unit | None = None, team: Team | None = None,
                                   display_name: str = "") -> tuple[Staff, str]:
    """A new account and its first password, generated here and shown once to the creator."""
    password = passwords.generate(user=get_user_model()(username=username, first_name=display_name))
    staff = create_staff(actor, username, password, role, unit, team, display_name, must_change=True)
    return staff, password


@transaction.atomic
def set_password(actor: Actor, staff: Staff, password: str, must_change: bool = False) -> Staff:
    """Give an account a new password (checked by the same rules as a new account);
    `must_change`: the person must replace it at the next login."""
    permissions.require(actor, "manage_accounts")
    user = staff.user
    _validated(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    Staff.objects.filter(pk=staff.pk).update(password_changed_at=clock.now(),
                                             must_change_password=must_change)
    end_sessions(user.pk)
    audit.record(actor, "staff.password", staff, f"重设账号 {user.username} 的密码")
    return staff


def reset_password(actor: Actor, staff: Staff) -> str:
    """A generated password for a forgotten one, shown once; the account's sessions end."""
    password = passwords.generate(user=staff.user)
    set_password(actor, staff, password, must_change=True)
    return password


@transaction.atomic
def set_active(actor: Actor, staff: Staff, active: bool) -> Staff:
    """Deactivate (or reactivate) an account; a deactivated account's sessions end at once."""
    permissions.require(actor, "manage_accounts")
    user = staff.user
    if user.pk == actor.user_id:
        raise InvalidInput("不能停用自己的账号。", field="active")
    if user.is_active == active:
        raise InvalidInput("该账号已是启用状态。" if active else "该账号已停用。", field="active")
    if active:
        check_separation(staff.role, staff.display_name, user.pk)
    get_user_model().objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    if not active:
        end_sessions(user.pk)
    verb = "启用" if active else "停用"
    audit.record(actor, "staff.activate" if active else "staff.deactivate", staff,
                 f"{verb}账号 {user.username}", before={"is_active": not active},
                 after={"is_active": active})
    return staff


@transaction.atomic
def change_role(actor: Actor, staff: Staff, role: str, unit: Unit | None = None,
                team: Team | None = None) -> Staff:
    """The security administrator gives an account another role (and its unit or team)."""
    permissions.require(actor, "manage_roles")
    if staff.user_id == actor.user_id:
        raise InvalidInput("不能更改自己的角色。", field="role")
    _check_role(role, unit, team, staff.display_name)
    check_separation(role, staff.display_name, staff.user_id)
    unit, team = _scope_of(role, unit, team)
    before = audit.snapshot(staff, FIELDS)
    Staff.objects.filter(pk=staff.pk).update(role=role, unit=unit, team=team)
    get_user_model().objects.filter(pk=staff.user_id).update(is_staff=role == "sys_admin",
                                                             is_superuser=False)
    staff.refresh_from_db()
    end_sessions(staff.user_id)  # the next page is built for the new role, from a new login
    audit.record(actor, "staff.role", staff,
                 f"账号 {staff.user.username} 的角色：{ROLE.label(before['role'])} → "
                 f"{ROLE.label(role)}", before=before, after=audit.snapshot(staff, FIELDS))
    return staff


def end_sessions(user_id: int) -> int:
    """Delete the server-side sessions of one account (database sessions: a scan, run rarely)."""
    ended = [s.pk for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user_id)]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def staff_by_pk(actor: Actor, pk: int) -> Staff:
    permissions.require(actor, "view_accounts")
    staff = Staff.objects.select_related("user", "unit", "team").filter(pk=pk).first()
    if staff is None:
        raise NotFound("没有这个账号。")
    return staff


def account_list(actor: Actor, query: str = "", role: str = ""):
    """Accounts for the 账号管理 page, with lockout and second-factor state in the same query."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.db.models import Exists, OuterRef, Q
    from django_otp.plugins.otp_totp.models import TOTPDevice

    permissions.require(actor, "view_accounts")
    locked = AccessAttempt.objects.filter(username=OuterRef("user__username"),
                                          failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                                          attempt_time__gte=clock.now() - settings.AXES_COOLOFF_TIME)
    enrolled = TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True)
    rows = (Staff.objects.select_related("user", "unit", "team")
            .annotate(locked=Exists(locked), enrolled=Exists(enrolled))
            .order_by("-user__is_active", "role", "user__username"))
    if query.strip():
        q = query.strip()
        rows = rows.filter(Q(user__username__icontains=q) | Q(display_name__icontains=q))
    if role in ROLE:
        rows = rows.filter(role=role)
    return rows
