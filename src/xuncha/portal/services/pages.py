"""The portal's cache generation: one number that every portal-visible change raises.

Published pages are cached under (path, generation): a new publication, a published comment
or reply, a rating or a live-progress switch raises it, and every cached page is stale at once.
Each process re-reads the shared number, and looks for newly published notices, at most once
a second.
"""

from __future__ import annotations

import time

from django.core.cache import caches
from django.utils.connection import ConnectionProxy

KEY = "portal:generation"
cache = ConnectionProxy(caches, "portal")  # per thread, like django.core.cache.cache
_local = {"value": None, "read": 0.0}
LOCAL_SECONDS = 1.0


def generation() -> int:
    now = time.monotonic()
    if _local["value"] is None or now - _local["read"] > LOCAL_SECONDS:
        _pick_up_publications()
        value = cache.get(KEY)
        if value is None:
            cache.add(KEY, 1, None)
            value = cache.get(KEY) or 1
        _local.update(value=value, read=now)
    return _local["value"]


def fresh_generation() -> int | None:
    """This process's copy of the generation if it was read within the last second, else None
    (the caller then goes the way that re-reads it). No query, no cache round trip."""
    value, read = _local["value"], _local["read"]
    if value is None or time.monotonic() - read > LOCAL_SECONDS:
        return None
    return value


def _pick_up_publications() -> None:
    """The ledger publishes without knowing the portal: a notice published since the last look
    is indexed here (which raises the generation), at most once a second per process."""
    from contextlib import suppress

    from django.db import IntegrityError

    from xuncha.portal.services import search

    if search.pending():
        with suppress(IntegrityError):  # another server indexed the same notice first
            search.sync()


def bump() -> None:
    """Called inside or after the transaction of a change the public will see."""
    try:
        cache.incr(KEY)
    except ValueError:
        cache.add(KEY, 2, None)
    _local.update(value=None)


def changed() -> None:
    """Raise the generation now and again once the transaction commits: a page rendered by a
    concurrent request between the two (still seeing the old rows) is not kept past the commit."""
    from django.db import transaction

    bump()
    transaction.on_commit(bump)
