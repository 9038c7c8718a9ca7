"""Logging in: lockouts released by the security administrator, passwords changed and aged."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from xuncha import clock
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, NotFound
from xuncha.ledger.models import Staff
from xuncha.ledger.services import audit


def _account(username: str):
    """The user row of a login name, or an unsaved one for a name no account has."""
    User = get_user_model()
    return User.objects.filter(username=username).first() or User(username=username[:150])


@transaction.atomic
def release_lockout(actor: Actor, username: str) -> int:
    """End every lockout of an account (all addresses) now; returns the attempts removed."""
    permissions.require(actor, "release_lockout")
    attempts = AccessAttempt.objects.filter(username=username)
    count = attempts.count()
    if count == 0 and not get_user_model().objects.filter(username=username).exists():
        raise NotFound(f"没有登录名为“{username}”的账号，也没有它的登录失败记录。")
    attempts.delete()
    audit.record(actor, "login.release", _account(username),
                 f"解除账号 {username} 的登录锁定（清除 {count} 条失败记录）")
    return count


@transaction.atomic
def change_own_password(actor: Actor, old: str, new: str) -> None:
    """A person changes their own password: the old one first, then the rules for the new."""
    user = actor.user
    if not user.check_password(old):
        raise InvalidInput("原密码不正确。", field="old_password")
    if old == new:
        raise InvalidInput("新密码不能与原密码相同。", field="new_password1")
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise InvalidInput("".join(exc.messages), field="new_password1") from None
    user.set_password(new)
    user.save(update_fields=["password"])
    mark_password_set(user)
    audit.record(actor, "account.password", user, f"{user.get_username()} 修改了自己的密码")


def mark_password_set(user) -> None:
    """Start the password's age now (XUNCHA_PASSWORD_MAX_DAYS counts from here)."""
    Staff.objects.filter(user=user).update(password_changed_at=clock.now(), must_change_password=False)


def password_expired(user, now: dt.datetime | None = None) -> bool:
    """True when an administrator set the password (generated, to be replaced at first use),
    or XUNCHA_PASSWORD_MAX_DAYS is set and the user's password is older than that."""
    if not user.is_authenticated:
        return False
    staff = getattr(user, "staff", None)  # None for an account without a Staff row
    if staff is not None and staff.must_change_password:
        return True
    if not settings.PASSWORD_MAX_DAYS:
        return False
    since = (staff.password_changed_at if staff else None) or user.date_joined
    now = now or clock.now()
    return now - since > dt.timedelta(days=settings.PASSWORD_MAX_DAYS)
