"""Staff pages must not be kept by browsers or proxies; sessions are renewed, not rewritten."""

from __future__ import annotations

import time

from django.conf import settings


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
