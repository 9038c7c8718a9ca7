"""Lockout per account and address, and a throttle per address, on top of django-axes.

Axes counts failed logins per (username, address) in its AccessAttempt table and refuses an
account at an address once it has XUNCHA_LOCKOUT_FAILURES of them within the cool-off. The
handler below adds the throttle: an address with XUNCHA_THROTTLE_FAILURES failures, whatever
the accounts, is refused as a whole (one machine trying many accounts).
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xuncha.web.context import client_ip


def locked_message() -> str:
    minutes = settings.LOCKOUT_MINUTES
    return (f"登录失败次数过多，账号已锁定 {minutes} 分钟，请稍后再试，"
            "或请安全管理员解锁。")


def throttled_message() -> str:
    return (f"本机登录失败次数过多，{settings.LOCKOUT_MINUTES} 分钟内不能再从本机登录，"
            "请稍后再试。")


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address, all accounts, within the cool-off."""
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    attempts = AccessAttempt.objects.filter(ip_address=address,
                                            attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with the address throttle added to its lock test."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_failures(request) >= settings.THROTTLE_FAILURES


def lockout_response(request: HttpRequest, original_response=None,
                     credentials: dict | None = None) -> HttpResponse:
    """The login page again, saying in Chinese why the login was refused (AXES_LOCKOUT_CALLABLE)."""
    failures = AxesProxyHandler.get_failures(request, credentials)
    account_locked = failures >= settings.AXES_FAILURE_LIMIT
    message = locked_message() if account_locked else throttled_message()
    context = {"refusal": message, "username": get_client_username(request, credentials) or ""}
    return render(request, "web/login.html", context, status=429)
