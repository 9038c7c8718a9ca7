"""Sends a person who must give a second factor (XUNCHA_2FA) to it before any other page.

After the password, the session is logged in but not verified (django-otp's OTPMiddleware
tells which): every page but the second-factor pages, logout and static files redirects to
the code page, or to the enrolment page for a person who has no authenticator yet.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from xuncha.ledger.services import twofactor
from xuncha.web.context import actor

PREFIX = "/account/2fa/"


class SecondFactorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if settings.TWO_FACTOR != "off" and not self._exempt(request.path):
            user = getattr(request, "user", None)
            if (user is not None and user.is_authenticated and not user.is_verified()
                    and twofactor.required_for(actor(request).role)):
                target = "two-factor-verify" if twofactor.enrolled(user) else "two-factor-setup"
                return redirect_to_login(request.get_full_path(), reverse(target))
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        return path.startswith((PREFIX, reverse("logout"), reverse("login"), settings.STATIC_URL))
