"""The TOTP second factor (XUNCHA_2FA): enrolment by QR code, codes accepted once, recovery
codes, the policy by role, and every event in the audit trail."""

import base64
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from xuncha.ledger.models import AuditEvent, Staff

pytestmark = pytest.mark.django_db
T0 = 1_800_000_000  # a fixed moment; each step of 30 s gives a new code


@pytest.fixture
def office_policy(settings):
    settings.TWO_FACTOR = "office"
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the slow-down has its own test
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def clock(monkeypatch):
    """The time django-otp's TOTP device reads."""
    now = SimpleNamespace(value=T0)
    monkeypatch.setattr("django_otp.plugins.otp_totp.models.time",
                        SimpleNamespace(time=lambda: now.value))
    return now


def code(device: TOTPDevice, at: float) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = at
    return f"{totp.token():06d}"


def password_login(client, username: str):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def enrol(client, username: str, clock) -> tuple[TOTPDevice, list[str]]:
    """Log in with the password, enrol an authenticator, return it and the recovery codes."""
    password_login(client, username)
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    page = client.post(reverse("two-factor-setup"), {"token": code(device, clock.value)})
    codes = re.findall(r"<li><code>(\w+)</code></li>", page.content.decode())
    device.refresh_from_db()
    return device, codes


def test_an_office_admin_must_enrol_before_any_page(client, cast, office_policy, clock):
    assert password_login(client, "admin").status_code == 302
    response = client.get(reverse("workbench"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor-setup"))
    page = client.get(reverse("two-factor-setup")).content.decode()
    assert re.search(r'<img src="data:image/svg\+xml[^"]+" alt="身份验证器二维码"', page)
    device = TOTPDevice.objects.get(user=cast.users["admin"], confirmed=False)
    assert base64.b32encode(device.bin_key).decode().rstrip("=") in page  # the key, to type in
    response = client.post(reverse("two-factor-setup"), {"token": code(device, T0)})
    assert "恢复码只显示这一次" in response.content.decode()
    assert client.get(reverse("workbench")).status_code == 200
    assert AuditEvent.objects.filter(action="2fa.enrolled", object_id=cast.users["admin"].pk).exists()


def test_the_next_login_asks_for_a_code_and_accepts_each_code_once(client, cast, office_policy, clock):
    device, _ = enrol(client, "admin", clock)
    client.post(reverse("logout"))
    password_login(client, "admin")
    response = client.get(reverse("findings"))
    assert response["Location"].startswith(reverse("two-factor-verify"))
    # the code used at enrolment, same time step: refused as a replay
    page = client.post(reverse("two-factor-verify"), {"token": code(device, T0)}, follow=True)
    assert "验证码不正确或已使用过" in page.content.decode()
    assert client.get(reverse("findings")).status_code == 302
    clock.value = T0 + 30
    fresh = code(device, clock.value)
    response = client.post(reverse("two-factor-verify"), {"token": fresh, "next": "/findings/"})
    assert response.status_code == 302 and response["Location"] == "/findings/"
    assert client.get(reverse("findings")).status_code == 200
    # the same fresh code, from another browser in the same 30 s: refused
    other = client.__class__()
    password_login(other, "admin")
    assert "已使用过" in other.post(reverse("two-factor-verify"), {"token": fresh},
                                     follow=True).content.decode()
    actions = list(AuditEvent.objects.filter(object_type="user", object_id=cast.users["admin"].pk,
                                             action__startswith="2fa.").values_list("action", flat=True))
    assert actions.count("2fa.failed") == 2 and actions.count("2fa.verified") == 1


def test_a_recovery_code_works_once(client, cast, office_policy, clock):
    _, codes = enrol(client, "team_member", clock)
    assert len(codes) == 10
    client.post(reverse("logout"))
    password_login(client, "team_member")
    response = client.post(reverse("two-factor-verify"), {"token": codes[0]})
    assert response.status_code == 302 and client.get(reverse("workbench")).status_code == 200
    event = AuditEvent.objects.get(action="2fa.recovery_used")
    assert "剩余 9 个" in event.summary and codes[0] not in event.summary
    client.post(reverse("logout"))
    password_login(client, "team_member")
    client.post(reverse("two-factor-verify"), {"token": codes[0]})
    assert client.get(reverse("workbench")).status_code == 302


@pytest.mark.parametrize("policy, asked", [
    ("off", set()),
    ("office", {"admin", "team_member", "sysadmin", "secadmin", "auditadmin"}),
    ("all", {"admin", "team_member", "sysadmin", "secadmin", "auditadmin", "editor", "leader",
             "supervisor"}),
])
def test_the_setting_decides_who_is_asked(client, cast, settings, policy, asked):
    settings.TWO_FACTOR = policy
    people = ["admin", "team_member", "sysadmin", "secadmin", "auditadmin", "editor", "leader",
              "supervisor"]
    found = set()
    for name in people:
        client.force_login(cast.users[name])
        if client.get(reverse("two-factor")).status_code == 200 and \
                client.get(reverse("workbench")).status_code == 302:
            found.add(name)
        client.logout()
    assert found == asked


def test_a_password_alone_cannot_replace_the_authenticator(client, cast, office_policy, clock):
    enrol(client, "admin", clock)
    client.post(reverse("logout"))
    password_login(client, "admin")
    response = client.get(reverse("two-factor-setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor-verify"))
    assert TOTPDevice.objects.filter(user=cast.users["admin"]).count() == 1


def test_the_django_admin_is_behind_the_second_factor_too(client, cast, office_policy):
    password_login(client, "sysadmin")
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor-setup"))


def test_wrong_codes_slow_down_and_are_recorded(client, cast, settings, clock):
    settings.TWO_FACTOR = "office"
    enrol(client, "admin", clock)
    client.post(reverse("logout"))
    password_login(client, "admin")
    client.post(reverse("two-factor-verify"), {"token": "000000"})
    page = client.post(reverse("two-factor-verify"), {"token": "000001"}, follow=True)
    assert "错误次数过多，请稍等片刻再试" in page.content.decode()
    assert AuditEvent.objects.filter(action="2fa.failed").count() == 2


def test_the_security_administrator_resets_a_lost_authenticator(client, cast, office_policy, clock,
                                                                settings):
    enrol(client, "admin", clock)
    client.post(reverse("logout"))
    admin_staff = Staff.objects.get(user=cast.users["admin"])
    secadmin = client.__class__()
    secadmin.force_login(cast.users["secadmin"])
    # the security administrator gives a second factor before anything else
    secadmin.post(reverse("account-2fa-reset", args=[admin_staff.pk]))
    assert TOTPDevice.objects.filter(user=cast.users["admin"]).exists()
    settings.TWO_FACTOR = "off"  # (as if verified)
    secadmin.post(reverse("account-2fa-reset", args=[admin_staff.pk]))
    assert not TOTPDevice.objects.filter(user=cast.users["admin"]).exists()
    settings.TWO_FACTOR = "office"
    password_login(client, "admin")
    assert client.get(reverse("workbench"))["Location"].startswith(reverse("two-factor-setup"))
    assert AuditEvent.objects.filter(action="2fa.reset", object_id=admin_staff.pk).exists()
