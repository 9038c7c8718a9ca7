"""Staff pages must not be kept by browsers or proxies; sessions are renewed, not rewritten."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse


class NoStoreMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


RENEW_KEY = "_renewed"  # when the session was last saved, in seconds since the epoch
RENEW_EVERY = 60  # seconds


def now() -> float:
    """The clock of session renewal (the one seam tests move)."""
    return time.time()


class SessionRenewalMiddleware:
    """Keeps the idle timeout without writing the session on every request.

    The session row's expiry moves forward only when the session is saved. Saving it on every
    request (SESSION_SAVE_EVERY_REQUEST) is one write per page view, which on SQLite queues
    every other writer behind it; saving it at most once a minute ends a session between
    idle-1 and idle minutes after the last request instead of exactly at idle.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key is not None and not session.is_empty():
            moment = now()
            last = session.get(RENEW_KEY)
            if not isinstance(last, int | float) or not 0 <= moment - last < RENEW_EVERY:
                session[RENEW_KEY] = int(moment)  # marks it modified: SessionMiddleware saves it
        return self.get_response(request)


# -- absolute session lifetime and password expiry (docs/security.md, "身份鉴别") --
LOGIN_AT_KEY = "_login_at"  # when the session's user logged in, in seconds since the epoch


def start_session_clock(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver (connected in WebConfig.ready): the lifetime starts at login."""
    if hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = int(now())


class SessionLifetimeMiddleware:
    """Ends a session XUNCHA_SESSION_MAX_HOURS after login, however active it has been."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_AT_KEY)
            if not isinstance(started, int | float):  # a session from before this rule
                request.session[LOGIN_AT_KEY] = int(now())
            elif now() - started > settings.SESSION_MAX_SECONDS:
                logout(request)
                hours = settings.SESSION_MAX_SECONDS // 3600
                messages.info(request, f"登录已超过 {hours} 小时，为了安全请重新登录。")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """A person whose password an administrator set, or (with XUNCHA_PASSWORD_MAX_DAYS) whose
    password is older than that, is sent to the change-password page until it is changed.
    The Staff row comes with the user (web.auth.StaffBackend): no query of its own."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not self._exempt(request.path):
            from xuncha.ledger.services.logins import password_expired

            user = getattr(request, "user", None)
            if user is not None and password_expired(user):
                return redirect("password-change")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = (reverse("password-change"), reverse("logout"), settings.STATIC_URL,
                   "/account/2fa/")  # the second factor is given before the password's age counts
        return path.startswith(allowed)
