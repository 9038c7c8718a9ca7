"""Staff accounts and their roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from xuncha import clock
from xuncha.core.statuses import ROLE
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.models import Staff, Team, Unit
from xuncha.ledger.services import audit

NEEDS_UNIT = {"unit_editor", "unit_leader"}


@transaction.atomic
def create_staff(actor: Actor, username: str, password: str, role: str, unit: Unit | None = None,
                 team: Team | None = None, display_name: str = "") -> Staff:
    permissions.require(actor, "manage_inspections")
    User = get_user_model()
    if role not in ROLE:
        raise InvalidInput("未知的角色。", field="role")
    if role in NEEDS_UNIT and unit is None:
        raise InvalidInput(f"{ROLE.label(role)}必须指定所属单位。", field="unit")
    if role == "team_member" and team is None:
        raise InvalidInput("巡察组成员必须指定所属巡察组。", field="team")
    if User.objects.filter(username=username).exists():
        raise InvalidInput(f"登录名“{username}”已被使用。", field="username")
    user = User(username=username, first_name=display_name, is_staff=role == "office_admin")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("密码不符合要求：" + "".join(exc.messages), field="password") from None
    user.set_password(password)
    user.is_superuser = role == "office_admin"
    user.save()
    staff = Staff.objects.create(user=user, role=role, unit=unit, team=team,
                                 display_name=display_name, password_changed_at=clock.now())
    audit.record(actor, "staff.create", staff, f"新建账号 {username}（{ROLE.label(role)}）")
    return staff


@transaction.atomic
def set_password(actor: Actor, staff: Staff, password: str) -> Staff:
    """Give an account a new password (checked by the same rules as a new account)."""
    permissions.require(actor, "manage_inspections")
    user = staff.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("密码不符合要求：" + "".join(exc.messages), field="password") from None
    user.set_password(password)
    user.save(update_fields=["password"])
    Staff.objects.filter(pk=staff.pk).update(password_changed_at=clock.now())
    audit.record(actor, "staff.password", staff, f"重设账号 {user.username} 的密码")
    return staff
