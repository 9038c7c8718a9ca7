"""The second factor: TOTP (an authenticator app) and recovery codes, through django-otp.

django-otp keeps each TOTP device's last accepted time step, so a code is accepted once only,
and deletes a recovery code when it is used; it also slows down repeated wrong codes. This
module decides who must give a second factor (XUNCHA_2FA) and records every event.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from xuncha.core.statuses import ADMIN_ROLES
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.models import Staff
from xuncha.ledger.services import audit

# XUNCHA_2FA=office: the office, the inspection teams and the three administrators.
OFFICE_ROLES = frozenset({"office_admin", "team_member"}) | ADMIN_ROLES
RECOVERY_CODES = 10
DEVICE_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"


def required_for(role: str) -> bool:
    """Must a person of this role give a second factor after the password?"""
    policy = settings.TWO_FACTOR
    if policy == "all":
        return True
    return policy == "office" and role in OFFICE_ROLES


def enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolled_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    secret: str  # base32, for typing into an app that cannot scan
    qr_data_uri: str  # an SVG drawn here, as a data: URI for an <img> (CSP allows data: images)


def begin_enrolment(actor: Actor) -> Enrolment:
    """A new, unconfirmed TOTP key for the person (an earlier unconfirmed one is replaced)."""
    user = actor.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return _enrolment(device)


def pending_enrolment(actor: Actor, device_id: int) -> Enrolment | None:
    device = TOTPDevice.objects.filter(user=actor.user, pk=device_id, confirmed=False).first()
    return _enrolment(device) if device else None


def _enrolment(device: TOTPDevice) -> Enrolment:
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    qr = segno.make(device.config_url, error="m")
    return Enrolment(device, secret, qr.svg_data_uri(scale=5, border=2))


def _clean(token: str) -> str:
    return "".join(token.split()).replace("-", "")


def confirm_enrolment(actor: Actor, device_id: int, token: str) -> list[str]:
    """Confirm the new key with a code from the app; returns fresh recovery codes (shown once).

    The person's older TOTP key and recovery codes are replaced by the new ones.
    """
    user = actor.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(
            user=user, pk=device_id, confirmed=False).first()
        if device is None:
            raise InvalidInput("绑定已失效，请重新开始绑定。", field="token")
        if device.verify_token(_clean(token)):
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
            codes = _new_recovery_codes(user)
            audit.record(actor, "2fa.enrolled", user,
                         f"{user.get_username()} 绑定了身份验证器（双因素认证）")
            return codes
    # Outside the transaction above, so django-otp's count of wrong codes is kept.
    _failed(actor, "绑定身份验证器时验证码错误")
    raise InvalidInput("验证码不正确，请核对手机上的时间并输入当前显示的 6 位数字。", field="token")


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def renew_recovery_codes(actor: Actor) -> list[str]:
    """New recovery codes for an enrolled person; the old ones stop working."""
    user = actor.user
    if not enrolled(user):
        raise InvalidInput("尚未绑定身份验证器，不能生成恢复码。", field="token")
    codes = _new_recovery_codes(user)
    audit.record(actor, "2fa.recovery_renewed", user, f"{user.get_username()} 重新生成了恢复码")
    return codes


def verify(actor: Actor, token: str):
    """The device that accepts this code (a TOTP code or a recovery code), or InvalidInput.

    A TOTP code is accepted once: django-otp stores the time step it matched and refuses it
    and every earlier one after that; the row is locked while it is checked, so two requests
    with one code cannot both pass. A recovery code is deleted when used. A refusal is
    recorded and raised after its own transaction commits, so the slow-down counts it.
    """
    user = actor.user
    token = _clean(token)
    if not token:
        raise InvalidInput("请输入验证码。", field="token")
    for model, action in ((TOTPDevice, "2fa.verified"), (StaticDevice, "2fa.recovery_used")):
        for pk in model.objects.filter(user=user, confirmed=True).values_list("pk", flat=True):
            with transaction.atomic():
                device = model.objects.select_for_update().get(pk=pk)
                allowed, _ = device.verify_is_allowed()
                if allowed and device.verify_token(token):
                    audit.record(actor, action, user, _verified_summary(user, device))
                    return device
            if not allowed:
                _failed(actor, "尝试过于频繁")
                raise InvalidInput("验证码错误次数过多，请稍等片刻再试。", field="token")
    _failed(actor, "验证码错误")
    raise InvalidInput("验证码不正确或已使用过，请输入身份验证器上当前的 6 位数字，"
                       "或一个未用过的恢复码。", field="token")


def _verified_summary(user, device) -> str:
    name = user.get_username()
    if isinstance(device, StaticDevice):
        left = StaticToken.objects.filter(device=device).count()
        return f"{name} 使用恢复码通过双因素认证（剩余 {left} 个）"
    return f"{name} 通过双因素认证"


def _failed(actor: Actor, why: str) -> None:
    # Recorded in its own transaction so the refusal is kept although the caller's rolls back.
    with transaction.atomic():
        audit.record(actor, "2fa.failed", actor.user, f"{actor.user.get_username()} 双因素认证失败：{why}")


@transaction.atomic
def reset(actor: Actor, staff: Staff) -> int:
    """The security administrator removes a person's second factor (a lost phone); the person
    enrols again at the next login. Returns the devices removed."""
    permissions.require(actor, "reset_second_factor")
    user = staff.user
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    audit.record(actor, "2fa.reset", staff, f"重置账号 {user.get_username()} 的双因素认证")
    return removed
