"""The system's one clock: services, selectors and jobs ask it; tests patch `xuncha.clock.now`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    """The local calendar date (TIME_ZONE) of `now()`."""
    return timezone.localdate(now())
