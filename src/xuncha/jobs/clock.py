"""The jobs' one clock: tests patch `xuncha.jobs.clock.now`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()
