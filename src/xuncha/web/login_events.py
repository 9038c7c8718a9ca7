"""Logins, logouts, failed logins and lockouts, written to the audit trail.

Django and axes announce these through signals (the login form, the admin's login and any
other caller of `authenticate` all send them); each receiver here makes one explicit
`audit.record` call. The username tried is recorded, never the password.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from xuncha.ledger.actor import Actor, actor_for
from xuncha.ledger.services import audit
from xuncha.web.context import client_ip

NAME_KEPT = 150  # as long as a login name can be


def _address(request) -> str | None:
    return client_ip(request) if request is not None else None


def _tried(username: object) -> tuple[str, object]:
    """The name tried, cut to size, and its account (an unsaved row if there is none)."""
    name = str(username or "")[:NAME_KEPT]
    User = get_user_model()
    return name, User.objects.filter(username=name).first() or User(username=name)


def _anonymous(request) -> Actor:
    return Actor(user=None, role="anonymous", ip=_address(request))


@receiver(user_logged_in, dispatch_uid="xuncha-login")
def on_login(sender, request, user, **kwargs) -> None:
    with transaction.atomic():
        audit.record(actor_for(user, _address(request)), "login", user,
                     f"{user.get_username()} 登录")


@receiver(user_logged_out, dispatch_uid="xuncha-logout")
def on_logout(sender, request, user, **kwargs) -> None:
    if user is None:  # a logout without a session: nothing to record
        return
    with transaction.atomic():
        audit.record(actor_for(user, _address(request)), "logout", user,
                     f"{user.get_username()} 退出")


@receiver(user_login_failed, dispatch_uid="xuncha-login-failed")
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    name, account = _tried(credentials.get("username"))
    with transaction.atomic():
        audit.record(_anonymous(request), "login.failed", account, f"登录失败：用户名 {name}")


@receiver(user_locked_out, dispatch_uid="xuncha-locked-out")
def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    name, account = _tried(username)
    with transaction.atomic():
        audit.record(_anonymous(request), "login.locked", account,
                     f"登录被拒绝：用户名 {name} 在该地址已锁定（失败次数过多）")
