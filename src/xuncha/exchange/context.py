"""The 离线交换 nav item, for the roles that hold an exchange action."""

from __future__ import annotations

from xuncha.ledger import permissions


def exchange(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from xuncha.web.context import actor

    current = actor(request)
    return {"can_exchange": permissions.holds(current, "exchange_bundles")
            or permissions.holds(current, "manage_peers")}
