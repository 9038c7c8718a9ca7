"""The portal's cache generation: one number that every portal-visible change raises.

Published pages are cached under (path, generation): a new publication, a published comment
or reply, a rating or a live-progress switch raises it, and every cached page is stale at once.
Each process re-reads the shared number at most once a second.
"""

from __future__ import annotations

import time

from django.core.cache import cache

KEY = "portal:generation"
_local = {"value": None, "read": 0.0}
LOCAL_SECONDS = 1.0


def generation() -> int:
    now = time.monotonic()
    if _local["value"] is None or now - _local["read"] > LOCAL_SECONDS:
        value = cache.get(KEY)
        if value is None:
            cache.add(KEY, 1, None)
            value = cache.get(KEY) or 1
        _local.update(value=value, read=now)
    return _local["value"]


def bump() -> None:
    """Called inside or after the transaction of a change the public will see."""
    try:
        cache.incr(KEY)
    except ValueError:
        cache.add(KEY, 2, None)
    _local.update(value=None)
